// Drop-ins (systemd.unit(5), "Description"; src/shared/dropin.c unit_file_find_dropin_paths() and
// src/basic/conf-files.c conf_files_list_strv() of systemd 252).
// For each unit directory, in the search path's order, systemd looks at `<unit>.d/`, then for an
// instance the template's `<prefix>@.<type>.d/`, then for a dashed name the prefix directories
// (`foo-bar-baz.service` → `foo-bar-.service.d/`, `foo-.service.d/`, each with its own template and
// prefixes, recursively); after all that, `<type>.d/` (e.g. `service.d/`) in every unit directory.
// That list is the priority order. Every `*.conf` file in those directories is then applied in
// order of file name (byte order), whatever its directory; of files with the same name only the
// one from the highest-priority directory is used. A drop-in only adds assignments.
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseUnitFile } from './parse.ts';
import { compareBytes } from './syntax.ts';
import type { UnitFile, UnitSection } from './types.ts';
import { parseUnitName } from '../unit-name.ts';

/**
 * The unit's effective model: the main file's sections, then each drop-in's, in the order given
 * (use orderDropIns). Lookups on it (getValue, getList) then follow systemd: the last assignment
 * wins, an empty assignment in a drop-in resets a list. Problems of all files are kept, with their
 * `file`. The result shares sections and nodes with the inputs: it is for lookups, not for edits
 * or formatting.
 */
export function mergeDropIns(unit: UnitFile, dropIns: readonly UnitFile[]): UnitFile {
  const sections: UnitSection[] = [...unit.sections];
  for (const d of dropIns) sections.push(...d.sections);
  return { ...unit, sections, problems: [...unit.problems, ...dropIns.flatMap((d) => d.problems)] };
}

const VALID_PREFIX = /^[A-Za-z0-9:_.\\-]+$/;

/** unit_file_find_dirs() for one unit directory: `.d` names, highest priority first, without the type-level one. */
function specificDirs(name: string, out: string[]): void {
  if (!out.includes(`${name}.d`)) out.push(`${name}.d`);
  const parsed = parseUnitName(name);
  if (!parsed) return;
  if (parsed.instance !== undefined) specificDirs(`${parsed.prefix}@.${parsed.type}`, out);
  let prefix = parsed.prefix;
  let chopped = false;
  for (;;) {
    const dash = prefix.lastIndexOf('-');
    if (dash <= 0) return; // no dash, or only a leading one
    if (dash + 1 < prefix.length || chopped) {
      prefix = prefix.slice(0, dash + 1);
      break;
    }
    prefix = prefix.slice(0, dash); // a trailing dash is chopped off once
    chopped = true;
  }
  if (!VALID_PREFIX.test(prefix)) return;
  specificDirs(parsed.instance !== undefined ? `${prefix}@${parsed.instance}.${parsed.type}` : `${prefix}.${parsed.type}`, out);
}

/**
 * The `.d` directory names systemd consults for `unitName` within one unit directory, from the
 * LOWEST priority to the highest: the type-level `service.d`, then the prefix and template
 * directories, the unit's own `<unit>.d` last. `foo-bar-baz.service` gives service.d,
 * foo-.service.d, foo-bar-.service.d, foo-bar-baz.service.d; `foo@x.service` gives service.d,
 * foo@.service.d, foo@x.service.d. Across unit directories, see dropInSearchPaths.
 */
export function dropInDirsFor(unitName: string): string[] {
  const specific: string[] = [];
  specificDirs(unitName, specific);
  const parsed = parseUnitName(unitName);
  return [...(parsed ? [`${parsed.type}.d`] : []), ...specific.reverse()];
}

/**
 * Every drop-in directory systemd consults for `unitName`, as full paths, HIGHEST priority first:
 * the unit's own, template and prefix directories of each unit directory in `searchDirs` order
 * (give the highest-priority unit directory first, e.g. /etc/systemd/system before
 * /usr/lib/systemd/system), then the type-level directory of each.
 */
export function dropInSearchPaths(searchDirs: readonly string[], unitName: string): string[] {
  const specific: string[] = [];
  specificDirs(unitName, specific);
  const out: string[] = [];
  for (const dir of searchDirs) for (const d of specific) out.push(join(dir, d));
  const parsed = parseUnitName(unitName);
  if (parsed) for (const dir of searchDirs) out.push(join(dir, `${parsed.type}.d`));
  return out;
}

/**
 * Order drop-in paths as systemd applies them. `paths` must be in priority order, highest first
 * (as listing the directories of dropInSearchPaths in order gives them). Files not ending in
 * `.conf` are left out; files are sorted by file name (byte order, as strcmp); of paths with the
 * same file name only the first (highest-priority) one is kept.
 */
export function orderDropIns(paths: readonly string[]): string[] {
  const byName = new Map<string, string>();
  for (const p of paths) {
    const name = basename(p);
    if (!name.endsWith('.conf')) continue;
    if (!byName.has(name)) byName.set(name, p);
  }
  return [...byName.keys()].sort(compareBytes).map((n) => byName.get(n)!);
}

export interface LoadedUnit {
  /** The effective model: the unit file merged with its drop-ins. */
  unit: UnitFile;
  /** The unit file that was read (for an instance without its own file, the template's). */
  path: string;
  /** The drop-ins applied, in order. */
  dropInPaths: string[];
  /** The unit file is empty or a link to /dev/null: systemd treats the unit as masked. */
  masked: boolean;
}

function isMaskFile(path: string): boolean {
  const st = statSync(path);
  return st.isCharacterDevice() || (st.isFile() && st.size === 0);
}

/**
 * Read `unitName` from the first of `searchDirs` (highest priority first) that has it (for an
 * instance `foo@x.service` without its own file, the template `foo@.service`), and its drop-ins
 * from all of them; return the merged model. Undefined when no directory has the unit.
 * Aliases (other names linking to the same file) and their drop-ins are not considered.
 */
export function loadUnitWithDropIns(searchDirs: readonly string[], unitName: string): LoadedUnit | undefined {
  const parsed = parseUnitName(unitName);
  const names = parsed?.instance !== undefined ? [unitName, `${parsed.prefix}@.${parsed.type}`] : [unitName];
  let path: string | undefined;
  for (const name of names) {
    for (const dir of searchDirs) {
      const p = join(dir, name);
      if (lstatSync(p, { throwIfNoEntry: false })) {
        path = p;
        break;
      }
    }
    if (path) break;
  }
  if (!path) return undefined;
  let masked: boolean;
  try {
    masked = isMaskFile(path);
  } catch {
    masked = true; // a dangling link: systemd cannot load it either
  }
  const main = parseUnitFile(masked ? '' : readFileSync(path, 'utf8'), path);

  // Directories, resolved and deduplicated as conf_files_list_strv() does, in priority order.
  const dirs: string[] = [];
  const seen = new Set<string>();
  for (const d of dropInSearchPaths(searchDirs, unitName)) {
    let real: string;
    try {
      real = realpathSync(d);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    dirs.push(d);
  }
  const candidates: string[] = [];
  for (const d of dirs) {
    try {
      for (const f of readdirSync(d)) candidates.push(join(d, f));
    } catch {
      /* not a readable directory */
    }
  }
  const dropInPaths: string[] = [];
  const dropIns: UnitFile[] = [];
  for (const p of orderDropIns(candidates)) {
    let text: string;
    try {
      text = readFileSync(p, 'utf8');
    } catch {
      continue; // e.g. a directory named *.conf: systemd fails to read it and goes on
    }
    dropInPaths.push(p);
    dropIns.push(parseUnitFile(text, p));
  }
  return { unit: mergeDropIns(main, masked ? [] : dropIns), path, dropInPaths: masked ? [] : dropInPaths, masked };
}

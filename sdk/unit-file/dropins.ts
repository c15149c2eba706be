// Drop-ins (systemd.unit(5), "Description"): `<unit>.d/*.conf` from every unit directory, plus
// the type-level `<type>.d/` and, for dashed names, the prefix directories (`foo-.service.d/`).
// All .conf files are ordered by file name across directories; a file in a directory earlier in
// the search path masks one of the same name later in it. A drop-in only adds assignments.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseUnitFile } from './parse.ts';
import type { UnitFile, UnitSection } from './types.ts';
import { parseUnitName } from '../unit-name.ts';

/** The unit's effective model: the main file's sections, then each drop-in's, in order. */
export function mergeDropIns(unit: UnitFile, dropIns: readonly UnitFile[]): UnitFile {
  const sections: UnitSection[] = [...unit.sections];
  for (const d of dropIns) sections.push(...d.sections);
  return { ...unit, sections, problems: [...unit.problems, ...dropIns.flatMap((d) => d.problems)] };
}

/**
 * `.d` directory names consulted for `unitName`, from the least to the most specific; files in
 * more specific directories do not override by directory but by name (see orderDropIns).
 */
export function dropInDirsFor(unitName: string): string[] {
  const parsed = parseUnitName(unitName);
  if (!parsed) return [`${unitName}.d`];
  const dirs = [`${parsed.type}.d`];
  // Prefix directories: "foo-bar-baz.service" -> "foo-.service.d", "foo-bar-.service.d".
  const parts = parsed.prefix.split('-');
  for (let i = 1; i < parts.length; i++) {
    const p = parts.slice(0, i).join('-');
    if (p !== '') dirs.push(`${p}-.${parsed.type}.d`);
  }
  if (parsed.instance !== undefined) dirs.push(`${parsed.prefix}@.${parsed.type}.d`);
  dirs.push(`${unitName}.d`);
  return dirs;
}

/**
 * Order drop-in paths as systemd applies them: by file name; for equal names the first path
 * (from the highest-priority unit directory) wins and the others are masked.
 */
export function orderDropIns(paths: readonly string[]): string[] {
  const byName = new Map<string, string>();
  for (const p of paths) {
    const name = basename(p);
    if (!name.endsWith('.conf')) continue;
    if (!byName.has(name)) byName.set(name, p);
  }
  return [...byName.keys()].sort().map((n) => byName.get(n)!);
}

/** Read a unit and its drop-ins from `searchDirs` (highest priority first) and merge them. */
export function loadUnitWithDropIns(searchDirs: readonly string[], unitName: string): { unit: UnitFile; dropInPaths: string[] } | undefined {
  let unit: UnitFile | undefined;
  for (const dir of searchDirs) {
    try {
      unit = parseUnitFile(readFileSync(join(dir, unitName), 'utf8'), join(dir, unitName));
      break;
    } catch {
      /* not in this directory */
    }
  }
  if (!unit) return undefined;
  const candidates: string[] = [];
  for (const dir of searchDirs) {
    for (const d of dropInDirsFor(unitName)) {
      try {
        for (const f of readdirSync(join(dir, d))) candidates.push(join(dir, d, f));
      } catch {
        /* no such drop-in directory */
      }
    }
  }
  const dropInPaths = orderDropIns(candidates);
  const dropIns = dropInPaths.map((p) => parseUnitFile(readFileSync(p, 'utf8'), p));
  return { unit: mergeDropIns(unit, dropIns), dropInPaths };
}

// Loads a package directory (portable-service-image layout) into a typed model, or explains
// precisely what is wrong with it. Never throws for bad input: every problem names its file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DROP_IN_NAME, PACKAGE_OS_RELEASE, PACKAGE_UNIT_DIR, type Mode, type Profile } from './contract.ts';
import { parseOsRelease } from './os-release.ts';
import { hasPortablePrefix, parseUnitName } from './unit-name.ts';
import { parseUnitFile } from './unit-file/index.ts';
import type { UnitFile } from './unit-file/types.ts';
import { PackageOsReleaseSchema } from './schema/os-release.ts';
import { schemaProblems } from './schema/issues.ts';
import { walkTree, type TreeEntry } from './digest.ts';
import type { SquashfsImage } from './squashfs.ts';

export interface PackageProblem {
  /** Stable code, shared with the generator's skip reasons and the linter. */
  code: string;
  /** Path relative to the package root (`usr/lib/os-release`), or '' for the package itself. */
  file: string;
  line?: number;
  column?: number;
  message: string;
}

export interface PackageDropIn {
  /** File name inside `<unit>.d/`, e.g. `10-limits.conf`. */
  name: string;
  relPath: string;
  text: string;
  file: UnitFile;
}

export interface PackageUnit {
  name: string;
  /** Path relative to the package root. */
  relPath: string;
  text: string;
  file: UnitFile;
  /** Drop-ins the package ships in `<unit>.d/*.conf`, sorted by name (systemd's order). */
  dropIns: PackageDropIn[];
}

export interface PackageManifest {
  name: string;
  version: string;
  /** Unit-name prefixes (PORTABLE_PREFIXES, default: the name). */
  prefixes: string[];
  /** Default ordering target from COMPOSABLE_TARGET, if any. */
  target?: string;
  mode: Mode;
  profile: Profile;
}

export interface ComposablePackage {
  root: string;
  manifest: PackageManifest;
  osRelease: { relPath: string; text: string; fields: Record<string, string> };
  units: PackageUnit[];
  /** Every entry of the tree; only filled with `{ listFiles: true }` (the generator skips it). */
  files?: TreeEntry[];
}

export interface LoadPackageOptions {
  listFiles?: boolean;
}

export interface LoadPackageResult {
  /** Present when the package is usable: no problem stops it from being generated for. */
  package?: ComposablePackage;
  problems: PackageProblem[];
}

/** Unit types a package may ship (the generator writes the .mount units itself). */
export const PACKAGE_UNIT_TYPES = ['service', 'socket', 'timer', 'path', 'target'] as const;

/**
 * Read access to a package tree, so a directory and a squashfs image load the same way.
 * Paths are relative to the package root.
 */
export interface PackageReader {
  /** Text of a regular file (symlinks followed), undefined when there is none. */
  readText(relPath: string): string | undefined;
  /** Names in a directory with whether each is a directory, file or dangling; undefined when absent. */
  list(relPath: string): { name: string; kind: 'dir' | 'file' | 'missing' }[] | undefined;
}

export function directoryReader(dir: string): PackageReader {
  return {
    readText(rel) {
      try {
        return readFileSync(join(dir, rel), 'utf8');
      } catch {
        return undefined;
      }
    },
    list(rel) {
      let names: string[];
      try {
        names = readdirSync(join(dir, rel));
      } catch {
        return undefined;
      }
      return names.map((name) => {
        const st = statSync(join(dir, rel, name), { throwIfNoEntry: false });
        return { name, kind: !st ? 'missing' : st.isDirectory() ? 'dir' : 'file' };
      });
    },
  };
}

export function imageReader(image: SquashfsImage): PackageReader {
  return {
    readText(rel) {
      return image.readFile(rel)?.toString('utf8');
    },
    list(rel) {
      const entries = image.readDir(rel);
      return entries?.map((e) => ({ name: e.name, kind: e.kind === 'dir' ? 'dir' : e.kind === 'symlink' ? (image.isFile(`${rel}/${e.name}`) ? 'file' : 'missing') : 'file' }));
    },
  };
}

/** Parse and validate os-release text into a manifest (pure). */
export function manifestFromOsRelease(text: string, relPath = PACKAGE_OS_RELEASE): { manifest?: PackageManifest; fields: Record<string, string>; problems: PackageProblem[] } {
  const parsed = parseOsRelease(text, relPath);
  const problems: PackageProblem[] = parsed.problems.map((p) => ({
    code: 'os-release-syntax', file: relPath, line: p.line, column: p.column, message: p.message,
  }));
  const lineOf = (key: string): number | undefined => parsed.entries.find((e) => e.key === key)?.line;
  const checked = PackageOsReleaseSchema.safeParse(parsed.fields);
  if (!checked.success) {
    for (const sp of schemaProblems(checked.error.issues)) {
      const key = sp.path.split(/[.[]/)[0] ?? '';
      const line = key ? lineOf(key) : undefined;
      const message = sp.path
        ? (line === undefined ? `${sp.path} is required: ${sp.message}` : `${sp.path} ${sp.message}`)
        : sp.message;
      problems.push({ code: 'os-release-invalid', file: relPath, line, message });
    }
  }
  if (problems.length > 0 || !checked.success) return { fields: parsed.fields, problems };
  const f = checked.data;
  const prefixes = (f.PORTABLE_PREFIXES ?? '').split(/\s+/).filter(Boolean);
  return {
    fields: parsed.fields,
    problems,
    manifest: {
      name: f.ID,
      version: f.VERSION_ID,
      prefixes: prefixes.length > 0 ? prefixes : [f.ID],
      target: f.COMPOSABLE_TARGET,
      mode: f.COMPOSABLE_MODE ?? 'host',
      profile: f.COMPOSABLE_PROFILE ?? 'default',
    },
  };
}

/** Check that a unit name is one a package may ship under its prefixes. */
export function checkPackageUnitName(name: string, manifest: PackageManifest): string | undefined {
  const parsed = parseUnitName(name);
  if (!parsed) return `"${name}" is not a valid unit name`;
  if (!(PACKAGE_UNIT_TYPES as readonly string[]).includes(parsed.type)) {
    return `unit type .${parsed.type} cannot be shipped in a package; use one of ${PACKAGE_UNIT_TYPES.map((t) => `.${t}`).join(' ')}`;
  }
  if (!manifest.prefixes.some((p) => hasPortablePrefix(name, p))) {
    return `unit "${name}" does not carry the package prefix (${manifest.prefixes.map((p) => `"${p}"`).join(', ')}); rename it to start with "${manifest.prefixes[0]}-" or "${manifest.prefixes[0]}."`;
  }
  return undefined;
}

function readDropIns(reader: PackageReader, unitName: string, problems: PackageProblem[]): PackageDropIn[] {
  const relDir = `${PACKAGE_UNIT_DIR}/${unitName}.d`;
  const listing = reader.list(relDir);
  if (!listing) {
    problems.push({ code: 'unit-unreadable', file: relDir, message: `cannot read ${relDir}/` });
    return [];
  }
  const out: PackageDropIn[] = [];
  for (const name of listing.filter((e) => e.kind === 'file' && e.name.endsWith('.conf')).map((e) => e.name).sort()) {
    const relPath = `${relDir}/${name}`;
    if (name === DROP_IN_NAME) {
      problems.push({ code: 'dropin-reserved', file: relPath, message: `${DROP_IN_NAME} is the name of the drop-in composable generates; rename this file (for example 40-${unitName.split('.')[0]}.conf)` });
      continue;
    }
    const text = reader.readText(relPath);
    if (text === undefined) continue;
    const file = parseUnitFile(text, relPath);
    for (const p of file.problems) problems.push({ code: 'unit-parse-error', file: relPath, line: p.line, column: p.column, message: p.message });
    out.push({ name, relPath, text, file });
  }
  return out;
}

/**
 * Load the package at `dir`. Problems that make it unusable (no os-release, invalid manifest,
 * a unit that does not parse or lacks the prefix) leave `package` undefined.
 */
export function loadPackage(dir: string, options: LoadPackageOptions = {}): LoadPackageResult {
  const rootStat = statSync(dir, { throwIfNoEntry: false });
  if (!rootStat) return { problems: [{ code: 'source-missing', file: '', message: `package directory ${dir} does not exist` }] };
  if (!rootStat.isDirectory()) {
    return { problems: [{ code: 'source-not-directory', file: '', message: `${dir} is not a directory; unpack the artifact or pass the package directory` }] };
  }
  const result = loadPackageFrom(directoryReader(dir), dir);
  if (result.package && options.listFiles) result.package.files = walkTree(dir);
  return result;
}

/** Load a package from any reader (a directory, a squashfs image). `root` names it in the model. */
export function loadPackageFrom(reader: PackageReader, root: string): LoadPackageResult {
  const problems: PackageProblem[] = [];
  const osText = reader.readText(PACKAGE_OS_RELEASE);
  if (osText === undefined) {
    return {
      problems: [{ code: 'os-release-missing', file: PACKAGE_OS_RELEASE, message: `missing ${PACKAGE_OS_RELEASE}; every package needs one with NAME, ID and VERSION_ID (composable init creates it)` }],
    };
  }
  const { manifest, fields, problems: osProblems } = manifestFromOsRelease(osText);
  problems.push(...osProblems);

  const units: PackageUnit[] = [];
  const listing = reader.list(PACKAGE_UNIT_DIR);
  if (!listing) problems.push({ code: 'no-units', file: PACKAGE_UNIT_DIR, message: `missing ${PACKAGE_UNIT_DIR}/; put the package's unit files there` });
  // One listing of the unit directory: its files are units, `<unit>.d` directories their drop-ins.
  const dropInDirs = new Set<string>();
  const unitFiles: string[] = [];
  for (const { name, kind } of [...(listing ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const relPath = `${PACKAGE_UNIT_DIR}/${name}`;
    if (kind === 'missing') problems.push({ code: 'unit-unreadable', file: relPath, message: `${relPath} is a dangling symlink` });
    else if (kind === 'dir') {
      if (name.endsWith('.d')) dropInDirs.add(name.slice(0, -2));
    } else unitFiles.push(name);
  }
  for (const name of unitFiles) {
    const relPath = `${PACKAGE_UNIT_DIR}/${name}`;
    const text = reader.readText(relPath);
    if (text === undefined) {
      problems.push({ code: 'unit-unreadable', file: relPath, message: `cannot read ${relPath}` });
      continue;
    }
    const file = parseUnitFile(text, relPath);
    for (const p of file.problems) {
      problems.push({ code: 'unit-parse-error', file: relPath, line: p.line, column: p.column, message: p.message });
    }
    if (manifest) {
      const nameProblem = checkPackageUnitName(name, manifest);
      if (nameProblem) problems.push({ code: 'unit-prefix', file: relPath, message: nameProblem });
    }
    units.push({ name, relPath, text, file, dropIns: dropInDirs.has(name) ? readDropIns(reader, name, problems) : [] });
  }

  const usable = manifest !== undefined && problems.length === 0;
  const pkg: ComposablePackage | undefined = usable
    ? { root, manifest, osRelease: { relPath: PACKAGE_OS_RELEASE, text: osText, fields }, units }
    : undefined;
  return { package: pkg, problems };
}

// Loads a package directory (portable-service-image layout) into a typed model, or explains
// precisely what is wrong with it. Never throws for bad input: every problem names its file.
import { lstatSync } from 'node:fs';
import { DROP_IN_NAME, PACKAGE_OS_RELEASE, PACKAGE_UNIT_DIR, type Mode, type Profile } from './contract.ts';
import { parseOsRelease } from './os-release.ts';
import { hasPortablePrefix, parseUnitName } from './unit-name.ts';
import { parseUnitFile } from './unit-file/parse.ts';
import type { UnitFile } from './unit-file/types.ts';
import { PackageOsReleaseSchema } from './schema/os-release.ts';
import { schemaProblems } from './schema/issues.ts';
import { PackageTree, type ListedEntry, type PackageLimits, type PackageProblem, type ReadResult, type TreeEntry } from './fs/safe-read.ts';
import { SquashfsError, type SquashfsImage } from './artifact/squashfs.ts';

export type { PackageProblem } from './fs/safe-read.ts';

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
  /** Override the reading limits (tests); default PACKAGE_LIMITS. */
  limits?: Partial<PackageLimits>;
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
 * Paths are relative to the package root. Both follow symlinks only inside the package, refuse
 * anything but regular files and directories, and keep to the package limits; a failure is a
 * problem with its code, never an exception.
 */
export interface PackageReader {
  /** Text of a regular file; `missing` when there is none. */
  readText(relPath: string): ReadResult<string>;
  /** A directory's entries, sorted bytewise; `missing` when there is no such directory. */
  list(relPath: string): ReadResult<ListedEntry[]>;
  /** Whether the path is a regular file (symlinks inside the package followed). */
  isFile(relPath: string): boolean;
}

export function directoryReader(dir: string, limits?: Partial<PackageLimits>): PackageReader {
  return treeReader(new PackageTree(dir, limits));
}

/** A reader over a PackageTree already made (its caches are shared with the caller's other reads). */
export function treeReader(tree: PackageTree): PackageReader {
  return {
    readText: (rel) => tree.readText(rel),
    list: (rel) => tree.list(rel),
    isFile: (rel) => tree.isFile(rel),
  };
}

function imageProblem(e: unknown, rel: string): { ok: false; missing?: boolean; problem: PackageProblem } {
  if (e instanceof SquashfsError) return { ok: false, problem: { code: e.code, file: rel, message: e.message } };
  throw e;
}

export function imageReader(image: SquashfsImage, limits?: Partial<PackageLimits>): PackageReader {
  return {
    readText(rel) {
      try {
        const r = image.readFileChecked(rel, limits);
        return r.ok ? { ok: true, value: r.value.toString('utf8') } : r;
      } catch (e) {
        return imageProblem(e, rel);
      }
    },
    list(rel) {
      try {
        return image.listChecked(rel, limits);
      } catch (e) {
        return imageProblem(e, rel);
      }
    },
    isFile(rel) {
      try {
        return image.isFile(rel);
      } catch {
        return false;
      }
    },
  };
}

/** Parse and validate os-release text into a manifest (pure). */
export function manifestFromOsRelease(
  text: string,
  relPath = PACKAGE_OS_RELEASE,
): { manifest?: PackageManifest; fields: Record<string, string>; problems: PackageProblem[] } {
  const parsed = parseOsRelease(text, relPath);
  const problems: PackageProblem[] = parsed.problems.map((p) => ({
    code: 'os-release-syntax',
    file: relPath,
    line: p.line,
    column: p.column,
    message: p.message,
  }));
  const lineOf = (key: string): number | undefined => parsed.entries.find((e) => e.key === key)?.line;
  const checked = PackageOsReleaseSchema.safeParse(parsed.fields);
  if (!checked.success) {
    for (const sp of schemaProblems(checked.error.issues)) {
      const key = sp.path.split(/[.[]/)[0] ?? '';
      const line = key ? lineOf(key) : undefined;
      const message = sp.path ? (line === undefined ? `${sp.path} is required: ${sp.message}` : `${sp.path} ${sp.message}`) : sp.message;
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
  if (!listing.ok) {
    problems.push(listing.missing ? { code: 'unit-unreadable', file: relDir, message: `cannot read ${relDir}/` } : listing.problem);
    return [];
  }
  const out: PackageDropIn[] = [];
  for (const e of listing.value) {
    if (e.kind === 'unsafe' && e.name.endsWith('.conf')) problems.push(e.problem!);
  }
  for (const name of listing.value.filter((e) => e.kind === 'file' && e.name.endsWith('.conf')).map((e) => e.name)) {
    const relPath = `${relDir}/${name}`;
    if (name === DROP_IN_NAME) {
      problems.push({
        code: 'dropin-reserved',
        file: relPath,
        message: `${DROP_IN_NAME} is the name of the drop-in composable generates; rename this file (for example 40-${unitName.split('.')[0]}.conf)`,
      });
      continue;
    }
    const read = reader.readText(relPath);
    if (!read.ok) {
      problems.push(read.problem);
      continue;
    }
    const text = read.value;
    const file = parseUnitFile(text, relPath);
    for (const p of file.problems)
      problems.push({ code: 'unit-parse-error', file: relPath, line: p.line, column: p.column, message: p.message });
    out.push({ name, relPath, text, file });
  }
  return out;
}

/**
 * Load the package at `dir`. Problems that make it unusable (no os-release, invalid manifest,
 * a unit that does not parse or lacks the prefix) leave `package` undefined.
 */
export function loadPackage(dir: string, options: LoadPackageOptions = {}): LoadPackageResult {
  let rootStat;
  try {
    rootStat = lstatSync(dir, { throwIfNoEntry: false });
  } catch (e) {
    return {
      problems: [
        {
          code: 'source-missing',
          file: '',
          message: `package directory ${dir} cannot be reached (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        },
      ],
    };
  }
  if (!rootStat) return { problems: [{ code: 'source-missing', file: '', message: `package directory ${dir} does not exist` }] };
  if (!rootStat.isDirectory()) {
    return {
      problems: [
        { code: 'source-not-directory', file: '', message: `${dir} is not a directory; unpack the artifact or pass the package directory` },
      ],
    };
  }
  const tree = new PackageTree(dir, options.limits);
  // The tree itself, not directoryReader(dir): its walk() lists the files afterwards.
  const result = loadPackageFrom(treeReader(tree), dir);
  if (result.package && options.listFiles) {
    const walked = tree.walk();
    if (walked.ok) result.package.files = walked.value;
    else return { problems: [...result.problems, walked.problem] };
  }
  return result;
}

/**
 * Everything the package model reads from a package, usable or not: loadPackage refuses a
 * package with any of `problems`, the linter (lint/inputs/package.ts) reports on all of it. One
 * reading for both, so lint sees the units the generator installs.
 */
export interface PackageContents {
  /** The os-release file, when it could be read. */
  osRelease?: { relPath: string; text: string; fields: Record<string, string> };
  /** Present when os-release is valid. */
  manifest?: PackageManifest;
  /** Every unit file in the unit directory that could be read, with its drop-ins. */
  units: PackageUnit[];
  /**
   * `<unit>.d` directories with no unit of that name in the package (read only when asked): the
   * generator never applies them, the linter still checks them.
   */
  strayDropIns: { unit: string; dropIns: PackageDropIn[] }[];
  problems: PackageProblem[];
}

export interface ReadContentsOptions {
  /** Also read the drop-ins of `<unit>.d` directories whose unit the package lacks. */
  strayDropIns?: boolean;
}

/** Read what a package holds from any reader (a directory, a squashfs image), keeping every problem. */
export function readPackageContents(reader: PackageReader, options: ReadContentsOptions = {}): PackageContents {
  const problems: PackageProblem[] = [];
  const contents: PackageContents = { units: [], strayDropIns: [], problems };
  const osRead = reader.readText(PACKAGE_OS_RELEASE);
  if (!osRead.ok) {
    problems.push(
      osRead.missing
        ? {
            code: 'os-release-missing',
            file: PACKAGE_OS_RELEASE,
            message: `missing ${PACKAGE_OS_RELEASE}; every package needs one with NAME, ID and VERSION_ID (composable init creates it)`,
          }
        : osRead.problem,
    );
  } else {
    const { manifest, fields, problems: osProblems } = manifestFromOsRelease(osRead.value);
    problems.push(...osProblems);
    contents.osRelease = { relPath: PACKAGE_OS_RELEASE, text: osRead.value, fields };
    contents.manifest = manifest;
  }
  const { manifest } = contents;

  const listed = reader.list(PACKAGE_UNIT_DIR);
  if (!listed.ok) {
    problems.push(
      listed.missing
        ? { code: 'no-units', file: PACKAGE_UNIT_DIR, message: `missing ${PACKAGE_UNIT_DIR}/; put the package's unit files there` }
        : listed.problem,
    );
  }
  const listing = listed.ok ? listed.value : [];
  // One listing of the unit directory: its files are units, `<unit>.d` directories their drop-ins.
  const dropInDirs = new Set<string>();
  const unitFiles: string[] = [];
  for (const { name, kind, problem } of listing) {
    const relPath = `${PACKAGE_UNIT_DIR}/${name}`;
    if (kind === 'unsafe') problems.push(problem!);
    else if (kind === 'missing') problems.push({ code: 'unit-unreadable', file: relPath, message: `${relPath} is a dangling symlink` });
    else if (kind === 'dir') {
      if (name.endsWith('.d')) dropInDirs.add(name.slice(0, -2));
    } else unitFiles.push(name);
  }
  for (const name of unitFiles) {
    const relPath = `${PACKAGE_UNIT_DIR}/${name}`;
    const read = reader.readText(relPath);
    if (!read.ok) {
      problems.push(read.missing ? { code: 'unit-unreadable', file: relPath, message: `cannot read ${relPath}` } : read.problem);
      continue;
    }
    const text = read.value;
    const file = parseUnitFile(text, relPath);
    for (const p of file.problems) {
      problems.push({ code: 'unit-parse-error', file: relPath, line: p.line, column: p.column, message: p.message });
    }
    if (manifest) {
      const nameProblem = checkPackageUnitName(name, manifest);
      if (nameProblem) problems.push({ code: 'unit-prefix', file: relPath, message: nameProblem });
    }
    contents.units.push({ name, relPath, text, file, dropIns: dropInDirs.has(name) ? readDropIns(reader, name, problems) : [] });
  }
  if (options.strayDropIns) {
    const known = new Set(unitFiles);
    for (const unit of dropInDirs) {
      // Their problems are the linter's to report; they do not make the package unusable.
      if (!known.has(unit)) contents.strayDropIns.push({ unit, dropIns: readDropIns(reader, unit, []) });
    }
  }
  return contents;
}

/** Load a package from any reader (a directory, a squashfs image). `root` names it in the model. */
export function loadPackageFrom(reader: PackageReader, root: string): LoadPackageResult {
  const { osRelease, manifest, units, problems } = readPackageContents(reader);
  // A package whose os-release cannot be read reports only that (its first problem).
  if (!osRelease) return { problems: problems.slice(0, 1) };
  const usable = manifest !== undefined && problems.length === 0;
  const pkg: ComposablePackage | undefined = usable ? { root, manifest, osRelease, units } : undefined;
  return { package: pkg, problems };
}

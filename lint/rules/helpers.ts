// Shared helpers for rules: walking entries, effective values across drop-ins, package files.
import { posix } from 'node:path';
import { openSync, readSync, closeSync } from 'node:fs';
import type { TreeEntry } from '../../sdk/digest.ts';
import { type LookupKind, type PathSource, resolvePath } from '../../sdk/fs/resolve-path.ts';
import type { EntryNode, UnitFile } from '../../sdk/unit-file/types.ts';
import { sectionsFor } from '../directives.ts';
import type { LintPackage, LintUnit, UnitContext } from '../types.ts';
import { EXEC_DIRECTIVES, EXEC_SEARCH_PATH } from '../../sdk/unit-file/exec-search.ts';
import { parseCommandLine, type ExecCommand } from '../../sdk/unit-file/command-line.ts';
import { isElf, readElf, type ElfInfo } from '../../sdk/artifact/elf.ts';
import { PackageTree } from '../../sdk/fs/safe-read.ts';

export interface SectionEntry {
  section: string;
  entry: EntryNode;
}

/** Every assignment of a file, with its section, in file order. */
export function* entriesOf(file: UnitFile, section?: string): Generator<SectionEntry> {
  for (const s of file.sections) {
    if (section !== undefined && s.name !== section) continue;
    for (const node of s.nodes) if (node.type === 'entry') yield { section: s.name, entry: node };
  }
}

/** The unit's own section name (`Service` for a .service). */
export function typeSection(unit: LintUnit): string | undefined {
  return sectionsFor(unit.type)?.[1];
}

/**
 * A unit's main file followed by its drop-ins (package units), in the order systemd reads them.
 * For a drop-in or a loose unit, just that file.
 */
export function unitFiles(ctx: UnitContext): LintUnit[] {
  const { unit, pkg } = ctx;
  if (unit.dropIn || !pkg) return [unit];
  const dropIns = pkg.units.filter((u) => u.dropIn && u.name === unit.name).sort((a, b) => (a.dropIn! < b.dropIn! ? -1 : 1));
  return [unit, ...dropIns];
}

export interface Located {
  unit: LintUnit;
  entry: EntryNode;
}

/** Effective assignments of a list-valued key: an empty assignment resets what came before. */
export function effectiveList(ctx: UnitContext, section: string, key: string): Located[] {
  let out: Located[] = [];
  for (const unit of unitFiles(ctx)) {
    for (const { entry } of entriesOf(unit.parsed, section)) {
      if (entry.key !== key) continue;
      if (entry.value === '') out = [];
      else out.push({ unit, entry });
    }
  }
  return out;
}

/** Effective assignment of a single-valued key: the last one wins. */
export function effectiveValue(ctx: UnitContext, section: string, key: string): Located | undefined {
  let last: Located | undefined;
  for (const unit of unitFiles(ctx)) {
    for (const { entry } of entriesOf(unit.parsed, section)) if (entry.key === key) last = { unit, entry };
  }
  return last;
}

/** systemd's parse_boolean(), from the SDK. */
export { parseBoolean as parseBool } from '../../sdk/unit-file/values.ts';

// --- Package files ---------------------------------------------------------------------------

export function fileMap(pkg: LintPackage): Map<string, TreeEntry> {
  const cached = (pkg as { _fileMap?: Map<string, TreeEntry> })._fileMap;
  if (cached) return cached;
  const map = new Map(pkg.files.map((f) => [f.relPath, f]));
  (pkg as { _fileMap?: Map<string, TreeEntry> })._fileMap = map;
  return map;
}

export type Resolved =
  | { kind: 'found'; relPath: string; entry: TreeEntry; via: string[] }
  | { kind: 'missing'; relPath: string }
  | { kind: 'escapes'; relPath: string; target: string; absolute: boolean }
  | { kind: 'loop'; relPath: string };

/** A lint package's file list as resolvePath looks it up; `via` collects the links it met. */
class FileListSource implements PathSource<TreeEntry, never> {
  value: TreeEntry | undefined;
  error: undefined;
  readonly via: string[] = [];
  private target = '';
  constructor(readonly files: Map<string, TreeEntry>) {}

  lookup(path: string): LookupKind {
    const entry = this.files.get(path);
    if (!entry) return 'missing';
    if (entry.type === 'symlink') {
      this.via.push(path);
      this.target = entry.linkTarget ?? '';
      return 'symlink';
    }
    this.value = entry;
    return entry.type === 'dir' ? 'dir' : entry.type === 'file' ? 'file' : 'other';
  }

  readLink(): string {
    return this.target;
  }
}

/**
 * Resolve a package-relative path component by component, following symlinks inside the
 * package, with the walk the generator uses (sdk/fs/resolve-path.ts: same hop limit, `..` after
 * a link steps back from the link's target, not from the link). `absoluteInside` treats absolute
 * link targets as relative to the package root (chroot mode, portable images); otherwise they
 * point into the container and escape the package.
 */
export function resolveInPackage(pkg: LintPackage, relPath: string, absoluteInside: boolean): Resolved {
  const source = new FileListSource(fileMap(pkg));
  const r = resolvePath(source, relPath, {
    absolute: absoluteInside ? 'from-root' : 'refuse',
    aboveRoot: 'refuse',
    throughFile: 'lookup',
  });
  if (r.ok) {
    const entry = source.files.get(r.path);
    if (!entry) return { kind: 'missing', relPath };
    return { kind: 'found', relPath: r.path, entry, via: source.via };
  }
  switch (r.reason) {
    case 'above-root':
      return { kind: 'escapes', relPath, target: relPath, absolute: false };
    case 'absolute':
      return { kind: 'escapes', relPath, target: r.target, absolute: true };
    case 'loop':
      return { kind: 'loop', relPath };
    default:
      return { kind: 'missing', relPath };
  }
}

/** How much of a package file readHead keeps: enough for every rule's ELF or #! check. */
const HEAD_BYTES = 256;
/**
 * What the rules have read of each package's files, per package object (one lint run's view of
 * it): a program named by a unit is looked at by exec-format, elf-linkage, interpreter and
 * node-mdwe in turn, and each of them opening it again cost more than the checks themselves.
 */
const heads = new WeakMap<LintPackage, Map<string, Buffer>>();
const elfs = new WeakMap<LintPackage, Map<string, ElfInfo | undefined>>();

function cacheOf<T>(caches: WeakMap<LintPackage, Map<string, T>>, pkg: LintPackage): Map<string, T> {
  let cache = caches.get(pkg);
  if (!cache) caches.set(pkg, (cache = new Map()));
  return cache;
}

/** The first `n` bytes of a package file (the first 256 read once per package; do not modify them); empty when it cannot be read. */
export function readHead(pkg: LintPackage, relPath: string, n = HEAD_BYTES): Buffer {
  if (n > HEAD_BYTES) return readFileHead(posix.join(pkg.root, relPath), n);
  const cache = cacheOf(heads, pkg);
  let head = cache.get(relPath);
  if (head === undefined) cache.set(relPath, (head = readFileHead(posix.join(pkg.root, relPath), HEAD_BYTES)));
  return head.subarray(0, n);
}

function readFileHead(path: string, n: number): Buffer {
  const buf = Buffer.alloc(n);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const read = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, read);
  } catch {
    return Buffer.alloc(0);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const trees = new WeakMap<LintPackage, PackageTree>();

/**
 * The UTF-8 text of a package file through the SDK's safe reader (symlinks followed only inside
 * the package, regular files only, the package's text limits), or undefined when it cannot be read.
 */
export function readPackageText(pkg: LintPackage, relPath: string): string | undefined {
  let tree = trees.get(pkg);
  if (!tree) trees.set(pkg, (tree = new PackageTree(pkg.root)));
  const r = tree.readText(relPath);
  return r.ok ? r.value : undefined;
}

/** ELF header of a package file (undefined when it is not ELF), read once per package. */
export function packageElf(pkg: LintPackage, relPath: string): ElfInfo | undefined {
  const cache = cacheOf(elfs, pkg);
  if (cache.has(relPath)) return cache.get(relPath);
  // A file whose head is not ELF is not opened again.
  const elf = isElf(readHead(pkg, relPath, 4)) ? readElf(posix.join(pkg.root, relPath)) : undefined;
  cache.set(relPath, elf);
  return elf;
}

/** Exec*= directives per section: the generator's (service, socket) plus mount and swap units'. */
export const EXEC_KEYS: Record<string, readonly string[]> = {
  ...EXEC_DIRECTIVES,
  Mount: ['ExecMount', 'ExecUnmount', 'ExecRemount'],
  Swap: ['ExecActivate', 'ExecDeactivate'],
};

export { EXEC_SEARCH_PATH };

/** Each parsed command of every non-empty Exec*= assignment of a unit (unparsable ones skipped). */
export function* execCommandsOf(file: UnitFile): Generator<{ section: string; entry: EntryNode; cmd: ExecCommand }> {
  for (const { section, entry } of entriesOf(file)) {
    if (!EXEC_KEYS[section]?.includes(entry.key) || entry.value === '') continue;
    const parsed = parseCommandLine(entry.value);
    if (!parsed.ok) continue;
    for (const cmd of parsed.commands) yield { section, entry, cmd };
  }
}

/** Standard system paths a container provides programs from. */
export const STANDARD_DIRS = [
  '/usr/local/sbin/',
  '/usr/local/bin/',
  '/usr/sbin/',
  '/usr/bin/',
  '/sbin/',
  '/bin/',
  '/usr/lib/',
  '/lib/',
  '/usr/libexec/',
];

/** Effective mode of a package: from the manifest, else os-release text, else host. */
export function packageMode(pkg: LintPackage | undefined): 'host' | 'chroot' {
  const m = pkg?.manifest?.mode ?? pkg?.osRelease?.fields.COMPOSABLE_MODE;
  return m === 'chroot' ? 'chroot' : 'host';
}

export function packageProfile(pkg: LintPackage | undefined): string {
  return pkg?.manifest?.profile ?? pkg?.osRelease?.fields.COMPOSABLE_PROFILE ?? 'default';
}

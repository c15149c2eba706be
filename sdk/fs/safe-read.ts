// The one way composable reads a package tree on disk: the generator, lint, inspect, pack and the
// digest all go through `PackageTree`. A package is untrusted input (another team's build, or a
// careless one), so reading it must never block, never leave it, and never cost more than the
// limits below:
// - only regular files and directories are opened; a FIFO, socket or device is refused from its
//   lstat, and files are opened O_NOFOLLOW|O_NONBLOCK and checked again with fstat (no race turns
//   an open into a blocking one);
// - symlinks are resolved by hand, one component at a time, and followed only while they stay
//   inside the package (relative targets, never above the package root); loops, absolute targets
//   and paths through a regular file are problems, not exceptions;
// - bytes per file, text bytes per package, bytes per package, depth and entry count are capped.
// Every failure is a `PackageProblem` (code, file, message); nothing here throws for bad input.
// It lives in sdk/fs/ because it is the SDK's filesystem edge; sdk/package.ts and sdk/digest.ts
// keep their pure parts and call it.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  opendirSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  type Stats,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { normalize } from 'node:path';
import { type PathSource, type ResolveOptions, resolvePath, SYMLINK_HOP_LIMIT } from './resolve-path.ts';

export interface PackageProblem {
  /** Stable code, shared with the generator's skip reasons and the linter. */
  code: string;
  /** Path relative to the package root (`usr/lib/os-release`), or '' for the package itself. */
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/** The limits every reader of a package enforces (documented in docs/contract.md, "Threat model"). */
export interface PackageLimits {
  /** A text file read whole: os-release, a unit file, a drop-in. */
  textFileBytes: number;
  /** All text files read from one package together (os-release, units, drop-ins). */
  packageTextBytes: number;
  /** One file hashed, packed or extracted (binaries included). */
  fileBytes: number;
  /** All regular files of one package together (digest, pack, extraction). */
  packageBytes: number;
  /** Path components below the package root. */
  depth: number;
  /** Entries (files, directories, symlinks) in one package; also in one directory. */
  entries: number;
  /** Symlinks followed while resolving one path (SYMLINK_HOP_LIMIT, the kernel's own limit, by default). */
  symlinkHops: number;
  /** metadata.json. */
  metadataBytes: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const PACKAGE_LIMITS: Readonly<PackageLimits> = Object.freeze({
  textFileBytes: 1 * MiB,
  packageTextBytes: 64 * MiB,
  fileBytes: 2 * GiB,
  packageBytes: 8 * GiB,
  depth: 64,
  entries: 100_000,
  symlinkHops: SYMLINK_HOP_LIMIT,
  metadataBytes: 16 * MiB,
});

export type ReadResult<T> = { ok: true; value: T } | { ok: false; missing?: boolean; problem: PackageProblem };

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

export interface TreeEntry {
  relPath: string;
  type: EntryType;
  /** Permission bits incl. setuid/setgid/sticky (mode & 0o7777). */
  mode: number;
  size: number;
  linkTarget?: string;
}

export interface ListedEntry {
  name: string;
  /** What the entry is once symlinks inside the package are followed. */
  kind: 'file' | 'dir' | 'missing' | 'unsafe';
  /** Why an `unsafe` entry cannot be read. */
  problem?: PackageProblem;
}

/** What a path inside the package resolves to. */
export interface Resolved {
  /** The path with every symlink followed, relative to the package root. */
  rel: string;
  kind: 'file' | 'dir';
}

/** See PackageTree.names: directories up to this size are read with one readdir call. */
const SMALL_DIRECTORY_BYTES = 64 * 1024;

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;
const CHUNK = 1 * MiB;

/** @internal node's Stats: not in the published declarations, which compile without @types/node. */
export function typeOf(st: Stats): EntryType {
  return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
}

function specialName(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file or directory';
}

/** A special file met while resolving `rel` (at `at`): a package holds none. */
function specialProblem(rel: string, at: string, st: Stats): { ok: false; problem: PackageProblem } {
  return problem('file-special', rel, `${at} is ${specialName(st)}; a package holds only regular files, directories and symbolic links`);
}

/** What PackageTree's lookups report to resolvePath: a failed lstat, or a link that could not be read. */
type TreeLookupError = { ok: false; missing?: boolean; problem: PackageProblem } | typeof LINK_UNREADABLE;
const LINK_UNREADABLE = 'link-unreadable';

function sizeText(n: number): string {
  return n >= GiB ? `${n / GiB} GiB` : n >= MiB ? `${n / MiB} MiB` : `${n} bytes`;
}

const problem = (code: string, file: string, message: string): { ok: false; problem: PackageProblem } => ({
  ok: false,
  problem: { code, file, message },
});

/** Bytewise order of relative paths (what the digest and tar use). */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A package tree rooted at a directory the caller has already resolved and trusts as the root.
 * Every path given to it is relative to that root, with `/` separators.
 */
export class PackageTree {
  readonly root: string;
  readonly limits: Readonly<PackageLimits>;
  private textRead = 0;

  /** `root` normalised once, without a trailing slash (unless it is `/`). */
  private readonly base: string;

  constructor(root: string, limits: Partial<PackageLimits> = {}) {
    this.root = root;
    this.limits = { ...PACKAGE_LIMITS, ...limits };
    const base = normalize(root);
    this.base = base.length > 1 && base.endsWith('/') ? base.slice(0, -1) : base;
    this.walkOptions = { absolute: 'refuse', aboveRoot: 'refuse', throughFile: 'refuse', hopLimit: this.limits.symlinkHops };
  }

  /**
   * The host path of a relative path. Concatenated, not path.join'ed: callers pass paths built
   * from single components (no `.`, `..` or empty parts), and normalising each again cost the
   * generator more than its lstat calls (a CPU profile at 500 packages).
   */
  private abs(rel: string): string {
    if (rel === '') return this.base;
    return this.base === '/' ? `/${rel}` : `${this.base}/${rel}`;
  }

  /**
   * Results of `resolve` by the path asked for; filled by `list` too for entries whose directory
   * entry type already says what they are. As safe to keep as the lstat cache (below).
   */
  private readonly resolved = new Map<string, ReadResult<Resolved>>();

  /** How `resolve` walks: links stay relative and inside the package, never through a file. */
  private readonly walkOptions: ResolveOptions;

  /** The package directory as resolvePath looks it up: the cached lstat of each component. */
  private readonly source: PathSource<Stats, TreeLookupError> = {
    value: undefined,
    error: undefined,
    lookup: (path) => {
      const st = this.lstat(path);
      const source = this.source;
      if (!st.ok) {
        if (st.missing) return 'missing';
        source.error = st;
        return 'error';
      }
      source.value = st.value;
      return st.value.isSymbolicLink() ? 'symlink' : st.value.isDirectory() ? 'dir' : st.value.isFile() ? 'file' : 'other';
    },
    readLink: (path) => {
      try {
        return readlinkSync(this.abs(path));
      } catch {
        this.source.error = LINK_UNREADABLE;
        return undefined;
      }
    },
  };

  /**
   * lstat results by relative path. Resolving a path lstats every component, so without this a
   * package's unit directory would be lstat'd again for every file in it (the generator's hot
   * path). Safe to keep for the reader's life: what is finally opened is checked again on the
   * open descriptor (O_NOFOLLOW, fstat), so a change after the lstat is still refused.
   */
  private readonly stats = new Map<string, ReadResult<Stats>>();

  private lstat(rel: string): ReadResult<Stats> {
    let r = this.stats.get(rel);
    if (r === undefined) {
      r = this.lstatUncached(rel);
      this.stats.set(rel, r);
    }
    return r;
  }

  private lstatUncached(rel: string): ReadResult<Stats> {
    try {
      return { ok: true, value: lstatSync(this.abs(rel)) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        return { ok: false, missing: true, problem: { code: 'path-missing', file: rel, message: `${rel} does not exist` } };
      if (code === 'ENOTDIR')
        return problem('path-through-file', rel, `${rel} leads through a regular file; a file cannot contain other files`);
      return problem('read-error', rel, `cannot read ${rel} (${code ?? 'error'})`);
    }
  }

  /**
   * Follow `rel` inside the package: symlinks are resolved step by step and only while they stay
   * inside. Returns the resolved path and what it is (a regular file or a directory).
   */
  resolve(rel: string): ReadResult<Resolved> {
    let r = this.resolved.get(rel);
    if (r === undefined) {
      r = this.resolveUncached(rel);
      this.resolved.set(rel, r);
    }
    return r;
  }

  private resolveUncached(rel: string): ReadResult<Resolved> {
    const r = resolvePath(this.source, rel, this.walkOptions);
    if (!r.ok) {
      switch (r.reason) {
        case 'above-root':
          return problem(
            'symlink-outside',
            rel,
            `${rel} resolves through a symbolic link to a path above the package root; links the generator ` +
              `reads through must stay inside the package`,
          );
        case 'missing':
          return {
            ok: false,
            missing: true,
            problem: {
              code: 'path-missing',
              file: rel,
              message: r.path === rel ? `${rel} does not exist` : `${rel} does not exist (${r.path} is missing)`,
            },
          };
        case 'error':
          return r.error === LINK_UNREADABLE ? problem('read-error', rel, `cannot read the symbolic link ${r.path}`) : r.error;
        case 'loop':
          return problem(
            'symlink-loop',
            rel,
            `${rel}: more than ${this.limits.symlinkHops} symbolic links while resolving it (a loop?); fix the links`,
          );
        case 'absolute':
          return problem(
            'symlink-outside',
            rel,
            `${r.path} is an absolute symbolic link (${JSON.stringify(r.target)}); the generator only ` +
              `follows relative links that stay inside the package`,
          );
        case 'through-file':
          if (!r.value.isFile()) return specialProblem(rel, r.path, r.value);
          return problem('path-through-file', rel, `${rel} leads through ${r.path}, which is a regular file, not a directory`);
      }
    }
    let stat: Stats;
    if (r.lookedUp) {
      stat = r.value!;
      if (!stat.isFile() && !stat.isDirectory()) return specialProblem(rel, r.path, stat);
    } else {
      // The package root itself (or a path that came back to it).
      const st = this.lstat('');
      if (!st.ok) return st;
      stat = st.value;
    }
    return { ok: true, value: { rel: r.path, kind: stat.isDirectory() ? 'dir' : 'file' } };
  }

  /** Open a path that lstat said is a regular file; refuses anything else it finds once open. */
  private openRegular(resolvedRel: string, shownAs: string, maxBytes: number): ReadResult<{ fd: number; size: number }> {
    let fd: number;
    try {
      fd = openSync(this.abs(resolvedRel), OPEN_FLAGS);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ELOOP: the entry became a symlink after it was checked.
      return problem(code === 'ELOOP' ? 'symlink-outside' : 'read-error', shownAs, `cannot open ${shownAs} (${code ?? 'error'})`);
    }
    const st = fstatSync(fd);
    if (!st.isFile()) {
      closeSync(fd);
      return problem('file-special', shownAs, `${shownAs} is ${specialName(st)}; only regular files are read`);
    }
    if (st.size > maxBytes) {
      closeSync(fd);
      return problem('file-too-large', shownAs, `${shownAs} is ${st.size} bytes, over the limit of ${sizeText(maxBytes)} for this file`);
    }
    return { ok: true, value: { fd, size: st.size } };
  }

  /**
   * The bytes of a regular file at `rel` (symlinks inside the package followed), at most `maxBytes`.
   * @internal A Buffer: not in the published declarations, which compile without @types/node.
   */
  readBytes(rel: string, maxBytes = this.limits.textFileBytes): ReadResult<Buffer> {
    const r = this.resolve(rel);
    if (!r.ok) return r;
    if (r.value.kind !== 'file') return problem('not-a-file', rel, `${rel} is a directory, not a file`);
    // The size checks use the descriptor's fstat (openRegular): a file listed from its directory
    // entry was never lstat'd, and the open file is what is read anyway.
    const open = this.openRegular(r.value.rel, rel, maxBytes);
    if (!open.ok) return open;
    const { fd, size } = open.value;
    if (this.textRead + size > this.limits.packageTextBytes) {
      closeSync(fd);
      return problem(
        'package-too-large',
        rel,
        `reading ${rel} would take the text read from this package over ${sizeText(this.limits.packageTextBytes)}; ship fewer or smaller unit files`,
      );
    }
    try {
      const buf = Buffer.alloc(size);
      let have = 0;
      while (have < size) {
        const n = readSync(fd, buf, have, size - have, have);
        if (n === 0) break;
        have += n;
      }
      this.textRead += have;
      return { ok: true, value: have === size ? buf : buf.subarray(0, have) };
    } catch (e) {
      return problem('read-error', rel, `cannot read ${rel} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    } finally {
      closeSync(fd);
    }
  }

  /** The UTF-8 text of a regular file, read as `readBytes` does. */
  readText(rel: string, maxBytes = this.limits.textFileBytes): ReadResult<string> {
    const r = this.readBytes(rel, maxBytes);
    return r.ok ? { ok: true, value: r.value.toString('utf8') } : r;
  }

  /** Whether `rel` is a regular file once symlinks inside the package are followed. */
  isFile(rel: string): boolean {
    const r = this.resolve(rel);
    return r.ok && r.value.kind === 'file';
  }

  /**
   * Stream a regular file at `rel` (taken literally: a walk entry, no symlink followed) in chunks,
   * at most `limits.fileBytes`.
   * @internal A Buffer: not in the published declarations, which compile without @types/node.
   */
  streamFile(rel: string, onChunk: (chunk: Buffer) => void): ReadResult<number> {
    const st = this.lstat(rel);
    if (!st.ok) return st;
    if (!st.value.isFile()) return problem('file-special', rel, `${rel} is not a regular file`);
    const open = this.openRegular(rel, rel, this.limits.fileBytes);
    if (!open.ok) return open;
    const { fd } = open.value;
    const buf = Buffer.allocUnsafe(CHUNK);
    let total = 0;
    try {
      for (;;) {
        const n = readSync(fd, buf, 0, CHUNK, total);
        if (n === 0) break;
        total += n;
        if (total > this.limits.fileBytes)
          return problem('file-too-large', rel, `${rel} grew over the limit of ${sizeText(this.limits.fileBytes)} while it was read`);
        onChunk(buf.subarray(0, n));
      }
      return { ok: true, value: total };
    } catch (e) {
      return problem('read-error', rel, `cannot read ${rel} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    } finally {
      closeSync(fd);
    }
  }

  /** Hex sha256 of a regular file (see `streamFile`). */
  hashFile(rel: string): ReadResult<string> {
    const h = createHash('sha256');
    const r = this.streamFile(rel, (c) => h.update(c));
    return r.ok ? { ok: true, value: h.digest('hex') } : r;
  }

  /**
   * Read a whole regular file (walk entry, literal path) into memory, within `limits.fileBytes`.
   * @internal A Buffer: not in the published declarations, which compile without @types/node.
   */
  readWhole(rel: string): ReadResult<Buffer> {
    const parts: Buffer[] = [];
    const r = this.streamFile(rel, (c) => parts.push(Buffer.from(c)));
    return r.ok ? { ok: true, value: Buffer.concat(parts) } : r;
  }

  /**
   * Names in a directory (iterated, never more than `limits.entries`), unsorted, with the type
   * the directory entry gives (DT_REG, DT_DIR...; `unknown` where the filesystem gives none).
   */
  private names(rel: string): ReadResult<{ name: string; type: 'file' | 'dir' | 'unknown' }[]> {
    // A directory whose size (from the lstat that resolved it) says it is small is read in one
    // call: node's Dir costs three times as much per directory, and a package's unit directory is
    // read at every boot. Larger ones are iterated so the entry limit stops the reading itself.
    // (An overlayfs directory reports the size of its top layer only.) A directory known only from
    // its parent's entry is lstat'd here: one call, where node's Dir costs an open, a close and two
    // promisified functions per directory (a third of a lint run's listing time over 200 packages).
    const known = this.lstat(rel);
    if (known.ok && known.value.isDirectory() && known.value.size <= SMALL_DIRECTORY_BYTES) {
      try {
        const names: { name: string; type: 'file' | 'dir' | 'unknown' }[] = [];
        for (const d of readdirSync(this.abs(rel), { withFileTypes: true })) {
          names.push({ name: d.name, type: d.isFile() ? 'file' : d.isDirectory() ? 'dir' : 'unknown' });
        }
        if (names.length > this.limits.entries) {
          return problem('too-many-entries', rel, `${rel || 'the package root'} has more than ${this.limits.entries} entries`);
        }
        return { ok: true, value: names };
      } catch {
        /* read again below, which reports the error */
      }
    }
    let dir;
    try {
      dir = opendirSync(this.abs(rel));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        return { ok: false, missing: true, problem: { code: 'path-missing', file: rel, message: `${rel} does not exist` } };
      return problem('read-error', rel, `cannot list ${rel || 'the package root'} (${code ?? 'error'})`);
    }
    const names: { name: string; type: 'file' | 'dir' | 'unknown' }[] = [];
    try {
      for (let d = dir.readSync(); d !== null; d = dir.readSync()) {
        if (names.length >= this.limits.entries) {
          return problem('too-many-entries', rel, `${rel || 'the package root'} has more than ${this.limits.entries} entries`);
        }
        names.push({ name: d.name, type: d.isFile() ? 'file' : d.isDirectory() ? 'dir' : 'unknown' });
      }
      return { ok: true, value: names };
    } catch (e) {
      return problem('read-error', rel, `cannot list ${rel || 'the package root'} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    } finally {
      dir.closeSync();
    }
  }

  /**
   * A directory's entries (symlinks inside the package followed), sorted bytewise. An entry that
   * cannot be read safely is listed as `unsafe` with its problem; a dangling link as `missing`.
   * A regular file or directory is known from its directory entry without an lstat (the type
   * comes from the same getdents call, so it is as current as an lstat would be; what is opened is
   * checked again on the descriptor). Links and entries of unknown type are resolved.
   */
  list(rel: string): ReadResult<ListedEntry[]> {
    const dir = this.resolve(rel);
    if (!dir.ok) return dir;
    if (dir.value.kind !== 'dir') return problem('path-through-file', rel, `${rel} is a file, not a directory`);
    const names = this.names(dir.value.rel);
    if (!names.ok) return names;
    const out: ListedEntry[] = [];
    const at = dir.value.rel;
    for (const { name, type } of names.value.sort((a, b) => comparePaths(a.name, b.name))) {
      const path = rel === '' ? name : `${rel}/${name}`;
      if (type !== 'unknown' && !this.resolved.has(path)) {
        this.resolved.set(path, { ok: true, value: { rel: at === '' ? name : `${at}/${name}`, kind: type } });
        out.push({ name, kind: type });
        continue;
      }
      const r = this.resolve(path);
      if (r.ok) out.push({ name, kind: r.value.kind });
      else if (r.missing) out.push({ name, kind: 'missing' });
      else out.push({ name, kind: 'unsafe', problem: r.problem });
    }
    return { ok: true, value: out };
  }

  /**
   * Every entry below the root, sorted by path (bytewise), symlinks recorded and not followed.
   * Iterative (no recursion), within the depth, entry and byte limits. An entry for which `skip`
   * returns true is neither listed nor descended into, nor counted against the limits (`pack`
   * leaves `.git/` and `node_modules/` out without reading them).
   */
  walk(skip?: (entry: TreeEntry) => boolean): ReadResult<TreeEntry[]> {
    const out: TreeEntry[] = [];
    const dirs: string[] = [''];
    let bytes = 0;
    while (dirs.length > 0) {
      const rel = dirs.pop()!;
      const names = this.names(rel);
      if (!names.ok) return names;
      for (const { name } of names.value) {
        const relPath = rel ? `${rel}/${name}` : name;
        if (out.length >= this.limits.entries) {
          return problem('too-many-entries', '', `the package has more than ${this.limits.entries} entries (files, directories and links)`);
        }
        const st = this.lstat(relPath);
        if (!st.ok) return st;
        const type = typeOf(st.value);
        const entry: TreeEntry = { relPath, type, mode: st.value.mode & 0o7777, size: type === 'file' ? st.value.size : 0 };
        if (skip?.(entry)) continue;
        if (type === 'file') {
          if (st.value.size > this.limits.fileBytes)
            return problem(
              'file-too-large',
              relPath,
              `${relPath} is ${st.value.size} bytes, over the limit of ${sizeText(this.limits.fileBytes)} per file`,
            );
          bytes += st.value.size;
          if (bytes > this.limits.packageBytes)
            return problem('package-too-large', relPath, `the package's files add up to more than ${sizeText(this.limits.packageBytes)}`);
        }
        if (type === 'symlink') {
          try {
            entry.linkTarget = readlinkSync(this.abs(relPath));
          } catch {
            return problem('read-error', relPath, `cannot read the symbolic link ${relPath}`);
          }
        }
        out.push(entry);
        if (type === 'dir') {
          if (relPath.split('/').length >= this.limits.depth) {
            return problem(
              'tree-too-deep',
              relPath,
              `${relPath.split('/').slice(0, 3).join('/')}/... is nested more than ${this.limits.depth} directories deep`,
            );
          }
          dirs.push(relPath);
        }
      }
    }
    return { ok: true, value: out.sort((a, b) => comparePaths(a.relPath, b.relPath)) };
  }
}

/** Thrown by the few callers that want an exception (CLI commands): carries the problem. */
export class PackageReadError extends Error {
  readonly problem: PackageProblem;
  constructor(p: PackageProblem) {
    super(p.file ? `${p.file}: ${p.message}` : p.message);
    this.name = 'PackageReadError';
    this.problem = p;
  }
}

/** The value, or a `PackageReadError`. */
export function orThrow<T>(r: ReadResult<T>): T {
  if (!r.ok) throw new PackageReadError(r.problem);
  return r.value;
}

/**
 * Read a single file outside a package (metadata.json) the same careful way: never a FIFO or a
 * device, never blocking, never more than `maxBytes`. `path` is a host path; `shownAs` names it.
 * @internal A Buffer: not in the published declarations, which compile without @types/node.
 */
export function readRegularFile(
  path: string,
  shownAs: string,
  maxBytes: number,
  options: { followLink?: boolean } = {},
): ReadResult<Buffer> {
  let fd: number;
  try {
    // The last component is followed only if the caller resolved it (or, for a path a user typed,
    // says so); O_NOFOLLOW refuses a link.
    fd = openSync(path, options.followLink ? OPEN_FLAGS & ~constants.O_NOFOLLOW : OPEN_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      return { ok: false, missing: true, problem: { code: 'path-missing', file: shownAs, message: `${shownAs} does not exist` } };
    if (code === 'ELOOP') return problem('symlink-outside', shownAs, `${shownAs} is a symbolic link; it must be a regular file`);
    return problem('read-error', shownAs, `cannot open ${shownAs} (${code ?? 'error'})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      return problem(
        'file-special',
        shownAs,
        `${shownAs} is ${st.isDirectory() ? 'a directory' : specialName(st)}; it must be a regular file`,
      );
    if (st.size > maxBytes)
      return problem('file-too-large', shownAs, `${shownAs} is ${st.size} bytes, over the limit of ${sizeText(maxBytes)}`);
    const buf = Buffer.alloc(st.size);
    let have = 0;
    while (have < st.size) {
      const n = readSync(fd, buf, have, st.size - have, have);
      if (n === 0) break;
      have += n;
    }
    return { ok: true, value: buf.subarray(0, have) };
  } catch (e) {
    return problem('read-error', shownAs, `cannot read ${shownAs} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    closeSync(fd);
  }
}

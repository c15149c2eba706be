// The content digest of a package: the same for a directory, a tar or a tar.gz of it, because it
// is computed over the tree (paths, types, modes, contents, link targets), not over an archive.
// Owners, groups and mtimes are left out: `composable pack` normalises them anyway.
// Trees are read through the safe package reader (sdk/fs/safe-read.ts): no symlink is followed,
// no FIFO or device is opened, and the package limits hold.
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { orThrow, PackageTree, type PackageLimits, type PackageProblem, type ReadResult, type TreeEntry } from './fs/safe-read.ts';

export type { TreeEntry } from './fs/safe-read.ts';

/**
 * All entries below `root`, sorted by path (bytewise), without following symlinks. Throws a
 * `PackageReadError` (with the problem) when the tree breaks a limit; `walkPackage` returns it.
 */
export function walkTree(root: string, limits?: Partial<PackageLimits>): TreeEntry[] {
  return orThrow(new PackageTree(root, limits).walk());
}

/** The entries of the tree at `root`, or the problem that stops it being read. */
export function walkPackage(root: string, limits?: Partial<PackageLimits>): ReadResult<TreeEntry[]> {
  return new PackageTree(root, limits).walk();
}

/** Digest of a tree given its entries and a way to read a file's bytes. */
export function digestEntries(entries: readonly TreeEntry[], read: (relPath: string) => Uint8Array): string {
  return digestWith(entries, (rel) => ({ ok: true, value: createHash('sha256').update(read(rel)).digest('hex') })) as string;
}

function digestWith(entries: readonly TreeEntry[], hash: (relPath: string) => ReadResult<string>): string | PackageProblem {
  const h = createHash('sha256');
  for (const e of entries) {
    let content = '';
    if (e.type === 'file') {
      const r = hash(e.relPath);
      if (!r.ok) return r.problem;
      content = r.value;
    } else if (e.type === 'symlink') content = e.linkTarget ?? '';
    h.update(`${e.type} ${e.mode.toString(8).padStart(4, '0')} ${e.relPath}\0${content}\n`);
  }
  return `sha256:${h.digest('hex')}`;
}

/** The digest of the package directory `root`, or the problem that stops it being computed. */
export function packageDigestResult(root: string, limits?: Partial<PackageLimits>): ReadResult<string> {
  const tree = new PackageTree(root, limits);
  const entries = tree.walk();
  if (!entries.ok) return entries;
  const d = digestWith(entries.value, (rel) => tree.hashFile(rel));
  return typeof d === 'string' ? { ok: true, value: d } : { ok: false, problem: d };
}

/**
 * `sha256:<hex>` digest of the given entries of the tree at `root` (a selection of its walk, what
 * `pack` ships), through the safe reader; throws `PackageReadError`.
 */
export function entriesDigest(root: string, entries: readonly TreeEntry[], limits?: Partial<PackageLimits>): string {
  const tree = new PackageTree(root, limits);
  const d = digestWith(entries, (rel) => tree.hashFile(rel));
  if (typeof d !== 'string') return orThrow({ ok: false, problem: d });
  return d;
}

/** `sha256:<hex>` content digest of the package directory `root` (throws `PackageReadError`). */
export function packageDigest(root: string, limits?: Partial<PackageLimits>): string {
  return orThrow(packageDigestResult(root, limits));
}

/** `sha256:<hex>` of one file's bytes (the digest of an image source), streamed. */
export function fileDigest(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${path} is not a regular file`);
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(1024 * 1024);
    let pos = 0;
    for (let n = readSync(fd, buf, 0, buf.length, pos); n > 0; n = readSync(fd, buf, 0, buf.length, pos)) {
      h.update(buf.subarray(0, n));
      pos += n;
    }
    return `sha256:${h.digest('hex')}`;
  } finally {
    closeSync(fd);
  }
}

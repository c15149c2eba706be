// Packing a package directory into a reproducible artifact: tar, tar.gz, squashfs or raw (the same
// squashfs under portablectl's image naming), plus a `<artifact>.sha256` line in sha256sum's
// format. Writes are atomic (temporary file, rename). What is packed is `opts.entries` (the
// selection of `pack-selection.ts`), by default the whole tree.
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { entriesDigest, walkTree, type TreeEntry } from '../digest.ts';
import { atomicWriteFile } from '../fs/atomic-write.ts';
import { writeTar } from './tar.ts';

export const ARTIFACT_FORMATS = ['tar', 'tar.gz', 'squashfs', 'raw'] as const;
export type ArtifactFormat = (typeof ARTIFACT_FORMATS)[number];

export class PackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackError';
  }
}

export interface PackResult {
  artifact: string;
  checksumFile: string;
  sha256: string;
  bytes: number;
  entries: number;
  /** The digest of the packed tree (docs/contract.md, "Digest"): what `inspect` of the artifact shows. */
  treeDigest: string;
}

export interface PackOptions {
  /** Seconds since the epoch for every entry (SOURCE_DATE_EPOCH); default 0. */
  mtime?: number;
  /** The entries of `dir` to pack, as `walkTree` lists them (`selectPackage(dir).entries`); default all. */
  entries?: readonly TreeEntry[];
}

/** Fixed squashfs flags: root-owned, no xattrs, every time 0, gzip (what the generator reads). */
export const MKSQUASHFS_FLAGS = ['-noappend', '-all-root', '-no-xattrs', '-comp', 'gzip', '-quiet', '-no-progress'];

/**
 * The artifact's default file name. `raw` follows portablectl's image naming, `NAME_VERSION.raw`:
 * portablectl takes a regular file only with the `.raw` suffix, and derives the unit-name prefix
 * it attaches from the name up to the first `_` (systemd src/portable/portablectl.c,
 * extract_prefix()), so this name attaches the package's units without an explicit match.
 */
export function defaultArtifactName(name: string, version: string, format: ArtifactFormat): string {
  if (format === 'raw') return `${name}_${version}.raw`;
  return `${name}-${version}.${format}`;
}

export async function packPackage(dir: string, out: string, format: ArtifactFormat, opts: PackOptions = {}): Promise<PackResult> {
  const entries = opts.entries ?? walkTree(dir);
  const mtime = opts.mtime ?? 0;
  let bytes: Buffer;
  // raw is a squashfs image like `squashfs`; only its name differs (defaultArtifactName).
  if (format === 'squashfs' || format === 'raw') {
    const which = await execa('mksquashfs', ['-version'], { reject: false, timeout: 10_000 });
    if (which.failed && (which as { code?: string }).code === 'ENOENT') {
      throw new PackError('mksquashfs is not installed; install squashfs-tools (apt-get install squashfs-tools) or use --format tar.gz');
    }
    const tmpDir = mkdtempSync(join(dirname(out), '.composable-pack-'));
    try {
      const tmp = join(tmpDir, basename(out));
      // mksquashfs reads a directory: with a selection, a staging copy holding exactly the entries.
      const source = opts.entries ? stageEntries(dir, entries, join(tmpDir, 'root')) : dir;
      const r = await execa('mksquashfs', [source, tmp, ...MKSQUASHFS_FLAGS, '-all-time', String(mtime), '-mkfs-time', String(mtime)], {
        reject: false,
        timeout: 10 * 60_000,
      });
      if (r.exitCode !== 0) throw new PackError(`mksquashfs failed: ${r.stderr.trim() || r.stdout.trim()}`);
      bytes = readFileSync(tmp);
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  } else {
    const tar = writeTar(dir, entries, { mtime });
    // gzip with a fixed header: no name, mtime 0, so the bytes depend on the content only.
    bytes = format === 'tar.gz' ? gzipSync(tar, { level: 9 }) : tar;
  }
  const treeDigest = entriesDigest(dir, entries);
  atomicWriteFile(out, bytes, { mode: 0o644, fsync: true });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const checksumFile = `${out}.sha256`;
  atomicWriteFile(checksumFile, `${sha256}  ${basename(out)}\n`, { mode: 0o644 });
  return { artifact: out, checksumFile, sha256, bytes: statSync(out).size, entries: entries.length, treeDigest };
}

/**
 * A directory `to` holding the `entries` of `from` with their modes and link targets: files are
 * hard links where the file system allows (no copy of a large package), else copies. The root
 * keeps the mode of `from`, directories get theirs once filled (a 0555 one could not be).
 */
export function stageEntries(from: string, entries: readonly TreeEntry[], to: string): string {
  mkdirSync(to);
  const dirs: TreeEntry[] = [];
  for (const e of entries) {
    const src = join(from, e.relPath);
    const dst = join(to, e.relPath);
    if (e.type === 'dir') {
      mkdirSync(dst);
      dirs.push(e);
    } else if (e.type === 'symlink') symlinkSync(e.linkTarget ?? '', dst);
    else if (e.type === 'file') {
      try {
        linkSync(src, dst);
      } catch {
        copyFileSync(src, dst);
        chmodSync(dst, e.mode);
      }
    }
  }
  for (const d of dirs.reverse()) chmodSync(join(to, d.relPath), d.mode);
  chmodSync(to, statSync(from).mode & 0o7777);
  return to;
}

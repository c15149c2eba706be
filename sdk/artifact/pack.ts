// Packing a package directory into a reproducible artifact: tar, tar.gz, squashfs or raw (the same
// squashfs under portablectl's image naming), plus a `<artifact>.sha256` line in sha256sum's
// format. Writes are atomic (temporary file, rename).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { walkTree } from '../digest.ts';
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

export async function packPackage(dir: string, out: string, format: ArtifactFormat, opts: { mtime?: number } = {}): Promise<PackResult> {
  const entries = walkTree(dir);
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
      const r = await execa('mksquashfs', [dir, tmp, ...MKSQUASHFS_FLAGS, '-all-time', String(mtime), '-mkfs-time', String(mtime)], {
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
  atomicWriteFile(out, bytes, { mode: 0o644, fsync: true });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const checksumFile = `${out}.sha256`;
  atomicWriteFile(checksumFile, `${sha256}  ${basename(out)}\n`, { mode: 0o644 });
  return { artifact: out, checksumFile, sha256, bytes: statSync(out).size, entries: entries.length };
}

// What an artifact is, from its bytes, never its name: the one place that knows the magic numbers
// of the formats a package travels in. The generator asks it which image a store file is, extract
// which reader to use; identify.ts adds OCI archives (a tar listing) for lint and inspect.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A package image or archive, by content. `tar` only with the POSIX/GNU magic at 257. `ext4`
 * (the ext2/3/4 family) is recognised so that readers can say they do not read it.
 */
export type ArtifactFormat = 'tar' | 'tar.gz' | 'squashfs' | 'erofs' | 'ext4';

/** Bytes a caller must read for `formatOfHead` to see every magic it knows (ext4's ends at 1104). */
export const SNIFF_BYTES = 1104;

/**
 * The format whose magic `head` (the first bytes of a file) carries: gzip (1f 8b), squashfs
 * ("hsqs" at 0), erofs (0xE0F5E1E2 little-endian at 1024), tar ("ustar" at 257), ext2/3/4
 * (the superblock at 1024: s_magic 0xEF53 little-endian at +56, s_rev_level 0 or 1 at +76); else
 * undefined. ext4 comes last and takes s_rev_level too: its two magic bytes are the weakest (a
 * tar's data may hold them, and so may UTF-8 text, "S" then U+F000..U+FFFF), the revision's three
 * zero bytes no text file has.
 */
export function formatOfHead(head: Uint8Array): ArtifactFormat | undefined {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'tar.gz';
  if (b.length >= 4 && b.toString('latin1', 0, 4) === 'hsqs') return 'squashfs';
  if (b.length >= 1028 && b.readUInt32LE(1024) === 0xe0f5e1e2) return 'erofs';
  if (b.length >= 262 && b.toString('latin1', 257, 262) === 'ustar') return 'tar';
  if (b.length >= 1104 && b.readUInt16LE(1080) === 0xef53 && b.readUInt32LE(1100) <= 1) return 'ext4';
  return undefined;
}

/**
 * The first `bytes` bytes of a regular file, opened without following a final symlink and without
 * blocking on a FIFO or taking a terminal; undefined when it is not a regular file or unreadable.
 */
export function readHead(path: string, bytes = SNIFF_BYTES): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
    if (!fstatSync(fd).isFile()) return undefined;
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The format of the file at `path` by its content, or undefined (not a regular file, unknown). */
export function sniffFile(path: string): ArtifactFormat | undefined {
  const head = readHead(path);
  return head && formatOfHead(head);
}

/** A directory holding an `oci-layout` file: an OCI image layout (image-spec, "Image Layout"). */
export function isOciLayoutDir(path: string): boolean {
  try {
    return lstatSync(join(path, 'oci-layout')).isFile();
  } catch {
    return false;
  }
}

// A small read-only squashfs 4.0 reader: enough for the generator to read a package image's
// os-release and unit files without mounting it (generators must not mount). It follows the
// on-disk format squashfs-tools writes (superblock, metadata blocks, inode and directory tables,
// data blocks and fragments). Compression: gzip (mksquashfs's default) and uncompressed blocks;
// other compressors are reported, not guessed at.
import { closeSync, openSync, readSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

const MAGIC = 0x73717368; // "hsqs"
const METADATA_SIZE = 8192;
const COMPRESSORS: Record<number, string> = { 1: 'gzip', 2: 'lzma', 3: 'lzo', 4: 'xz', 5: 'lz4', 6: 'zstd' };
const FLAG_COMPRESSOR_OPTIONS = 0x0400;
const NO_FRAGMENT = 0xffffffff;

export class SquashfsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SquashfsError';
  }
}

interface Superblock {
  blockSize: number;
  fragmentCount: number;
  compressor: number;
  rootInode: bigint;
  inodeTable: number;
  directoryTable: number;
  fragmentTable: number;
}

type Inode =
  | { kind: 'dir'; mode: number; block: number; offset: number; size: number }
  | { kind: 'file'; mode: number; blocksStart: number; fragment: number; fragmentOffset: number; size: number; blockSizes: number[] }
  | { kind: 'symlink'; mode: number; target: string }
  | { kind: 'other'; mode: number };

export interface SquashfsEntry {
  name: string;
  kind: Inode['kind'];
  mode: number;
}

export class SquashfsImage {
  private readonly fd: number;
  private readonly sb: Superblock;
  private fragments?: { start: number; size: number }[];

  private constructor(fd: number, sb: Superblock) {
    this.fd = fd;
    this.sb = sb;
  }

  /**
   * Open an image; throws SquashfsError with a clear message for anything it cannot read.
   * `name` is how messages refer to the image (a container path rather than the host's).
   */
  static open(path: string, name = path): SquashfsImage {
    const fd = openSync(path, 'r');
    try {
      const b = Buffer.alloc(96);
      if (readSync(fd, b, 0, 96, 0) < 96 || b.readUInt32LE(0) !== MAGIC) throw new SquashfsError(`${name} is not a squashfs image`);
      const major = b.readUInt16LE(28);
      if (major !== 4) throw new SquashfsError(`${name} is squashfs ${major}.x; only 4.0 is supported`);
      const compressor = b.readUInt16LE(20);
      if (compressor !== 1) {
        throw new SquashfsError(`${name} is compressed with ${COMPRESSORS[compressor] ?? `compressor ${compressor}`}; build it with mksquashfs -comp gzip (composable pack does)`);
      }
      if (b.readUInt16LE(24) & FLAG_COMPRESSOR_OPTIONS) {
        // gzip options only tune compression; reading needs nothing from them.
      }
      const sb: Superblock = {
        blockSize: b.readUInt32LE(12),
        fragmentCount: b.readUInt32LE(16),
        compressor,
        rootInode: b.readBigUInt64LE(32),
        inodeTable: Number(b.readBigUInt64LE(64)),
        directoryTable: Number(b.readBigUInt64LE(72)),
        fragmentTable: Number(b.readBigUInt64LE(80)),
      };
      return new SquashfsImage(fd, sb);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private read(pos: number, len: number): Buffer {
    const b = Buffer.alloc(len);
    const n = readSync(this.fd, b, 0, len, pos);
    if (n < len) throw new SquashfsError(`image truncated at byte ${pos + n}`);
    return b;
  }

  private decompress(data: Buffer, compressed: boolean): Buffer {
    if (!compressed) return data;
    try {
      return inflateSync(data);
    } catch (e) {
      throw new SquashfsError(`corrupt compressed block: ${(e as Error).message}`);
    }
  }

  /** Read one metadata block at `pos`: its uncompressed bytes and the position of the next one. */
  private metadataBlock(pos: number): { data: Buffer; next: number } {
    const header = this.read(pos, 2).readUInt16LE(0);
    const size = header & 0x7fff;
    const data = this.decompress(this.read(pos + 2, size), (header & 0x8000) === 0);
    return { data, next: pos + 2 + size };
  }

  /** `length` bytes of a metadata stream starting `offset` bytes into the block at `pos`. */
  private metadata(pos: number, offset: number, length: number): Buffer {
    const parts: Buffer[] = [];
    let have = 0;
    while (have < length) {
      const { data, next } = this.metadataBlock(pos);
      const chunk = data.subarray(offset, Math.min(data.length, offset + (length - have)));
      parts.push(chunk);
      have += chunk.length;
      offset = 0;
      pos = next;
      if (data.length < METADATA_SIZE && have < length) throw new SquashfsError('metadata ends early');
    }
    return Buffer.concat(parts);
  }

  private inode(ref: bigint): Inode {
    const block = this.sb.inodeTable + Number(ref >> 16n);
    const offset = Number(ref & 0xffffn);
    const type = this.metadata(block, offset, 2).readUInt16LE(0);
    // The fixed part of each inode type; block lists and symlink targets follow it.
    const fixed = ({ 1: 32, 8: 40, 2: 32, 9: 56, 3: 24, 10: 24 } as Record<number, number>)[type] ?? 16;
    const head = this.metadata(block, offset, fixed);
    const mode = head.readUInt16LE(2);
    switch (type) {
      case 1:
        return { kind: 'dir', mode, block: head.readUInt32LE(16), size: head.readUInt16LE(24), offset: head.readUInt16LE(26) };
      case 8:
        return { kind: 'dir', mode, size: head.readUInt32LE(20), block: head.readUInt32LE(24), offset: head.readUInt16LE(34) };
      case 2:
      case 9: {
        const basic = type === 2;
        const blocksStart = basic ? head.readUInt32LE(16) : Number(head.readBigUInt64LE(16));
        const fragment = basic ? head.readUInt32LE(20) : head.readUInt32LE(44);
        const fragmentOffset = basic ? head.readUInt32LE(24) : head.readUInt32LE(48);
        const size = basic ? head.readUInt32LE(28) : Number(head.readBigUInt64LE(24));
        const count = fragment === NO_FRAGMENT ? Math.ceil(size / this.sb.blockSize) : Math.floor(size / this.sb.blockSize);
        const list = this.metadata(block, offset, fixed + 4 * count);
        const blockSizes = Array.from({ length: count }, (_, i) => list.readUInt32LE(fixed + 4 * i));
        return { kind: 'file', mode, blocksStart, fragment, fragmentOffset, size, blockSizes };
      }
      case 3:
      case 10: {
        const len = head.readUInt32LE(20);
        const target = this.metadata(block, offset, 24 + len).subarray(24).toString('utf8');
        return { kind: 'symlink', mode, target };
      }
      default:
        return { kind: 'other', mode };
    }
  }

  private listDir(dir: Extract<Inode, { kind: 'dir' }>): (SquashfsEntry & { ref: bigint })[] {
    // The listing's size counts 3 bytes for the implicit "." and "..".
    const length = dir.size - 3;
    if (length <= 0) return [];
    const data = this.metadata(this.sb.directoryTable + dir.block, dir.offset, length);
    const out: (SquashfsEntry & { ref: bigint })[] = [];
    let p = 0;
    while (p + 12 <= data.length) {
      const count = data.readUInt32LE(p) + 1;
      const start = data.readUInt32LE(p + 4);
      p += 12;
      for (let i = 0; i < count && p + 8 <= data.length; i++) {
        const offset = data.readUInt16LE(p);
        const type = data.readUInt16LE(p + 4);
        const nameSize = data.readUInt16LE(p + 6) + 1;
        const name = data.subarray(p + 8, p + 8 + nameSize).toString('utf8');
        p += 8 + nameSize;
        const kind: Inode['kind'] = type === 1 || type === 8 ? 'dir' : type === 2 || type === 9 ? 'file' : type === 3 || type === 10 ? 'symlink' : 'other';
        out.push({ name, kind, mode: 0, ref: (BigInt(start) << 16n) | BigInt(offset) });
      }
    }
    return out;
  }

  /** Resolve a path inside the image (symlinks followed within the image). */
  private lookup(path: string): Inode | undefined {
    let pending = path.split('/').filter((p) => p !== '' && p !== '.');
    const stack: Inode[] = [this.inode(this.sb.rootInode)];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift()!;
      const cur = stack[stack.length - 1]!;
      if (part === '..') {
        if (stack.length > 1) stack.pop();
        continue;
      }
      if (cur.kind !== 'dir') return undefined;
      const entry = this.listDir(cur).find((e) => e.name === part);
      if (!entry) return undefined;
      const inode = this.inode(entry.ref);
      if (inode.kind === 'symlink') {
        if (++hops > 40) throw new SquashfsError(`too many symbolic links resolving ${path}`);
        if (inode.target.startsWith('/')) stack.length = 1;
        pending = [...inode.target.split('/').filter((p) => p !== '' && p !== '.'), ...pending];
        continue;
      }
      stack.push(inode);
    }
    return stack[stack.length - 1];
  }

  private fragmentEntry(index: number): { start: number; size: number } {
    if (!this.fragments) {
      const count = this.sb.fragmentCount;
      const blocks = Math.ceil((count * 16) / METADATA_SIZE);
      const pointers = this.read(this.sb.fragmentTable, 8 * blocks);
      const table = Buffer.concat(Array.from({ length: blocks }, (_, i) => this.metadataBlock(Number(pointers.readBigUInt64LE(8 * i))).data));
      this.fragments = Array.from({ length: count }, (_, i) => ({ start: Number(table.readBigUInt64LE(16 * i)), size: table.readUInt32LE(16 * i + 8) }));
    }
    const f = this.fragments[index];
    if (!f) throw new SquashfsError(`fragment ${index} is not in the fragment table`);
    return f;
  }

  private dataBlock(pos: number, sizeField: number, expected: number): Buffer {
    const size = sizeField & 0xffffff;
    if (size === 0) return Buffer.alloc(expected); // a sparse block
    return this.decompress(this.read(pos, size), (sizeField & 0x1000000) === 0);
  }

  /** A regular file's bytes, or undefined when the path is not a regular file. */
  readFile(path: string): Buffer | undefined {
    const inode = this.lookup(path);
    if (!inode || inode.kind !== 'file') return undefined;
    const parts: Buffer[] = [];
    let pos = inode.blocksStart;
    for (const s of inode.blockSizes) {
      parts.push(this.dataBlock(pos, s, this.sb.blockSize));
      pos += s & 0xffffff;
    }
    if (inode.fragment !== NO_FRAGMENT) {
      const f = this.fragmentEntry(inode.fragment);
      const block = this.dataBlock(f.start, f.size, this.sb.blockSize);
      parts.push(block.subarray(inode.fragmentOffset, inode.fragmentOffset + (inode.size % this.sb.blockSize)));
    }
    return Buffer.concat(parts).subarray(0, inode.size);
  }

  /** Entries of a directory, or undefined when the path is not a directory. */
  readDir(path: string): SquashfsEntry[] | undefined {
    const inode = this.lookup(path);
    if (!inode || inode.kind !== 'dir') return undefined;
    return this.listDir(inode).map(({ name, kind }) => ({ name, kind, mode: 0 }));
  }

  /** Whether the path is a regular file (symlinks followed). */
  isFile(path: string): boolean {
    return this.lookup(path)?.kind === 'file';
  }
}

// A small read-only squashfs 4.0 reader: enough for the generator to read a package image's
// os-release and unit files without mounting it (generators must not mount). It follows the
// on-disk format squashfs-tools writes (superblock, metadata blocks, inode and directory tables,
// data blocks and fragments). Compression: gzip (mksquashfs's default) and uncompressed blocks;
// other compressors are reported, not guessed at.
// An image is untrusted input: every size it declares is checked against the image's real size
// and the package limits before anything is allocated, decompression never yields more than a
// block, decompressed metadata is cached once under a fixed budget, and symlinks are followed only
// inside the image (as sdk/fs/safe-read.ts does for directories). A few-KB image that declares
// huge sizes costs a few MB at most.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { type PathSource, resolvePath, SYMLINK_HOP_LIMIT } from '../fs/resolve-path.ts';
import { PACKAGE_LIMITS, type ListedEntry, type PackageLimits, type ReadResult } from '../fs/safe-read.ts';

const MAGIC = 0x73717368; // "hsqs"
const METADATA_SIZE = 8192;
const COMPRESSORS: Record<number, string> = { 1: 'gzip', 2: 'lzma', 3: 'lzo', 4: 'xz', 5: 'lz4', 6: 'zstd' };
const FLAG_COMPRESSOR_OPTIONS = 0x0400;
const NO_FRAGMENT = 0xffffffff;
/** Decompressed metadata (inode and directory tables) kept for one image: real packages use far less. */
const METADATA_BUDGET = 64 * 1024 * 1024;
/** One directory's listing; 100 000 entries with long names fit. */
const MAX_LISTING = 32 * 1024 * 1024;
const PATH_MAX = 4096;

export class SquashfsError extends Error {
  /** The skip reason code: `image-corrupt` unless the image breaks a specific rule. */
  readonly code: string;
  constructor(message: string, code = 'image-corrupt') {
    super(message);
    this.name = 'SquashfsError';
    this.code = code;
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
  | {
      kind: 'file';
      mode: number;
      blocksStart: number;
      fragment: number;
      fragmentOffset: number;
      size: number;
      listBlock: number;
      listOffset: number;
    }
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
  private readonly size: number;
  private readonly blocks = new Map<number, { data: Buffer; next: number }>();
  private cached = 0;
  private textRead = 0;

  private constructor(fd: number, sb: Superblock, size: number) {
    this.fd = fd;
    this.sb = sb;
    this.size = size;
  }

  /**
   * Open an image; throws SquashfsError with a clear message for anything it cannot read.
   * `name` is how messages refer to the image (a container path rather than the host's).
   */
  static open(path: string, name = path): SquashfsImage {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new SquashfsError(`${name} is not a regular file`, 'source-unsupported');
      const b = Buffer.alloc(96);
      if (readSync(fd, b, 0, 96, 0) < 96 || b.readUInt32LE(0) !== MAGIC)
        throw new SquashfsError(`${name} is not a squashfs image`, 'source-unsupported');
      const major = b.readUInt16LE(28);
      if (major !== 4) throw new SquashfsError(`${name} is squashfs ${major}.x; only 4.0 is supported`, 'source-unsupported');
      const compressor = b.readUInt16LE(20);
      if (compressor !== 1) {
        throw new SquashfsError(
          `${name} is compressed with ${COMPRESSORS[compressor] ?? `compressor ${compressor}`}; build ` +
            `it with mksquashfs -comp gzip (composable pack does)`,
          'source-unsupported',
        );
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
      const blockLog = b.readUInt16LE(22);
      if (sb.blockSize < 4096 || sb.blockSize > 1024 * 1024 || sb.blockSize !== 2 ** blockLog) {
        throw new SquashfsError(`${name}: block size ${sb.blockSize} is not a power of two between 4 KiB and 1 MiB; the image is corrupt`);
      }
      const bytesUsed = Number(b.readBigUInt64LE(40));
      if (bytesUsed > st.size) throw new SquashfsError(`${name} is truncated: it says it uses ${bytesUsed} bytes but has ${st.size}`);
      for (const [what, at] of [
        ['inode table', sb.inodeTable],
        ['directory table', sb.directoryTable],
      ] as const) {
        if (!(at >= 96 && at < st.size))
          throw new SquashfsError(`${name}: the ${what} starts at byte ${at}, outside the image's ${st.size} bytes; the image is corrupt`);
      }
      return new SquashfsImage(fd, sb, st.size);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private read(pos: number, len: number): Buffer {
    // Nothing beyond the image's real end is ever allocated.
    if (!(pos >= 0 && len >= 0 && pos + len <= this.size))
      throw new SquashfsError(`image truncated: ${len} bytes at ${pos} lie beyond its ${this.size} bytes`);
    const b = Buffer.alloc(len);
    const n = readSync(this.fd, b, 0, len, pos);
    if (n < len) throw new SquashfsError(`image truncated at byte ${pos + n}`);
    return b;
  }

  /** Inflate a block that may hold at most `max` bytes (a metadata block, a data block). */
  private decompress(data: Buffer, compressed: boolean, max: number): Buffer {
    if (data.length > max) throw new SquashfsError(`a block of ${data.length} bytes is larger than its ${max}-byte limit`);
    if (!compressed) return data;
    try {
      return inflateSync(data, { maxOutputLength: max });
    } catch {
      throw new SquashfsError(`a compressed block is corrupt or inflates to more than ${max} bytes`);
    }
  }

  /** Read one metadata block at `pos`: its uncompressed bytes and the position of the next one. */
  private metadataBlock(pos: number): { data: Buffer; next: number } {
    const hit = this.blocks.get(pos);
    if (hit) return hit;
    const header = this.read(pos, 2).readUInt16LE(0);
    const size = header & 0x7fff;
    const data = this.decompress(this.read(pos + 2, size), (header & 0x8000) === 0, METADATA_SIZE);
    this.cached += data.length + 64;
    if (this.cached > METADATA_BUDGET)
      throw new SquashfsError(`the image's inode and directory tables exceed ${METADATA_BUDGET / 1024 / 1024} MiB`, 'package-too-large');
    const block = { data, next: pos + 2 + size };
    this.blocks.set(pos, block);
    return block;
  }

  /** `length` bytes of a metadata stream starting `offset` bytes into the block at `pos`. */
  private metadata(pos: number, offset: number, length: number): Buffer {
    if (length > MAX_LISTING)
      throw new SquashfsError(`a table entry declares ${length} bytes, over the ${MAX_LISTING}-byte limit`, 'too-many-entries');
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
        // The block list is read only when the file is, after its size is checked.
        return { kind: 'file', mode, blocksStart, fragment, fragmentOffset, size, listBlock: block, listOffset: offset + fixed };
      }
      case 3:
      case 10: {
        const len = head.readUInt32LE(20);
        if (len > PATH_MAX) throw new SquashfsError(`a symbolic link target of ${len} bytes is longer than ${PATH_MAX}`);
        const target = this.metadata(block, offset, 24 + len)
          .subarray(24)
          .toString('utf8');
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
      if (count > 256) throw new SquashfsError(`a directory header declares ${count} entries; squashfs allows 256`);
      const start = data.readUInt32LE(p + 4);
      p += 12;
      for (let i = 0; i < count && p + 8 <= data.length; i++) {
        const offset = data.readUInt16LE(p);
        const type = data.readUInt16LE(p + 4);
        const nameSize = data.readUInt16LE(p + 6) + 1;
        const name = data.subarray(p + 8, p + 8 + nameSize).toString('utf8');
        p += 8 + nameSize;
        const kind: Inode['kind'] =
          type === 1 || type === 8 ? 'dir' : type === 2 || type === 9 ? 'file' : type === 3 || type === 10 ? 'symlink' : 'other';
        out.push({ name, kind, mode: 0, ref: (BigInt(start) << 16n) | BigInt(offset) });
      }
    }
    return out;
  }

  /**
   * The image as lookup's PathSource: a component is found in its parent directory's listing. A
   * name below a regular file is an error (path-through-file); below anything else that is not a
   * directory, it is missing. `root` is the root inode of the walk under way.
   */
  private readonly source: PathSource<Inode, 'through-file'> & { root: Inode | undefined; target: string } = {
    value: undefined,
    error: undefined,
    root: undefined,
    target: '',
    lookup: (path, parent) => {
      const source = this.source;
      const cur = parent ?? source.root!;
      if (cur.kind === 'file') {
        source.error = 'through-file';
        return 'error';
      }
      if (cur.kind !== 'dir') return 'missing';
      const name = path.slice(path.lastIndexOf('/') + 1);
      const entry = this.listDir(cur).find((e) => e.name === name);
      if (!entry) return 'missing';
      const inode = this.inode(entry.ref);
      if (inode.kind === 'symlink') {
        source.target = inode.target;
        return 'symlink';
      }
      source.value = inode;
      return inode.kind;
    },
    readLink: () => this.source.target,
  };

  /**
   * Resolve a path inside the image, following symlinks only while they stay inside it: an
   * absolute target or one above the root is refused, as for a package directory.
   */
  private lookup(path: string, hopLimit = SYMLINK_HOP_LIMIT): Inode | undefined {
    const root = this.inode(this.sb.rootInode);
    const source = this.source;
    source.root = root;
    const r = resolvePath(source, path, { absolute: 'refuse', aboveRoot: 'refuse', throughFile: 'lookup', hopLimit });
    if (r.ok) return r.value ?? root;
    switch (r.reason) {
      case 'above-root':
        throw new SquashfsError(`${path} resolves to a path above the image root; links must stay inside the package`, 'symlink-outside');
      case 'error':
        throw new SquashfsError(`${path} leads through a regular file`, 'path-through-file');
      case 'loop':
        throw new SquashfsError(`${path}: more than ${hopLimit} symbolic links while resolving it (a loop?)`, 'symlink-loop');
      case 'absolute':
        throw new SquashfsError(
          `${path} goes through an absolute symbolic link; the generator only follows relative links inside the package`,
          'symlink-outside',
        );
      default:
        return undefined;
    }
  }

  /** One fragment table entry; only the metadata block that holds it is read. */
  private fragmentEntry(index: number): { start: number; size: number } {
    if (index >= this.sb.fragmentCount) throw new SquashfsError(`fragment ${index} is not in the fragment table`);
    const byte = index * 16;
    const pointer = this.read(this.sb.fragmentTable + 8 * Math.floor(byte / METADATA_SIZE), 8);
    const { data } = this.metadataBlock(Number(pointer.readBigUInt64LE(0)));
    const at = byte % METADATA_SIZE;
    if (at + 16 > data.length) throw new SquashfsError(`fragment ${index} lies beyond its metadata block`);
    return { start: Number(data.readBigUInt64LE(at)), size: data.readUInt32LE(at + 8) };
  }

  private dataBlock(pos: number, sizeField: number, expected: number): Buffer {
    const size = sizeField & 0xffffff;
    if (size === 0) return Buffer.alloc(expected); // a sparse block
    return this.decompress(this.read(pos, size), (sizeField & 0x1000000) === 0, this.sb.blockSize);
  }

  /**
   * A regular file's bytes, or undefined when the path is not a regular file. Throws a
   * SquashfsError with code `file-too-large` when the file declares more than `maxBytes`.
   * @internal A Buffer: not in the published declarations, which compile without @types/node.
   */
  readFile(path: string, maxBytes: number = PACKAGE_LIMITS.fileBytes): Buffer | undefined {
    const inode = this.lookup(path);
    if (inode?.kind !== 'file') return undefined;
    return this.fileBytes(inode, path, maxBytes);
  }

  private fileBytes(inode: Extract<Inode, { kind: 'file' }>, path: string, maxBytes: number): Buffer {
    const parts: Buffer[] = [];
    this.fileBlocks(inode, path, maxBytes, (b) => parts.push(b));
    return Buffer.concat(parts);
  }

  /** A file's content block by block (at most one block in memory), within `maxBytes`. */
  private fileBlocks(inode: Extract<Inode, { kind: 'file' }>, path: string, maxBytes: number, onBlock: (b: Buffer) => void): void {
    if (inode.size > maxBytes)
      throw new SquashfsError(`${path} is ${inode.size} bytes, over the limit of ${maxBytes} bytes for this file`, 'file-too-large');
    const bs = this.sb.blockSize;
    const count = inode.fragment === NO_FRAGMENT ? Math.ceil(inode.size / bs) : Math.floor(inode.size / bs);
    const list = this.metadata(inode.listBlock, inode.listOffset, 4 * count);
    let pos = inode.blocksStart;
    let left = inode.size;
    for (let i = 0; i < count; i++) {
      const s = list.readUInt32LE(4 * i);
      const block = this.dataBlock(pos, s, bs).subarray(0, Math.min(bs, left));
      left -= block.length;
      onBlock(block);
      pos += s & 0xffffff;
    }
    if (inode.fragment !== NO_FRAGMENT && left > 0) {
      const f = this.fragmentEntry(inode.fragment);
      const block = this.dataBlock(f.start, f.size, bs);
      onBlock(block.subarray(inode.fragmentOffset, inode.fragmentOffset + left));
    }
  }

  /**
   * The entries of a directory without following them: kind, permission bits, a file's size, a
   * link's target. For walking an image (inspect, lint); undefined when `path` is not a directory.
   */
  readDirDetailed(path: string): { name: string; kind: Inode['kind']; mode: number; size: number; target?: string }[] | undefined {
    const inode = this.lookup(path);
    if (inode?.kind !== 'dir') return undefined;
    return this.listDir(inode).map((e) => {
      const i = this.inode(e.ref);
      return {
        name: e.name,
        kind: i.kind,
        mode: i.mode & 0o7777,
        size: i.kind === 'file' ? i.size : 0,
        ...(i.kind === 'symlink' ? { target: i.target } : {}),
      };
    });
  }

  /**
   * Stream a regular file (the path's last component not followed if it is a link: callers walk).
   * @internal A Buffer: not in the published declarations, which compile without @types/node.
   */
  streamFile(path: string, maxBytes: number, onBlock: (b: Buffer) => void): void {
    const inode = this.lookup(path);
    if (inode?.kind !== 'file') throw new SquashfsError(`${path} is not a regular file`, 'file-special');
    this.fileBlocks(inode, path, maxBytes, onBlock);
  }

  /** Entries of a directory, or undefined when the path is not a directory. */
  readDir(path: string): SquashfsEntry[] | undefined {
    const inode = this.lookup(path);
    if (inode?.kind !== 'dir') return undefined;
    return this.listDir(inode).map(({ name, kind }) => ({ name, kind, mode: 0 }));
  }

  /** Whether the path is a regular file (symlinks inside the image followed). */
  isFile(path: string): boolean {
    return this.lookup(path)?.kind === 'file';
  }

  /**
   * A text file for the package reader: within the per-file and per-package text limits, with
   * every failure a problem (throws only SquashfsError for a corrupt image).
   * @internal A Buffer: not in the published declarations, which compile without @types/node.
   */
  readFileChecked(path: string, limits: Partial<PackageLimits> = {}): ReadResult<Buffer> {
    const lim = { ...PACKAGE_LIMITS, ...limits };
    const inode = this.lookup(path, lim.symlinkHops);
    if (!inode) return { ok: false, missing: true, problem: { code: 'path-missing', file: path, message: `${path} does not exist` } };
    if (inode.kind === 'dir')
      return { ok: false, problem: { code: 'not-a-file', file: path, message: `${path} is a directory, not a file` } };
    if (inode.kind !== 'file')
      return {
        ok: false,
        problem: {
          code: 'file-special',
          file: path,
          message: `${path} is not a regular file; a package holds only regular files, directories and symbolic links`,
        },
      };
    if (inode.size > lim.textFileBytes) {
      return {
        ok: false,
        problem: {
          code: 'file-too-large',
          file: path,
          message: `${path} is ${inode.size} bytes, over the limit of ${lim.textFileBytes} bytes for this file`,
        },
      };
    }
    if (this.textRead + inode.size > lim.packageTextBytes) {
      return {
        ok: false,
        problem: {
          code: 'package-too-large',
          file: path,
          message: `reading ${path} would take the text read from this image over ${lim.packageTextBytes} bytes`,
        },
      };
    }
    this.textRead += inode.size;
    return { ok: true, value: this.fileBytes(inode, path, lim.textFileBytes) };
  }

  /** A directory's entries for the package reader, sorted bytewise, symlinks resolved inside the image. */
  listChecked(path: string, limits: Partial<PackageLimits> = {}): ReadResult<ListedEntry[]> {
    const lim = { ...PACKAGE_LIMITS, ...limits };
    const inode = this.lookup(path, lim.symlinkHops);
    if (!inode) return { ok: false, missing: true, problem: { code: 'path-missing', file: path, message: `${path} does not exist` } };
    if (inode.kind !== 'dir')
      return { ok: false, problem: { code: 'path-through-file', file: path, message: `${path} is not a directory` } };
    const entries = this.listDir(inode);
    if (entries.length > lim.entries)
      return { ok: false, problem: { code: 'too-many-entries', file: path, message: `${path} has more than ${lim.entries} entries` } };
    const out: ListedEntry[] = [];
    for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const rel = `${path}/${e.name}`;
      let kind: ListedEntry['kind'] = e.kind === 'dir' ? 'dir' : e.kind === 'file' ? 'file' : 'unsafe';
      let problem;
      if (e.kind === 'other')
        problem = { code: 'file-special', file: rel, message: `${rel} is not a regular file, directory or symbolic link` };
      if (e.kind === 'symlink') {
        try {
          const target = this.lookup(rel, lim.symlinkHops);
          kind = !target ? 'missing' : target.kind === 'dir' ? 'dir' : target.kind === 'file' ? 'file' : 'unsafe';
          if (kind === 'unsafe')
            problem = { code: 'file-special', file: rel, message: `${rel} leads to something that is not a regular file or directory` };
        } catch (err) {
          if (!(err instanceof SquashfsError)) throw err;
          kind = 'unsafe';
          problem = { code: err.code, file: rel, message: err.message };
        }
      }
      out.push(problem ? { name: e.name, kind, problem } : { name: e.name, kind });
    }
    return { ok: true, value: out };
  }
}

// Unpacking an artifact (tar, tar.gz, squashfs) into a fresh directory for lint and inspect, with
// our own bounded reader instead of tar(1) or unsquashfs(1): an artifact is untrusted input.
// - Only regular files, directories and symbolic links are created; a device, FIFO, hard link or
//   sparse entry is refused (tar run as root would create device nodes).
// - No entry is written outside the directory and no symlink is ever followed: names with `..`
//   or through (or onto) an extracted symlink are refused, files are created O_EXCL|O_NOFOLLOW and
//   their mode set on the open descriptor, directory modes are set on descriptors opened
//   O_NOFOLLOW, links get no mode at all (Linux has no lchmod). An archive whose only member is a
//   symlink is refused: the tree it names would be the host's.
// - What is written is bounded by the package limits (bytes per file and per package, entries,
//   depth), checked against each entry's declared size before any of it is read; data is
//   streamed, so memory stays at a few blocks whatever the archive declares. A gzip stream is
//   read only up to the end of the tar archive.
// - What a tar header means (checksum, numbers, pax records, long names) is decided by
//   tar-header.ts, the decoder the OCI archive reader (sdk/artifact/oci-read.ts) uses too.
import {
  closeSync,
  fchmodSync,
  fstatSync,
  lstatSync,
  constants,
  createReadStream,
  mkdirSync,
  openSync,
  readSync,
  symlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { formatOfHead } from './sniff.ts';
import { SquashfsError, SquashfsImage } from './squashfs.ts';
import { PACKAGE_LIMITS, type PackageLimits } from '../fs/safe-read.ts';
import {
  applyExtendedHeader,
  applyOverrides,
  decodeTarHeader,
  isExtendedKind,
  isZeroBlock,
  NO_OVERRIDES,
  TAR_BLOCK,
  type TarEntryKind,
  type TarExtendedKind,
  type TarPosition,
  type TarResult,
} from './tar-header.ts';

export class ArtifactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArtifactError';
  }
}

export type ArtifactKind = 'tar' | 'tar.gz' | 'squashfs';

/** The kind of an artifact from its first bytes (not its name). */
export function artifactKind(path: string): ArtifactKind {
  const head = Buffer.alloc(512);
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  let n: number;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ArtifactError(`${path} is not a regular file`);
    n = readSync(fd, head, 0, 512, 0);
  } finally {
    closeSync(fd);
  }
  const format = formatOfHead(head.subarray(0, n));
  // Without a known magic it is read as a tar (old tars have no "ustar"); the reader says when not.
  return format === 'tar.gz' || format === 'squashfs' ? format : 'tar';
}

/** Writes entries below `dest`, keeping every limit; shared by the tar and squashfs readers. */
class BoundedWriter {
  private entries = 0;
  private bytes = 0;
  private readonly links = new Set<string>();
  /** Top-level names and whether each is a symlink. */
  private readonly top = new Map<string, boolean>();
  private readonly dirModes: [string, number][] = [];
  private readonly limits: PackageLimits;

  constructor(
    private readonly dest: string,
    private readonly name: string,
    limits: Partial<PackageLimits>,
  ) {
    this.limits = { ...PACKAGE_LIMITS, ...limits };
  }

  /** A safe relative path for an archive member name, or an error naming it. */
  private relPath(member: string): string {
    const parts = member.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.length === 0) return '';
    if (parts.some((p) => p === '..'))
      throw new ArtifactError(`${this.name}: member ${JSON.stringify(member)} climbs out with ..; refusing to unpack it`);
    if (parts.length > this.limits.depth)
      throw new ArtifactError(
        `${this.name}: member ${JSON.stringify(member.slice(0, 200))} is nested more than ${this.limits.depth} directories deep`,
      );
    for (let i = 1; i < parts.length; i++) {
      if (this.links.has(parts.slice(0, i).join('/')))
        throw new ArtifactError(
          `${this.name}: member ${JSON.stringify(member)} goes through the symbolic link ${parts.slice(0, i).join('/')}; refusing to unpack it`,
        );
    }
    return parts.join('/');
  }

  private noteTop(rel: string, isLink: boolean): void {
    const first = rel.split('/')[0]!;
    if (!this.top.has(first) || rel === first) this.top.set(first, isLink && rel === first);
  }

  private count(member: string): void {
    if (++this.entries > this.limits.entries)
      throw new ArtifactError(`${this.name} has more than ${this.limits.entries} entries (at ${JSON.stringify(member.slice(0, 200))})`);
  }

  private parents(rel: string): void {
    const i = rel.lastIndexOf('/');
    if (i > 0) mkdirSync(join(this.dest, rel.slice(0, i)), { recursive: true, mode: 0o755 });
  }

  dir(member: string, mode: number): void {
    const rel = this.relPath(member);
    this.count(member);
    if (rel === '') return;
    if (this.links.has(rel))
      throw new ArtifactError(
        `${this.name}: member ${JSON.stringify(member)} is a directory where the archive already has the symbolic link ${rel}; refusing to unpack it`,
      );
    this.parents(rel);
    try {
      mkdirSync(join(this.dest, rel), { mode: 0o755 });
    } catch (e) {
      // A directory may appear twice (tar -r, "./"); anything else there is a conflict.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !lstatSync(join(this.dest, rel)).isDirectory())
        throw new ArtifactError(`${this.name}: cannot unpack the directory ${rel} (${this.conflict(e)})`);
    }
    this.noteTop(rel, false);
    this.dirModes.push([rel, mode & 0o7777]);
  }

  private conflict(e: unknown): string {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EEXIST' ? 'another member of that name comes first' : (code ?? 'error');
  }

  symlink(member: string, target: string): void {
    const rel = this.relPath(member);
    this.count(member);
    if (rel === '') throw new ArtifactError(`${this.name}: the root cannot be a symbolic link`);
    this.parents(rel);
    try {
      symlinkSync(target, join(this.dest, rel));
    } catch (e) {
      throw new ArtifactError(`${this.name}: cannot unpack the symbolic link ${rel} (${this.conflict(e)})`);
    }
    this.links.add(rel);
    this.noteTop(rel, true);
  }

  /** Start a regular file of `size` declared bytes; returns a sink for its data. */
  file(member: string, mode: number, size: number): { write(b: Buffer): void; close(): void } {
    const rel = this.relPath(member);
    this.count(member);
    if (rel === '') throw new ArtifactError(`${this.name}: the root cannot be a file`);
    if (size > this.limits.fileBytes)
      throw new ArtifactError(`${this.name}: ${rel} declares ${size} bytes, over the limit of ${this.limits.fileBytes} per file`);
    if (this.bytes + size > this.limits.packageBytes)
      throw new ArtifactError(`${this.name}: its files add up to more than ${this.limits.packageBytes} bytes`);
    this.bytes += size;
    this.parents(rel);
    let fd: number;
    try {
      fd = openSync(join(this.dest, rel), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ArtifactError(`${this.name}: cannot unpack ${rel} (${code === 'EEXIST' ? 'it appears twice' : (code ?? 'error')})`);
    }
    this.noteTop(rel, false);
    let written = 0;
    return {
      write: (b) => {
        written += b.length;
        if (written > size) throw new ArtifactError(`${this.name}: ${rel} has more data than it declares`);
        writeSync(fd, b);
      },
      close: () => {
        // On the descriptor: the file this writer created, whatever the name points to by now.
        try {
          fchmodSync(fd, mode & 0o7777);
        } finally {
          closeSync(fd);
        }
      },
    };
  }

  /** Directory modes last, deepest first, so a read-only directory does not stop its own files. */
  finish(): void {
    if (this.top.size === 1) {
      const [only, isLink] = [...this.top][0]!;
      if (isLink)
        throw new ArtifactError(
          `${this.name}: its only member, ${JSON.stringify(only)}, is a symbolic link; a package artifact holds the tree ` +
            `itself (composable pack writes one), so there is nothing of it to read`,
        );
    }
    for (const [rel, mode] of this.dirModes.reverse()) {
      // Opened without following a link: only a directory this writer made gets the mode.
      const fd = openSync(join(this.dest, rel), constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
      try {
        fchmodSync(fd, mode);
      } finally {
        closeSync(fd);
      }
    }
  }
}

/** Extended headers (pax, GNU long names) are small: anything bigger is refused. */
const MAX_EXTENDED = 1024 * 1024;

const ENTRY_WHAT: Partial<Record<TarEntryKind, string>> = {
  hardlink: 'a hard link',
  chardev: 'a character device',
  blockdev: 'a block device',
  fifo: 'a FIFO',
  sparse: 'a sparse file',
};

/** Stream a tar (optionally gzip-compressed) archive into `dest`. */
async function extractTar(path: string, name: string, gzip: boolean, w: BoundedWriter): Promise<void> {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new ArtifactError(`${name} is not a regular file`);
  }
  const raw = createReadStream('', { fd, highWaterMark: 64 * 1024 });
  const stream = gzip ? raw.pipe(createGunzip({ chunkSize: 64 * 1024 })) : raw;
  type State = 'header' | 'data' | 'extended' | 'skip' | 'end';
  let pending: Buffer = Buffer.alloc(0);
  let state = 'header' as State;
  let left = 0; // data bytes left in the current member
  let pad = 0;
  let sink: { write(b: Buffer): void; close(): void } | undefined;
  let extended: Buffer[] = [];
  let extendedHeader: { kind: TarExtendedKind; at: TarPosition } | undefined;
  let overrides = NO_OVERRIDES;
  let zeroBlocks = 0;
  let consumed = 0; // bytes of the (uncompressed) archive before `pending`
  let headers = 0;

  const unwrap = <T>(r: TarResult<T>): T => {
    if (!r.ok) throw new ArtifactError(`${name}: ${r.problem.message}`);
    return r.value;
  };

  const onHeader = (h: Buffer, offset: number): void => {
    if (isZeroBlock(h)) {
      if (++zeroBlocks === 2) state = 'end';
      return;
    }
    zeroBlocks = 0;
    const at = { entry: ++headers, offset };
    const header = unwrap(decodeTarHeader(h, at));
    if (isExtendedKind(header.kind)) {
      if (header.size > MAX_EXTENDED)
        throw new ArtifactError(`${name}: an extended header of ${header.size} bytes is over ${MAX_EXTENDED}`);
      left = header.size;
      pad = (TAR_BLOCK - (left % TAR_BLOCK)) % TAR_BLOCK;
      extended = [];
      extendedHeader = { kind: header.kind, at };
      state = 'extended';
      return;
    }
    const entry = applyOverrides(header, overrides);
    overrides = NO_OVERRIDES;
    left = entry.size;
    pad = (TAR_BLOCK - (left % TAR_BLOCK)) % TAR_BLOCK;
    if (entry.kind === 'file') {
      sink = w.file(entry.path, entry.mode, entry.size);
      state = 'data';
      return;
    }
    if (entry.size > 0 && entry.kind !== 'dir' && entry.kind !== 'symlink')
      throw new ArtifactError(
        `${name}: ${entry.path} has an entry type (${JSON.stringify(entry.typeflag)}) with data that a package cannot hold`,
      );
    if (entry.kind === 'dir') w.dir(entry.path, entry.mode);
    else if (entry.kind === 'symlink') w.symlink(entry.path, entry.linkName);
    else {
      const what = ENTRY_WHAT[entry.kind] ?? `an entry of type ${JSON.stringify(entry.typeflag)}`;
      throw new ArtifactError(
        `${name}: ${JSON.stringify(entry.path.slice(0, 200))} is ${what}; a package holds only regular ` +
          `files, directories and symbolic links (composable pack writes such an archive)`,
      );
    }
    state = left + pad > 0 ? 'skip' : 'header';
  };

  const feed = (chunk: Buffer): void => {
    pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    let p = 0;
    while (state !== 'end') {
      if (state === 'header') {
        if (pending.length - p < TAR_BLOCK) break;
        const h = pending.subarray(p, p + TAR_BLOCK);
        onHeader(h, consumed + p);
        p += TAR_BLOCK;
        continue;
      }
      // data, extended, skip: take what is there of the member and its padding.
      const avail = pending.length - p;
      if (avail === 0) break;
      if (left > 0) {
        const n = Math.min(left, avail);
        const part = pending.subarray(p, p + n);
        if (state === 'data') sink!.write(part);
        else if (state === 'extended') extended.push(Buffer.from(part));
        left -= n;
        p += n;
        continue;
      }
      // The member's bytes are all taken: finish it once, then only its padding is left.
      if (state === 'data') {
        sink!.close();
        sink = undefined;
      } else if (state === 'extended') {
        overrides = unwrap(applyExtendedHeader(overrides, extendedHeader!.kind, Buffer.concat(extended), extendedHeader!.at));
        extended = [];
      }
      state = 'skip';
      const n = Math.min(pad, avail);
      pad -= n;
      p += n;
      if (pad === 0) state = 'header';
    }
    consumed += p;
    pending = pending.subarray(p);
    // Never more than a header's worth kept between chunks (data is written as it comes).
    if (pending.length > TAR_BLOCK) pending = Buffer.from(pending);
  };

  try {
    for await (const chunk of stream) {
      feed(chunk as Buffer);
      if (state === 'end') break;
    }
    if (state === 'data' && left === 0 && pad === 0) {
      sink?.close();
      sink = undefined;
      state = 'header';
    }
    if (state !== 'end' && state !== 'header') throw new ArtifactError(`${name} ends in the middle of a member; the archive is truncated`);
    if (state === 'header' && pending.length > 0)
      throw new ArtifactError(`${name} ends in the middle of a header; the archive is truncated`);
  } catch (e) {
    if (e instanceof ArtifactError) throw e;
    throw new ArtifactError(`${name}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  } finally {
    raw.destroy();
    if (stream !== raw) stream.destroy();
  }
}

/** Walk a squashfs image with the bounded reader, writing what it holds. */
function extractSquashfs(path: string, name: string, w: BoundedWriter, limits: PackageLimits): void {
  let image: SquashfsImage;
  try {
    image = SquashfsImage.open(path, name);
  } catch (e) {
    throw new ArtifactError(
      e instanceof SquashfsError ? e.message : `${name}: cannot open it (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    const dirs = [''];
    while (dirs.length > 0) {
      const rel = dirs.pop()!;
      for (const e of image.readDirDetailed(rel) ?? []) {
        const member = rel ? `${rel}/${e.name}` : e.name;
        if (e.kind === 'dir') {
          w.dir(member, e.mode);
          dirs.push(member);
        } else if (e.kind === 'symlink') w.symlink(member, e.target ?? '');
        else if (e.kind === 'file') {
          const sink = w.file(member, e.mode, e.size);
          image.streamFile(member, limits.fileBytes, (b) => sink.write(b));
          sink.close();
        } else throw new ArtifactError(`${name}: ${member} is not a regular file, directory or symbolic link; a package holds only those`);
      }
    }
  } catch (e) {
    if (e instanceof SquashfsError) throw new ArtifactError(`${name}: ${e.message}`);
    throw e;
  } finally {
    image.close();
  }
}

/**
 * Unpack the artifact at `path` into the existing empty directory `dest`. Throws ArtifactError
 * (a message naming the artifact and what is wrong) for anything it refuses; `dest` is then
 * the caller's to remove.
 */
export async function extractArtifactTo(
  path: string,
  dest: string,
  opts: { name?: string; limits?: Partial<PackageLimits> } = {},
): Promise<ArtifactKind> {
  const name = opts.name ?? path;
  const limits = { ...PACKAGE_LIMITS, ...opts.limits };
  let kind: ArtifactKind;
  try {
    kind = artifactKind(path);
  } catch (e) {
    if (e instanceof ArtifactError) throw e;
    throw new ArtifactError(`${name}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const w = new BoundedWriter(dest, name, limits);
  if (kind === 'squashfs') extractSquashfs(path, name, w, limits);
  else await extractTar(path, name, kind === 'tar.gz', w);
  w.finish();
  return kind;
}

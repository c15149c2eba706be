// Reads a package packed as an OCI image: an image layout directory (`oci-layout`, `index.json`,
// `blobs/sha256/…`) or the same as one tar (oci-archive). Nothing in it is trusted: every file is
// opened without following symlinks, every read is bounded by a limit and by the real size of
// the file or member, every blob must hash to its digest, the layer is streamed (never held
// whole) and unpacked by the SDK's bounded artifact reader.
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  createReadStream,
  fstatSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  realpathSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { ArtifactError, extractArtifactTo } from './extract.ts';
import {
  ANNOTATION_DIGEST,
  ANNOTATION_NAME,
  MEDIA_TYPE_INDEX,
  MEDIA_TYPE_LAYER_GZIP,
  MEDIA_TYPE_LAYER_TAR,
  MEDIA_TYPE_MANIFEST,
} from './oci-pack.ts';
import { packageDigest, walkTree } from '../digest.ts';
import { PACKAGE_LIMITS, PackageReadError } from '../fs/safe-read.ts';
import {
  applyExtendedHeader,
  applyOverrides,
  decodeTarHeader,
  isExtendedKind,
  isZeroBlock,
  NO_OVERRIDES,
  TAR_BLOCK,
  type TarResult,
} from './tar-header.ts';

/** Upper bounds for what an image may make us read or write (the tree itself: PACKAGE_LIMITS). */
export const OCI_LIMITS = {
  /** index.json, a manifest, a config. */
  jsonBytes: 4 * 1024 ** 2,
  /** The layer as stored (compressed): no more than the package limit. */
  layerBytes: PACKAGE_LIMITS.packageBytes,
  /** What tar headers may add to the package's bytes in the unpacked layer (two blocks an entry). */
  tarOverheadBytes: PACKAGE_LIMITS.entries * 1024 + 20 * 512,
  /** Members of an oci-archive looked at to find `oci-layout`. */
  archiveMembers: 100_000,
};

export class OciReadError extends Error {
  override name = 'OciReadError';
}

// ---------------------------------------------------------------------------------------------
// A bounded tar reader over any random-access source; what a header means is decided by the
// SDK's header decoder (sdk/artifact/tar-header.ts), shared with the streaming extractor.

export interface TarMember {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  mode: number;
  size: number;
  /** Offset of the content in the source. */
  offset: number;
  linkTarget?: string;
}

/** A random-access, bounded view of bytes: a file or a buffer. */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Buffer;
}

export function bufferSource(b: Buffer): ByteSource {
  return { size: b.length, read: (offset, length) => b.subarray(offset, offset + length) };
}

/**
 * Lists the members of a tar. Sizes come from the headers, so each is checked against what is
 * left of the source; stops at the end-of-archive block, at `maxMembers`, or when `stop` says so.
 */
export function listTar(src: ByteSource, maxMembers: number, stop?: (m: TarMember) => boolean): TarMember[] {
  const members: TarMember[] = [];
  const unwrap = <T>(r: TarResult<T>): T => {
    if (!r.ok) throw new OciReadError(`tar: ${r.problem.message}`);
    return r.value;
  };
  let offset = 0;
  let headers = 0;
  let overrides = NO_OVERRIDES;
  while (offset + TAR_BLOCK <= src.size) {
    const h = src.read(offset, TAR_BLOCK);
    if (isZeroBlock(h)) break;
    const at = { entry: ++headers, offset };
    const header = unwrap(decodeTarHeader(h, at));
    const dataOffset = offset + TAR_BLOCK;
    if (isExtendedKind(header.kind)) {
      if (header.size > src.size - dataOffset)
        throw new OciReadError(
          `tar: member at byte ${offset} claims ${header.size} bytes, more than the file holds; the file is truncated`,
        );
      if (header.size > OCI_LIMITS.jsonBytes) throw new OciReadError(`tar: extended header of ${header.size} bytes is too large`);
      // A global header is read too, so a malformed one is refused like any other.
      overrides = unwrap(applyExtendedHeader(overrides, header.kind, src.read(dataOffset, header.size), at));
      offset = dataOffset + Math.ceil(header.size / TAR_BLOCK) * TAR_BLOCK;
      continue;
    }
    const entry = applyOverrides(header, overrides);
    overrides = NO_OVERRIDES;
    if (entry.size > src.size - dataOffset)
      throw new OciReadError(`tar: member at byte ${offset} claims ${entry.size} bytes, more than the file holds; the file is truncated`);
    const type =
      entry.kind === 'file' || entry.kind === 'dir' || entry.kind === 'symlink' || entry.kind === 'hardlink' ? entry.kind : 'other';
    const m: TarMember = { path: entry.path, type, mode: entry.mode, size: type === 'file' ? entry.size : 0, offset: dataOffset };
    if (type === 'symlink' || type === 'hardlink') m.linkTarget = entry.linkName;
    members.push(m);
    if (stop?.(m)) break;
    if (members.length > maxMembers) throw new OciReadError(`tar: more than ${maxMembers} members`);
    offset = dataOffset + Math.ceil(entry.size / TAR_BLOCK) * TAR_BLOCK;
  }
  return members;
}

/** `./a/b/` → `a/b`; undefined for a path that leaves the root (absolute, `..`). */
export function normaliseMemberPath(path: string): string | undefined {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (path.startsWith('/') || parts.some((p) => p === '..')) return undefined;
  return parts.join('/');
}

// ---------------------------------------------------------------------------------------------
// Where the layout's files come from: a directory or an archive.

interface LayoutSource {
  /**
   * A bounded view of the layout file `name` (`index.json`, `blobs/sha256/<hex>`): its size is
   * the file's (or the member's) real one, refused above `max`.
   */
  open(name: string, max: number): ByteSource;
  close(): void;
}

function readAll(src: ByteSource, what: string): Buffer {
  const b = src.read(0, src.size);
  if (b.length !== src.size) throw new OciReadError(`${what}: shorter than its size; the image is damaged`);
  return b;
}

function fileByteSource(fd: number, size: number, base = 0): ByteSource {
  return {
    size,
    read(offset, length) {
      const len = Math.max(0, Math.min(length, size - offset));
      const buf = Buffer.alloc(len);
      let got = 0;
      while (got < len) {
        const n = readSync(fd, buf, got, len - got, base + offset + got);
        if (n === 0) break;
        got += n;
      }
      return buf.subarray(0, got);
    },
  };
}

function directorySource(dir: string): LayoutSource {
  const fds: number[] = [];
  return {
    open(name, max) {
      // Every component is looked at with lstat: a symlink anywhere in the layout is refused.
      const parts = name.split('/');
      for (let i = 1; i < parts.length; i++) {
        const p = join(dir, ...parts.slice(0, i));
        let st;
        try {
          st = lstatSync(p);
        } catch {
          throw new OciReadError(`${p}: missing; not a complete OCI image layout`);
        }
        if (!st.isDirectory()) throw new OciReadError(`${p}: not a directory (a symlink?); an OCI image layout has plain directories only`);
      }
      const path = join(dir, name);
      let fd: number;
      try {
        fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      } catch (e) {
        const code = (e as { code?: string }).code;
        throw new OciReadError(code === 'ELOOP' ? `${path}: is a symlink; refused` : `${path}: missing; not a complete OCI image layout`);
      }
      fds.push(fd);
      const st = fstatSync(fd);
      if (!st.isFile()) throw new OciReadError(`${path}: not a regular file`);
      if (st.size > max) throw new OciReadError(`${path}: ${st.size} bytes, more than the ${max} allowed`);
      return fileByteSource(fd, st.size);
    },
    close() {
      for (const fd of fds.splice(0)) closeSync(fd);
    },
  };
}

function openRegular(path: string): { fd: number; size: number } {
  let fd: number;
  try {
    // O_NONBLOCK: a fifo given by mistake must not hang the command (it is refused below).
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    throw new OciReadError(`${path}: cannot open (${(e as { code?: string }).code ?? String(e)})`);
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw new OciReadError(`${path}: not a regular file`);
  }
  return { fd, size: st.size };
}

function archiveSource(path: string): LayoutSource {
  const { fd, size } = openRegular(path);
  try {
    const members = new Map<string, TarMember>();
    for (const m of listTar(fileByteSource(fd, size), OCI_LIMITS.archiveMembers)) {
      const p = normaliseMemberPath(m.path);
      if (p !== undefined) members.set(p, m);
    }
    return {
      open(name, max) {
        const m = members.get(name);
        if (!m) throw new OciReadError(`${path}: has no ${name}; not a complete OCI archive`);
        if (m.type !== 'file') throw new OciReadError(`${path}: ${name} is a ${m.type}, not a regular file; refused`);
        if (m.size > max) throw new OciReadError(`${path}: ${name} is ${m.size} bytes, more than the ${max} allowed`);
        // listTar checked that the member lies within the file.
        return fileByteSource(fd, m.size, m.offset);
      },
      close: () => closeSync(fd),
    };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Recognising the two forms.

/** A tar with an `oci-layout` member (looks at the headers only, at most a few hundred). */
export function isOciArchive(path: string): boolean {
  let opened: { fd: number; size: number } | undefined;
  try {
    opened = openRegular(realpathSync(path));
    let found = false;
    listTar(fileByteSource(opened.fd, opened.size), 1000, (m) => (found = normaliseMemberPath(m.path) === 'oci-layout'));
    return found;
  } catch {
    return false;
  } finally {
    if (opened) closeSync(opened.fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading the image.

export interface OciPackageImage {
  manifestDigest: string;
  annotations: Record<string, string>;
  architecture?: string;
  os?: string;
  /** The layer as the manifest describes it, and the config's diff_id for it. */
  layer: { mediaType: string; digest: string; size: number; diffId: string };
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

function sha256(b: Uint8Array): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

function parseJson(bytes: Buffer, what: string): Record<string, unknown> {
  try {
    const v = JSON.parse(bytes.toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // falls through
  }
  throw new OciReadError(`${what}: not a JSON object`);
}

function descriptor(v: unknown, what: string): Descriptor {
  const d = v as Partial<Descriptor> | undefined;
  if (
    !d ||
    typeof d.digest !== 'string' ||
    !/^sha256:[0-9a-f]{64}$/.test(d.digest) ||
    typeof d.size !== 'number' ||
    !Number.isSafeInteger(d.size) ||
    d.size < 0
  ) {
    throw new OciReadError(`${what}: not a descriptor with a sha256 digest and a size`);
  }
  return d as Descriptor;
}

const blobName = (d: Descriptor): string => `blobs/sha256/${d.digest.slice(7)}`;

function readBlob(src: LayoutSource, d: Descriptor, max: number, what: string): Buffer {
  if (d.size > max) throw new OciReadError(`${what} ${d.digest}: ${d.size} bytes, more than the ${max} allowed`);
  const blob = src.open(blobName(d), max);
  const bytes = blob.size === d.size ? readAll(blob, `${what} ${d.digest}`) : undefined;
  if (!bytes || sha256(bytes) !== d.digest) {
    throw new OciReadError(`${what} ${d.digest}: its content does not match its digest; the image is damaged or was altered`);
  }
  return bytes;
}

function openSource(path: string): { src: LayoutSource; real: string } {
  // The path the user gave may be a symlink (`latest.oci.tar`); nothing inside the image may.
  let real: string;
  let isDir = false;
  try {
    real = realpathSync(path);
    isDir = lstatSync(real).isDirectory();
  } catch {
    throw new OciReadError(`${path}: no such file or directory`);
  }
  return { src: isDir ? directorySource(real) : archiveSource(real), real };
}

/** Reads and checks the image's index, manifest and config (not the layer's bytes). */
function readImageFrom(src: LayoutSource, path: string): OciPackageImage {
  const layout = parseJson(readAll(src.open('oci-layout', OCI_LIMITS.jsonBytes), `${path}: oci-layout`), `${path}: oci-layout`);
  if (typeof layout.imageLayoutVersion !== 'string') throw new OciReadError(`${path}: oci-layout has no imageLayoutVersion`);
  let index = parseJson(readAll(src.open('index.json', OCI_LIMITS.jsonBytes), `${path}: index.json`), `${path}: index.json`);
  let manifests = Array.isArray(index.manifests) ? index.manifests : [];
  // One level of nested index (what some tools write for a single-platform image).
  if (manifests.length === 1 && (manifests[0] as Descriptor).mediaType === MEDIA_TYPE_INDEX) {
    index = parseJson(
      readBlob(src, descriptor(manifests[0], `${path}: index.json`), OCI_LIMITS.jsonBytes, `${path}: index`),
      `${path}: nested index`,
    );
    manifests = Array.isArray(index.manifests) ? index.manifests : [];
  }
  if (manifests.length !== 1) {
    throw new OciReadError(
      `${path}: holds ${manifests.length} images; a composable package image holds exactly one (composable pack --format oci writes one)`,
    );
  }
  const md = descriptor(manifests[0], `${path}: index.json manifests[0]`);
  if (md.mediaType !== undefined && md.mediaType !== MEDIA_TYPE_MANIFEST) {
    throw new OciReadError(`${path}: the image's manifest is ${md.mediaType}, expected ${MEDIA_TYPE_MANIFEST}`);
  }
  const manifest = parseJson(readBlob(src, md, OCI_LIMITS.jsonBytes, `${path}: manifest`), `${path}: manifest ${md.digest}`);
  const config = parseJson(
    readBlob(src, descriptor(manifest.config, `${path}: manifest config`), OCI_LIMITS.jsonBytes, `${path}: config`),
    `${path}: config`,
  );
  const layers = Array.isArray(manifest.layers) ? manifest.layers : [];
  if (layers.length !== 1) {
    throw new OciReadError(
      `${path}: the image has ${layers.length} layers; a composable package image has exactly one, ` +
        `the package tree (repack with composable pack --format oci)`,
    );
  }
  const ld = descriptor(layers[0], `${path}: manifest layers[0]`);
  const mediaType = ld.mediaType ?? '';
  if (mediaType !== MEDIA_TYPE_LAYER_GZIP && mediaType !== MEDIA_TYPE_LAYER_TAR) {
    throw new OciReadError(
      `${path}: layer media type ${mediaType || '(none)'} is not read; composable reads ${MEDIA_TYPE_LAYER_GZIP} and ${MEDIA_TYPE_LAYER_TAR}`,
    );
  }
  const rootfs = config.rootfs as { diff_ids?: unknown } | undefined;
  const diffId = Array.isArray(rootfs?.diff_ids) ? rootfs.diff_ids[0] : undefined;
  if (typeof diffId !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(diffId))
    throw new OciReadError(`${path}: the config has no sha256 rootfs.diff_ids for its layer`);
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries((manifest.annotations ?? {}) as Record<string, unknown>))
    if (typeof v === 'string') annotations[k] = v;
  return {
    manifestDigest: md.digest,
    annotations,
    architecture: typeof config.architecture === 'string' ? config.architecture : undefined,
    os: typeof config.os === 'string' ? config.os : undefined,
    layer: { mediaType, digest: ld.digest, size: ld.size, diffId },
  };
}

/** Reads and checks the image at `path` (layout directory or archive): index, manifest, config. */
export function readOciImage(path: string): OciPackageImage {
  const { src } = openSource(path);
  try {
    return readImageFrom(src, path);
  } finally {
    src.close();
  }
}

/** Copies the layer blob to `dest` in bounded chunks, checking its size and digest on the way. */
function copyLayer(src: LayoutSource, image: OciPackageImage, dest: string, path: string): void {
  const { digest, size } = image.layer;
  const what = `${path}: layer ${digest}`;
  if (size > OCI_LIMITS.layerBytes) throw new OciReadError(`${what}: ${size} bytes, more than the ${OCI_LIMITS.layerBytes} allowed`);
  const blob = src.open(blobName({ digest, size }), OCI_LIMITS.layerBytes);
  const hash = createHash('sha256');
  const fd = openSync(dest, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    const CHUNK = 1 << 20;
    for (let off = 0; off < blob.size; off += CHUNK) {
      const b = blob.read(off, CHUNK);
      if (b.length === 0) break;
      hash.update(b);
      writeSync(fd, b);
    }
  } finally {
    closeSync(fd);
  }
  if (blob.size !== size || `sha256:${hash.digest('hex')}` !== digest) {
    throw new OciReadError(`${what}: its content does not match its digest; the image is damaged or was altered`);
  }
}

/** sha256 of the layer's tar (gunzipped as it streams), stopping at `limit` bytes. */
async function diffIdOf(file: string, gzip: boolean, limit: number, what: string): Promise<string> {
  const hash = createHash('sha256');
  let total = 0;
  const input = createReadStream(file);
  const stream = gzip ? input.pipe(createGunzip()) : input;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limit) throw new OciReadError(`${what}: unpacks to more than ${limit} bytes; refused`);
      hash.update(chunk);
    }
  } catch (e) {
    if (e instanceof OciReadError) throw e;
    throw new OciReadError(`${what}: does not gunzip (${(e as Error).message})`);
  } finally {
    input.destroy();
    if (stream !== input) (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
  }
  return `sha256:${hash.digest('hex')}`;
}

export interface ExtractedOciPackage {
  /** The package tree, unpacked. */
  dir: string;
  image: OciPackageImage;
  /** The package digest of the unpacked tree (docs/contract.md section 1). */
  treeDigest: string;
  dispose: () => void;
}

/**
 * Reads the image at `path`, unpacks its layer into a fresh temporary directory with the SDK's
 * bounded artifact reader (sdk/artifact/extract.ts: files, directories and links only, nothing
 * outside, within the package limits), and checks the tree against the image's
 * `io.composable.digest` annotation, when it has one. The layer is streamed, never held whole.
 */
export async function extractOciPackage(path: string): Promise<ExtractedOciPackage> {
  const work = mkdtempSync(join(tmpdir(), 'composable-oci-'));
  const dispose = (): void => rmSync(work, { recursive: true, force: true });
  try {
    const { src } = openSource(path);
    let image: OciPackageImage;
    const layerFile = join(work, 'layer');
    try {
      image = readImageFrom(src, path);
      copyLayer(src, image, layerFile, path);
    } finally {
      src.close();
    }
    const what = `${path}: layer ${image.layer.digest}`;
    const diffId = await diffIdOf(
      layerFile,
      image.layer.mediaType === MEDIA_TYPE_LAYER_GZIP,
      PACKAGE_LIMITS.packageBytes + OCI_LIMITS.tarOverheadBytes,
      what,
    );
    if (diffId !== image.layer.diffId) {
      throw new OciReadError(
        `${path}: the config's rootfs.diff_ids does not match the layer's content; the image is damaged or was altered`,
      );
    }
    const dir = join(work, 'tree');
    mkdirSync(dir, { mode: 0o700 });
    try {
      await extractArtifactTo(layerFile, dir, { name: `${path} (layer)` });
    } catch (e) {
      if (e instanceof ArtifactError) throw new OciReadError(e.message);
      throw e;
    }
    rmSync(layerFile);
    const whiteout = walkTree(dir).find((e) => e.relPath.split('/').some((p) => p.startsWith('.wh.')));
    if (whiteout)
      throw new OciReadError(`${path}: layer entry "${whiteout.relPath}" is a whiteout; a package image has one layer and no whiteouts`);
    const treeDigest = packageDigest(dir);
    const declared = image.annotations[ANNOTATION_DIGEST];
    if (declared !== undefined && declared !== treeDigest) {
      throw new OciReadError(
        `${path}: the layer's package digest is ${treeDigest}, but the ${ANNOTATION_DIGEST} annotation ` +
          `says ${declared}; the image was altered, repack it`,
      );
    }
    return { dir, image, treeDigest, dispose };
  } catch (e) {
    dispose();
    if (e instanceof PackageReadError) throw new OciReadError(e.message);
    throw e;
  }
}

/** The package name an image declares (`io.composable.name`), if any. */
export function ociPackageName(image: OciPackageImage): string | undefined {
  return image.annotations[ANNOTATION_NAME];
}

// Reads a package packed as an OCI image: an image layout directory (`oci-layout`, `index.json`,
// `blobs/sha256/…`) or the same as one tar (oci-archive). Nothing in it is trusted: every file is
// opened without following symlinks, every read is bounded by a limit and by the size the
// descriptor declares, every blob must hash to its digest, and the layer is unpacked by this
// file's own tar reader (no `..`, no absolute paths, no writing through a symlink it made).
import { createHash } from 'node:crypto';
import {
  chmodSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, mkdtempSync, openSync, readSync, realpathSync, rmSync, symlinkSync, writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  ANNOTATION_DIGEST, ANNOTATION_NAME, MEDIA_TYPE_INDEX, MEDIA_TYPE_LAYER_GZIP, MEDIA_TYPE_LAYER_TAR, MEDIA_TYPE_MANIFEST,
} from '../../sdk/artifact/oci.ts';
import { packageDigest } from '../../sdk/digest.ts';

/** Upper bounds for what an image may make us read or write. */
export const OCI_LIMITS = {
  /** index.json, a manifest, a config. */
  jsonBytes: 4 * 1024 ** 2,
  /** The layer as stored (compressed). */
  layerBytes: 1024 ** 3,
  /** The layer unpacked (tar bytes). */
  unpackedBytes: 2 * 1024 ** 3 - 1,
  /** Entries in the layer. */
  entries: 200_000,
  /** Members of an oci-archive looked at to find `oci-layout`. */
  archiveMembers: 100_000,
};

export class OciReadError extends Error {
  override name = 'OciReadError';
}

const BLOCK = 512;

// ---------------------------------------------------------------------------------------------
// A bounded tar reader (ustar, pax `x` records, GNU long names), over any random-access source.

export interface TarMember {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  mode: number;
  size: number;
  /** Offset of the content in the source. */
  offset: number;
  linkTarget?: string;
}

function cString(b: Buffer, start: number, len: number): string {
  const slice = b.subarray(start, start + len);
  const nul = slice.indexOf(0);
  return (nul >= 0 ? slice.subarray(0, nul) : slice).toString('utf8');
}

function octalField(b: Buffer, start: number, len: number, what: string): number {
  const raw = b.subarray(start, start + len);
  if ((raw[0]! & 0x80) !== 0) throw new OciReadError(`tar header: base-256 ${what} is not supported`);
  const text = cString(b, start, len).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new OciReadError(`tar header: ${what} "${text}" is not an octal number`);
  return parseInt(text, 8);
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum === octalField(h, 148, 8, 'checksum');
}

function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const sp = body.indexOf(0x20, i);
    if (sp < 0) break;
    const len = Number(body.subarray(i, sp).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0 || i + len > body.length) throw new OciReadError('tar: malformed pax record');
    const rec = body.subarray(sp + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
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
  let offset = 0;
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  while (offset + BLOCK <= src.size) {
    const h = src.read(offset, BLOCK);
    if (h.every((byte) => byte === 0)) break;
    if (!checksumOk(h)) throw new OciReadError(`tar: bad header checksum at byte ${offset}; the file is damaged or not a tar`);
    const size = octalField(h, 124, 12, 'size');
    const typeflag = String.fromCharCode(h[156]!);
    const dataOffset = offset + BLOCK;
    if (size > src.size - dataOffset) throw new OciReadError(`tar: member at byte ${offset} claims ${size} bytes, more than the file holds; the file is truncated`);
    const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    if (typeflag === 'x' || typeflag === 'L' || typeflag === 'K') {
      if (size > OCI_LIMITS.jsonBytes) throw new OciReadError(`tar: extended header of ${size} bytes is too large`);
      const body = src.read(dataOffset, size);
      if (typeflag === 'x') pax = { ...pax, ...parsePax(body) };
      else if (typeflag === 'L') longName = cString(body, 0, body.length);
      else longLink = cString(body, 0, body.length);
      offset = next;
      continue;
    }
    if (typeflag === 'g') {
      offset = next;
      continue;
    }
    const magic = h.subarray(257, 262).toString('latin1');
    const prefix = magic === 'ustar' ? cString(h, 345, 155) : '';
    const name = cString(h, 0, 100);
    const path = pax.path ?? longName ?? (prefix ? `${prefix}/${name}` : name);
    const linkTarget = pax.linkpath ?? longLink ?? cString(h, 157, 100);
    const type = typeflag === '0' || typeflag === '\0' || typeflag === '7' ? 'file' : typeflag === '5' ? 'dir' : typeflag === '2' ? 'symlink' : typeflag === '1' ? 'hardlink' : 'other';
    const m: TarMember = { path, type, mode: octalField(h, 100, 8, 'mode') & 0o7777, size: type === 'file' ? size : 0, offset: dataOffset };
    if (type === 'symlink' || type === 'hardlink') m.linkTarget = linkTarget;
    members.push(m);
    pax = {};
    longName = undefined;
    longLink = undefined;
    if (stop?.(m)) break;
    if (members.length > maxMembers) throw new OciReadError(`tar: more than ${maxMembers} members`);
    offset = next;
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
  /** Reads the layout file `name` (`index.json`, `blobs/sha256/<hex>`), at most `max` bytes. */
  read(name: string, max: number): Buffer;
  close(): void;
}

function readBoundedFd(fd: number, size: number, what: string): Buffer {
  const buf = Buffer.alloc(size);
  let got = 0;
  while (got < size) {
    const n = readSync(fd, buf, got, size - got, got);
    if (n === 0) throw new OciReadError(`${what}: shorter than its size; the image is damaged`);
    got += n;
  }
  return buf;
}

function directorySource(dir: string): LayoutSource {
  return {
    read(name, max) {
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
      try {
        const st = fstatSync(fd);
        if (!st.isFile()) throw new OciReadError(`${path}: not a regular file`);
        if (st.size > max) throw new OciReadError(`${path}: ${st.size} bytes, more than the ${max} allowed`);
        return readBoundedFd(fd, st.size, path);
      } finally {
        closeSync(fd);
      }
    },
    close() {},
  };
}

function fileByteSource(fd: number, size: number): ByteSource {
  return {
    size,
    read(offset, length) {
      const len = Math.max(0, Math.min(length, size - offset));
      const buf = Buffer.alloc(len);
      let got = 0;
      while (got < len) {
        const n = readSync(fd, buf, got, len - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      return buf.subarray(0, got);
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
    const src = fileByteSource(fd, size);
    const members = new Map<string, TarMember>();
    for (const m of listTar(src, OCI_LIMITS.archiveMembers)) {
      const p = normaliseMemberPath(m.path);
      if (p !== undefined) members.set(p, m);
    }
    return {
      read(name, max) {
        const m = members.get(name);
        if (!m) throw new OciReadError(`${path}: has no ${name}; not a complete OCI archive`);
        if (m.type !== 'file') throw new OciReadError(`${path}: ${name} is a ${m.type}, not a regular file; refused`);
        if (m.size > max) throw new OciReadError(`${path}: ${name} is ${m.size} bytes, more than the ${max} allowed`);
        return src.read(m.offset, m.size);
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

/** A directory holding an `oci-layout` file. */
export function isOciLayoutDir(path: string): boolean {
  try {
    return lstatSync(join(path, 'oci-layout')).isFile();
  } catch {
    return false;
  }
}

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
  layerMediaType: string;
  /** The layer's tar bytes (uncompressed, checked against `rootfs.diff_ids`). */
  layerTar: Buffer;
}

interface Descriptor { mediaType?: string; digest: string; size: number; annotations?: Record<string, string> }

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
  if (!d || typeof d.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(d.digest) || typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw new OciReadError(`${what}: not a descriptor with a sha256 digest and a size`);
  }
  return d as Descriptor;
}

function readBlob(src: LayoutSource, d: Descriptor, max: number, what: string): Buffer {
  if (d.size > max) throw new OciReadError(`${what} ${d.digest}: ${d.size} bytes, more than the ${max} allowed`);
  const bytes = src.read(`blobs/sha256/${d.digest.slice(7)}`, d.size);
  if (bytes.length !== d.size || sha256(bytes) !== d.digest) {
    throw new OciReadError(`${what} ${d.digest}: its content does not match its digest; the image is damaged or was altered`);
  }
  return bytes;
}

/** Reads and checks the image at `path` (layout directory or archive). */
export function readOciImage(path: string): OciPackageImage {
  // The path the user gave may be a symlink (`latest.oci.tar`); nothing inside the image may.
  let real: string;
  let isDir = false;
  try {
    real = realpathSync(path);
    isDir = lstatSync(real).isDirectory();
  } catch {
    throw new OciReadError(`${path}: no such file or directory`);
  }
  const src = isDir ? directorySource(real) : archiveSource(real);
  try {
    const layout = parseJson(src.read('oci-layout', OCI_LIMITS.jsonBytes), `${path}: oci-layout`);
    if (typeof layout.imageLayoutVersion !== 'string') throw new OciReadError(`${path}: oci-layout has no imageLayoutVersion`);
    let index = parseJson(src.read('index.json', OCI_LIMITS.jsonBytes), `${path}: index.json`);
    let manifests = Array.isArray(index.manifests) ? index.manifests : [];
    // One level of nested index (what some tools write for a single-platform image).
    if (manifests.length === 1 && (manifests[0] as Descriptor).mediaType === MEDIA_TYPE_INDEX) {
      index = parseJson(readBlob(src, descriptor(manifests[0], `${path}: index.json`), OCI_LIMITS.jsonBytes, `${path}: index`), `${path}: nested index`);
      manifests = Array.isArray(index.manifests) ? index.manifests : [];
    }
    if (manifests.length !== 1) {
      throw new OciReadError(`${path}: holds ${manifests.length} images; a composable package image holds exactly one (composable pack --format oci writes one)`);
    }
    const md = descriptor(manifests[0], `${path}: index.json manifests[0]`);
    if (md.mediaType !== undefined && md.mediaType !== MEDIA_TYPE_MANIFEST) {
      throw new OciReadError(`${path}: the image's manifest is ${md.mediaType}, expected ${MEDIA_TYPE_MANIFEST}`);
    }
    const manifest = parseJson(readBlob(src, md, OCI_LIMITS.jsonBytes, `${path}: manifest`), `${path}: manifest ${md.digest}`);
    const config = parseJson(readBlob(src, descriptor(manifest.config, `${path}: manifest config`), OCI_LIMITS.jsonBytes, `${path}: config`), `${path}: config`);
    const layers = Array.isArray(manifest.layers) ? manifest.layers : [];
    if (layers.length !== 1) {
      throw new OciReadError(`${path}: the image has ${layers.length} layers; a composable package image has exactly one, the package tree (repack with composable pack --format oci)`);
    }
    const ld = descriptor(layers[0], `${path}: manifest layers[0]`);
    const mediaType = ld.mediaType ?? '';
    if (mediaType !== MEDIA_TYPE_LAYER_GZIP && mediaType !== MEDIA_TYPE_LAYER_TAR) {
      throw new OciReadError(`${path}: layer media type ${mediaType || '(none)'} is not read; composable reads ${MEDIA_TYPE_LAYER_GZIP} and ${MEDIA_TYPE_LAYER_TAR}`);
    }
    const stored = readBlob(src, ld, OCI_LIMITS.layerBytes, `${path}: layer`);
    let layerTar: Buffer;
    if (mediaType === MEDIA_TYPE_LAYER_GZIP) {
      try {
        layerTar = gunzipSync(stored, { maxOutputLength: OCI_LIMITS.unpackedBytes });
      } catch (e) {
        throw new OciReadError(`${path}: layer ${ld.digest} does not gunzip (${(e as Error).message}), or unpacks to more than ${OCI_LIMITS.unpackedBytes} bytes`);
      }
    } else {
      layerTar = stored;
    }
    const rootfs = config.rootfs as { diff_ids?: unknown } | undefined;
    const diffIds = Array.isArray(rootfs?.diff_ids) ? rootfs.diff_ids : [];
    if (diffIds[0] !== sha256(layerTar)) {
      throw new OciReadError(`${path}: the config's rootfs.diff_ids does not match the layer's content; the image is damaged or was altered`);
    }
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries((manifest.annotations ?? {}) as Record<string, unknown>)) if (typeof v === 'string') annotations[k] = v;
    return {
      manifestDigest: md.digest,
      annotations,
      architecture: typeof config.architecture === 'string' ? config.architecture : undefined,
      os: typeof config.os === 'string' ? config.os : undefined,
      layerMediaType: mediaType,
      layerTar,
    };
  } finally {
    src.close();
  }
}

/**
 * Unpacks a layer tar into the empty directory `dir`: regular files, directories and symlinks
 * (written as links, never followed); hard links become copies; devices, fifos and sockets are
 * left out. An entry that leaves the root, is a whiteout, or goes through a symlink is an error.
 */
export function unpackLayer(layerTar: Buffer, dir: string, what: string): void {
  const src = bufferSource(layerTar);
  const members = listTar(src, OCI_LIMITS.entries);
  const dirModes: [string, number][] = [];
  // Hard links are written as copies, so what is written is counted, not what the layer holds.
  let written = 0;
  const contents = new Map<string, TarMember>();
  const ensureParents = (rel: string): void => {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const p = join(dir, ...parts.slice(0, i));
      let st;
      try {
        st = lstatSync(p);
      } catch {
        mkdirSync(p, { mode: 0o755 });
        continue;
      }
      if (!st.isDirectory()) throw new OciReadError(`${what}: ${rel} goes through ${parts.slice(0, i).join('/')}, which is not a directory; refused`);
    }
  };
  for (const m of members) {
    const rel = normaliseMemberPath(m.path);
    if (rel === undefined) throw new OciReadError(`${what}: layer entry "${m.path}" leaves the image root; refused`);
    if (rel === '') continue;
    if (rel.split('/').some((p) => p.startsWith('.wh.'))) {
      throw new OciReadError(`${what}: layer entry "${rel}" is a whiteout; a package image has one layer and no whiteouts`);
    }
    if (m.type === 'other') continue;
    ensureParents(rel);
    const target = join(dir, rel);
    let existing;
    try {
      existing = lstatSync(target);
    } catch {
      existing = undefined;
    }
    if (m.type === 'dir') {
      if (existing && !existing.isDirectory()) rmSync(target, { force: true });
      if (!existing || !existing.isDirectory()) mkdirSync(target, { mode: 0o755 });
      dirModes.push([target, m.mode]);
      continue;
    }
    if (existing) rmSync(target, { recursive: true, force: true });
    if (m.type === 'symlink') {
      symlinkSync(m.linkTarget ?? '', target);
      continue;
    }
    let content = m;
    if (m.type === 'hardlink') {
      const from = normaliseMemberPath(m.linkTarget ?? '');
      const linked = from !== undefined ? contents.get(from) : undefined;
      if (!linked) throw new OciReadError(`${what}: hard link ${rel} points at ${m.linkTarget}, which is not an earlier file; refused`);
      content = linked;
    }
    written += content.size;
    if (written > OCI_LIMITS.unpackedBytes) throw new OciReadError(`${what}: the layer unpacks to more than ${OCI_LIMITS.unpackedBytes} bytes; refused`);
    const fd = openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      const bytes = src.read(content.offset, content.size);
      writeSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
    chmodSync(target, content.mode);
    contents.set(rel, content);
  }
  // Directory modes last, so a read-only directory does not stop its own entries being written.
  for (const [p, mode] of dirModes.reverse()) if (lstatSync(p).isDirectory()) chmodSync(p, mode);
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
 * Reads the image at `path`, unpacks its layer into a fresh temporary directory and checks the
 * tree against the image's `io.composable.digest` annotation, when it has one.
 */
export function extractOciPackage(path: string): ExtractedOciPackage {
  const image = readOciImage(path);
  const dir = mkdtempSync(join(tmpdir(), 'composable-oci-'));
  const dispose = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    unpackLayer(image.layerTar, dir, path);
    const treeDigest = packageDigest(dir);
    const declared = image.annotations[ANNOTATION_DIGEST];
    if (declared !== undefined && declared !== treeDigest) {
      throw new OciReadError(`${path}: the layer's package digest is ${treeDigest}, but the ${ANNOTATION_DIGEST} annotation says ${declared}; the image was altered, repack it`);
    }
    return { dir, image, treeDigest, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

/** The package name an image declares (`io.composable.name`), if any. */
export function ociPackageName(image: OciPackageImage): string | undefined {
  return image.annotations[ANNOTATION_NAME];
}

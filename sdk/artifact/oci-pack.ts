// Packages as OCI images (image-spec v1.1): an image layout directory (`oci-layout`, `index.json`,
// `blobs/sha256/…`) or the same as one tar (an "oci-archive", as podman and skopeo call it).
// One layer: the package tree at the image root, so an engine that mounts the image at
// `/opt/composable/<name>` (podman `--mount type=image`, Kubernetes image volumes) shows the
// package at its stable path. Reproducible: the layer is the reproducible tar of `tar.ts`, gzip'd
// with a fixed header, and nothing in the config or manifest depends on the clock unless
// SOURCE_DATE_EPOCH says so; the same tree gives the same manifest digest.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { entriesDigest, walkTree, type TreeEntry } from '../digest.ts';
import { atomicWriteFile } from '../fs/atomic-write.ts';
import { writeTar } from './tar.ts';

export const OCI_FORMATS = ['oci', 'oci-archive'] as const;
export type OciFormat = (typeof OCI_FORMATS)[number];

export const MEDIA_TYPE_INDEX = 'application/vnd.oci.image.index.v1+json';
export const MEDIA_TYPE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const MEDIA_TYPE_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const MEDIA_TYPE_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const MEDIA_TYPE_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';

/** Annotation keys composable writes besides the standard `org.opencontainers.image.*` ones. */
export const ANNOTATION_DIGEST = 'io.composable.digest';
export const ANNOTATION_NAME = 'io.composable.name';
export const ANNOTATION_TITLE = 'org.opencontainers.image.title';
export const ANNOTATION_VERSION = 'org.opencontainers.image.version';
export const ANNOTATION_CREATED = 'org.opencontainers.image.created';
export const ANNOTATION_DESCRIPTION = 'org.opencontainers.image.description';
export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';

export interface OciImageInfo {
  /** Package name (os-release ID). */
  name: string;
  /** Package version (os-release VERSION_ID). */
  version: string;
  /** The package's tree digest (`sha256:…`, docs/contract.md section 1). */
  treeDigest: string;
  /** GOARCH-style architecture of the package's binaries (`amd64`, `arm64`, …). */
  architecture: string;
  /** Human-readable description (os-release PRETTY_NAME), when there is one. */
  description?: string;
  /** Seconds since the epoch (SOURCE_DATE_EPOCH); without it the image has no creation time. */
  created?: number;
}

export interface OciBlob {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

export interface OciImage {
  blobs: OciBlob[];
  /** `index.json` bytes. */
  index: Buffer;
  manifestDigest: string;
  configDigest: string;
  layerDigest: string;
  /** sha256 of the uncompressed layer (the config's `rootfs.diff_ids[0]`). */
  diffId: string;
  annotations: Record<string, string>;
}

export class OciError extends Error {
  override name = 'OciError';
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** JSON with a fixed key order (as written), no whitespace: the bytes a digest is taken of. */
function canonical(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** ELF e_machine → the architecture name OCI (GOARCH) uses; undefined for ones it has none for. */
export function ociArchitectureOfElf(machine: number, bits: 32 | 64, littleEndian: boolean): string | undefined {
  switch (machine) {
    case 3:
      return '386';
    case 62:
      return 'amd64';
    case 40:
      return 'arm';
    case 183:
      return 'arm64';
    case 243:
      return bits === 64 ? 'riscv64' : undefined;
    case 21:
      return littleEndian ? 'ppc64le' : 'ppc64';
    case 22:
      return 's390x';
    case 258:
      return 'loong64';
    case 8:
      return bits === 64 ? (littleEndian ? 'mips64le' : 'mips64') : littleEndian ? 'mipsle' : 'mips';
    default:
      return undefined;
  }
}

/** GOARCH values, what OCI's `architecture` holds (image-spec config.md points to Go's list). */
export const OCI_ARCHITECTURES = [
  '386',
  'amd64',
  'arm',
  'arm64',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'ppc64',
  'ppc64le',
  'riscv64',
  's390x',
] as const;

/** The OCI architecture of the machine we run on (node's process.arch). */
export function hostOciArchitecture(arch: string = process.arch): string {
  const map: Record<string, string> = {
    x64: 'amd64',
    ia32: '386',
    arm: 'arm',
    arm64: 'arm64',
    ppc64: 'ppc64le',
    s390x: 's390x',
    riscv64: 'riscv64',
    loong64: 'loong64',
  };
  return map[arch] ?? arch;
}

/** Names an OCI layer may not carry: `.wh.` entries are whiteouts, an engine would delete, not show, them. */
export function whiteoutProblem(entries: readonly TreeEntry[]): string | undefined {
  const bad = entries.find((e) => basename(e.relPath).startsWith('.wh.'));
  return bad
    ? `${bad.relPath}: names starting with ".wh." are whiteouts in an OCI layer, an engine would hide the file; rename it`
    : undefined;
}

/**
 * The repository a package's image goes by: its name as a reference path component (lower
 * case letters and digits, other characters as `-`), since package names may hold upper case,
 * `:`, `_` and `.` that a registry refuses or reads otherwise.
 */
export function ociRepository(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'package'
  );
}

/** A version as an image tag (`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`): `+` and `~` become `_`. */
export function ociTag(version: string): string {
  const tag = version.replace(/[^A-Za-z0-9_.-]/g, '_');
  return (/^[A-Za-z0-9_]/.test(tag) ? tag : `_${tag}`).slice(0, 128);
}

/**
 * The image's name in its layout (`org.opencontainers.image.ref.name`): `composable/<name>:<version>`.
 * A full name, not a bare tag, because `podman load` and `podman pull oci-archive:` name the
 * image after it (a bare `1.4.2` would become `localhost/1.4.2:latest`); the `composable/`
 * namespace keeps it apart from an application image called like the package.
 */
export function ociRefName(name: string, version: string): string {
  return `composable/${ociRepository(name)}:${ociTag(version)}`;
}

function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * The image for a layer (the package tree as a reproducible tar): blobs, manifest and index.
 * Pure: the same inputs give the same bytes.
 */
export function buildOciImage(layerTar: Buffer, info: OciImageInfo): OciImage {
  const diffId = sha256(layerTar);
  // gzip with node's zlib at level 9: the header has no name and mtime 0, so the bytes depend on
  // the content (and zlib's version) only.
  const layer = gzipSync(layerTar, { level: 9 });
  const layerDigest = sha256(layer);
  const created = info.created !== undefined && info.created > 0 ? isoTime(info.created) : undefined;

  const annotations: Record<string, string> = {
    [ANNOTATION_TITLE]: info.name,
    [ANNOTATION_VERSION]: info.version,
    ...(info.description ? { [ANNOTATION_DESCRIPTION]: info.description } : {}),
    ...(created ? { [ANNOTATION_CREATED]: created } : {}),
    [ANNOTATION_NAME]: info.name,
    [ANNOTATION_DIGEST]: info.treeDigest,
  };

  // A data-only image: no Cmd, no Entrypoint, nothing to run. `architecture`/`os` are required by
  // the image spec; they say what the package's binaries run on, which is what an engine checks
  // when it picks an image for a node. Labels repeat the annotations so `podman image inspect`
  // and `docker inspect` show them (they read the config, not the manifest).
  const config = {
    ...(created ? { created } : {}),
    architecture: info.architecture,
    os: 'linux',
    config: { Labels: annotations },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ ...(created ? { created } : {}), created_by: `composable pack --format oci (${info.name} ${info.version})` }],
  };
  const configBytes = canonical(config);
  const configDigest = sha256(configBytes);

  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPE_MANIFEST,
    config: { mediaType: MEDIA_TYPE_CONFIG, digest: configDigest, size: configBytes.length },
    layers: [{ mediaType: MEDIA_TYPE_LAYER_GZIP, digest: layerDigest, size: layer.length }],
    annotations,
  };
  const manifestBytes = canonical(manifest);
  const manifestDigest = sha256(manifestBytes);

  const index = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPE_INDEX,
    manifests: [
      {
        mediaType: MEDIA_TYPE_MANIFEST,
        digest: manifestDigest,
        size: manifestBytes.length,
        platform: { architecture: info.architecture, os: 'linux' },
        annotations: { [ANNOTATION_REF_NAME]: ociRefName(info.name, info.version) },
      },
    ],
  };

  return {
    blobs: [
      { digest: layerDigest, mediaType: MEDIA_TYPE_LAYER_GZIP, bytes: layer },
      { digest: configDigest, mediaType: MEDIA_TYPE_CONFIG, bytes: configBytes },
      { digest: manifestDigest, mediaType: MEDIA_TYPE_MANIFEST, bytes: manifestBytes },
    ],
    index: canonical(index),
    manifestDigest,
    configDigest,
    layerDigest,
    diffId,
    annotations,
  };
}

/** Writes the image layout into `dir` (which must not exist), with fixed modes. */
function writeLayoutInto(dir: string, image: OciImage): void {
  const blobDir = join(dir, 'blobs', 'sha256');
  mkdirSync(blobDir, { recursive: true });
  for (const d of [dir, join(dir, 'blobs'), blobDir]) chmodSync(d, 0o755);
  const put = (path: string, bytes: Uint8Array): void => {
    writeFileSync(path, bytes, { flag: 'wx' });
    chmodSync(path, 0o644);
  };
  put(join(dir, 'oci-layout'), canonical({ imageLayoutVersion: '1.0.0' }));
  put(join(dir, 'index.json'), image.index);
  for (const b of image.blobs) put(join(blobDir, b.digest.slice('sha256:'.length)), b.bytes);
}

export interface OciPackResult {
  artifact: string;
  /** For an oci-archive: its `.sha256` file. */
  checksumFile?: string;
  /** sha256 of the archive, or, for a layout directory, the manifest digest's hex. */
  sha256: string;
  bytes: number;
  entries: number;
  manifestDigest: string;
  treeDigest: string;
}

export interface OciPackOptions {
  name: string;
  version: string;
  architecture: string;
  description?: string;
  /** SOURCE_DATE_EPOCH: every tar mtime, and the image's creation time when > 0. */
  mtime?: number;
  /** The entries of `dir` to pack (`selectPackage(dir).entries`); default the whole tree. */
  entries?: readonly TreeEntry[];
}

/**
 * Packs the package directory `dir` as an OCI image: a layout directory at `out` (`oci`), or one
 * tar at `out` (`oci-archive`) plus `<out>.sha256`. Nothing is seen half-written: the layout is
 * built beside `out` and renamed into place.
 */
export function packOci(dir: string, out: string, format: OciFormat, opts: OciPackOptions): OciPackResult {
  const entries = opts.entries ?? walkTree(dir);
  const whiteout = whiteoutProblem(entries);
  if (whiteout) throw new OciError(whiteout);
  const mtime = opts.mtime ?? 0;
  // The package's own digest, through the safe reader (a file swapped for a FIFO after the walk is refused, not read).
  const treeDigest = entriesDigest(dir, entries);
  const image = buildOciImage(writeTar(dir, entries, { mtime }), {
    name: opts.name,
    version: opts.version,
    treeDigest,
    architecture: opts.architecture,
    description: opts.description,
    created: mtime,
  });

  mkdirSync(dirname(out), { recursive: true });
  const staging = mkdtempSync(join(dirname(out), '.composable-pack-'));
  try {
    const layout = join(staging, 'layout');
    writeLayoutInto(layout, image);
    if (format === 'oci') {
      replaceDirectory(layout, out);
      const bytes = image.blobs.reduce((n, b) => n + b.bytes.length, image.index.length);
      return {
        artifact: out,
        sha256: image.manifestDigest.slice(7),
        bytes,
        entries: entries.length,
        manifestDigest: image.manifestDigest,
        treeDigest,
      };
    }
    const archive = writeTar(layout, walkTree(layout), { mtime });
    atomicWriteFile(out, archive, { mode: 0o644, fsync: true });
    const hex = createHash('sha256').update(archive).digest('hex');
    const checksumFile = `${out}.sha256`;
    atomicWriteFile(checksumFile, `${hex}  ${basename(out)}\n`, { mode: 0o644 });
    return {
      artifact: out,
      checksumFile,
      sha256: hex,
      bytes: statSync(out).size,
      entries: entries.length,
      manifestDigest: image.manifestDigest,
      treeDigest,
    };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Moves the directory `from` to `to`. An existing `to` is replaced only when it is an OCI layout
 * (a re-pack); anything else there is an error, so a mistyped `-o` never removes a user's files.
 */
function replaceDirectory(from: string, to: string): void {
  if (!existsSync(to)) {
    renameSync(from, to);
    return;
  }
  const st = lstatSync(to);
  if (!st.isDirectory() || !existsSync(join(to, 'oci-layout'))) {
    throw new OciError(`${to} exists and is not an OCI image layout; remove it or choose another -o`);
  }
  const old = `${to}.old-${process.pid}`;
  renameSync(to, old);
  try {
    renameSync(from, to);
  } catch (e) {
    renameSync(old, to);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}

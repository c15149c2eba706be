// The generator's reading edge: metadata and packages from the container's filesystem (or from
// COMPOSABLE_ROOT), turned into the pure planner's input.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { METADATA_PATH, STORE_ROOT, hostPath, stablePath } from '../contract.ts';
import { imageReader, loadPackage, loadPackageFrom } from '../package.ts';
import { SquashfsImage } from '../squashfs.ts';
import { fileDigest } from '../digest.ts';
import { candidateExecutables } from '../plan/exec-paths.ts';
import { packageDigest } from '../digest.ts';
import { parseMetadata } from '../plan/generate.ts';
import type { GeneratorInput, MetadataInput, ServiceInput } from '../plan/types.ts';
import type { ServiceSpec } from '../schema/metadata.ts';
import { isBelow, resolveInRoot } from './container-path.ts';
import { VERSION } from '../version.ts';
import { readCapabilities } from './capabilities.ts';

/** squashfs ("hsqs" at 0) or erofs (0xE0F5E1E2 little-endian at 1024), else undefined. */
export function imageType(file: string): 'squashfs' | 'erofs' | undefined {
  const buf = Buffer.alloc(1028);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const n = readSync(fd, buf, 0, buf.length, 0);
    if (n >= 4 && buf.toString('latin1', 0, 4) === 'hsqs') return 'squashfs';
    if (n >= 1028 && buf.readUInt32LE(1024) === 0xe0f5e1e2) return 'erofs';
  } catch {
    /* unreadable: reported by the caller */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return undefined;
}

/** The store root as it resolves inside the container (it may itself be a symlink). */
export function resolveStoreRoot(root: string): string {
  const store = resolveInRoot(root, STORE_ROOT);
  return store.ok ? store.path : STORE_ROOT;
}

export function readService(root: string, spec: ServiceSpec, storeRoot: string = resolveStoreRoot(root)): ServiceInput {
  const none = (): boolean => false;
  const base = { spec, packageProblems: [], hasFile: none };
  if (spec.source === stablePath(spec.name)) return readEngineMountedService(root, spec);
  const resolved = resolveInRoot(root, spec.source, { path: STORE_ROOT, resolved: storeRoot });
  if (!resolved.ok) {
    return { ...base, sourceReasons: [{ code: 'source-missing', message: `source ${spec.source} cannot be used: ${resolved.message}; the agent must bind-mount the package there before PID 1 starts` }] };
  }
  if (!isBelow(resolved.path, storeRoot)) {
    return { ...base, sourceReasons: [{ code: 'source-outside-store', message: `source ${spec.source} resolves to ${resolved.path}, outside the store ${STORE_ROOT}/; packages must be below the store root` }] };
  }
  const dir = join(root, resolved.path);
  const st = statSync(dir);
  if (st.isFile()) return readImageService(spec, dir, resolved.path);
  if (!st.isDirectory()) {
    return { ...base, resolvedSource: resolved.path, sourceReasons: [{ code: 'source-unsupported', message: `source ${spec.source} is neither a directory nor an image file` }] };
  }
  return readDirectoryService(spec, dir, resolved.path);
}

/**
 * A package the container engine has mounted at its stable path (podman --mount type=image,
 * a Kubernetes image volume, the OCI hook): read in place there, never mounted by the generator.
 * It must be that directory itself, not a symlink to somewhere else in the container.
 */
function readEngineMountedService(root: string, spec: ServiceSpec): ServiceInput {
  const base = { spec, packageProblems: [], hasFile: (): boolean => false, mountedBy: 'engine' as const };
  const resolved = resolveInRoot(root, spec.source);
  if (!resolved.ok) {
    return { ...base, sourceReasons: [{ code: 'source-missing', message: `source ${spec.source} cannot be used: ${resolved.message}; the container engine must mount the package there before PID 1 starts (podman --mount type=image, a Kubernetes image volume)` }] };
  }
  if (resolved.path !== spec.source) {
    return { ...base, sourceReasons: [{ code: 'source-outside-store', message: `source ${spec.source} resolves to ${resolved.path}; a package the engine mounts must be at its stable path itself, not a symlink` }] };
  }
  const dir = join(root, resolved.path);
  if (!statSync(dir).isDirectory()) {
    return { ...base, resolvedSource: resolved.path, sourceReasons: [{ code: 'source-not-directory', message: `source ${spec.source} is not a directory; the engine must mount the package tree (an image's root) there` }] };
  }
  return { ...readDirectoryService(spec, dir, resolved.path), mountedBy: 'engine' };
}

function readDirectoryService(spec: ServiceSpec, dir: string, resolvedSource: string): ServiceInput {
  const { package: pkg, problems } = loadPackage(dir);
  const hasFile = (rel: string): boolean => statSync(join(dir, rel), { throwIfNoEntry: false })?.isFile() ?? false;
  return {
    spec,
    sourceReasons: [],
    resolvedSource,
    sourceKind: 'directory',
    pkg,
    packageProblems: problems,
    // Hashing a whole package costs time at boot; it is done only when the agent asks for it.
    digest: spec.digest !== undefined && pkg ? packageDigest(dir) : undefined,
    hasFile,
  };
}

/** A squashfs image in the store: read without mounting, mounted later by its .mount unit. */
function readImageService(spec: ServiceSpec, file: string, resolvedSource: string): ServiceInput {
  const base = { spec, packageProblems: [], hasFile: (): boolean => false, resolvedSource };
  const type = imageType(file);
  if (type !== 'squashfs') {
    const message = type === 'erofs'
      ? `source ${spec.source} is an erofs image; this generator reads squashfs images (mksquashfs -comp gzip) and package directories`
      : `source ${spec.source} is a file but not a squashfs image`;
    return { ...base, sourceReasons: [{ code: 'source-unsupported', message }] };
  }
  let image: SquashfsImage;
  try {
    image = SquashfsImage.open(file, spec.source);
  } catch (e) {
    return { ...base, sourceReasons: [{ code: 'source-unsupported', message: (e as Error).message }] };
  }
  try {
    const { package: pkg, problems } = loadPackageFrom(imageReader(image), resolvedSource);
    // Exec rewriting asks about files later; answer from what the image holds now.
    const files = new Map<string, boolean>();
    const hasFile = (rel: string): boolean => {
      if (!files.has(rel)) files.set(rel, image.isFile(rel));
      return files.get(rel)!;
    };
    for (const u of pkg?.units ?? []) for (const r of candidateExecutables(u)) hasFile(r);
    return {
      spec, sourceReasons: [], resolvedSource, sourceKind: 'image', imageType: 'squashfs', pkg, packageProblems: problems,
      // For an image, the digest is the sha256 of the image file (docs/contract.md).
      digest: spec.digest !== undefined && pkg ? fileDigest(file) : undefined,
      hasFile: (rel) => files.get(rel) ?? false,
    };
  } catch (e) {
    return { ...base, sourceReasons: [{ code: 'source-unsupported', message: `source ${spec.source}: ${(e as Error).message}` }] };
  } finally {
    image.close();
  }
}

export function readMetadata(root: string): { metadata: MetadataInput; services: ServiceSpec[] } {
  const path = METADATA_PATH;
  let text: string;
  try {
    text = readFileSync(hostPath(path, root), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { metadata: { state: 'absent', path }, services: [] };
    return { metadata: { state: 'invalid', path, reasons: [{ code: 'metadata-unreadable', file: path, message: `cannot read ${path}: ${(e as Error).message}` }] }, services: [] };
  }
  const parsed = parseMetadata(text, path);
  if (!parsed.ok) return { metadata: { state: 'invalid', path, reasons: parsed.reasons }, services: [] };
  return { metadata: { state: 'ok', path }, services: parsed.services };
}

/** Read everything the planner needs from the container rooted at `root`. */
export function readGeneratorInput(root: string = process.env.COMPOSABLE_ROOT ?? '/'): GeneratorInput {
  const { metadata, services } = readMetadata(root);
  const storeRoot = resolveStoreRoot(root);
  return { metadata, services: services.map((spec) => readService(root, spec, storeRoot)), generatorVersion: VERSION, capabilities: readCapabilities(root) };
}

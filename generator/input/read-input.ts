// The generator's reading edge: metadata and packages from the container's filesystem (or from
// COMPOSABLE_ROOT), turned into the pure planner's input.
// Everything here is per service: whatever one package does (a FIFO, a loop, a huge file, a bug
// it triggers), it ends as that service's skip reason, never as an exception out of the generator.
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { METADATA_PATH, STORE_ROOT, stablePath } from '../../sdk/contract.ts';
import { imageReader, loadPackageFrom, treeReader } from '../../sdk/package.ts';
import { sniffFile } from '../../sdk/artifact/sniff.ts';
import { SquashfsError, SquashfsImage } from '../../sdk/artifact/squashfs.ts';
import { fileDigest, packageDigestResult } from '../../sdk/digest.ts';
import { candidateExecutables } from '../plan/exec-paths.ts';
import { packagePathsOf, type PackagePathCheck } from '../plan/privileges.ts';
import { parseMetadata, type MetadataEntry } from '../plan/plan-generation.ts';
import type { GeneratorInput, MetadataInput, ServiceInput } from '../plan/types.ts';
import type { ServiceSpec } from '../../sdk/schema/metadata.ts';
import { isBelow, resolveInRoot } from '../../sdk/fs/container-path.ts';
import { readContainerUnits } from './container-units.ts';
import { PACKAGE_LIMITS, PackageTree, readRegularFile, type PackageLimits } from '../../sdk/fs/safe-read.ts';

const PACKAGE_LIMITS_METADATA = PACKAGE_LIMITS.metadataBytes;
import { VERSION } from '../../sdk/version.ts';
import { readCapabilities } from './capabilities.ts';

/** The image format of a store file (sdk/artifact/sniff.ts): squashfs, erofs, or undefined. */
export function imageType(file: string): 'squashfs' | 'erofs' | undefined {
  const format = sniffFile(file);
  return format === 'squashfs' || format === 'erofs' ? format : undefined;
}

/** The store root as it resolves inside the container (it may itself be a symlink). */
export function resolveStoreRoot(root: string): string {
  const store = resolveInRoot(root, STORE_ROOT);
  return store.ok ? store.path : STORE_ROOT;
}

export function readService(
  root: string,
  spec: ServiceSpec,
  storeRoot: string = resolveStoreRoot(root),
  limits?: Partial<PackageLimits>,
): ServiceInput {
  try {
    return readServiceUnguarded(root, spec, storeRoot, limits);
  } catch (e) {
    // A bug or an I/O error nobody foresaw: this service is skipped, the others go on.
    return {
      spec,
      packageProblems: [],
      hasFile: () => false,
      sourceReasons: [{ code: 'package-unreadable', message: `the package at ${spec.source} could not be read: ${oneLine(e)}` }],
    };
  }
}

/** An exception as one line without file content: its errno code or the first line of its message. */
function oneLine(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (typeof code === 'string') return code;
  return e instanceof Error ? e.name : 'error';
}

function readServiceUnguarded(root: string, spec: ServiceSpec, storeRoot: string, limits?: Partial<PackageLimits>): ServiceInput {
  const none = (): boolean => false;
  const base = { spec, packageProblems: [], hasFile: none };
  if (spec.source === stablePath(spec.name)) return readEngineMountedService(root, spec, limits);
  const resolved = resolveInRoot(root, spec.source, { path: STORE_ROOT, resolved: storeRoot });
  if (!resolved.ok) {
    return {
      ...base,
      sourceReasons: [
        {
          code: 'source-missing',
          message: `source ${spec.source} cannot be used: ${resolved.message}; the agent must bind-mount the package there before PID 1 starts`,
        },
      ],
    };
  }
  if (!isBelow(resolved.path, storeRoot)) {
    return {
      ...base,
      sourceReasons: [
        {
          code: 'source-outside-store',
          message: `source ${spec.source} resolves to ${resolved.path}, outside the store ${STORE_ROOT}/; packages must be below the store root`,
        },
      ],
    };
  }
  const dir = join(root, resolved.path);
  // resolveInRoot followed every link, so this is the source itself (its lstat, when it took one).
  const st = resolved.stat ?? lstatSync(dir);
  if (st.isFile()) return readImageService(spec, dir, resolved.path, limits);
  if (!st.isDirectory()) {
    return {
      ...base,
      resolvedSource: resolved.path,
      sourceReasons: [{ code: 'source-unsupported', message: `source ${spec.source} is neither a directory nor an image file` }],
    };
  }
  return readDirectoryService(spec, dir, resolved.path, limits);
}

/**
 * A package the container engine has mounted at its stable path (podman --mount type=image,
 * a Kubernetes image volume, the OCI hook): read in place there, never mounted by the generator.
 * It must be that directory itself, not a symlink to somewhere else in the container.
 */
function readEngineMountedService(root: string, spec: ServiceSpec, limits?: Partial<PackageLimits>): ServiceInput {
  const base = { spec, packageProblems: [], hasFile: (): boolean => false, mountedBy: 'engine' as const };
  const resolved = resolveInRoot(root, spec.source);
  if (!resolved.ok) {
    return {
      ...base,
      sourceReasons: [
        {
          code: 'source-missing',
          message:
            `source ${spec.source} cannot be used: ${resolved.message}; the container engine must mount ` +
            `the package there before PID 1 starts (podman --mount type=image, a Kubernetes image volume)`,
        },
      ],
    };
  }
  if (resolved.path !== spec.source) {
    return {
      ...base,
      sourceReasons: [
        {
          code: 'source-outside-store',
          message: `source ${spec.source} resolves to ${resolved.path}; a package the engine mounts must be at its stable path itself, not a symlink`,
        },
      ],
    };
  }
  const dir = join(root, resolved.path);
  if (!lstatSync(dir).isDirectory()) {
    return {
      ...base,
      resolvedSource: resolved.path,
      sourceReasons: [
        {
          code: 'source-not-directory',
          message: `source ${spec.source} is not a directory; the engine must mount the package tree (an image's root) there`,
        },
      ],
    };
  }
  return { ...readDirectoryService(spec, dir, resolved.path, limits), mountedBy: 'engine' };
}

/**
 * A package the engine mounts at its stable path, read from the directory it is mounted from (the
 * OCI hook rendering on the host reads the store's directory it binds there): the same reading as
 * in the container, where the generator finds the same tree at `spec.source`.
 */
export function readEngineMountedDirectory(spec: ServiceSpec, dir: string, limits?: Partial<PackageLimits>): ServiceInput {
  try {
    return { ...readDirectoryService(spec, dir, spec.source, limits), mountedBy: 'engine' };
  } catch (e) {
    return {
      spec,
      packageProblems: [],
      hasFile: () => false,
      mountedBy: 'engine',
      sourceReasons: [{ code: 'package-unreadable', message: `the package at ${spec.source} could not be read: ${oneLine(e)}` }],
    };
  }
}

function readDirectoryService(spec: ServiceSpec, dir: string, resolvedSource: string, limits?: Partial<PackageLimits>): ServiceInput {
  // One reader for the package and for the Exec rewriting's question whether it has a program
  // (answered inside the package only), so no path is lstat'd twice. The caller has checked that
  // `dir` is a directory.
  const tree = new PackageTree(dir, limits);
  const reader = treeReader(tree);
  const { package: pkg, problems } = loadPackageFrom(reader, dir);
  let digest: string | undefined;
  // Hashing a whole package costs time at boot; it is done only when the agent asks for it.
  if (spec.digest !== undefined && pkg) {
    const d = packageDigestResult(dir, limits);
    if (d.ok) digest = d.value;
    else problems.push(d.problem);
  }
  return {
    spec,
    sourceReasons: [],
    resolvedSource,
    sourceKind: 'directory',
    pkg: problems.length > 0 ? undefined : pkg,
    packageProblems: problems,
    digest,
    hasFile: (rel) => reader.isFile(rel),
    resolveInPackage: (rel) => {
      const r = tree.resolve(rel);
      // A path missing at the end (a socket PID 1 would create) still resolved inside so far.
      return r.ok || r.missing ? { ok: true } : { ok: false, message: r.problem.message };
    },
  };
}

/** A squashfs image in the store: read without mounting, mounted later by its .mount unit. */
function readImageService(spec: ServiceSpec, file: string, resolvedSource: string, limits?: Partial<PackageLimits>): ServiceInput {
  const base = { spec, packageProblems: [], hasFile: (): boolean => false, resolvedSource };
  const type = imageType(file);
  if (type !== 'squashfs') {
    const message =
      type === 'erofs'
        ? `source ${spec.source} is an erofs image; this generator reads squashfs images (mksquashfs -comp gzip) and package directories`
        : `source ${spec.source} is a file but not a squashfs image`;
    return { ...base, sourceReasons: [{ code: 'source-unsupported', message }] };
  }
  let image: SquashfsImage;
  try {
    image = SquashfsImage.open(file, spec.source);
  } catch (e) {
    const code = e instanceof SquashfsError ? e.code : 'source-unsupported';
    return { ...base, sourceReasons: [{ code, message: (e as Error).message }] };
  }
  try {
    const { package: pkg, problems } = loadPackageFrom(imageReader(image, limits), resolvedSource);
    // Exec rewriting asks about files later; answer from what the image holds now.
    const files = new Map<string, boolean>();
    const hasFile = (rel: string): boolean => {
      if (!files.has(rel)) {
        let isFile = false;
        try {
          isFile = image.isFile(rel);
        } catch {
          /* a link that leaves the image or loops: not a program of the package */
        }
        files.set(rel, isFile);
      }
      return files.get(rel)!;
    };
    for (const u of pkg?.units ?? []) for (const r of candidateExecutables(u)) hasFile(r);
    // The path directives' question, answered now for every path below the package a unit
    // names: the image is closed before the planner runs.
    const where = stablePath(spec.name);
    const inside = new Map<string, PackagePathCheck>();
    for (const u of pkg?.units ?? []) {
      for (const file of [u.file, ...u.dropIns.map((d) => d.file)]) {
        for (const rel of packagePathsOf(file, where, u.name)) {
          if (inside.has(rel)) continue;
          try {
            image.isFile(rel);
            inside.set(rel, { ok: true });
          } catch (e) {
            inside.set(rel, { ok: false, message: e instanceof SquashfsError ? e.message : 'it cannot be resolved' });
          }
        }
      }
    }
    return {
      spec,
      sourceReasons: [],
      resolvedSource,
      sourceKind: 'image',
      imageType: 'squashfs',
      pkg,
      packageProblems: problems,
      // For an image, the digest is the sha256 of the image file (docs/contract.md).
      digest: spec.digest !== undefined && pkg ? fileDigest(file) : undefined,
      hasFile: (rel) => files.get(rel) ?? false,
      resolveInPackage: (rel) => inside.get(rel) ?? { ok: false, message: `${rel} was not resolved while the image was open` },
    };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return {
      ...base,
      sourceReasons: [
        {
          code: typeof code === 'string' && /^[a-z-]+$/.test(code) ? code : 'source-unsupported',
          message: `source ${spec.source}: ${(e as Error).message}`,
        },
      ],
    };
  } finally {
    image.close();
  }
}

export function readMetadata(
  root: string,
  limits?: Partial<PackageLimits>,
): { metadata: MetadataInput; services: ServiceSpec[]; entries: MetadataEntry[] } {
  const path = METADATA_PATH;
  // Follow links by hand inside the root (an agent may link the file), then open the result
  // without following anything: a FIFO, a device or /dev/zero is refused, never read.
  const resolved = resolveInRoot(root, path);
  if (!resolved.ok) {
    if (resolved.code === 'missing') return { metadata: { state: 'absent', path }, services: [], entries: [] };
    return {
      metadata: {
        state: 'invalid',
        path,
        reasons: [{ code: 'metadata-unreadable', file: path, message: `cannot read ${path}: ${resolved.message}` }],
      },
      services: [],
      entries: [],
    };
  }
  const read = readRegularFile(join(root, resolved.path), path, limits?.metadataBytes ?? PACKAGE_LIMITS_METADATA);
  if (!read.ok) {
    if (read.missing) return { metadata: { state: 'absent', path }, services: [], entries: [] };
    return {
      metadata: { state: 'invalid', path, reasons: [{ code: 'metadata-unreadable', file: path, message: read.problem.message }] },
      services: [],
      entries: [],
    };
  }
  const parsed = parseMetadata(read.value.toString('utf8'), path);
  if (!parsed.ok) return { metadata: { state: 'invalid', path, reasons: parsed.reasons }, services: [], entries: [] };
  return {
    metadata: { state: 'ok', path, ...(parsed.reasons.length > 0 ? { reasons: parsed.reasons } : {}) },
    services: parsed.services,
    entries: parsed.entries,
  };
}

/** Read everything the planner needs from the container rooted at `root`. */
export function readGeneratorInput(root: string = process.env.COMPOSABLE_ROOT ?? '/', limits?: Partial<PackageLimits>): GeneratorInput {
  const { metadata, entries } = readMetadata(root, limits);
  let storeRoot: string;
  try {
    storeRoot = resolveStoreRoot(root);
  } catch {
    storeRoot = STORE_ROOT;
  }
  // An entry that failed the schema is not read at all: it is skipped with its schema reasons.
  const services = entries.map(
    (e): ServiceInput =>
      e.reasons.length > 0
        ? { spec: e.spec, sourceReasons: e.reasons, packageProblems: [], hasFile: () => false }
        : readService(root, e.spec, storeRoot, limits),
  );
  return {
    metadata,
    services,
    generatorVersion: VERSION,
    containerUnits: services.length > 0 ? readContainerUnits(root) : undefined,
    capabilities: readCapabilities(root),
  };
}

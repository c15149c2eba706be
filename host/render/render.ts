// composable render: the unit tree the in-container generator would write, made on the host ahead
// of time with the same reader and planner (generator/input, generator/plan), plus a manifest of
// what the plan assumed of the container. An image without node then only needs the POSIX sh
// generator (generator/sh/composable-generator.sh), which checks the assumptions at boot and links
// the tree into place. `composable generate` and the node generator run the same planner on the
// same input, so a render and a boot-time generation are the same files, byte for byte.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { GENERATOR_NAME, METADATA_PATH, stablePath } from '../../sdk/contract.ts';
import { resolveInRoot } from '../../sdk/fs/container-path.ts';
import { PACKAGE_LIMITS, readRegularFile } from '../../sdk/fs/safe-read.ts';
import type { RenderAssumption, RenderManifest } from '../../sdk/schema/render.ts';
import type { Status } from '../../sdk/schema/status.ts';
import { VERSION } from '../../sdk/version.ts';
import type { ContainerCapabilities } from '../../generator/input/capabilities.ts';
import { CONTAINER_UNIT_DIRS } from '../../generator/input/container-units.ts';
import { readGeneratorInput } from '../../generator/input/read-input.ts';
import { parseMetadata, planGeneration } from '../../generator/plan/plan-generation.ts';
import type { GeneratorInput, MetadataInput, OutputFile, ServiceInput } from '../../generator/plan/types.ts';
import type { ServiceSpec } from '../../sdk/schema/metadata.ts';
import { canMount } from '../../generator/plan/unprivileged.ts';

export class RenderError extends Error {}

export interface RenderOptions {
  /** The container as the generator will see it: its root with metadata, store and mounts. */
  root: string;
  /**
   * The container's capabilities when the root's /proc cannot tell (an image root, a rootfs before
   * start): the engine knows them from the OCI config. Undefined: read `<root>/proc/self/status`,
   * else assume every capability, as the generator does.
   */
  capabilities?: ContainerCapabilities;
}

export interface Render {
  files: OutputFile[];
  status: Status;
  manifest: RenderManifest;
  /** render.checks: the assumptions as lines a `while read` loop takes. */
  checks: string;
}

/** Render the container rooted at `opts.root`: what its generator would write, and why it fits. */
export function renderFromRoot(opts: RenderOptions): Render {
  const input = readGeneratorInput(opts.root);
  if (opts.capabilities) input.capabilities = opts.capabilities;
  return renderInput(input, metadataDigest(opts.root));
}

/**
 * What an engine knows of a container before it starts, for a render made without staging its
 * root (the OCI hook): the metadata file's bytes as written, each package's tree where the engine
 * mounts it from, the names of the image's units, its capabilities from the engine's config.
 */
export interface RenderParts {
  /** The bytes of /run/composable/metadata.json, exactly as the container will find them. */
  metadata: Uint8Array;
  /**
   * The reading of the package a service names, as the generator would read it at the service's
   * source (for an engine-mounted package: its tree where the engine mounts it from).
   */
  readService(spec: ServiceSpec): ServiceInput;
  /** Unit names in the image's unit directories; undefined when they could not be read (the boot checks still hold). */
  containerUnits?: ReadonlySet<string>;
  capabilities?: ContainerCapabilities;
}

/** The render of a container known by its parts (RenderParts): the generator's reading, from other places. */
export function renderFromParts(parts: RenderParts): Render {
  let metadata: MetadataInput;
  let services: ServiceInput[] = [];
  if (parts.metadata.length > PACKAGE_LIMITS.metadataBytes) {
    metadata = {
      state: 'invalid',
      path: METADATA_PATH,
      reasons: [
        {
          code: 'metadata-unreadable',
          file: METADATA_PATH,
          message: `${METADATA_PATH} is ${parts.metadata.length} bytes, over the limit of ${PACKAGE_LIMITS.metadataBytes}`,
        },
      ],
    };
  } else {
    const parsed = parseMetadata(Buffer.from(parts.metadata).toString('utf8'), METADATA_PATH);
    if (!parsed.ok) metadata = { state: 'invalid', path: METADATA_PATH, reasons: parsed.reasons };
    else {
      metadata = { state: 'ok', path: METADATA_PATH, ...(parsed.reasons.length > 0 ? { reasons: parsed.reasons } : {}) };
      // An entry that failed the schema is not read at all, as readGeneratorInput does.
      services = parsed.entries.map(
        (e): ServiceInput =>
          e.reasons.length > 0
            ? { spec: e.spec, sourceReasons: e.reasons, packageProblems: [], hasFile: () => false }
            : parts.readService(e.spec),
      );
    }
  }
  const input: GeneratorInput = {
    metadata,
    services,
    generatorVersion: VERSION,
    ...(services.length > 0 && parts.containerUnits ? { containerUnits: parts.containerUnits } : {}),
    ...(parts.capabilities ? { capabilities: parts.capabilities } : {}),
  };
  return renderInput(input, createHash('sha256').update(parts.metadata).digest('hex'));
}

/** The render of a generator input; `metadataSha256` undefined when there is no metadata file. */
export function renderInput(input: GeneratorInput, metadataSha256: string | undefined): Render {
  const plan = planGeneration(input);
  const assumptions: RenderAssumption[] = [];
  assumptions.push(
    metadataSha256 === undefined
      ? { kind: 'absent', path: METADATA_PATH }
      : { kind: 'sha256', path: METADATA_PATH, sha256: metadataSha256 },
  );
  const enabled = new Set(plan.status.services.filter((s) => s.state === 'enabled').map((s) => s.name));
  const packages: RenderManifest['packages'] = [];
  for (const svc of input.services) {
    if (!enabled.has(svc.spec.name)) continue;
    packages.push({ name: svc.spec.name, source: svc.spec.source, ...(svc.spec.digest ? { digest: svc.spec.digest } : {}) });
    if (svc.mountedBy === 'engine') assumptions.push({ kind: 'dir', path: stablePath(svc.spec.name) });
    else if (svc.resolvedSource) assumptions.push({ kind: 'present', path: svc.resolvedSource });
  }
  // A unit of the container under a name the render writes would be replaced by it (docs/contract.md,
  // "Unit ownership"): the generator refuses such a package, so the render must not apply.
  for (const f of plan.files) {
    if (f.path.includes('/')) continue;
    for (const dir of CONTAINER_UNIT_DIRS) assumptions.push({ kind: 'absent', path: posix.join(dir, f.path) });
  }
  // Only when they were known: without them the planner assumes every capability, as the node
  // generator does when it cannot read /proc (docs/generator.md), and there is nothing to compare.
  if (input.capabilities) assumptions.push({ kind: 'cap-sys-admin', value: canMount(input.capabilities) ? 1 : 0 });
  const manifest: RenderManifest = {
    schemaVersion: 1,
    planner: { name: GENERATOR_NAME, version: VERSION },
    metadata: { path: METADATA_PATH, sha256: metadataSha256 ?? '0'.repeat(64) },
    packages,
    assumptions,
    files: plan.files.map((f) => f.path).sort(),
  };
  return { files: plan.files, status: plan.status, manifest, checks: formatRenderChecks(manifest) };
}

/**
 * The render's own files beside `units/`, as the sh generator reads them: status.json, render.checks
 * and render.json (last: without it the sh generator sees no render at all). The same bytes whether
 * written to a directory (write-render.ts) or shipped in ConfigMaps (host/kube.ts).
 */
export function renderDocuments(render: Render): { path: string; content: string }[] {
  return [
    { path: 'status.json', content: `${JSON.stringify(render.status, null, 2)}\n` },
    { path: 'render.checks', content: render.checks },
    { path: 'render.json', content: `${JSON.stringify(render.manifest, null, 2)}\n` },
  ];
}

/** A path the sh generator reads as one word: absolute, no whitespace, no control characters. */
const CHECKABLE_PATH = /^\/[^\s\p{Cc}]*$/u;

/** render.checks: `planner NAME VERSION`, then one assumption a line. */
export function formatRenderChecks(manifest: RenderManifest): string {
  const path = (p: string): string => {
    if (!CHECKABLE_PATH.test(p)) {
      throw new RenderError(
        `cannot render a check for ${JSON.stringify(p)}: paths in render.checks may not contain whitespace or control characters`,
      );
    }
    return p;
  };
  const lines = [`planner ${manifest.planner.name} ${manifest.planner.version}`];
  for (const a of manifest.assumptions) {
    if (a.kind === 'sha256') lines.push(`sha256 ${a.sha256} ${path(a.path)}`);
    else if (a.kind === 'cap-sys-admin') lines.push(`cap-sys-admin ${a.value}`);
    else lines.push(`${a.kind} ${path(a.path)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The sha256 of the metadata file as the generator would read it, or undefined when there is none. */
function metadataDigest(root: string): string | undefined {
  const resolved = resolveInRoot(root, METADATA_PATH);
  if (!resolved.ok) {
    if (resolved.code === 'missing') return undefined;
    throw new RenderError(`cannot read ${METADATA_PATH} below ${root}: ${resolved.message}`);
  }
  const read = readRegularFile(posix.join(root, resolved.path), METADATA_PATH, PACKAGE_LIMITS.metadataBytes);
  if (!read.ok) {
    if (read.missing) return undefined;
    throw new RenderError(read.problem.message);
  }
  return createHash('sha256').update(read.value).digest('hex');
}

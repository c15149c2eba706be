// Pure planning for the OCI hook: which packages a container asked for, which of them it gets, and
// what the hook must write and mount. No I/O here; `store.ts` looks at the store, `apply-hook.ts`
// writes and mounts.
import { posix } from 'node:path';
import { SERVICE_NAME_PATTERN } from '../../sdk/schema/common.ts';
import type { Metadata, ServiceSpec } from '../../sdk/schema/metadata.ts';
import { MOUNT_PREFIX, RUN_DIR, CREDENTIALS_ROOT, stablePath } from '../../sdk/contract.ts';
import { DEFAULT_RUN_ROOT, SERVICES_ANNOTATION, type HookConfig } from './config.ts';

export interface Refusal {
  /** The name as the annotation gave it (may be hostile: only ever printed JSON-quoted). */
  name: string;
  reason: string;
}

/** A package found in the store: a directory that is a direct child of the store after symlinks. */
export interface ResolvedPackage {
  name: string;
  /** Real host path of the package directory. */
  hostPath: string;
  /** VERSION_ID from its os-release, when readable. */
  version?: string;
}

export type Resolution = { ok: true; pkg: ResolvedPackage } | { ok: false; reason: string };

export interface HookMount {
  /** Host path (resolved in the container's mount namespace before its root switch: the host's view). */
  source: string;
  /** Path inside the container. */
  destination: string;
  readOnly: boolean;
  /** The service this mount carries; undefined for the run directory. */
  service?: string;
}

export interface CredentialCopy {
  service: string;
  name: string;
  /** Host file to copy from; its content is never logged. */
  hostFile: string;
}

export interface HookPlan {
  /** Host directory for this container: `<runRoot>/<key>`; removed by poststop. */
  containerDir: string;
  /** Host directory mounted at /run/composable (a child of containerDir). */
  runDir: string;
  metadata: Metadata;
  credentials: CredentialCopy[];
  mounts: HookMount[];
  refused: Refusal[];
  /** Set when the run directory could not be mounted: the container runs without composable. */
  runDirError?: string;
}

/** The services annotation's value, or undefined when the container did not ask for composable. */
export function requestedServices(annotations: Record<string, string> | undefined): string | undefined {
  const value = annotations?.[SERVICES_ANNOTATION];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * Split the annotation's value into package names (separated by spaces; podman before 5.0 splits
 * `--annotation` values at commas, so commas cannot be used). Names that are not valid package
 * names (`../x`, `a/b`, `.hidden`) are refused here, before any path is built from them.
 */
export function parseServiceNames(value: string): { names: string[]; refused: Refusal[] } {
  const names: string[] = [];
  const refused: Refusal[] = [];
  for (const word of value.split(/[\s]+/).filter((w) => w !== '')) {
    if (!SERVICE_NAME_PATTERN.test(word)) {
      refused.push({
        name: word,
        reason: `${JSON.stringify(word)} is not a package name (1-128 of A-Z a-z 0-9 : _ . -, not starting with . or -)`,
      });
    } else if (!names.includes(word)) {
      names.push(word);
    }
  }
  return { names, refused };
}

/** A run key is the container ID (createRuntime, poststop) or a random key (podman's precreate). */
export const RUN_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function containerDirFor(config: HookConfig, key: string): string {
  if (!RUN_KEY_PATTERN.test(key)) throw new Error(`container ID ${JSON.stringify(key)} cannot name a directory`);
  return posix.join(config.runRoot ?? DEFAULT_RUN_ROOT, key);
}

/**
 * Plan the run directory and mounts for one container. `resolutions` holds the store lookup of
 * every name in `names` (same order). Packages refused by the store lookup or disabled by the
 * config are left out and listed in `refused`; the container starts with the others.
 */
export function planHook(input: {
  config: HookConfig;
  key: string;
  containerId?: string;
  names: string[];
  resolutions: Resolution[];
  refused?: Refusal[];
}): HookPlan {
  const { config, key, names, resolutions } = input;
  const refused: Refusal[] = [...(input.refused ?? [])];
  const accepted: ResolvedPackage[] = [];
  names.forEach((name, i) => {
    const r = resolutions[i];
    const settings = config.services?.[name];
    if (!r) refused.push({ name, reason: 'not looked up in the store' });
    else if (!r.ok) refused.push({ name, reason: r.reason });
    else if (settings?.disabled) refused.push({ name, reason: `disabled in the hook's config (services.${name}.disabled)` });
    else accepted.push(r.pkg);
  });
  const containerDir = containerDirFor(config, key);
  const runDir = posix.join(containerDir, 'run');
  const acceptedNames = new Set(accepted.map((p) => p.name));
  const credentials: CredentialCopy[] = [];
  const services: ServiceSpec[] = accepted.map((pkg) => {
    const s = config.services?.[pkg.name] ?? {};
    const spec: ServiceSpec = { name: pkg.name, source: stablePath(pkg.name) };
    if (pkg.version !== undefined) spec.version = pkg.version;
    if (s.mode) spec.mode = s.mode;
    if (s.target) spec.target = s.target;
    if (s.units) spec.units = s.units;
    // Only services this container has: an `after` on one it lacks would only be a skip reason.
    const after = s.after?.filter((a) => acceptedNames.has(a));
    if (after && after.length > 0) spec.after = after;
    if (s.environment) spec.environment = s.environment;
    if (s.credentials && Object.keys(s.credentials).length > 0) {
      spec.credentials = {};
      for (const [name, hostFile] of Object.entries(s.credentials)) {
        credentials.push({ service: pkg.name, name, hostFile });
        spec.credentials[name] = posix.join(CREDENTIALS_ROOT, pkg.name, name);
      }
    }
    if (s.user) spec.user = s.user;
    if (s.capabilities) spec.capabilities = s.capabilities;
    if (s.profile) spec.profile = s.profile;
    return spec;
  });
  const metadata: Metadata = { schemaVersion: 1, services };
  if (input.containerId) metadata.container = { id: input.containerId };
  const mounts: HookMount[] = [
    { source: runDir, destination: RUN_DIR, readOnly: false },
    ...accepted.map((pkg) => ({
      source: pkg.hostPath,
      destination: posix.join(MOUNT_PREFIX, pkg.name),
      readOnly: true,
      service: pkg.name,
    })),
  ];
  return { containerDir, runDir, metadata, credentials, mounts, refused };
}

/** Mount options for a hook mount, as OCI config `mounts[].options` and as mount(8) `-o`. */
export function mountOptions(m: HookMount): string[] {
  // The run directory is data (metadata, credentials, status): nothing there is executed.
  return m.readOnly ? ['ro', 'nosuid', 'nodev'] : ['rw', 'nosuid', 'nodev', 'noexec'];
}

/** Drop one service from a plan (its mount failed): no metadata entry, no mount, a refusal. */
export function withoutService(plan: HookPlan, name: string, reason: string): HookPlan {
  return {
    ...plan,
    metadata: {
      ...plan.metadata,
      services: plan.metadata.services
        .filter((s) => s.name !== name)
        .map((s) => (s.after?.includes(name) ? { ...s, after: s.after.filter((a) => a !== name) } : s)),
    },
    credentials: plan.credentials.filter((c) => c.service !== name),
    mounts: plan.mounts.filter((m) => m.service !== name),
    refused: [...plan.refused, { name, reason }],
  };
}

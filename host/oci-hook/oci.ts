// The OCI runtime spec's inputs to a hook: the container state on stdin (createRuntime, poststop)
// and the bundle's config.json (or, for podman's precreate, the proposed config on stdin). Only the
// fields the hook uses are checked; the rest is passed through untouched.
import { posix } from 'node:path';

export interface OciState {
  id: string;
  pid?: number;
  bundle: string;
  annotations: Record<string, string>;
}

export interface OciMount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

/** The parts of an OCI config.json the hook reads; everything else is kept as it was. */
export interface OciConfig {
  root?: { path: string; readonly?: boolean };
  mounts?: OciMount[];
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export class HookInputError extends Error {}

function stringRecord(value: unknown, what: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new HookInputError(`${what} is not an object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new HookInputError(`${what}.${k} is not a string`);
    out[k] = v;
  }
  return out;
}

function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new HookInputError(`${what} is not JSON: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HookInputError(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** Parse the state a runtime writes to a hook's stdin (runtime-spec "State"). */
export function parseOciState(text: string): OciState {
  const v = parseJsonObject(text, 'the container state on stdin');
  if (typeof v.id !== 'string' || v.id === '') throw new HookInputError('the container state on stdin has no "id"');
  if (typeof v.bundle !== 'string' || !v.bundle.startsWith('/'))
    throw new HookInputError('the container state on stdin has no absolute "bundle"');
  const pid = typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 ? v.pid : undefined;
  return { id: v.id, pid, bundle: v.bundle, annotations: stringRecord(v.annotations, 'state.annotations') };
}

/** Parse an OCI config.json, checking the fields the hook uses. */
export function parseOciConfig(text: string, what = 'config.json'): OciConfig {
  const v = parseJsonObject(text, what);
  if (v.root !== undefined && (typeof v.root !== 'object' || v.root === null || typeof (v.root as { path?: unknown }).path !== 'string')) {
    throw new HookInputError(`${what}: root.path is not a string`);
  }
  if (v.mounts !== undefined && !Array.isArray(v.mounts)) throw new HookInputError(`${what}: mounts is not an array`);
  stringRecord(v.annotations, `${what}: annotations`);
  return v as OciConfig;
}

/** The container's root directory on the host: `root.path`, relative to the bundle unless absolute. */
export function rootfsPath(config: OciConfig, bundle: string): string {
  const p = config.root?.path ?? 'rootfs';
  return posix.resolve(bundle, p);
}

export interface HostOwner {
  uid: number;
  gid: number;
}

function hostIdOf(mappings: unknown, id: number): number | undefined {
  if (!Array.isArray(mappings) || mappings.length === 0) return undefined;
  for (const m of mappings as { containerID?: unknown; hostID?: unknown; size?: unknown }[]) {
    if (typeof m.containerID !== 'number' || typeof m.hostID !== 'number' || typeof m.size !== 'number') continue;
    if (id >= m.containerID && id < m.containerID + m.size) return m.hostID + (id - m.containerID);
  }
  return undefined;
}

/**
 * The host uid/gid the container's root runs as, when the container has a user namespace
 * (`linux.uidMappings`); undefined without one (its root is the host's root). The run directory is
 * given to this owner, so the container's systemd can read its credentials and write status.json.
 */
export function containerRootOwner(config: OciConfig): HostOwner | undefined {
  const linux = config.linux as { uidMappings?: unknown; gidMappings?: unknown } | undefined;
  const uid = hostIdOf(linux?.uidMappings, 0);
  const gid = hostIdOf(linux?.gidMappings, 0);
  if (uid === undefined && gid === undefined) return undefined;
  return { uid: uid ?? 0, gid: gid ?? 0 };
}

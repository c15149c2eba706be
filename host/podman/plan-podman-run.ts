// Pure planning of `podman run` for a systemd container with composable sidecars: every package
// mounted by podman at its stable path (engine-mounted, docs/contract.md), the metadata rewritten
// to name those paths and bound read-only at /run/composable/metadata.json, credentials bound
// read-only from a host tmpfs. No file is read or written here: host/podman/podman-run-io.ts does the I/O.
import { posix } from 'node:path';
import { CREDENTIALS_ROOT, METADATA_PATH, RENDER_DIR, RENDERED_GENERATOR_PATH, stablePath } from '../../sdk/contract.ts';
import type { Metadata } from '../../sdk/schema/metadata.ts';
import { capabilityNames } from '../../generator/input/capabilities.ts';

/** Where a package comes from, as podman will mount it. */
export type PodmanPackage =
  /** An image in podman's local storage (a loaded OCI archive or layout, or one pulled before). */
  | { name: string; kind: 'image'; image: string }
  /** A package directory on the host, bound read-only. */
  | { name: string; kind: 'directory'; path: string };

export interface PodmanPlanInput {
  metadata: Metadata;
  /** One per service of the metadata. */
  packages: PodmanPackage[];
  /** The container's name (`--name`). */
  containerName: string;
  /** The host directory for this container's metadata and credentials (`<run dir>/<name>`). */
  runDir: string;
  /** Credentials supplied by the caller: `<service>/<name>` → host file holding the secret. */
  credentials: Record<string, string>;
  /** podman run options and the image (and command), appended as given. */
  passthrough: string[];
  /** The container image, appended after the passthrough arguments. */
  image?: string;
  /**
   * Render the units on the host (`composable podman --render`): the host file of the node-free
   * generator (dist/composable-generator.sh), bound at RENDERED_GENERATOR_PATH, with the render
   * bound read-only at RENDER_DIR from `<runDir>/render`. The image then needs no node.
   */
  renderGenerator?: string;
}

/** A secret to copy from the caller's file into the run directory (never its content). */
export interface CredentialCopy {
  service: string;
  name: string;
  /** The caller's host file. */
  from: string;
  /** Path below `<runDir>/credentials`, the same as below /run/composable/credentials in the container. */
  to: string;
}

export interface PodmanPlan {
  /** The arguments of `podman`, starting with `run`. */
  args: string[];
  /** The metadata to write to `<runDir>/metadata.json`: every source is the package's stable path. */
  metadata: Metadata;
  credentials: CredentialCopy[];
  /** Host paths the plan mounts from the run directory. */
  metadataFile: string;
  credentialsDir: string | undefined;
  /** Host directory the render is written to before the run (with `renderGenerator`). */
  renderDir?: string;
}

export type PodmanPlanResult = { ok: true; plan: PodmanPlan } | { ok: false; problems: string[] };

/** podman's --mount is a comma-separated list of key=value: a value may not hold a comma. */
function mountValueProblem(what: string, value: string): string | undefined {
  return value.includes(',')
    ? `${what} ${JSON.stringify(value)} contains a comma, which podman --mount cannot express; move or rename it`
    : undefined;
}

/** Names podman accepts for a container: [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
export const CONTAINER_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function planPodmanRun(input: PodmanPlanInput): PodmanPlanResult {
  const problems: string[] = [];
  const { metadata } = input;
  if (!CONTAINER_NAME_PATTERN.test(input.containerName))
    problems.push(
      `container name ${JSON.stringify(input.containerName)} is not one podman accepts: use letters, digits, _ . - and start with a letter or digit`,
    );
  if (!posix.isAbsolute(input.runDir)) problems.push(`run directory ${JSON.stringify(input.runDir)} must be an absolute path`);

  const byName = new Map<string, PodmanPackage>();
  for (const p of input.packages) {
    if (byName.has(p.name)) problems.push(`package ${p.name} is given twice`);
    byName.set(p.name, p);
  }
  const serviceNames = new Set(metadata.services.map((s) => s.name));
  for (const p of input.packages) {
    if (!serviceNames.has(p.name))
      problems.push(`package ${p.name} is not a service of the metadata; add it to the metadata's services or drop it`);
  }

  const mounts: string[] = [];
  for (const [i, s] of metadata.services.entries()) {
    const p = byName.get(s.name);
    if (!p) {
      problems.push(`services[${i}] ${s.name}: no package given; pass --package ${s.name}=PATH`);
      continue;
    }
    const target = stablePath(s.name);
    if (p.kind === 'image') {
      const bad = mountValueProblem(`image of ${s.name}`, p.image);
      if (bad) problems.push(bad);
      mounts.push('--mount', `type=image,source=${p.image},target=${target}`);
    } else {
      const bad = !posix.isAbsolute(p.path)
        ? `package ${s.name}: directory ${JSON.stringify(p.path)} must be an absolute path`
        : mountValueProblem(`directory of ${s.name}`, p.path);
      if (bad) problems.push(bad);
      mounts.push('--mount', `type=bind,source=${p.path},target=${target},ro=true`);
    }
  }

  // Each credential the metadata names must be supplied, and nothing else.
  const credentials: CredentialCopy[] = [];
  const wanted = new Set<string>();
  for (const [i, s] of metadata.services.entries()) {
    for (const [name, path] of Object.entries(s.credentials ?? {})) {
      const key = `${s.name}/${name}`;
      wanted.add(key);
      const below = posix.relative(CREDENTIALS_ROOT, path);
      if (!below.startsWith(`${s.name}/`) || below.includes('..')) {
        problems.push(`services[${i}].credentials.${name}: ${path} is not below ${CREDENTIALS_ROOT}/${s.name}/`);
        continue;
      }
      const from = input.credentials[key];
      if (from === undefined) {
        problems.push(`services[${i}].credentials.${name}: no secret given; pass --credential ${key}=FILE`);
        continue;
      }
      credentials.push({ service: s.name, name, from, to: below });
    }
  }
  for (const key of Object.keys(input.credentials)) {
    if (!wanted.has(key)) problems.push(`credential ${key} is not named in the metadata's services[].credentials; add it there or drop it`);
  }

  if (input.renderGenerator !== undefined) {
    const bad = !posix.isAbsolute(input.renderGenerator)
      ? `generator ${JSON.stringify(input.renderGenerator)} must be an absolute path`
      : mountValueProblem('generator', input.renderGenerator);
    if (bad) problems.push(bad);
  }
  const runDirProblem = mountValueProblem('run directory', input.runDir);
  if (runDirProblem) problems.push(runDirProblem);
  if (input.image === undefined && input.passthrough.length === 0)
    problems.push('no container image: give --image IMAGE, or -- [PODMAN_OPTIONS] IMAGE [COMMAND]');
  if (problems.length > 0) return { ok: false, problems };

  const metadataFile = posix.join(input.runDir, 'metadata.json');
  const credentialsDir = credentials.length > 0 ? posix.join(input.runDir, 'credentials') : undefined;
  const renderDir = input.renderGenerator !== undefined ? posix.join(input.runDir, 'render') : undefined;
  // Read-only both: what systemd loads is what the host rendered and the generator checked.
  const renderMounts =
    renderDir !== undefined
      ? [
          '--mount',
          `type=bind,source=${renderDir},target=${RENDER_DIR},ro=true`,
          '--mount',
          `type=bind,source=${input.renderGenerator},target=${RENDERED_GENERATOR_PATH},ro=true`,
        ]
      : [];
  const args = [
    'run',
    '--systemd=always',
    '--name',
    input.containerName,
    '--mount',
    `type=bind,source=${metadataFile},target=${METADATA_PATH},ro=true`,
    ...(credentialsDir ? ['--mount', `type=bind,source=${credentialsDir},target=${CREDENTIALS_ROOT},ro=true`] : []),
    ...mounts,
    ...renderMounts,
    ...input.passthrough,
    ...(input.image !== undefined ? [input.image] : []),
  ];
  const rewritten: Metadata = { ...metadata, services: metadata.services.map((s) => ({ ...s, source: stablePath(s.name) })) };
  return {
    ok: true,
    plan: { args, metadata: rewritten, credentials, metadataFile, credentialsDir, ...(renderDir ? { renderDir } : {}) },
  };
}

/**
 * The capabilities podman gives a container when none are added or dropped: containers.conf's
 * default_capabilities (containers/common pkg/config). No CAP_SYS_ADMIN, so the generator plans for
 * a container that cannot mount (docs/profiles.md).
 */
export const PODMAN_DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_NET_BIND_SERVICE',
  'CAP_SETFCAP',
  'CAP_SETGID',
  'CAP_SETPCAP',
  'CAP_SETUID',
  'CAP_SYS_CHROOT',
];

/** Every capability Linux has (0 to 40, CAP_CHECKPOINT_RESTORE): what `all` and --privileged give. */
const ALL_CAPABILITIES: readonly string[] = capabilityNames('000001ffffffffff')!;

/**
 * The effective capabilities of the container these `podman run` options start: the defaults,
 * then `--cap-add`/`--cap-drop` (names with or without CAP_, any case, `all`) in order; every one
 * with `--privileged`. A render planned with the wrong set is caught at boot: the sh generator
 * compares CAP_SYS_ADMIN with the container's CapEff and enables nothing on a mismatch.
 */
export function podmanCapabilities(options: readonly string[]): string[] {
  let caps = new Set(PODMAN_DEFAULT_CAPABILITIES);
  const name = (v: string): string => {
    const upper = v.trim().toUpperCase();
    return upper === 'ALL' || upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  };
  for (let i = 0; i < options.length; i++) {
    const arg = options[i]!;
    if (arg === '--privileged' || arg === '--privileged=true') return [...ALL_CAPABILITIES].sort();
    const m = /^--cap-(add|drop)(?:=(.*))?$/.exec(arg);
    if (!m) continue;
    const value = m[2] ?? options[++i] ?? '';
    for (const v of value.split(',').filter(Boolean).map(name)) {
      if (m[1] === 'add') {
        if (v === 'ALL') caps = new Set(ALL_CAPABILITIES);
        else caps.add(v);
      } else if (v === 'ALL') caps.clear();
      else caps.delete(v);
    }
  }
  return [...caps].sort();
}

/** One argument quoted for a POSIX shell: bare when it is plainly safe, else in single quotes. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** `podman run ...` as a shell command, one argument per line. */
export function formatCommand(args: string[]): string {
  return ['podman', ...args].map(shellQuote).join(' \\\n  ');
}

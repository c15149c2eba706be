// Pure rendering of the Kubernetes side of composable: for a metadata selection, the pod-spec
// parts that make the kubelet do what the agent does elsewhere. Every package is an image volume
// (`volumes[].image`, Kubernetes ≥ 1.31) mounted read-only at its stable path, so the generator
// uses it in place (engine-mounted, docs/contract.md); the metadata, rewritten to name those
// paths, is a ConfigMap mounted at /run/composable/metadata.json; each service's credentials are
// a Secret volume at /run/composable/credentials/<service>/. Secret values never pass through
// here: only Secret names and keys. No I/O; cli/commands/kube.ts reads and prints.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { CREDENTIALS_ROOT, METADATA_PATH, RENDER_DIR, RENDERED_GENERATOR_PATH, stablePath } from '../sdk/contract.ts';
import type { Metadata } from '../sdk/schema/metadata.ts';
import { capabilityNames } from '../generator/input/capabilities.ts';

export const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];

/** The key of the metadata in the ConfigMap, and the file name mounted from it. */
export const CONFIGMAP_KEY = 'metadata.json';
/** Mode of credential files in a Secret volume: read by root (systemd's LoadCredential=) only. */
export const CREDENTIAL_FILE_MODE = 0o400;

export interface KubeRenderInput {
  metadata: Metadata;
  /** Base name of the objects: the ConfigMap is `<name>-composable`, the Deployment `<name>`. */
  name: string;
  /** Image reference per service name (every service needs one). */
  images: Record<string, string>;
  pullPolicy: PullPolicy;
  /** Secret name per service, for services with credentials; default `<name>-<service>-credentials`. */
  secrets: Record<string, string>;
  /** The container (running systemd) the volumes are mounted into. */
  containerName: string;
}

/** A Secret the platform must create (with its values); composable only names it. */
export interface RequiredSecret {
  service: string;
  secretName: string;
  /** Keys the Secret must have: the metadata's credential names. */
  keys: string[];
}

// Shapes of the Kubernetes objects rendered here: only the fields used, named as in the API
// (k8s.io/api/core/v1, apps/v1). The tests validate them with Kubernetes' own schema.
export interface KubeVolume {
  name: string;
  image?: { reference: string; pullPolicy: PullPolicy };
  configMap?: { name: string; items: { key: string; path: string }[]; defaultMode?: number };
  projected?: { sources: { configMap: { name: string; items: { key: string; path: string }[] } }[]; defaultMode: number };
  secret?: { secretName: string; items: { key: string; path: string }[]; defaultMode: number };
  emptyDir?: { medium: 'Memory'; sizeLimit?: string };
}

export interface KubeVolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}

export interface KubeConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: { name: string; labels: Record<string, string> };
  data: Record<string, string>;
}

export interface KubeRender {
  configMap: KubeConfigMap;
  volumes: KubeVolume[];
  volumeMounts: KubeVolumeMount[];
  /** The metadata as mounted in the pod: every source is the package's stable path. */
  metadata: Metadata;
  secrets: RequiredSecret[];
  /** With --render: the ConfigMaps of the rendered units and of the sh generator (withRenderedUnits). */
  unitConfigMaps?: KubeConfigMap[];
}

export type KubeRenderResult = { ok: true; render: KubeRender } | { ok: false; problems: string[] };

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Label values (k8s.io/apimachinery validation.IsValidLabelValue); the empty value is valid. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Keys of ConfigMaps and Secrets. */
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/** A DNS-1123 label (what volume names must be) of at most 63 characters. */
export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && DNS_LABEL.test(s);
}

/** A DNS-1123 subdomain (what ConfigMap, Secret and Deployment names must be). */
export function isDnsSubdomain(s: string): boolean {
  return s.length <= 253 && DNS_SUBDOMAIN.test(s);
}

/** A label value as Kubernetes accepts it: at most 63 characters. */
export function isLabelValue(s: string): boolean {
  return s.length <= 63 && LABEL_VALUE.test(s);
}

/** The rules a generated name or label value is held to, with their wording for messages. */
export const KUBE_NAME_RULES = {
  label: {
    test: isDnsLabel,
    text: 'a DNS-1123 label: at most 63 characters of a-z 0-9 and -, starting and ending with a letter or digit',
  },
  subdomain: {
    test: isDnsSubdomain,
    text: 'a DNS-1123 subdomain: at most 253 characters, DNS-1123 labels (a-z 0-9 and -) joined by .',
  },
  labelValue: {
    test: isLabelValue,
    text: 'a Kubernetes label value: at most 63 characters of A-Z a-z 0-9 - _ and ., starting and ending with a letter or digit',
  },
} as const;
export type KubeNameRule = keyof typeof KUBE_NAME_RULES;

/** A value that is quoted in a message: long ones shortened, with their length said. */
function quoted(value: string): string {
  return value.length > 80 ? `${JSON.stringify(value.slice(0, 80))}... (${value.length} characters)` : JSON.stringify(value);
}

/**
 * The problem with one generated name or label value, or undefined when it holds to `rule`:
 * `what` says where it goes, `fix` what to change.
 */
export function kubeNameProblem(what: string, value: string, rule: KubeNameRule, fix: string): string | undefined {
  if (KUBE_NAME_RULES[rule].test(value)) return undefined;
  return `${what} ${quoted(value)} is not ${KUBE_NAME_RULES[rule].text}; ${fix}`;
}

/**
 * A volume name for a service: `<prefix>-<name>` when that is a DNS label, else the name made
 * one (lower case, other characters as `-`) with a short hash of the real name, so two service
 * names that differ only in case or punctuation still get different volumes.
 */
export function volumeName(prefix: string, service: string): string {
  const plain = `${prefix}-${service}`;
  if (isDnsLabel(plain)) return plain;
  const hash = createHash('sha256').update(service).digest('hex').slice(0, 8);
  const cleaned = service
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const room = 63 - prefix.length - hash.length - 2;
  const middle = cleaned.slice(0, room).replace(/-+$/, '');
  return middle ? `${prefix}-${middle}-${hash}` : `${prefix}-${hash}`;
}

/** Labels on everything rendered, so `kubectl get -l app.kubernetes.io/managed-by=composable` finds it. */
export function commonLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'composable' };
}

export function renderKube(input: KubeRenderInput): KubeRenderResult {
  const problems: string[] = [];
  const { metadata, name } = input;
  const check = (what: string, value: string, rule: KubeNameRule, fix: string): void => {
    const p = kubeNameProblem(what, value, rule, fix);
    if (p) problems.push(p);
  };
  check('name', name, 'subdomain', 'pass --name');
  if (isDnsSubdomain(name)) {
    // Only the rules the subdomain check leaves open: said once, about what is derived from it.
    check('name', name, 'labelValue', 'it is the label app.kubernetes.io/name on every object; pass a shorter --name');
    check('ConfigMap name', `${name}-composable`, 'subdomain', 'pass a shorter --name');
  }
  check('container name', input.containerName, 'label', 'pass --container NAME');
  for (const [k, v] of Object.entries(commonLabels(name)))
    if (k !== 'app.kubernetes.io/name') check(`label ${k}`, v, 'labelValue', 'this is a bug in composable kube');
  const serviceNames = new Set(metadata.services.map((s) => s.name));
  for (const service of Object.keys(input.images)) {
    if (!serviceNames.has(service))
      problems.push(`an image is given for ${service}, which is not a service of the metadata; add it to the metadata or drop it`);
  }
  for (const service of Object.keys(input.secrets)) {
    const spec = metadata.services.find((s) => s.name === service);
    if (!spec) problems.push(`a Secret is given for ${service}, which is not a service of the metadata`);
    else if (Object.keys(spec.credentials ?? {}).length === 0)
      problems.push(`a Secret is given for ${service}, which has no credentials in the metadata; add them or drop --secret ${service}`);
  }

  const volumes: KubeVolume[] = [];
  const volumeMounts: KubeVolumeMount[] = [];
  const secrets: RequiredSecret[] = [];
  const services = metadata.services.map((s) => ({ ...s, source: stablePath(s.name) }));

  for (const s of metadata.services) {
    const reference = input.images[s.name];
    if (!reference) {
      problems.push(`service ${s.name}: no image; pass --package ${s.name}=image:REF (or --registry, with a version in the metadata)`);
    } else {
      const pkg = volumeName('pkg', s.name);
      check(`service ${s.name}: volume name`, pkg, 'label', 'this is a bug in composable kube');
      volumes.push({ name: pkg, image: { reference, pullPolicy: input.pullPolicy } });
      volumeMounts.push({ name: pkg, mountPath: stablePath(s.name), readOnly: true });
    }

    const creds = Object.entries(s.credentials ?? {});
    if (creds.length === 0) continue;
    const dir = posix.join(CREDENTIALS_ROOT, s.name);
    const items: { key: string; path: string }[] = [];
    for (const [credName, path] of creds) {
      // A Secret volume is one directory: every credential must be a file directly in the
      // service's credentials directory, as the contract has the agent write it.
      if (posix.dirname(posix.normalize(path)) !== dir) {
        problems.push(
          `service ${s.name}: credential ${credName} is at ${path}; on Kubernetes it must be a file directly ` +
            `in ${dir}/ (one Secret volume per service)`,
        );
        continue;
      }
      if (!CONFIG_KEY.test(credName))
        problems.push(`service ${s.name}: credential name ${JSON.stringify(credName)} cannot be a Secret key (A-Z a-z 0-9 - _ .)`);
      items.push({ key: credName, path: posix.basename(path) });
    }
    const secretName = input.secrets[s.name] ?? `${name}-${s.name}-credentials`;
    check(
      `service ${s.name}: Secret name`,
      secretName,
      'subdomain',
      input.secrets[s.name] === undefined ? `pass --secret ${s.name}=NAME or a shorter --name` : `pass --secret ${s.name}=NAME`,
    );
    const vol = volumeName('cred', s.name);
    check(`service ${s.name}: volume name`, vol, 'label', 'this is a bug in composable kube');
    volumes.push({ name: vol, secret: { secretName, items, defaultMode: CREDENTIAL_FILE_MODE } });
    volumeMounts.push({ name: vol, mountPath: dir, readOnly: true });
    secrets.push({ service: s.name, secretName, keys: items.map((i) => i.key) });
  }

  if (problems.length > 0) return { ok: false, problems };

  const rewritten: Metadata = { ...metadata, services };
  const configMapName = `${name}-composable`;
  const data = { [CONFIGMAP_KEY]: `${JSON.stringify(rewritten, null, 2)}\n` };
  const bytes = configMapBytes(data);
  if (bytes > CONFIGMAP_MAX_BYTES)
    return {
      ok: false,
      problems: [
        `the metadata is ${bytes} bytes in ConfigMap ${configMapName}; a ConfigMap holds at most ${CONFIGMAP_MAX_BYTES} bytes ` +
          '(data and binaryData): select fewer services or shorten their environment',
      ],
    };
  const meta = 'composable-metadata';
  volumes.push({ name: meta, configMap: { name: configMapName, items: [{ key: CONFIGMAP_KEY, path: CONFIGMAP_KEY }] } });
  // subPath: one file into /run/composable, which stays writable for status.json. (A subPath
  // mount does not follow later ConfigMap changes: a new selection is a new pod.)
  volumeMounts.push({ name: meta, mountPath: METADATA_PATH, subPath: CONFIGMAP_KEY, readOnly: true });

  return {
    ok: true,
    render: {
      configMap: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: configMapName, labels: commonLabels(name) },
        data,
      },
      volumes,
      volumeMounts,
      metadata: rewritten,
      secrets,
    },
  };
}

/**
 * What a systemd container needs on every runtime (systemd.io/CONTAINER_INTERFACE, and what
 * podman's and CRI-O's systemd modes mount): /run, /run/lock and /tmp on tmpfs. The sizes are
 * small defaults a pod's memory limit counts against.
 */
export const SYSTEMD_TMPFS: { name: string; mountPath: string; sizeLimit: string }[] = [
  { name: 'systemd-run', mountPath: '/run', sizeLimit: '64Mi' },
  { name: 'systemd-run-lock', mountPath: '/run/lock', sizeLimit: '4Mi' },
  { name: 'systemd-tmp', mountPath: '/tmp', sizeLimit: '256Mi' },
];

export interface DeploymentOptions {
  /** The image of the container that runs systemd (with composable-generator installed). */
  image: string;
  /** Its command; default systemd itself, which is also what makes CRI-O use its systemd mode. */
  command?: string[];
  /** A RuntimeClass that gives the container a writable cgroup (docs/engines.md, "Kubernetes"). */
  runtimeClassName?: string;
  /** Secrets of type dockerconfigjson for a private registry; image volumes are pulled with them too. */
  imagePullSecrets?: string[];
  /** The container's privileges (default none: the runtime's default capabilities, no CAP_SYS_ADMIN). */
  security?: KubeSecurity;
}

/** A complete Deployment (apps/v1) running systemd with the rendered parts. */
export function renderDeployment(render: KubeRender, input: Pick<KubeRenderInput, 'name' | 'containerName'>, opts: DeploymentOptions) {
  const labels = commonLabels(input.name);
  return {
    apiVersion: 'apps/v1' as const,
    kind: 'Deployment' as const,
    metadata: { name: input.name, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': input.name } },
      template: {
        metadata: { labels },
        spec: {
          ...(opts.runtimeClassName ? { runtimeClassName: opts.runtimeClassName } : {}),
          ...(opts.imagePullSecrets?.length ? { imagePullSecrets: opts.imagePullSecrets.map((name) => ({ name })) } : {}),
          containers: [
            {
              name: input.containerName,
              image: opts.image,
              command: opts.command ?? ['/lib/systemd/systemd'],
              // systemd reads the container manager's name from $container (CONTAINER_INTERFACE).
              env: [{ name: 'container', value: 'kubernetes' }],
              // No privileges unless asked for: the default capability set, no CAP_SYS_ADMIN; image
              // volumes are mounted by the kubelet, not by the generator.
              securityContext: kubeSecurityContext(opts.security),
              volumeMounts: [...SYSTEMD_TMPFS.map((t) => ({ name: t.name, mountPath: t.mountPath })), ...render.volumeMounts],
            },
          ],
          volumes: [
            ...SYSTEMD_TMPFS.map((t) => ({ name: t.name, emptyDir: { medium: 'Memory' as const, sizeLimit: t.sizeLimit } })),
            ...render.volumes,
          ],
        },
      },
    },
  };
}

/**
 * A strategic-merge patch for an existing Deployment `name`: adds the volumes and, to the
 * container `containerName`, the mounts (`kubectl patch deployment NAME --patch-file`, or a
 * kustomize `patches:` entry). Lists merge by `name` and `mountPath`, so nothing else changes.
 */
export function renderDeploymentPatch(render: KubeRender, input: Pick<KubeRenderInput, 'name' | 'containerName'>, security?: KubeSecurity) {
  // The privileges only when asked for: the render planned for them, so the container must have them.
  const securityContext = security?.privileged || security?.capAdd?.length ? { securityContext: kubeSecurityContext(security) } : {};
  return {
    apiVersion: 'apps/v1' as const,
    kind: 'Deployment' as const,
    metadata: { name: input.name },
    spec: {
      template: {
        spec: {
          containers: [{ name: input.containerName, ...securityContext, volumeMounts: render.volumeMounts }],
          volumes: render.volumes,
        },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// `composable kube --render`: the units rendered on the host (host/render/render.ts) shipped in
// ConfigMaps, for images without node. A ConfigMap is flat (keys of [-._a-zA-Z0-9]) and holds no
// symlinks, so the render travels as:
// - one key per file (units/..., status.json, render.checks, render.json), the key an escape of
//   its path; the volume's `items` map each key back to its path, so the kubelet rebuilds the
//   directories (units/<unit>.d/) and every file keeps its name (systemd reads a unit's name from
//   the file it links to);
// - the symlinks (units/<target>.wants/<unit>) as the file `links`, one `PATH TARGET` a line, PATH
//   relative to units/, which the sh generator makes in the generator directory.
// Every ConfigMap holds at most CONFIGMAP_MAX_BYTES: the files are split over as many as they
// need, mounted together as one projected volume at RENDER_DIR.

/**
 * Kubernetes' limit on a ConfigMap's data and binaryData together, keys included
 * (k8s.io/kubernetes pkg/apis/core/validation ValidateConfigMap: more than 1 MiB is refused).
 */
export const CONFIGMAP_MAX_BYTES = 1024 * 1024;
/** The key (and file name) of the sh generator in its ConfigMap. */
export const GENERATOR_KEY = 'composable-generator';
/** The file of the flat form listing the render's symlinks (`PATH TARGET` a line, PATH relative to units/). */
export const LINKS_FILE = 'links';

/**
 * The capabilities a container gets on Kubernetes when its securityContext adds none: the
 * container runtime's default set (containerd's; CRI-O's is smaller). No CAP_SYS_ADMIN: the
 * generator plans for a container that cannot mount. Only CAP_SYS_ADMIN is checked at boot.
 */
export const KUBE_DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_AUDIT_WRITE',
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_MKNOD',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_RAW',
  'CAP_SETFCAP',
  'CAP_SETGID',
  'CAP_SETPCAP',
  'CAP_SETUID',
  'CAP_SYS_CHROOT',
];

/** Every capability Linux has (0 to 40), what a privileged container gets. */
const ALL_CAPABILITIES: readonly string[] = capabilityNames('000001ffffffffff')!;

/** Whether `name` (`SYS_ADMIN`, `cap_net_admin`) is a capability Linux has. */
export function isCapability(name: string): boolean {
  return ALL_CAPABILITIES.includes(`CAP_${kubeCapabilityName(name)}`);
}

/** What the container's securityContext asks for: `privileged`, or capabilities added by name (`SYS_ADMIN`). */
export interface KubeSecurity {
  privileged?: boolean;
  capAdd?: string[];
}

/** A capability as securityContext.capabilities.add names it: upper case, without CAP_. */
export function kubeCapabilityName(name: string): string {
  const upper = name.trim().toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice(4) : upper;
}

/** The container's securityContext for `security`. */
export function kubeSecurityContext(security: KubeSecurity = {}): { privileged: boolean; capabilities?: { add: string[] } } {
  const add = [...new Set((security.capAdd ?? []).map(kubeCapabilityName))];
  return { privileged: security.privileged === true, ...(add.length > 0 && !security.privileged ? { capabilities: { add } } : {}) };
}

/**
 * The effective capabilities of a container with that securityContext, by name (`CAP_SYS_ADMIN`),
 * as the render plans for them; `privileged` gives every one.
 */
export function kubeCapabilities(security: KubeSecurity): string[] {
  if (security.privileged) return [...ALL_CAPABILITIES].sort();
  const caps = new Set(KUBE_DEFAULT_CAPABILITIES);
  for (const c of security.capAdd ?? []) caps.add(`CAP_${kubeCapabilityName(c)}`);
  return [...caps].sort();
}

/** The bytes a ConfigMap's data counts against CONFIGMAP_MAX_BYTES: every key and every value, in UTF-8. */
export function configMapBytes(data: Record<string, string>): number {
  let n = 0;
  for (const [k, v] of Object.entries(data)) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
}

const KEY_CHAR = /[-.a-zA-Z0-9]/;

/**
 * The ConfigMap key of a path of the render: each byte outside [-.a-zA-Z0-9] as `_` and two hex
 * digits (`units/a.service.d/x.conf` is `units_2fa.service.d_2fx.conf`), a leading `.` too (no key
 * may start with `..`). Longer than a key may be (253): `_h` and the path's sha256, which no escape
 * makes (`_` is always followed by hex there).
 */
export function configMapKey(path: string): string {
  let out = '';
  const bytes = Buffer.from(path, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const c = String.fromCharCode(bytes[i]!);
    out += bytes[i]! < 0x80 && KEY_CHAR.test(c) && !(i === 0 && c === '.') ? c : `_${bytes[i]!.toString(16).padStart(2, '0')}`;
  }
  return out.length <= 253 ? out : `_h${createHash('sha256').update(path).digest('hex')}`;
}

/** A file of the render, its path relative to the render directory (`units/x.service`, `render.json`). */
export interface RenderEntry {
  path: string;
  content: string;
}

/** The rendered units as the flat form needs them: files, and the links as `links`. */
export interface RenderForKube {
  /** The unit tree (the planner's OutputFiles): paths relative to units/. */
  files: readonly ({ kind: 'file'; path: string; content: string } | { kind: 'symlink'; path: string; target: string })[];
  /** status.json, render.checks, render.json (host/render renderDocuments). */
  documents: readonly RenderEntry[];
}

/** A word the sh generator splits a `links` line into: no whitespace, no control character. */
const LINK_WORD = /^[^\s\p{Cc}]+$/u;

/** The render's files in the flat form: every file at its path, the symlinks listed in `links`. */
export function flatRenderEntries(render: RenderForKube): { ok: true; entries: RenderEntry[] } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const entries: RenderEntry[] = [...render.documents];
  const links: string[] = [];
  const sorted = [...render.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of sorted) {
    if (f.kind === 'file') {
      entries.push({ path: `units/${f.path}`, content: f.content });
      continue;
    }
    if (!LINK_WORD.test(f.path) || !LINK_WORD.test(f.target))
      problems.push(
        `the rendered link ${JSON.stringify(f.path)} -> ${JSON.stringify(f.target)} has whitespace in it; it cannot be listed in ${LINKS_FILE}`,
      );
    else links.push(`${f.path} ${f.target}\n`);
  }
  if (links.length > 0) entries.push({ path: LINKS_FILE, content: links.join('') });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, entries };
}

export interface KubeUnitsRender {
  /** The render ConfigMaps, in the order of the projected volume's sources; then the generator's. */
  configMaps: KubeConfigMap[];
  volumes: KubeVolume[];
  volumeMounts: KubeVolumeMount[];
}

/**
 * The ConfigMaps, the volumes and the mounts that ship a render and the sh generator: the files
 * split, in order, over `<name>-composable-render`, `-render-2`, ... of at most `maxBytes` each,
 * one projected volume at RENDER_DIR (read-only); the generator in `<name>-composable-generator`,
 * mounted (subPath, mode 0755) at RENDERED_GENERATOR_PATH. A file too large for a ConfigMap of its
 * own is refused, with its size and the limit.
 */
export function renderUnitsForKube(
  name: string,
  render: RenderForKube,
  generatorScript: string,
  maxBytes: number = CONFIGMAP_MAX_BYTES,
): { ok: true; units: KubeUnitsRender } | { ok: false; problems: string[] } {
  const flat = flatRenderEntries(render);
  if (!flat.ok) return flat;
  const problems: string[] = [];
  const groups: { data: Record<string, string>; items: { key: string; path: string }[]; bytes: number }[] = [];
  let current: (typeof groups)[number] | undefined;
  for (const e of flat.entries) {
    const key = configMapKey(e.path);
    const bytes = Buffer.byteLength(key) + Buffer.byteLength(e.content);
    if (bytes > maxBytes) {
      problems.push(
        `the rendered ${e.path} is ${bytes} bytes as a ConfigMap entry (key ${key} and content); a ConfigMap holds at most ` +
          `${maxBytes} bytes (data and binaryData), so it cannot be shipped: make the file smaller, or render in the ` +
          'container (without --render, the image needs the node generator)',
      );
      continue;
    }
    if (!current || current.bytes + bytes > maxBytes) {
      current = { data: {}, items: [], bytes: 0 };
      groups.push(current);
    }
    current.data[key] = e.content;
    current.items.push({ key, path: e.path });
    current.bytes += bytes;
  }
  const generatorData = { [GENERATOR_KEY]: generatorScript };
  const generatorBytes = configMapBytes(generatorData);
  if (generatorBytes > maxBytes) problems.push(`the sh generator is ${generatorBytes} bytes; a ConfigMap holds at most ${maxBytes} bytes`);
  const names = groups.map((_, i) => (i === 0 ? `${name}-composable-render` : `${name}-composable-render-${i + 1}`));
  const generatorName = `${name}-composable-generator`;
  for (const n of [...names, generatorName]) {
    const p = kubeNameProblem('ConfigMap name', n, 'subdomain', 'pass a shorter --name');
    if (p) problems.push(p);
  }
  if (problems.length > 0) return { ok: false, problems };

  const labels = commonLabels(name);
  const configMaps: KubeConfigMap[] = groups.map((g, i) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: names[i]!, labels },
    data: g.data,
  }));
  configMaps.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: generatorName, labels }, data: generatorData });
  return {
    ok: true,
    units: {
      configMaps,
      volumes: [
        {
          name: 'composable-render',
          projected: {
            sources: groups.map((g, i) => ({ configMap: { name: names[i]!, items: g.items } })),
            defaultMode: 0o644,
          },
        },
        {
          name: 'composable-generator',
          configMap: { name: generatorName, items: [{ key: GENERATOR_KEY, path: GENERATOR_KEY }], defaultMode: 0o755 },
        },
      ],
      volumeMounts: [
        // Read-only: what systemd loads is what the host rendered and the generator checked.
        { name: 'composable-render', mountPath: RENDER_DIR, readOnly: true },
        { name: 'composable-generator', mountPath: RENDERED_GENERATOR_PATH, subPath: GENERATOR_KEY, readOnly: true },
      ],
    },
  };
}

/** `render` with the units' ConfigMaps, volumes and mounts added. */
export function withRenderedUnits(render: KubeRender, units: KubeUnitsRender): KubeRender {
  return {
    ...render,
    unitConfigMaps: units.configMaps,
    volumes: [...render.volumes, ...units.volumes],
    volumeMounts: [...render.volumeMounts, ...units.volumeMounts],
  };
}

// Pure rendering of the Kubernetes side of composable: for a metadata selection, the pod-spec
// parts that make the kubelet do what the agent does elsewhere. Every package is an image volume
// (`volumes[].image`, Kubernetes ≥ 1.31) mounted read-only at its stable path, so the generator
// uses it in place (engine-mounted, docs/contract.md); the metadata, rewritten to name those
// paths, is a ConfigMap mounted at /run/composable/metadata.json; each service's credentials are
// a Secret volume at /run/composable/credentials/<service>/. Secret values never pass through
// here: only Secret names and keys. No I/O; cli/commands/kube.ts reads and prints.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { CREDENTIALS_ROOT, METADATA_PATH, stablePath } from '../sdk/contract.ts';
import type { Metadata } from '../sdk/schema/metadata.ts';

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
  configMap?: { name: string; items: { key: string; path: string }[] };
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
        data: { [CONFIGMAP_KEY]: `${JSON.stringify(rewritten, null, 2)}\n` },
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
              // No privileges: the default capability set, no CAP_SYS_ADMIN; image volumes are
              // mounted by the kubelet, not by the generator.
              securityContext: { privileged: false },
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
export function renderDeploymentPatch(render: KubeRender, input: Pick<KubeRenderInput, 'name' | 'containerName'>) {
  return {
    apiVersion: 'apps/v1' as const,
    kind: 'Deployment' as const,
    metadata: { name: input.name },
    spec: {
      template: { spec: { containers: [{ name: input.containerName, volumeMounts: render.volumeMounts }], volumes: render.volumes } },
    },
  };
}

// composable kube: the rendered objects hold to Kubernetes' own API — at compile time every
// field name is checked against kubernetes-models' types (generated from Kubernetes' OpenAPI
// schema; `assertExactly` below fails tsc on any name the API does not have), and at run time
// its validators check types, enums and required fields.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Volume, type IVolume } from 'kubernetes-models/v1/Volume';
import { VolumeMount, type IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { renderDeployment, renderDeploymentPatch, renderKube, volumeName, type KubeRenderInput } from '../../host/kube.ts';
import { validateMetadata } from '../../host/agent.ts';
import { packOci } from '../../sdk/artifact/oci-pack.ts';
import type { Metadata } from '../../sdk/schema/metadata.ts';

/** `U` may use only field names `T` has, at every depth (arrays included). */
type Exactly<T, U> = U extends readonly (infer E)[]
  ? T extends readonly (infer F)[]
    ? readonly Exactly<F, E>[]
    : never
  : U extends object
    ? { [K in keyof U]: K extends keyof T ? Exactly<NonNullable<T[K]>, U[K]> : never }
    : U;
const assertExactly =
  <T>() =>
  <U>(value: U & Exactly<T, U>): U =>
    value;

const work = mkdtempSync(join(tmpdir(), 'composable-kube-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const metadata: Metadata = {
  schemaVersion: 1,
  container: { id: 'web-1', labels: { job: 'web' } },
  services: [
    {
      name: 'logship',
      source: '/run/composable/store/logship-1.4.2',
      version: '1.4.2',
      credentials: { token: '/run/composable/credentials/logship/token', ca: '/run/composable/credentials/logship/ca.pem' },
    },
    { name: 'health', source: '/run/composable/store/health-0.3.0', version: '0.3.0', after: ['logship'] },
  ],
};

const input = (over: Partial<KubeRenderInput> = {}): KubeRenderInput => ({
  metadata,
  name: 'web',
  images: { logship: 'registry.example/composable/logship:1.4.2', health: `registry.example/composable/health@sha256:${'a'.repeat(64)}` },
  pullPolicy: 'IfNotPresent',
  secrets: {},
  containerName: 'systemd',
  ...over,
});

function render(over: Partial<KubeRenderInput> = {}) {
  const r = renderKube(input(over));
  if (!r.ok) throw new Error(r.problems.join('\n'));
  return r.render;
}

describe('composable kube rendering', () => {
  it('mounts each package as a read-only image volume at its stable path, and the metadata naming those paths', () => {
    const r = render();
    const logship = r.volumes.find((v) => v.image?.reference.includes('logship'));
    expect(logship).toEqual({
      name: 'pkg-logship',
      image: { reference: 'registry.example/composable/logship:1.4.2', pullPolicy: 'IfNotPresent' },
    });
    expect(r.volumeMounts).toContainEqual({ name: 'pkg-logship', mountPath: '/opt/composable/logship', readOnly: true });
    expect(r.volumeMounts).toContainEqual({ name: 'pkg-health', mountPath: '/opt/composable/health', readOnly: true });
    // Engine-mounted (docs/contract.md): the source is the stable path itself.
    expect(r.metadata.services.map((s) => s.source)).toEqual(['/opt/composable/logship', '/opt/composable/health']);
    const mounted = JSON.parse(r.configMap.data['metadata.json']!);
    expect(validateMetadata(mounted).ok).toBe(true);
    expect(mounted).toEqual(r.metadata);
    expect(r.volumeMounts).toContainEqual({
      name: 'composable-metadata',
      mountPath: '/run/composable/metadata.json',
      subPath: 'metadata.json',
      readOnly: true,
    });
    expect(r.volumes).toContainEqual({
      name: 'composable-metadata',
      configMap: { name: 'web-composable', items: [{ key: 'metadata.json', path: 'metadata.json' }] },
    });
  });

  it('gives each service with credentials a Secret volume at its credentials directory, names and keys only', () => {
    const r = render({ secrets: { logship: 'logship-prod-token' } });
    expect(r.volumes).toContainEqual({
      name: 'cred-logship',
      secret: {
        secretName: 'logship-prod-token',
        items: [
          { key: 'token', path: 'token' },
          { key: 'ca', path: 'ca.pem' },
        ],
        defaultMode: 0o400,
      },
    });
    expect(r.volumeMounts).toContainEqual({ name: 'cred-logship', mountPath: '/run/composable/credentials/logship', readOnly: true });
    expect(r.secrets).toEqual([{ service: 'logship', secretName: 'logship-prod-token', keys: ['token', 'ca'] }]);
    expect(r.volumes.some((v) => v.name === 'cred-health')).toBe(false);
    expect(render().secrets[0]!.secretName).toBe('web-logship-credentials');
  });

  it('refuses what Kubernetes could not express, naming the service and the fix', () => {
    const bad = renderKube(
      input({
        images: { logship: 'r/l:1' },
        metadata: {
          ...metadata,
          services: [
            { ...metadata.services[0]!, credentials: { token: '/run/composable/credentials/logship/sub/token' } },
            metadata.services[1]!,
          ],
        },
      }),
    );
    expect(bad.ok).toBe(false);
    const problems = bad.ok ? [] : bad.problems;
    expect(problems).toContain('service health: no image; pass --package health=image:REF (or --registry, with a version in the metadata)');
    expect(
      problems.some((p) =>
        p.startsWith(
          'service logship: credential token is at /run/composable/credentials/logship/sub/token; on ' +
            'Kubernetes it must be a file directly in /run/composable/credentials/logship/',
        ),
      ),
    ).toBe(true);
    const stray = renderKube(input({ secrets: { health: 'x', ghost: 'y' } }));
    expect(stray.ok ? [] : stray.problems).toEqual([
      'a Secret is given for health, which has no credentials in the metadata; add them or drop --secret health',
      'a Secret is given for ghost, which is not a service of the metadata',
    ]);
    const badName = renderKube(input({ name: 'Web_1' }));
    expect(badName.ok ? [] : badName.problems).toContainEqual(expect.stringContaining('name "Web_1" is not a DNS-1123 subdomain'));
  });

  it('holds every generated name and label value to Kubernetes rules, naming the value and the rule', () => {
    const problems = (over: Partial<KubeRenderInput>): string[] => {
      const r = renderKube(input(over));
      return r.ok ? [] : r.problems;
    };
    // A name of 64 characters is a valid subdomain but not a label value (app.kubernetes.io/name).
    const long = 'a'.repeat(64);
    expect(problems({ name: long })).toEqual([
      `name ${JSON.stringify(long)} is not a Kubernetes label value: at most 63 characters of A-Z a-z 0-9 - _ and ., ` +
        'starting and ending with a letter or digit; it is the label app.kubernetes.io/name on every object; pass a shorter --name',
    ]);
    expect(problems({ name: 'a'.repeat(63) })).toEqual([]);
    expect(problems({ name: 'web.1' })).toEqual([]);
    expect(problems({ name: '-web' })[0]).toMatch(/^name "-web" is not a DNS-1123 subdomain: .*; pass --name$/);
    // A huge value is named shortened, with its length.
    expect(problems({ name: 'x'.repeat(300) })[0]).toContain('... (300 characters) is not a DNS-1123 subdomain');
    expect(problems({ containerName: 'Systemd_1' })).toEqual([
      'container name "Systemd_1" is not a DNS-1123 label: at most 63 characters of a-z 0-9 and -, starting and ending ' +
        'with a letter or digit; pass --container NAME',
    ]);
    expect(problems({ containerName: 'c'.repeat(64) })[0]).toContain('is not a DNS-1123 label');
    expect(problems({ secrets: { logship: 'Bad_Secret' } })).toContainEqual(
      expect.stringMatching(/^service logship: Secret name "Bad_Secret" is not a DNS-1123 subdomain: .*; pass --secret logship=NAME$/),
    );
  });

  it('makes volume names valid and distinct for service names Kubernetes would refuse', () => {
    const names = ['Logship', 'log_ship', 'log.ship', 'x'.repeat(128)].map((n) => volumeName('pkg', n));
    for (const n of names) {
      expect(n).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(n.length).toBeLessThanOrEqual(63);
    }
    expect(new Set(names).size).toBe(names.length);
    expect(volumeName('pkg', 'logship')).toBe('pkg-logship');
  });
});

describe('composable kube output against the Kubernetes API', () => {
  it('the ConfigMap and the complete Deployment validate as Kubernetes objects, with no unknown field', () => {
    const r = render();
    const cm = assertExactly<IConfigMap>()(r.configMap);
    expect(() => new ConfigMap(cm).validate()).not.toThrow();
    const deployment = assertExactly<IDeployment>()(
      renderDeployment(r, input(), { image: 'registry.example/app:1', runtimeClassName: 'systemd', imagePullSecrets: ['registry-cred'] }),
    );
    expect(() => new Deployment(deployment).validate()).not.toThrow();
    const spec = deployment.spec.template.spec;
    expect(spec.runtimeClassName).toBe('systemd');
    expect(spec.imagePullSecrets).toEqual([{ name: 'registry-cred' }]);
    // systemd's tmpfs mounts, in memory; no privilege.
    expect(spec.containers[0]!.volumeMounts.map((m) => m.mountPath)).toEqual(expect.arrayContaining(['/run', '/run/lock', '/tmp']));
    expect(
      spec.volumes.filter((v) => 'emptyDir' in v).every((v) => (v as { emptyDir: { medium: string } }).emptyDir.medium === 'Memory'),
    ).toBe(true);
    expect(spec.containers[0]!.securityContext).toEqual({ privileged: false });
    expect(JSON.stringify(deployment)).not.toMatch(/SYS_ADMIN|hostPath/);
  });

  it('the patch for an existing Deployment holds valid volumes and mounts', () => {
    const patch = renderDeploymentPatch(render(), input());
    for (const v of patch.spec.template.spec.volumes) expect(() => new Volume(assertExactly<IVolume>()(v)).validate()).not.toThrow();
    for (const m of patch.spec.template.spec.containers[0]!.volumeMounts)
      expect(() => new VolumeMount(assertExactly<IVolumeMount>()(m)).validate()).not.toThrow();
    expect(patch.metadata).toEqual({ name: 'web' });
  });

  it('the validators are live: a wrong pull policy or a wrong type is rejected', () => {
    expect(() => new Volume({ name: 'x', image: { reference: 'r', pullPolicy: 'Sometimes' as 'Always' } }).validate()).toThrow();
    expect(() => new VolumeMount({ name: 'x', mountPath: 1 as unknown as string }).validate()).toThrow();
  });
});

describe('docs/engines.md', () => {
  it('shows the Deployment composable kube renders today for examples/metadata.json, and it validates', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/engines.md'), 'utf8');
    const section = doc.slice(doc.indexOf('### A complete Deployment'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(yaml).toBeDefined();
    const shown = parseAllDocuments(yaml!).map((d) => d.toJS());
    const example = JSON.parse(readFileSync(join(import.meta.dirname, '../../examples/metadata.json'), 'utf8')) as Metadata;
    example.services[0]!.credentials = { token: '/run/composable/credentials/logship/token' };
    const images = Object.fromEntries(example.services.map((s) => [s.name, `registry.example/platform/composable/${s.name}:${s.version}`]));
    const kube = { ...input(), metadata: example, name: 'web', images };
    const r = renderKube(kube);
    if (!r.ok) throw new Error(r.problems.join('\n'));
    const deployment = renderDeployment(r.render, kube, {
      image: 'registry.example/platform/web-systemd:1',
      runtimeClassName: 'systemd-cgroup-rw',
    });
    expect(shown).toEqual([r.render.configMap, deployment]);
    expect(() => new ConfigMap(shown[0]).validate()).not.toThrow();
    expect(() => new Deployment(shown[1]).validate()).not.toThrow();
  });
});

describe('composable kube command', () => {
  const cli = (args: string[]) =>
    execa(join(import.meta.dirname, '../../node_modules/.bin/tsx'), [join(import.meta.dirname, '../../cli/main.ts'), 'kube', ...args], {
      reject: false,
      cwd: work,
      timeout: 60_000,
    });

  it('prints YAML that parses to the ConfigMap and a Deployment, pins packed images by digest, and prints no secret', async () => {
    const file = join(work, 'metadata.json');
    writeFileSync(file, JSON.stringify(metadata));
    const pkg = join(import.meta.dirname, '../../examples/logship');
    const oci = join(work, 'logship.oci.tar');
    const packed = packOci(pkg, oci, 'oci-archive', { name: 'logship', version: '1.4.2', architecture: 'amd64' });
    const r = await cli([
      '--metadata',
      file,
      '--registry',
      'registry.example/team',
      '--package',
      `logship=${oci}`,
      '--container-image',
      'registry.example/app:1',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'Deployment']);
    expect(() => new ConfigMap(docs[0]).validate()).not.toThrow();
    expect(() => new Deployment(docs[1]).validate()).not.toThrow();
    const refs = docs[1].spec.template.spec.volumes.filter((v: IVolume) => v.image).map((v: IVolume) => v.image!.reference);
    expect(refs).toEqual([
      `registry.example/team/composable/logship@${packed.manifestDigest}`,
      'registry.example/team/composable/health:0.3.0',
    ]);
    expect(r.stderr).toContain('Secret web-1-logship-credentials (keys: token, ca)');
    expect(r.stdout).not.toContain('kind: Secret');
  }, 60_000);

  it('refuses a packed image that is not the version or digest the metadata names', async () => {
    const oci = join(work, 'logship-other.oci');
    packOci(join(import.meta.dirname, '../../examples/logship'), oci, 'oci', { name: 'logship', version: '1.4.1', architecture: 'amd64' });
    const file = join(work, 'metadata-pinned.json');
    writeFileSync(file, JSON.stringify({ ...metadata, services: [{ ...metadata.services[0], digest: `sha256:${'0'.repeat(64)}` }] }));
    const r = await cli(['--metadata', file, '--registry', 'r.example', '--package', `logship=${oci}`]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`--package logship=${oci}: the image is version 1.4.1, the metadata says 1.4.2`);
  }, 60_000);

  it('exits 2 with the rule instead of printing YAML with a name Kubernetes refuses', async () => {
    const file = join(work, 'metadata-names.json');
    writeFileSync(file, JSON.stringify(metadata));
    const base = ['--metadata', file, '--package', 'logship=image:r/l:1', '--package', 'health=image:r/h:1'];
    const long = 'n'.repeat(64);
    for (const [args, expected] of [
      [['--name', long], `composable kube: name ${JSON.stringify(long)} is not a Kubernetes label value`],
      [['--container', 'Systemd'], 'composable kube: container name "Systemd" is not a DNS-1123 label'],
      [
        ['--runtime-class', 'My_Class', '--container-image', 'r/app:1'],
        'composable kube: --runtime-class "My_Class" is not a DNS-1123 subdomain',
      ],
    ] as const) {
      const r = await cli([...base, ...args]);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(expected);
    }
    const ok = await cli([...base, '--name', 'n'.repeat(63), '--container-image', 'r/app:1']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    const docs = parseAllDocuments(ok.stdout).map((d) => d.toJS());
    expect(() => new Deployment(docs[1]).validate()).not.toThrow();
  }, 120_000);

  it('says what is missing instead of printing half a manifest', async () => {
    const file = join(work, 'metadata-noversion.json');
    writeFileSync(file, JSON.stringify({ ...metadata, services: [{ name: 'health', source: '/run/composable/store/health' }] }));
    const r = await cli(['--metadata', file, '--registry', 'registry.example']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `${file}: service health has no version, so its image tag is unknown; add "version" or pass --package health=image:REF`,
    );
  }, 60_000);
});

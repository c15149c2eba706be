// composable kube --render: the units rendered on the host travel in ConfigMaps that hold to
// Kubernetes' schema and its 1 MiB limit (split over a projected volume, or refused with the size),
// and what the kubelet makes of them is what the sh generator installs (test/generator/sh has the
// golden cases byte for byte; here the whole command, from the printed YAML to the linked units).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Volume, type IVolume } from 'kubernetes-models/v1/Volume';
import { VolumeMount, type IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import {
  CONFIGMAP_MAX_BYTES,
  configMapBytes,
  configMapKey,
  kubeCapabilities,
  renderDeployment,
  renderDeploymentPatch,
  renderKube,
  renderUnitsForKube,
  withRenderedUnits,
  type KubeRenderInput,
  type RenderForKube,
} from '../../host/kube.ts';
import { packOci } from '../../sdk/artifact/oci-pack.ts';
import type { Metadata } from '../../sdk/schema/metadata.ts';
import { mountConfigMapVolume } from '../helpers/kubelet.ts';
import { hasCommand } from '../helpers/requirements.ts';

/** `U` may use only field names `T` has, at every depth (as in kube.test.ts). */
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

const ROOT = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'composable-kube-render-'));
afterAll(() => rmSync(work, { recursive: true, force: true }), 60_000);

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/** A render of `files` (paths relative to units/) with small documents. */
function fakeRender(files: RenderForKube['files']): RenderForKube {
  return {
    files,
    documents: [
      { path: 'status.json', content: '{}\n' },
      { path: 'render.checks', content: 'planner composable-generator 0.1.0\n' },
      { path: 'render.json', content: '{}\n' },
    ],
  };
}
const documentsBytes = configMapBytes({
  'status.json': '{}\n',
  'render.checks': 'planner composable-generator 0.1.0\n',
  'render.json': '{}\n',
});

describe('the render in ConfigMaps', () => {
  it('gives every path a valid, distinct key and maps it back to the path, names and directories kept', () => {
    const paths = [
      'units/opt-composable-p\\x2ddefault.mount',
      'units/worker@.service',
      'units/worker@.service.d/zz-composable.conf',
      'units/a_b.service',
      'units/a/b.service',
      'units/a_2fb.service',
      `units/${'x'.repeat(300)}.service`,
      '.hidden',
    ];
    const keys = paths.map(configMapKey);
    for (const k of keys) {
      expect(k).toMatch(CONFIG_KEY);
      expect(k.length).toBeLessThanOrEqual(253);
      expect(k.startsWith('..')).toBe(false);
    }
    expect(new Set(keys).size).toBe(keys.length);
    expect(configMapKey('units/a.service.d/x.conf')).toBe('units_2fa.service.d_2fx.conf');
    const r = renderUnitsForKube(
      'web',
      fakeRender(paths.map((p) => ({ kind: 'file' as const, path: p.slice('units/'.length) || p, content: 'x\n' }))),
      '#!/bin/sh\n',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const items = r.units.volumes[0]!.projected!.sources.flatMap((s) => s.configMap.items);
    expect(items.map((i) => i.path)).toContain('units/worker@.service.d/zz-composable.conf');
  });

  it('lists the symlinks in `links` (a ConfigMap holds none) and refuses one the sh generator could not read', () => {
    const r = renderUnitsForKube(
      'web',
      fakeRender([
        { kind: 'file', path: 'a.service', content: '[Service]\n' },
        { kind: 'symlink', path: 'multi-user.target.wants/a.service', target: '../a.service' },
        { kind: 'symlink', path: 'composable.target.wants/a.service', target: '../a.service' },
      ]),
      '#!/bin/sh\n',
    );
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.units.configMaps[0]!.data.links).toBe(
      'composable.target.wants/a.service ../a.service\nmulti-user.target.wants/a.service ../a.service\n',
    );
    const bad = renderUnitsForKube('web', fakeRender([{ kind: 'symlink', path: 'x.wants/a b.service', target: '../a b.service' }]), '');
    expect(bad.ok ? [] : bad.problems).toEqual([expect.stringContaining('"x.wants/a b.service" -> "../a b.service" has whitespace')]);
  });

  it('fills a ConfigMap up to exactly 1048576 bytes (keys and data), and starts a second one a byte later', () => {
    const key = configMapKey('units/big.service');
    const fill = (extra: number) =>
      fakeRender([{ kind: 'file', path: 'big.service', content: 'x'.repeat(CONFIGMAP_MAX_BYTES - documentsBytes - key.length + extra) }]);
    const exact = renderUnitsForKube('web', fill(0), '#!/bin/sh\n');
    if (!exact.ok) throw new Error(exact.problems.join('\n'));
    // The render's ConfigMaps, then the generator's.
    expect(exact.units.configMaps.map((c) => c.metadata.name)).toEqual(['web-composable-render', 'web-composable-generator']);
    expect(configMapBytes(exact.units.configMaps[0]!.data)).toBe(CONFIGMAP_MAX_BYTES);
    const over = renderUnitsForKube('web', fill(1), '#!/bin/sh\n');
    if (!over.ok) throw new Error(over.problems.join('\n'));
    expect(over.units.configMaps.map((c) => c.metadata.name)).toEqual([
      'web-composable-render',
      'web-composable-render-2',
      'web-composable-generator',
    ]);
    for (const c of over.units.configMaps) expect(configMapBytes(c.data)).toBeLessThanOrEqual(CONFIGMAP_MAX_BYTES);
    // One projected volume over both, every key once, each file at its path.
    const sources = over.units.volumes[0]!.projected!.sources;
    expect(sources.map((s) => s.configMap.name)).toEqual(['web-composable-render', 'web-composable-render-2']);
    expect(sources[1]!.configMap.items).toEqual([{ key, path: 'units/big.service' }]);
    for (const c of over.units.configMaps) expect(() => new ConfigMap(assertExactly<IConfigMap>()(c)).validate()).not.toThrow();
  });

  it('refuses a file that does not fit a ConfigMap of its own, naming its size and the limit; one byte less fits', () => {
    const key = configMapKey('units/huge.service');
    const one = (size: number) => fakeRender([{ kind: 'file', path: 'huge.service', content: 'x'.repeat(size - key.length) }]);
    const fits = renderUnitsForKube('web', one(CONFIGMAP_MAX_BYTES), '#!/bin/sh\n');
    expect(fits.ok).toBe(true);
    if (fits.ok) expect(fits.units.configMaps.length).toBe(3);
    const refused = renderUnitsForKube('web', one(CONFIGMAP_MAX_BYTES + 1), '#!/bin/sh\n');
    expect(refused.ok ? [] : refused.problems).toEqual([
      `the rendered units/huge.service is ${CONFIGMAP_MAX_BYTES + 1} bytes as a ConfigMap entry (key ${key} and content); ` +
        `a ConfigMap holds at most ${CONFIGMAP_MAX_BYTES} bytes (data and binaryData), so it cannot be shipped: make the file ` +
        'smaller, or render in the container (without --render, the image needs the node generator)',
    ]);
  });

  it('holds the ConfigMap names it derives to DNS-1123, naming the fix', () => {
    const name = 'w'.repeat(236);
    const r = renderUnitsForKube(name, fakeRender([{ kind: 'file', path: 'a.service', content: '' }]), '#!/bin/sh\n');
    // <name>-composable-render (254 characters) and <name>-composable-generator (257).
    expect(r.ok ? [] : r.problems).toEqual(
      [254, 257].map((n) =>
        expect.stringMatching(
          new RegExp(`^ConfigMap name "w+"\\.\\.\\. \\(${n} characters\\) is not a DNS-1123 subdomain: .*; pass a shorter --name$`),
        ),
      ),
    );
    expect(renderUnitsForKube('w'.repeat(232), fakeRender([]), '').ok).toBe(true);
  });

  it('refuses metadata that does not fit its ConfigMap', () => {
    const metadata: Metadata = {
      schemaVersion: 1,
      services: [{ name: 'big', source: '/run/composable/store/big', environment: { X: 'y'.repeat(CONFIGMAP_MAX_BYTES) } }],
    };
    const r = renderKube({
      metadata,
      name: 'web',
      images: { big: 'r/b:1' },
      pullPolicy: 'IfNotPresent',
      secrets: {},
      containerName: 'systemd',
    });
    expect(r.ok ? [] : r.problems).toEqual([
      expect.stringMatching(/^the metadata is \d+ bytes in ConfigMap web-composable; a ConfigMap holds at most 1048576 bytes/),
    ]);
  });

  it('plans for the capabilities the securityContext gives: none extra by default, SYS_ADMIN when added, all when privileged', () => {
    expect(kubeCapabilities({})).not.toContain('CAP_SYS_ADMIN');
    expect(kubeCapabilities({ capAdd: ['sys_admin'] })).toContain('CAP_SYS_ADMIN');
    expect(kubeCapabilities({ privileged: true })).toContain('CAP_CHECKPOINT_RESTORE');
  });
});

describe('the Deployment and the patch with a render, against the Kubernetes API', () => {
  const metadata: Metadata = { schemaVersion: 1, services: [{ name: 'logship', source: '/run/composable/store/logship' }] };
  const input: KubeRenderInput = {
    metadata,
    name: 'web',
    images: { logship: 'r/l:1' },
    pullPolicy: 'IfNotPresent',
    secrets: {},
    containerName: 'systemd',
  };
  const base = renderKube(input);
  if (!base.ok) throw new Error(base.problems.join('\n'));
  const units = renderUnitsForKube(
    'web',
    fakeRender([
      { kind: 'file', path: 'logship.service', content: '[Service]\n' },
      { kind: 'symlink', path: 'composable.target.wants/logship.service', target: '../logship.service' },
    ]),
    '#!/bin/sh\n',
  );
  if (!units.ok) throw new Error(units.problems.join('\n'));
  const kube = withRenderedUnits(base.render, units.units);

  it('validates, with the render read-only at /run/composable/render and the generator a 0755 file at its path', () => {
    const deployment = assertExactly<IDeployment>()(
      renderDeployment(kube, input, { image: 'r/app:1', security: { capAdd: ['SYS_ADMIN'] } }),
    );
    expect(() => new Deployment(deployment).validate()).not.toThrow();
    const container = deployment.spec.template.spec.containers[0]!;
    expect(container.securityContext).toEqual({ privileged: false, capabilities: { add: ['SYS_ADMIN'] } });
    expect(container.volumeMounts).toContainEqual({ name: 'composable-render', mountPath: '/run/composable/render', readOnly: true });
    expect(container.volumeMounts).toContainEqual({
      name: 'composable-generator',
      mountPath: '/run/systemd/system-generators/composable-generator',
      subPath: 'composable-generator',
      readOnly: true,
    });
    expect(deployment.spec.template.spec.volumes).toContainEqual({
      name: 'composable-generator',
      configMap: {
        name: 'web-composable-generator',
        items: [{ key: 'composable-generator', path: 'composable-generator' }],
        defaultMode: 0o755,
      },
    });
    for (const c of kube.unitConfigMaps!) {
      expect(() => new ConfigMap(assertExactly<IConfigMap>()(c)).validate()).not.toThrow();
      expect(c.metadata.name).toMatch(DNS_SUBDOMAIN);
      for (const k of Object.keys(c.data)) expect(k).toMatch(CONFIG_KEY);
    }
    for (const v of deployment.spec.template.spec.volumes) expect(v.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('the patch carries the volumes, the mounts and, when asked for, the privileges the render planned for', () => {
    const patch = renderDeploymentPatch(kube, input, { privileged: true });
    for (const v of patch.spec.template.spec.volumes) expect(() => new Volume(assertExactly<IVolume>()(v)).validate()).not.toThrow();
    const container = patch.spec.template.spec.containers[0]!;
    for (const m of container.volumeMounts) expect(() => new VolumeMount(assertExactly<IVolumeMount>()(m)).validate()).not.toThrow();
    expect(container.securityContext).toEqual({ privileged: true });
    expect('securityContext' in renderDeploymentPatch(kube, input).spec.template.spec.containers[0]!).toBe(false);
  });
});

const cli = (args: string[]) =>
  execa(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'cli/main.ts'), 'kube', ...args], {
    reject: false,
    cwd: work,
    timeout: 120_000,
  });
const EXAMPLES = join(ROOT, 'examples');
const SERVICES = ['logship', 'health', 'cleanup', 'heartbeat'];
const haveGenerator = existsSync(join(ROOT, 'dist/composable-generator.sh'));

/** NORMAL as systemd reads it: every link followed to the file it stands for. */
function installed(normal: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    const full = join(normal, rel);
    const real = realpathSync(full);
    if (lstatSync(real).isDirectory()) {
      for (const name of spawnSync('ls', ['-A', full], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean))
        walk(rel ? `${rel}/${name}` : name);
    } else out[rel] = readFileSync(real, 'utf8');
  };
  walk('');
  return out;
}

describe.skipIf(!haveGenerator)('composable kube --render', () => {
  it('prints ConfigMaps a kubelet mounts into a tree the sh generator installs: the digest matches, the units are in place', async () => {
    const oci = join(work, 'logship.oci.tar');
    packOci(join(EXAMPLES, 'logship'), oci, 'oci-archive', { name: 'logship', version: '1.4.2', architecture: 'amd64' });
    const r = await cli([
      '--metadata',
      join(EXAMPLES, 'metadata.json'),
      '--name',
      'web',
      '--registry',
      'registry.example',
      '--render',
      '--package',
      `logship=${oci}`,
      ...SERVICES.filter((s) => s !== 'logship').flatMap((s) => ['--package-dir', `${s}=${join(EXAMPLES, s)}`]),
      '--cap-add',
      'SYS_ADMIN',
      '--container-image',
      'registry.example/web-systemd:1',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('skipped');
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'ConfigMap/web-composable',
      'ConfigMap/web-composable-render',
      'ConfigMap/web-composable-generator',
      'Deployment/web',
    ]);
    for (const d of docs.slice(0, 3)) expect(() => new ConfigMap(d).validate()).not.toThrow();
    expect(() => new Deployment(docs[3]).validate()).not.toThrow();
    const metadataText: string = docs[0].data['metadata.json'];
    const checks: string = docs[1].data['render.checks'];
    expect(checks).toContain(`sha256 ${createHash('sha256').update(metadataText).digest('hex')} /run/composable/metadata.json`);
    expect(checks).toContain('cap-sys-admin 1');
    expect(docs[2].data['composable-generator']).toBe(readFileSync(join(ROOT, 'dist/composable-generator.sh'), 'utf8'));

    if (!hasCommand('dash')) return;
    // The pod as the kubelet makes it: metadata by subPath, the render volume, the generator file.
    const root = join(work, 'pod');
    const spec = docs[3].spec.template.spec;
    mkdirSync(join(root, 'run/composable'), { recursive: true });
    writeFileSync(join(root, 'run/composable/metadata.json'), metadataText);
    mountConfigMapVolume(
      join(root, 'run/composable/render'),
      spec.volumes.find((v: IVolume) => v.name === 'composable-render'),
      docs.slice(0, 3),
    );
    const generatorDir = join(work, 'generator-volume');
    mountConfigMapVolume(
      generatorDir,
      spec.volumes.find((v: IVolume) => v.name === 'composable-generator'),
      docs.slice(0, 3),
    );
    expect(lstatSync(realpathSync(join(generatorDir, 'composable-generator'))).mode & 0o777).toBe(0o755);
    for (const s of SERVICES) mkdirSync(join(root, 'opt/composable', s), { recursive: true });
    mkdirSync(join(root, 'proc/self'), { recursive: true });
    // containerd's default set plus CAP_SYS_ADMIN (bit 21).
    writeFileSync(join(root, 'proc/self/status'), 'CapEff:\t00000000a82425fb\n');
    const normal = join(work, 'normal');
    mkdirSync(normal);
    const gen = spawnSync('dash', [join(generatorDir, 'composable-generator'), normal, `${normal}.early`, `${normal}.late`], {
      env: { PATH: process.env.PATH, COMPOSABLE_ROOT: root },
      encoding: 'utf8',
    });
    expect(gen.status, gen.stderr).toBe(0);
    expect(gen.stderr).toBe('');
    const status = JSON.parse(readFileSync(join(root, 'run/composable/status.json'), 'utf8'));
    expect(status.services.map((s: { name: string; state: string }) => `${s.name}:${s.state}`)).toEqual(
      SERVICES.map((s) => `${s}:enabled`),
    );
    const tree = installed(normal);
    expect(tree['logship.service']).toBe(readFileSync(join(EXAMPLES, 'logship/usr/lib/systemd/system/logship.service'), 'utf8'));
    expect(tree['logship.service.d/zz-composable.conf']).toContain('[Service]');
    // Every listed link is made as the node generator makes it, logship's among them.
    const links = (docs[1].data.links as string).trim().split('\n');
    expect(links.some((l) => l.endsWith(' ../logship.service'))).toBe(true);
    for (const line of links) {
      const [path, target] = line.split(' ');
      expect(readlinkSync(join(normal, path!))).toBe(target);
    }
  }, 180_000);

  it('plans for no CAP_SYS_ADMIN by default, and says which services that skips', async () => {
    const r = await cli([
      '--metadata',
      join(EXAMPLES, 'metadata.json'),
      '--name',
      'web',
      '--registry',
      'registry.example',
      '--render',
      ...SERVICES.flatMap((s) => ['--package-dir', `${s}=${join(EXAMPLES, s)}`]),
      '--output',
      'configmap',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'ConfigMap', 'ConfigMap']);
    expect(docs[1].data['render.checks']).toContain('cap-sys-admin 0');
    expect(r.stderr).toMatch(/composable kube: logship skipped: .*CAP_SYS_ADMIN.*\[capability-missing\]/);
  }, 120_000);

  it('exits 2 and prints nothing when a package tree is missing or an option is wrong, naming the fix', async () => {
    const base = ['--metadata', join(EXAMPLES, 'metadata.json'), '--name', 'web', '--registry', 'registry.example'];
    for (const [args, expected] of [
      [
        ['--render', '--package-dir', `logship=${join(EXAMPLES, 'logship')}`],
        'composable kube: service health: --render needs its package tree to render its units; pass --package-dir health=DIR ' +
          '(the directory packed into its image) or --package health=FILE (the OCI archive or layout composable pack made)',
      ],
      [
        ['--package-dir', `logship=${join(EXAMPLES, 'logship')}`],
        'composable kube: --package-dir is read only to render the units: add --render',
      ],
      [['--render', '--package-dir', 'ghost=/nowhere'], 'composable kube: --package-dir ghost: not a service of'],
      [
        ['--render', '--package-dir', `health=${join(work, 'absent')}`],
        `composable: cannot read ${join(work, 'absent')}: no such file or directory`,
      ],
      [['--cap-add', 'SYS_ADMINN'], 'composable kube: --cap-add "SYS_ADMINN": not a Linux capability'],
    ] as const) {
      const r = await cli([...base, ...args]);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(expected);
    }
  }, 180_000);
});

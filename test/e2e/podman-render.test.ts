// Sidecars in a stock systemd image (issue 24): a Debian 12 systemd image built without node or
// any part of composable, started unprivileged by `composable podman --render --run`. The host
// renders the units with the generator's planner; the node-free sh generator, bound in by podman,
// checks the render fits and links it into place. Checked from inside: node is absent, the
// sidecars are active, status.json says enabled. A render that no longer fits (the metadata
// changed after it) enables nothing, says why in status.json, and the container still boots.
// Run one at a time: flock /tmp/composable-containers.lock npx vitest run test/e2e/podman-render.test.ts
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST, REPO } from '../harness/nspawn.ts';
import {
  adoptContainer,
  containerName,
  ensureBareSystemdImage,
  harnessContainers,
  harnessRunArgs,
  removeHarnessContainers,
  type PodmanContainer,
} from '../harness/podman.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';
import { buildPackage, daemonPackage, removeBuiltPackages } from './packages.ts';

const missing = missingRequirements([requirement.root, requirement.podman, requirement.debootstrap], 'podman render e2e tests');

const CLI = join(DIST, 'composable.mjs');
const CONTAINER_TIMEOUT = 120_000;

interface StatusFile {
  generator: { name: string };
  metadata: { state: string; reasons?: { code: string; message: string }[] };
  services: { name: string; state: string }[];
}

const unitState = async (c: PodmanContainer, unit: string): Promise<string> =>
  (await c.exec(['systemctl', 'show', '-p', 'ActiveState,SubState', '--value', unit])).stdout.trim().split('\n').join(' ');

describe.skipIf(missing.length > 0)('composable podman --render: sidecars in an image without node', () => {
  let image = '';
  let work = '';
  let runBase = '';
  let metadataFile = '';
  const packages: string[] = [];
  let loaded = '';

  beforeAll(async () => {
    image = await ensureBareSystemdImage();
    work = mkdtempSync(join(tmpdir(), 'composable-podman-render-'));
    runBase = join(work, 'run');
    const alpha = buildPackage(daemonPackage('alpha', 'composable-early.target'));
    const beta = buildPackage(daemonPackage('beta', 'composable.target'));
    // alpha as an OCI archive, loaded into podman's storage: rendered from `podman image mount`.
    const archive = join(work, 'alpha.oci.tar');
    const pack = await execa('node', [CLI, 'pack', alpha.dir, '--format', 'oci-archive', '--output', archive], { reject: false });
    expect(pack.exitCode, pack.stdout + pack.stderr).toBe(0);
    packages.push(
      '--package',
      `alpha=${archive}`,
      '--package',
      `beta=${beta.dir}`,
      '--package',
      `cleanup=${join(REPO, 'examples/cleanup')}`,
    );
    metadataFile = join(work, 'metadata.json');
    writeFileSync(
      metadataFile,
      JSON.stringify({
        schemaVersion: 1,
        services: [
          { name: 'alpha', source: '/opt/composable/alpha' },
          { name: 'beta', source: '/opt/composable/beta' },
          { name: 'cleanup', source: '/opt/composable/cleanup', environment: { CLEANUP_DIRS: '/var/tmp/scratch' } },
        ],
      }),
    );
    const index = JSON.parse((await execa('tar', ['-xOf', archive, 'index.json'])).stdout) as {
      manifests: { annotations?: Record<string, string> }[];
    };
    loaded = `localhost/${index.manifests[0]!.annotations!['org.opencontainers.image.ref.name']}`;
  }, 15 * 60_000);

  afterAll(async () => {
    await removeHarnessContainers();
    if (loaded) await execa('podman', ['rmi', '-f', loaded], { reject: false });
    removeBuiltPackages();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the image has no node; --render --run starts every sidecar through the sh generator, unprivileged', async () => {
    const name = containerName('composable-render');
    const run = await execa(
      'node',
      [
        CLI,
        'podman',
        '--metadata',
        metadataFile,
        '--name',
        name,
        '--run-dir',
        runBase,
        ...packages,
        '--render',
        '--run',
        '--',
        ...harnessRunArgs(name),
        '--network',
        'none',
        image,
      ],
      { reject: false, timeout: 180_000, all: true },
    );
    const c = adoptContainer(name, CONTAINER_TIMEOUT);
    try {
      expect(run.exitCode, run.all).toBe(0);
      const state = await c.waitForSystemd();
      expect((await c.exec(['sh', '-c', 'command -v node'])).exitCode).not.toBe(0);
      expect((await c.exec(['ls', '/usr/lib/systemd/system-generators'])).stdout).not.toContain('composable');

      const statusText = (await c.exec(['cat', '/run/composable/status.json'])).stdout;
      const status = JSON.parse(statusText) as StatusFile;
      expect(
        status.services.map((s) => [s.name, s.state]),
        statusText,
      ).toEqual([
        ['alpha', 'enabled'],
        ['beta', 'enabled'],
        ['cleanup', 'enabled'],
      ]);
      expect(await unitState(c, 'alpha.service')).toBe('active running');
      expect(await unitState(c, 'beta.service')).toBe('active running');
      expect(await unitState(c, 'cleanup.timer')).toMatch(/^active (waiting|running)$/);
      // Each runs from the package podman mounted, with the rendered drop-in.
      expect((await c.exec(['systemctl', 'show', '-p', 'ExecStart', '--value', 'alpha.service'])).stdout).toContain(
        '/opt/composable/alpha/usr/bin/alpha',
      );
      // What systemd loaded is the host's render, which the container cannot change.
      expect((await c.exec(['readlink', '/run/systemd/generator/alpha.service'])).stdout.trim()).toBe(
        '/run/composable/render/units/alpha.service',
      );
      const write = await c.exec(['sh', '-c', 'echo x > /run/composable/render/units/alpha.service']);
      expect(write.exitCode).not.toBe(0);
      expect((await c.exec(['systemctl', 'list-units', '--failed', '--no-legend', '--plain'])).stdout.trim()).toBe('');
      expect(state, await c.logs()).toBe('running');
    } finally {
      await c.remove();
    }
    expect(await harnessContainers()).toEqual([]);
  }, 300_000);

  it('a render that no longer fits the metadata enables nothing, says why, and the container boots', async () => {
    const name = containerName('composable-render-stale');
    const printed = await execa(
      'node',
      [
        CLI,
        'podman',
        '--metadata',
        metadataFile,
        '--name',
        name,
        '--run-dir',
        runBase,
        ...packages,
        '--render',
        '--json',
        '--',
        ...harnessRunArgs(name),
        '--network',
        'none',
        image,
      ],
      { reject: false, timeout: 180_000, all: true },
    );
    expect(printed.exitCode, printed.all).toBe(0);
    const args = JSON.parse(printed.stdout) as string[];
    // The agent changes the metadata after rendering: one more environment variable.
    const file = join(runBase, name, 'metadata.json');
    const metadata = JSON.parse(readFileSync(file, 'utf8')) as { services: { environment?: Record<string, string> }[] };
    metadata.services[1]!.environment = { LATE: '1' };
    writeFileSync(file, `${JSON.stringify(metadata, null, 2)}\n`);
    const run = await execa(args[0]!, args.slice(1), { reject: false, timeout: 120_000, all: true });
    const c = adoptContainer(name, CONTAINER_TIMEOUT);
    try {
      expect(run.exitCode, run.all).toBe(0);
      const state = await c.waitForSystemd();
      expect(state, await c.logs()).toBe('running');
      const statusText = (await c.exec(['cat', '/run/composable/status.json'])).stdout;
      const status = JSON.parse(statusText) as StatusFile;
      expect(status.metadata.reasons?.[0]?.code, statusText).toBe('render-stale');
      expect(status.metadata.reasons?.[0]?.message).toContain('/run/composable/metadata.json changed since the render');
      expect(status.services).toEqual([]);
      expect(await unitState(c, 'alpha.service')).toBe('inactive dead');
      expect((await c.exec(['ls', '/run/systemd/generator'])).stdout).not.toContain('alpha');
    } finally {
      await c.remove();
    }
  }, 300_000);
});

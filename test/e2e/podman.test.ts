// The product under a real container engine, unprivileged: the three examples packed as OCI
// archives, started by `composable podman --run` in a systemd container with no --privileged and
// no --cap-add, each package mounted by podman at its stable path. Checked from inside, as a
// user would: every sidecar active (or, if it cannot run unprivileged, skipped with the reason),
// the cleanup timer waiting, health answering, the status saying the engine mounted them; and a package left in the store (which would need a bind mount
// the container may not make) skipped with the capability reason while the others run.
// Run one at a time: flock /tmp/composable-containers.lock npx vitest run test/e2e/podman.test.ts
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST, REPO } from '../harness/nspawn.ts';
import {
  adoptContainer,
  containerName,
  ensureSystemdImage,
  harnessContainers,
  harnessRunArgs,
  removeHarnessContainers,
  startContainer,
  type PodmanContainer,
} from '../harness/podman.ts';
import type { Metadata } from '../../sdk/schema/metadata.ts';
import { buildPackage, daemonPackage, removeBuiltPackages } from './packages.ts';
import { missingRequirements, requirement } from '../helpers/requirements.ts';

const missing = missingRequirements([requirement.root, requirement.podman, requirement.debootstrap], 'podman e2e tests');

const CLI = join(DIST, 'composable.mjs');
const EXAMPLES = ['logship', 'health', 'cleanup'] as const;
const CAP_SYS_ADMIN = 21n;
const CONTAINER_TIMEOUT = 120_000;
/**
 * Examples an unprivileged container cannot run as they are, and why. logship sets
 * DynamicUser=yes, which needs a mount namespace (docs/profiles.md, measured: 226/NAMESPACE), so
 * the generator skips it with the capability and the fix. Empty this when the example runs
 * unprivileged (a static user from the metadata's "user" instead of DynamicUser=).
 */
const SKIPPED_UNPRIVILEGED: Record<string, RegExp> = { logship: /DynamicUser=yes.*CAP_SYS_ADMIN/ };

interface StatusFile {
  metadata: { state: string };
  services: { name: string; state: string; mountedBy?: string; mount?: string; reasons?: { code: string; message: string }[] }[];
}

/**
 * A package packed as a user does, `composable pack --format oci-archive`; returns the image name
 * `podman load` gives it (`localhost/` + the archive's `org.opencontainers.image.ref.name`).
 */
// The package digest is the one pack reports: of what it ships, not of the whole source folder.
const packedDigests: Record<string, string> = {};

async function packOciArchive(dir: string, out: string): Promise<string> {
  const pack = await execa('node', [CLI, 'pack', dir, '--format', 'oci-archive', '--output', out], { reject: false, timeout: 120_000 });
  if (pack.exitCode !== 0) throw new Error(`composable pack ${dir} failed:\n${pack.stdout}${pack.stderr}`);
  const digest = /^\s*package\s+(sha256:[0-9a-f]{64})$/m.exec(pack.stdout)?.[1];
  if (!digest) throw new Error(`composable pack ${dir} named no package digest:\n${pack.stdout}`);
  packedDigests[dir] = digest;
  const index = JSON.parse((await execa('tar', ['-xOf', out, 'index.json'])).stdout) as {
    manifests: { annotations?: Record<string, string> }[];
  };
  return `localhost/${index.manifests[0]!.annotations!['org.opencontainers.image.ref.name']}`;
}

async function waitFor<T>(what: string, c: PodmanContainer, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`${what} did not happen within ${timeoutMs} ms; log:\n${await c.logs()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const unitState = async (c: PodmanContainer, unit: string): Promise<string> =>
  (await c.exec(['systemctl', 'show', '-p', 'ActiveState,SubState', '--value', unit])).stdout.trim().split('\n').join(' ');

describe.skipIf(missing.length > 0)('composable sidecars in an unprivileged podman container', () => {
  let image = '';
  let work = '';
  let runBase = '';
  const archives: Record<string, string> = {};
  const images: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('run `npm run build` first (npm test does)');
    image = await ensureSystemdImage();
    work = mkdtempSync(join(tmpdir(), 'composable-e2e-podman-'));
    // Credentials go to a tmpfs only; /dev/shm is one where /run is not.
    runBase = mkdtempSync('/dev/shm/composable-e2e-podman-');
    for (const name of EXAMPLES) {
      archives[name] = join(work, `${name}.oci.tar`);
      images.push(await packOciArchive(join(REPO, 'examples', name), archives[name]));
    }
  }, 20 * 60_000);

  afterAll(async () => {
    await removeHarnessContainers();
    for (const i of images) await execa('podman', ['rmi', '--force', i], { reject: false, timeout: 60_000 });
    removeBuiltPackages();
    if (work) rmSync(work, { recursive: true, force: true });
    if (runBase) rmSync(runBase, { recursive: true, force: true });
  });

  it('mounts an OCI archive, an OCI layout and an image already in storage by image ID', async () => {
    // The layout comes from the cleanup archive; health is loaded beforehand and named by reference.
    await execa('podman', ['load', '--input', archives.cleanup!], { timeout: 120_000 });
    // A capital letter in the path: podman names an image loaded from a directory after its path.
    const layout = join(work, 'Cleanup-Layout.oci');
    await execa('podman', ['save', '--format', 'oci-dir', '--output', layout, images[2]!], { timeout: 120_000 });
    await execa('podman', ['load', '--input', archives.health!], { timeout: 120_000 });
    const id = async (ref: string): Promise<string> =>
      (await execa('podman', ['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim();
    const metadataFile = join(work, 'print-case.json');
    writeFileSync(
      metadataFile,
      JSON.stringify({ schemaVersion: 1, services: EXAMPLES.map((n) => ({ name: n, source: `/run/composable/store/${n}` })) }),
    );
    const r = await execa(
      'node',
      [
        CLI,
        'podman',
        '--metadata',
        metadataFile,
        '--name',
        'print-case',
        '--run-dir',
        runBase,
        '--json',
        '--package',
        `logship=${archives.logship}`,
        '--package',
        `health=image:${images[1]}`,
        '--package',
        `cleanup=${layout}`,
        '--image',
        image,
      ],
      { reject: false, timeout: 120_000 },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const args = JSON.parse(r.stdout) as string[];
    expect(args.filter((a) => a.startsWith('type=image,'))).toEqual([
      `type=image,source=${await id(images[0]!)},target=/opt/composable/logship`,
      `type=image,source=${await id(images[1]!)},target=/opt/composable/health`,
      `type=image,source=${await id(images[2]!)},target=/opt/composable/cleanup`,
    ]);
    expect(args.at(-1)).toBe(image);
  }, 120_000);

  it('refuses a package file that is not an OCI image, saying what it must be', async () => {
    const tarball = join(work, 'health.tar.gz');
    const pack = await execa('node', [CLI, 'pack', join(REPO, 'examples/health'), '--output', tarball], { reject: false, timeout: 60_000 });
    expect(pack.exitCode, pack.stderr).toBe(0);
    const metadataFile = join(work, 'tarball-case.json');
    writeFileSync(metadataFile, JSON.stringify({ schemaVersion: 1, services: [{ name: 'health', source: tarball }] }));
    const r = await execa(
      'node',
      [CLI, 'podman', '--metadata', metadataFile, '--name', 'tarball-case', '--run-dir', runBase, '--image', image],
      { reject: false, timeout: 120_000 },
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`composable podman: package health: podman could not load ${tarball} as an image`);
    expect(r.stderr).toContain(
      'a package file must be an OCI archive (composable pack --format oci-archive), or give the package directory',
    );
    expect(r.stdout).toBe('');
  }, 120_000);

  it('composable podman --run starts the examples from OCI archives: each active, the timer waiting, health answering', async () => {
    const name = containerName('composable-e2e');
    const secret = `s3cret-${process.pid}-${Date.now()}`;
    const secretFile = join(work, 'health-token');
    writeFileSync(secretFile, secret, { mode: 0o600 });
    const examples = JSON.parse(readFileSync(join(REPO, 'examples/metadata.json'), 'utf8')) as Metadata;
    const metadata: Metadata = {
      ...examples,
      // With each tree's digest, which the generator checks on the package where podman mounted it.
      // The three examples of the issue; heartbeat (chroot mode) needs a mount namespace anyway.
      services: examples.services
        .filter((s) => (EXAMPLES as readonly string[]).includes(s.name))
        .map((s) => ({
          ...s,
          digest: packedDigests[join(REPO, 'examples', s.name)],
          ...(s.name === 'health' ? { credentials: { token: '/run/composable/credentials/health/token' } } : {}),
        })),
    };
    const metadataFile = join(work, 'metadata.json');
    writeFileSync(metadataFile, JSON.stringify(metadata));

    const started = Date.now();
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
        ...EXAMPLES.flatMap((n) => ['--package', `${n}=${archives[n]}`]),
        '--credential',
        `health/token=${secretFile}`,
        '--run',
        // The harness's additions: detached, labelled as the harness's, this host's quirks; no network needed.
        '--',
        ...harnessRunArgs(name),
        '--network',
        'none',
        image,
      ],
      { reject: false, timeout: 120_000, all: true },
    );
    const c = adoptContainer(name, CONTAINER_TIMEOUT);
    try {
      expect(run.exitCode, run.all).toBe(0);
      const state = await c.waitForSystemd();
      const bootMs = Date.now() - started;

      // No privilege beyond podman's defaults.
      const config = JSON.parse((await execa('podman', ['inspect', name])).stdout) as [
        { HostConfig: { Privileged: boolean; CapAdd: string[] | null }; Config: { Env: string[]; Cmd: string[] } },
      ];
      expect(config[0].HostConfig.Privileged).toBe(false);
      expect(config[0].HostConfig.CapAdd ?? []).toEqual([]);
      const capEff = (await c.exec(['grep', '^CapEff:', '/proc/1/status'])).stdout.split(/\s+/)[1]!;
      expect((BigInt(`0x${capEff}`) >> CAP_SYS_ADMIN) & 1n).toBe(0n);

      // The generator took every package as the engine mounted it; what it cannot run without
      // CAP_SYS_ADMIN is skipped with the reason, never left failed.
      const statusText = (await c.exec(['cat', '/run/composable/status.json'])).stdout;
      const status = JSON.parse(statusText) as StatusFile;
      expect(
        status.services.map((s) => [s.name, s.state, s.mountedBy, s.mount]),
        statusText,
      ).toEqual(
        EXAMPLES.map((n) => (n in SKIPPED_UNPRIVILEGED ? [n, 'skipped', undefined, undefined] : [n, 'enabled', 'engine', undefined])),
      );
      for (const [n, why] of Object.entries(SKIPPED_UNPRIVILEGED)) {
        const reason = status.services.find((s) => s.name === n)?.reasons?.[0];
        expect(reason?.code).toBe('capability-missing');
        expect(reason?.message).toMatch(why);
        expect(await unitState(c, `${n}.service`)).toBe('inactive dead');
      }
      expect(await unitState(c, 'health.service')).toBe('active running');
      // OnActiveSec=2s: the timer may be firing right now (SubState "running" while cleanup runs);
      // that it settles back to "waiting" is checked below.
      expect(await unitState(c, 'cleanup.timer')).toMatch(/^active (waiting|running)$/);
      expect((await c.exec(['systemctl', 'list-units', '--failed', '--no-legend', '--plain'])).stdout.trim()).toBe('');
      expect(state, await c.logs()).toBe('running');

      // health answers from inside the container (it listens on the container's loopback).
      const answer = await waitFor('health answering', c, async () => {
        const r = await c.exec([
          'node',
          '-e',
          "fetch('http://127.0.0.1:8081/healthz').then(async (r) => console.log(r.status, (await r.text()).trim()), () => process.exit(1))",
        ]);
        return r.exitCode === 0 ? r.stdout.trim() : undefined;
      });
      expect(answer).toMatch(/^200 \{"status":"ok"/);

      // Each package is where podman mounted it, read-only.
      const touch = await c.exec(['touch', '/opt/composable/health/x']);
      expect(touch.stderr).toContain('Read-only file system');
      expect((await c.exec(['ls', '/run/systemd/generator'])).stdout).not.toMatch(/\.mount$/m);
      // The timer fires 2 s after boot and shows "running" while cleanup runs; then it waits.
      await waitFor('cleanup.timer waiting', c, async () => {
        const r = await c.exec(['systemctl', 'show', '-P', 'SubState', 'cleanup.timer']);
        return r.stdout.trim() === 'waiting' ? true : undefined;
      });
      const cli = await c.exec(['composable', 'status']);
      // It exits 1 exactly when something was skipped.
      expect(cli.exitCode, cli.stdout + cli.stderr).toBe(Object.keys(SKIPPED_UNPRIVILEGED).length > 0 ? 1 : 0);
      expect(cli.stdout).toMatch(/health\.service +active \(running\)/);
      // The timer is armed; it reads "running" for the moment its service runs (timer.c: TIMER_RUNNING
      // until the triggered unit stops), which the boot-time cleanup may just be doing.
      expect(cli.stdout).toMatch(/cleanup\.timer +active \((waiting|running)\)/);

      // The credential reached its service from the tmpfs, and nowhere else.
      expect((await c.exec(['systemctl', 'cat', 'health.service'])).stdout).toContain(
        'LoadCredential=token:/run/composable/credentials/health/token',
      );
      const pid = (await c.exec(['systemctl', 'show', '-p', 'MainPID', '--value', 'health.service'])).stdout.trim();
      expect((await c.exec(['cat', `/proc/${pid}/root/run/credentials/health.service/token`])).stdout).toBe(secret);
      expect(JSON.stringify(config)).not.toContain(secret);
      expect(
        (
          await c.exec([
            'sh',
            '-c',
            `grep -rl '${secret}' /run/systemd/generator /run/composable/status.json /run/composable/metadata.json; ` +
              `journalctl -o cat --no-pager | grep -c '${secret}'`,
          ])
        ).stdout.trim(),
      ).toBe('0');
      console.log(`podman e2e: composable podman --run to systemd ${state}: ${bootMs} ms`);
    } finally {
      await c.remove();
    }
    expect(await harnessContainers()).toEqual([]);
  }, 180_000);

  it('a package left in the store, which would need a bind mount, is skipped with the capability reason; the others run', async () => {
    const store = buildPackage(
      daemonPackage('needsbind', 'default', {
        units: { 'needsbind.service': '[Service]\nExecStart=/usr/bin/needsbind\n\n[Install]\nWantedBy=multi-user.target\n' },
      }),
    );
    const metadata: Metadata = {
      schemaVersion: 1,
      services: [
        { name: 'health', source: '/opt/composable/health' },
        { name: 'needsbind', source: `/run/composable/store/${store.storeName}` },
      ],
    };
    const metadataFile = join(work, 'store-case.json');
    writeFileSync(metadataFile, JSON.stringify(metadata));
    chmodSync(metadataFile, 0o644);
    // Loaded as composable podman does; mounted here by hand beside a store bind an agent made.
    const load = await execa('podman', ['load', '--input', archives.health!], { timeout: 120_000 });
    expect(load.stdout).toContain('Loaded image');
    const c = await startContainer({
      image,
      timeoutMs: CONTAINER_TIMEOUT,
      args: [
        '--network',
        'none',
        '--mount',
        `type=bind,source=${metadataFile},target=/run/composable/metadata.json,ro=true`,
        '--mount',
        `type=image,source=${images[1]},target=/opt/composable/health`,
        '--mount',
        `type=bind,source=${store.dir},target=/run/composable/store/${store.storeName},ro=true`,
      ],
    });
    try {
      expect(await c.waitForSystemd()).toBe('running');
      expect(await unitState(c, 'health.service')).toBe('active running');
      expect((await c.exec(['systemctl', 'list-units', '--failed', '--no-legend', '--plain'])).stdout.trim()).toBe('');
      const status = JSON.parse((await c.exec(['cat', '/run/composable/status.json'])).stdout) as StatusFile;
      const skipped = status.services.find((s) => s.name === 'needsbind');
      expect(skipped?.state).toBe('skipped');
      expect(skipped?.reasons?.[0]?.code).toBe('capability-missing');
      expect(skipped?.reasons?.[0]?.message).toContain('CAP_SYS_ADMIN');
      expect((await c.exec(['systemctl', 'show', '-p', 'LoadState', '--value', 'needsbind.service'])).stdout.trim()).toBe('not-found');
      const cli = await c.exec(['composable', 'status']);
      expect(cli.exitCode).toBe(1);
      expect(cli.stdout).toMatch(/needsbind +skipped\n +.*CAP_SYS_ADMIN.*\[capability-missing\]/);
    } finally {
      await c.remove();
    }
  }, 180_000);
});

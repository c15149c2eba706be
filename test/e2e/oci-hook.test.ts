// composable-oci-hook with real podman and runc: a systemd container annotated with
// io.composable.services gets its sidecars active, host-side changes reach it through `refresh` +
// `composable apply`, poststop removes the run directory, a container without the annotation
// never runs the hook, and hostile names are refused while the other sidecars run.
// Run under the machine-wide lock: flock /tmp/composable-containers.lock npx vitest run test/e2e/oci-hook.test.ts
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { hasCommand, missingRequirements, requirement, type Requirement } from '../helpers/requirements.ts';
import { ensureSystemdImage, PODMAN_HOST_ARGS, removeHarnessContainers, startContainer, type PodmanContainer } from '../harness/podman.ts';

const REPO = join(import.meta.dirname, '../..');
const HOOK_BIN = join(REPO, 'dist/composable-oci-hook.cjs');
const SHIPPED = join(REPO, 'host/oci-hook/hooks.d');

const needs: Requirement[] = [requirement.root, requirement.podman, { name: 'nsenter (util-linux)', present: () => hasCommand('nsenter') }];
const missing = missingRequirements(needs, 'the OCI hook e2e');

/** A package whose one service runs a shell loop from the package itself. */
function writePackage(store: string, name: string): void {
  const dir = join(store, name);
  mkdirSync(join(dir, 'usr/lib/systemd/system'), { recursive: true });
  mkdirSync(join(dir, 'usr/bin'), { recursive: true });
  writeFileSync(join(dir, 'usr/lib/os-release'), `NAME=${name}\nID=${name}\nVERSION_ID=1.0\n`);
  // One process per service (exec): with two (a shell waiting on sleep), a stop under heavy load was
  // once seen to take 60 s in this podman container (cgroup v1), which is not what this test is about.
  writeFileSync(join(dir, 'usr/bin', name), '#!/bin/sh\necho "started with GREETING=$GREETING"\nexec sleep 2147483647\n');
  chmodSync(join(dir, 'usr/bin', name), 0o755);
  writeFileSync(
    join(dir, 'usr/lib/systemd/system', `${name}.service`),
    `[Unit]\nDescription=${name}\n\n[Service]\nExecStart=/usr/bin/${name}\n\n[Install]\nWantedBy=multi-user.target\n`,
  );
}

describe.skipIf(missing.length > 0)('composable-oci-hook with podman', () => {
  let work: string;
  let store: string;
  let runRoot: string;
  let configPath: string;
  let hooksDir: string;
  let precreateHooksDir: string;
  let invocations: string;
  const containers: PodmanContainer[] = [];

  const writeConfig = (services: Record<string, unknown>) =>
    writeFileSync(configPath, JSON.stringify({ store, runRoot, logFile: join(work, 'hook.log'), services }, null, 2));
  const invocationCount = () => (existsSync(invocations) ? readFileSync(invocations, 'utf8').split('\n').filter(Boolean).length : 0);
  const fullId = async (name: string) =>
    (await execa('podman', ['inspect', '--format', '{{.Id}}', name], { timeout: 30_000 })).stdout.trim();
  const start = async (args: string[], hooks = hooksDir, image?: string) => {
    const c = await startContainer({ image, args: ['--hooks-dir', hooks, ...args], timeoutMs: 240_000 });
    containers.push(c);
    await c.waitForSystemd(90_000);
    return c;
  };
  const active = async (c: PodmanContainer, unit: string) => (await c.exec(['systemctl', 'is-active', unit])).stdout.trim();

  beforeAll(async () => {
    if (!existsSync(HOOK_BIN)) throw new Error('run `npm run build` first (npm test does)');
    await ensureSystemdImage();
    work = mkdtempSync(join(tmpdir(), 'composable-oci-hook-e2e-'));
    store = join(work, 'store');
    runRoot = join(work, 'run');
    configPath = join(work, 'hook.json');
    hooksDir = join(work, 'hooks.d');
    invocations = join(work, 'invocations');
    mkdirSync(store);
    for (const n of ['alpha', 'beta']) writePackage(store, n);
    // Hostile store entries: a link out of the store, and a valid package reached through a link.
    symlinkSync('/etc', join(store, 'evil'));
    writePackage(work, 'outside');
    symlinkSync(join(work, 'outside'), join(store, 'outside'));
    writeConfig({ alpha: { environment: { GREETING: 'from-the-host' } } });
    // The shipped hook files, pointed at this build through a wrapper that records each run.
    const wrapper = join(work, 'hook-wrapper.sh');
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> ${invocations}\nexec ${process.execPath} ${HOOK_BIN} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const install = (from: string, to: string) => {
      mkdirSync(to, { recursive: true });
      for (const file of readdirSync(join(SHIPPED, from)).filter((f) => f.endsWith('.json'))) {
        const hook = JSON.parse(readFileSync(join(SHIPPED, from, file), 'utf8'));
        hook.hook.path = wrapper;
        hook.hook.args = [...hook.hook.args, '--config', configPath];
        writeFileSync(join(to, file), JSON.stringify(hook));
      }
    };
    install('podman', hooksDir);
    // podman with precreate: the podman-only directory beside the shared one.
    precreateHooksDir = join(work, 'hooks-precreate.d');
    install('podman', precreateHooksDir);
    install('podman-precreate', precreateHooksDir);
  }, 20 * 60_000);

  afterAll(async () => {
    for (const c of containers) await c.remove();
    await removeHarnessContainers();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it(
    'annotated: sidecars active with host grants, hostile names refused, refresh + apply switch ' +
      'units, podman rm removes the run directory',
    async () => {
      const c = await start(['--annotation', 'io.composable.services=alpha beta ../x evil outside']);
      const id = await fullId(c.name);
      const runDir = join(runRoot, id, 'run');
      expect(existsSync(join(runDir, 'metadata.json'))).toBe(true);

      // On failure, the generator's status says why a sidecar did not start.
      const generatorStatus = async () => (await c.exec(['cat', '/run/composable/status.json'])).stdout;
      expect(await active(c, 'alpha.service'), await generatorStatus()).toBe('active');
      expect(await active(c, 'beta.service'), await generatorStatus()).toBe('active');
      // Environment from the host config, program from the engine-mounted package.
      const journal = await c.exec(['journalctl', '-u', 'alpha.service', '-o', 'cat', '--no-pager']);
      expect(journal.stdout).toContain('started with GREETING=from-the-host');
      // Packages read-only at their stable paths; no copy of the refused ones.
      const mounts = (await c.exec(['cat', '/proc/self/mountinfo'])).stdout;
      expect(mounts).toMatch(/ \/opt\/composable\/alpha ro,nosuid,nodev/);
      expect(mounts).toMatch(/ \/run\/composable rw,nosuid,nodev,noexec/);
      expect((await c.exec(['ls', '/opt/composable'])).stdout.split('\n').sort()).toEqual(['alpha', 'beta']);
      const status = JSON.parse((await c.exec(['cat', '/run/composable/status.json'])).stdout);
      expect(status.services.map((s: { name: string; mountedBy?: string }) => [s.name, s.mountedBy])).toEqual([
        ['alpha', 'engine'],
        ['beta', 'engine'],
      ]);
      const hookStatus = JSON.parse((await c.exec(['cat', '/run/composable/hook-status.json'])).stdout);
      expect(hookStatus.refused.map((r: { name: string }) => r.name)).toEqual(['../x', 'evil', 'outside']);
      const log = readFileSync(join(work, 'hook.log'), 'utf8');
      expect(log).toMatch(/package "evil" refused: .*resolves to \/etc, which is not a direct child of the store/);
      expect(log).toMatch(/package "outside" refused: .*not a direct child of the store/);
      expect(log).toContain('package "../x" refused');
      // podman 4.3 drops a hook's stderr: the lines must be in the system log (syslog through
      // /dev/log when there is one, else the kernel log, which the journal reads).
      const systemLog = existsSync('/dev/log')
        ? (await execa('journalctl', ['-t', 'composable-oci-hook', '-o', 'cat', '--no-pager'], { reject: false, timeout: 30_000 })).stdout
        : (await execa('dmesg', [], { timeout: 30_000 })).stdout;
      expect(systemLog).toContain(`createRuntime: container ${id}: services: alpha beta; refused: "../x" "evil" "outside"`);

      // The host withdraws beta: refresh, then apply inside the container stops it.
      writeConfig({ alpha: { environment: { GREETING: 'from-the-host' } }, beta: { disabled: true } });
      await execa(process.execPath, [HOOK_BIN, 'refresh', id, '--config', configPath], { timeout: 30_000 });
      const apply1 = await c.exec(['composable', 'apply']);
      expect(apply1.exitCode, apply1.stderr).toBe(0);
      expect(await active(c, 'beta.service')).not.toBe('active');
      expect(await active(c, 'alpha.service')).toBe('active');
      // And gives it back.
      writeConfig({ alpha: { environment: { GREETING: 'from-the-host' } } });
      await execa(process.execPath, [HOOK_BIN, 'refresh', id, '--config', configPath], { timeout: 30_000 });
      const apply2 = await c.exec(['composable', 'apply']);
      expect(apply2.exitCode, apply2.stderr).toBe(0);
      const why = async () =>
        `apply: ${apply2.stdout}\n${apply2.stderr}\nmetadata: ${readFileSync(join(runDir, 'metadata.json'), 'utf8')}\nstatus: ${(await c.exec(['systemctl', 'status', 'beta.service', '--no-pager'])).stdout}`;
      expect(await active(c, 'beta.service'), await why()).toBe('active');

      await c.remove();
      expect(existsSync(join(runRoot, id))).toBe(false);
    },
  );

  it('not annotated: the hook never runs and nothing is set up', async () => {
    const before = invocationCount();
    const dirsBefore = existsSync(runRoot) ? readdirSync(runRoot) : [];
    const c = await start([]);
    expect(invocationCount()).toBe(before);
    expect(existsSync(runRoot) ? readdirSync(runRoot) : []).toEqual(dirsBefore);
    expect((await c.exec(['test', '-e', '/run/composable/metadata.json'])).exitCode).not.toBe(0);
    await c.remove();
    expect(invocationCount()).toBe(before);
  });

  it('podman precreate: runc makes the mounts from the config, createRuntime stands aside, poststop removes the keyed run directory', async () => {
    const before = existsSync(runRoot) ? readdirSync(runRoot) : [];
    const c = await start(['--annotation', 'io.composable.services=alpha evil'], precreateHooksDir);
    const added = readdirSync(runRoot).filter((d) => !before.includes(d));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^p-[0-9a-f]{32}$/);
    expect(await active(c, 'alpha.service')).toBe('active');
    const hookStatus = JSON.parse((await c.exec(['cat', '/run/composable/hook-status.json'])).stdout);
    expect(hookStatus).toMatchObject({ stage: 'precreate', services: ['alpha'], refused: [{ name: 'evil' }] });
    const mounts = (await c.exec(['cat', '/proc/self/mountinfo'])).stdout;
    expect(mounts).toMatch(/ \/opt\/composable\/alpha ro,nosuid,nodev/);
    await c.remove();
    expect(existsSync(join(runRoot, added[0]!))).toBe(false);
  });

  it('an image that plants a symlink at a mount point: that package is refused, nothing is mounted through the link, the others run', async () => {
    const base = await ensureSystemdImage();
    const image = `localhost/composable-oci-hook-planted:${process.pid}`;
    const containerfile = join(work, 'Containerfile.planted');
    writeFileSync(containerfile, `FROM ${base}\nRUN mkdir -p /opt/composable && ln -s /etc /opt/composable/beta\n`);
    const build = await execa('podman', ['build', ...PODMAN_HOST_ARGS, '--tag', image, '--file', containerfile, join(work, 'store')], {
      stdin: 'ignore',
      reject: false,
      timeout: 180_000,
      all: true,
    });
    expect(build.exitCode, build.all).toBe(0);
    try {
      const c = await start(['--annotation', 'io.composable.services=alpha beta'], hooksDir, image);
      expect(await active(c, 'alpha.service')).toBe('active');
      const hookStatus = JSON.parse((await c.exec(['cat', '/run/composable/hook-status.json'])).stdout);
      expect(hookStatus.services).toEqual(['alpha']);
      expect(hookStatus.refused).toEqual([
        { name: 'beta', reason: expect.stringContaining("/opt/composable/beta is a symbolic link in the container's image") },
      ]);
      // Nothing was mounted onto the link's target: the container's /etc is its own.
      const mounts = (await c.exec(['cat', '/proc/self/mountinfo'])).stdout;
      expect(mounts).not.toMatch(/ \/etc /);
      expect((await c.exec(['test', '-e', '/etc/usr/lib/os-release'])).exitCode).not.toBe(0);
      await c.remove();
    } finally {
      await execa('podman', ['rmi', '--force', image], { reject: false, timeout: 60_000 });
    }
  });
});

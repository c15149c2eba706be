// The OCI hook in render mode (issue 24) with real podman and runc: a Debian 12 systemd image built
// WITHOUT node or any part of composable, the shipped hook files installed with "render": true in
// the hook's config. The hook renders the units on the host with the generator's planner and mounts
// the render and the node-free sh generator; inside, node is absent, the sidecars are active and
// status.json says enabled. refresh re-renders and the commands it prints switch a sidecar off. A
// render whose metadata changed after it (another hook edits metadata.json at createRuntime)
// enables nothing, status.json says why, and the container boots. podman's precreate stage renders
// too, with the mounts in the config.
// Run one at a time: flock /tmp/composable-containers.lock npx vitest run --project e2e test/e2e/oci-hook-render.test.ts
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { hasCommand, missingRequirements, requirement, type Requirement } from '../helpers/requirements.ts';
import { ensureBareSystemdImage, removeHarnessContainers, startContainer, type PodmanContainer } from '../harness/podman.ts';

const REPO = join(import.meta.dirname, '../..');
const HOOK_BIN = join(REPO, 'dist/composable-oci-hook.cjs');
const SHIPPED = join(REPO, 'host/oci-hook/hooks.d');

const needs: Requirement[] = [
  requirement.root,
  requirement.podman,
  requirement.debootstrap,
  { name: 'nsenter (util-linux)', present: () => hasCommand('nsenter') },
];
const missing = missingRequirements(needs, 'the OCI hook render e2e');

interface StatusFile {
  generator: { name: string };
  metadata: { state: string; reasons?: { code: string; message: string }[] };
  services: { name: string; state: string }[];
}

/** A package whose one service runs a shell loop from the package itself. */
function writePackage(store: string, name: string): void {
  const dir = join(store, name);
  mkdirSync(join(dir, 'usr/lib/systemd/system'), { recursive: true });
  mkdirSync(join(dir, 'usr/bin'), { recursive: true });
  writeFileSync(join(dir, 'usr/lib/os-release'), `NAME=${name}\nID=${name}\nVERSION_ID=1.0\n`);
  writeFileSync(join(dir, 'usr/bin', name), '#!/bin/sh\necho "started with GREETING=$GREETING"\nexec sleep 2147483647\n');
  chmodSync(join(dir, 'usr/bin', name), 0o755);
  writeFileSync(
    join(dir, 'usr/lib/systemd/system', `${name}.service`),
    `[Unit]\nDescription=${name}\n\n[Service]\nExecStart=/usr/bin/${name}\n\n[Install]\nWantedBy=multi-user.target\n`,
  );
}

describe.skipIf(missing.length > 0)('composable-oci-hook render mode: sidecars in an image without node', () => {
  let image = '';
  let work = '';
  let store = '';
  let runRoot = '';
  let configPath = '';
  let hooksDir = '';
  let precreateHooksDir = '';
  const containers: PodmanContainer[] = [];

  const writeConfig = (services: Record<string, unknown>) =>
    writeFileSync(configPath, JSON.stringify({ store, runRoot, logFile: join(work, 'hook.log'), render: true, services }, null, 2));
  const fullId = async (name: string) =>
    (await execa('podman', ['inspect', '--format', '{{.Id}}', name], { timeout: 30_000 })).stdout.trim();
  const start = async (args: string[], hooks = hooksDir) => {
    const c = await startContainer({ image, args: ['--hooks-dir', hooks, '--network', 'none', ...args], timeoutMs: 240_000 });
    containers.push(c);
    return c;
  };
  const unitState = async (c: PodmanContainer, unit: string) =>
    (await c.exec(['systemctl', 'show', '-p', 'ActiveState,SubState', '--value', unit])).stdout.trim().split('\n').join(' ');
  const status = async (c: PodmanContainer) => {
    const text = (await c.exec(['cat', '/run/composable/status.json'])).stdout;
    return { text, status: JSON.parse(text || '{}') as StatusFile };
  };

  beforeAll(async () => {
    if (!existsSync(HOOK_BIN)) throw new Error('run `npm run build` first (npm test does)');
    image = await ensureBareSystemdImage();
    work = mkdtempSync(join(tmpdir(), 'composable-oci-hook-render-e2e-'));
    store = join(work, 'store');
    runRoot = join(work, 'run');
    configPath = join(work, 'hook.json');
    mkdirSync(store);
    for (const n of ['alpha', 'beta']) writePackage(store, n);
    writeConfig({ alpha: { environment: { GREETING: 'from-the-host' } } });
    const wrapper = join(work, 'hook-wrapper.sh');
    writeFileSync(wrapper, `#!/bin/sh\nexec ${process.execPath} ${HOOK_BIN} "$@"\n`);
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
    hooksDir = join(work, 'hooks.d');
    install('podman', hooksDir);
    // The agent changes the metadata after the render: a later createRuntime hook (hooks run in
    // file-name order) adds an environment variable to the container's metadata.json, for the
    // containers that carry the test's own annotation only.
    const tamper = join(work, 'tamper.mjs');
    writeFileSync(
      tamper,
      `import { readFileSync, writeFileSync } from 'node:fs';
const state = JSON.parse(readFileSync(0, 'utf8'));
const file = ${JSON.stringify(runRoot)} + '/' + state.id + '/run/metadata.json';
const metadata = JSON.parse(readFileSync(file, 'utf8'));
metadata.services[0].environment = { ...(metadata.services[0].environment ?? {}), LATE: '1' };
writeFileSync(file, JSON.stringify(metadata, null, 2) + '\\n');
`,
    );
    writeFileSync(
      join(hooksDir, 'zz-tamper.json'),
      JSON.stringify({
        version: '1.0.0',
        hook: { path: process.execPath, args: ['node', tamper], timeout: 10 },
        when: { annotations: { '^io\\.composable\\.test-tamper$': '^1$' } },
        stages: ['createRuntime'],
      }),
    );
    precreateHooksDir = join(work, 'hooks-precreate.d');
    install('podman', precreateHooksDir);
    install('podman-precreate', precreateHooksDir);
  }, 20 * 60_000);

  afterAll(async () => {
    for (const c of containers) await c.remove();
    await removeHarnessContainers();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it('the image has no node; the hook renders, the sh generator puts the render in place, sidecars active; ' +
    'refresh re-renders and its commands switch one off', async () => {
    const c = await start(['--annotation', 'io.composable.services=alpha beta']);
    const state = await c.waitForSystemd(90_000);
    const id = await fullId(c.name);
    expect((await c.exec(['sh', '-c', 'command -v node'])).exitCode).not.toBe(0);
    expect((await c.exec(['ls', '/usr/lib/systemd/system-generators'])).stdout).not.toContain('composable');

    const { text, status: st } = await status(c);
    expect(
      st.services.map((s) => [s.name, s.state]),
      `${text}\n${readFileSync(join(work, 'hook.log'), 'utf8')}`,
    ).toEqual([
      ['alpha', 'enabled'],
      ['beta', 'enabled'],
    ]);
    expect(await unitState(c, 'alpha.service')).toBe('active running');
    expect(await unitState(c, 'beta.service')).toBe('active running');
    const journal = await c.exec(['journalctl', '-u', 'alpha.service', '-o', 'cat', '--no-pager']);
    expect(journal.stdout).toContain('started with GREETING=from-the-host');
    // What systemd loaded is the host's render, bound read-only where the container cannot change it.
    expect((await c.exec(['readlink', '/run/systemd/generator/alpha.service'])).stdout.trim()).toBe(
      '/run/composable/render/units/alpha.service',
    );
    expect((await c.exec(['sh', '-c', 'echo x > /run/composable/render/units/alpha.service'])).exitCode).not.toBe(0);
    expect((await c.exec(['sh', '-c', 'echo x > /run/systemd/system-generators/composable-generator'])).exitCode).not.toBe(0);
    const mounts = (await c.exec(['cat', '/proc/self/mountinfo'])).stdout;
    expect(mounts).toMatch(/ \/run\/composable\/render ro,nosuid,nodev/);
    expect(mounts).toMatch(/ \/run\/systemd\/system-generators\/composable-generator ro,nosuid,nodev/);
    const hookStatus = JSON.parse((await c.exec(['cat', '/run/composable/hook-status.json'])).stdout);
    expect(hookStatus.render).toMatchObject({
      state: 'rendered',
      enabled: ['alpha', 'beta'],
      skipped: [],
      image: { id: 'debian', versionId: '12' },
    });
    expect(readFileSync(join(work, 'hook.log'), 'utf8')).toContain(`createRuntime: container ${id}: units rendered: enabled alpha beta`);
    expect(state, await c.logs()).toBe('running');

    // The host withdraws beta: refresh re-renders and prints the commands; they stop it.
    writeConfig({ alpha: { environment: { GREETING: 'from-the-host' } }, beta: { disabled: true } });
    const refresh = await execa(process.execPath, [HOOK_BIN, 'refresh', id, '--config', configPath], { timeout: 30_000, all: true });
    const line = /then in the container: (.*)$/m.exec(refresh.stdout)?.[1];
    expect(line, refresh.all).toBe('systemctl daemon-reload && systemctl stop beta.service');
    const applied = await c.exec(['sh', '-c', line!]);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(await unitState(c, 'beta.service')).toBe('inactive dead');
    expect(await unitState(c, 'alpha.service')).toBe('active running');
    const after = await status(c);
    expect(
      after.status.services.map((s) => [s.name, s.state]),
      after.text,
    ).toEqual([['alpha', 'enabled']]);

    await c.remove();
    expect(existsSync(join(runRoot, id))).toBe(false);
  }, 300_000);

  it('metadata changed after the render: nothing of the render is enabled, status.json says why, the container boots', async () => {
    const c = await start(['--annotation', 'io.composable.services=alpha beta', '--annotation', 'io.composable.test-tamper=1']);
    const state = await c.waitForSystemd(90_000);
    expect(state, await c.logs()).toBe('running');
    const { text, status: st } = await status(c);
    expect(st.metadata.reasons?.[0]?.code, text).toBe('render-stale');
    expect(st.metadata.reasons?.[0]?.message).toContain('/run/composable/metadata.json changed since the render');
    expect(st.services).toEqual([]);
    expect(await unitState(c, 'alpha.service')).toBe('inactive dead');
    expect((await c.exec(['ls', '/run/systemd/generator'])).stdout).not.toContain('alpha');
    expect((await c.exec(['sh', '-c', 'command -v node'])).exitCode).not.toBe(0);
    await c.remove();
  }, 300_000);

  it('podman precreate: the render and the generator are mounts of the config, runc makes them; sidecars active', async () => {
    const before = existsSync(runRoot) ? readdirSync(runRoot) : [];
    const c = await start(['--annotation', 'io.composable.services=alpha'], precreateHooksDir);
    const state = await c.waitForSystemd(90_000);
    const added = readdirSync(runRoot).filter((d) => !before.includes(d));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^p-[0-9a-f]{32}$/);
    const { text, status: st } = await status(c);
    expect(
      st.services.map((s) => [s.name, s.state]),
      text,
    ).toEqual([['alpha', 'enabled']]);
    expect(await unitState(c, 'alpha.service')).toBe('active running');
    const hookStatus = JSON.parse((await c.exec(['cat', '/run/composable/hook-status.json'])).stdout);
    expect(hookStatus).toMatchObject({ stage: 'precreate', render: { state: 'rendered', enabled: ['alpha'] } });
    expect(state, await c.logs()).toBe('running');
    await c.remove();
    expect(existsSync(join(runRoot, added[0]!))).toBe(false);
  }, 300_000);
});

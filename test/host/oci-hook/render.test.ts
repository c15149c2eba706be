// The OCI hook's render mode without a container: the pure plan (who renders, the layout and its
// mount order, capabilities from the config, the commands after a re-render), the descriptor-based
// reading of an image (links resolved inside its root, FIFOs never opened, a bad os-release a
// note), and the whole precreate -> refresh path through main() with fake stdin: the render is the
// one `composable render` makes of the same container, it fails open, and refresh rewrites it in
// place. createRuntime's mounts need a container: test/e2e/oci-hook-render.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type HookIO } from '../../../host/oci-hook/main.ts';
import { RUN_KEY_ANNOTATION } from '../../../host/oci-hook/precreate.ts';
import { capabilitiesFromOciConfig, planRenderLayout, reloadCommands, wantsRender } from '../../../host/oci-hook/plan-render.ts';
import { readImageForRender, readRenderedTree, renderBudget } from '../../../host/oci-hook/render-hook.ts';
import { DirFd, FileReadError, openDirInRoot, raceWindow, readFileInRoot, withDir } from '../../../host/oci-hook/dir-fd.ts';
import { shGeneratorText } from '../../../host/oci-hook/sh-generator.ts';
import { renderFromRoot } from '../../../host/render/render.ts';
import { RenderManifestSchema } from '../../../sdk/schema/render.ts';
import type { Status } from '../../../sdk/schema/status.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oci-hook-render-'));
});
afterEach(() => {
  renderBudget.ms = 3000;
  rmSync(dir, { recursive: true, force: true });
});

function makePackage(store: string, name: string, target = 'composable.target'): string {
  const p = join(store, name);
  mkdirSync(join(p, 'usr/lib/systemd/system'), { recursive: true });
  mkdirSync(join(p, 'usr/bin'), { recursive: true });
  writeFileSync(join(p, 'usr/lib/os-release'), `NAME=${name}\nID=${name}\nVERSION_ID=1.0\nCOMPOSABLE_TARGET=${target}\n`);
  writeFileSync(join(p, 'usr/bin', name), '#!/bin/sh\nexec sleep infinity\n', { mode: 0o755 });
  writeFileSync(
    join(p, 'usr/lib/systemd/system', `${name}.service`),
    `[Unit]\nDescription=${name}\n\n[Service]\nExecStart=/usr/bin/${name}\n\n[Install]\nWantedBy=multi-user.target\n`,
  );
  return p;
}

/** A systemd image's root as podman mounts it: unit directories (lib -> usr/lib, merged /usr) and an os-release. */
function makeImage(root: string): string {
  mkdirSync(join(root, 'usr/lib/systemd/system'), { recursive: true });
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  symlinkSync('usr/lib', join(root, 'lib'));
  writeFileSync(join(root, 'usr/lib/os-release'), 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n');
  symlinkSync('../usr/lib/os-release', join(root, 'etc/os-release'));
  writeFileSync(join(root, 'usr/lib/systemd/system/systemd-journald.service'), '[Service]\n');
  return root;
}

const CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_SETGID', 'CAP_SETUID'];

function run(argv: string[], stdin: string): { code: number; stdout: string } {
  let stdout = '';
  const io: HookIO = { stdin: () => stdin, stdout: (t) => void (stdout += t), systemLog: false, stderr: false };
  return { code: main(argv, io), stdout };
}

function setup(extra: Record<string, unknown> = { render: true }) {
  const store = join(dir, 'store');
  mkdirSync(store);
  makePackage(store, 'logship', 'composable-early.target');
  makePackage(store, 'health');
  const runRoot = join(dir, 'run');
  const logFile = join(dir, 'hook.log');
  const configPath = join(dir, 'hook.json');
  const rootfs = makeImage(join(dir, 'rootfs'));
  const writeConfig = (more: Record<string, unknown> = {}) =>
    writeFileSync(configPath, JSON.stringify({ store, runRoot, logFile, ...extra, ...more }));
  writeConfig();
  const precreate = (annotations: Record<string, string> = { 'io.composable.services': 'logship health' }) => {
    const r = run(
      ['precreate', '--config', configPath],
      JSON.stringify({
        ociVersion: '1.0.2',
        root: { path: rootfs },
        process: { capabilities: { effective: CAPS, bounding: CAPS } },
        mounts: [{ destination: '/run', type: 'tmpfs', source: 'tmpfs' }],
        annotations,
      }),
    );
    expect(r.code).toBe(0);
    const config = JSON.parse(r.stdout) as {
      mounts: { destination: string; source: string; options: string[] }[];
      annotations: Record<string, string>;
    };
    const key = config.annotations[RUN_KEY_ANNOTATION]!;
    return { config, key, containerDir: join(runRoot, key) };
  };
  return { store, runRoot, logFile, configPath, rootfs, writeConfig, precreate };
}

const hookStatus = (containerDir: string) => JSON.parse(readFileSync(join(containerDir, 'run/hook-status.json'), 'utf8'));
const renderStatus = (containerDir: string) => JSON.parse(readFileSync(join(containerDir, 'render/status.json'), 'utf8')) as Status;
const states = (s: Status) => s.services.map((x) => [x.name, x.state]);

describe('render plan (pure)', () => {
  it("renders when the config says so, else when the container's annotation asks", () => {
    const base = { store: '/s' };
    expect(wantsRender({ ...base, render: true }, {})).toBe(true);
    expect(wantsRender({ ...base, render: false }, { 'io.composable.render': 'true' })).toBe(false);
    expect(wantsRender(base, { 'io.composable.render': 'true' })).toBe(true);
    expect(wantsRender(base, { 'io.composable.render': 'TRUE ' })).toBe(true);
    expect(wantsRender(base, { 'io.composable.render': '1' })).toBe(false);
    expect(wantsRender(base, undefined)).toBe(false);
  });

  it("lays the render out as `composable podman --render` does, the generator's mount first", () => {
    const layout = planRenderLayout('/run/composable-hook/abc');
    expect(layout.renderDir).toBe('/run/composable-hook/abc/render');
    expect(layout.generatorFile).toBe('/run/composable-hook/abc/composable-generator');
    expect(layout.mounts.map((m) => [m.role, m.source, m.destination, m.readOnly])).toEqual([
      ['generator', '/run/composable-hook/abc/composable-generator', '/run/systemd/system-generators/composable-generator', true],
      ['render', '/run/composable-hook/abc/render', '/run/composable/render', true],
    ]);
  });

  it('takes the capabilities from the OCI config, and none from a config that does not say', () => {
    expect(capabilitiesFromOciConfig({ process: { capabilities: { effective: ['CAP_KILL', 'CAP_CHOWN', 'CAP_KILL'] } } })).toEqual({
      source: 'the OCI config (process.capabilities.effective)',
      effective: ['CAP_CHOWN', 'CAP_KILL'],
    });
    expect(capabilitiesFromOciConfig({})).toBeUndefined();
    expect(capabilitiesFromOciConfig({ process: { capabilities: { effective: ['kill'] } } })).toBeUndefined();
  });

  it('after a re-render: reload, stop what left, restart what changed, start the targets for what is new', () => {
    const svc = (name: string, state: 'enabled' | 'skipped' = 'enabled') => ({ name, state, enabled: [`${name}.service`] });
    const status = (...services: ReturnType<typeof svc>[]): Status => ({
      schemaVersion: 1,
      generator: { name: 'g', version: '1' },
      metadata: { path: '/run/composable/metadata.json', state: 'ok' },
      services,
    });
    const file = (path: string, content = 'x') => ({ kind: 'file' as const, path, content });
    const before = {
      status: status(svc('a'), svc('b'), svc('c')),
      files: [file('a.service'), file('b.service'), file('c.service.d/zz-composable.conf')],
    };
    const after = {
      status: status(svc('a'), svc('c'), svc('d')),
      files: [file('a.service'), file('c.service.d/zz-composable.conf', 'Environment=X=1'), file('d.service'), file('composable.target')],
    };
    expect(reloadCommands(before, after)).toEqual([
      'systemctl daemon-reload',
      'systemctl stop b.service',
      'systemctl restart c.service',
      'systemctl start composable.target',
    ]);
    expect(reloadCommands(after, after)).toEqual(['systemctl daemon-reload']);
  });
});

describe('reading an image through descriptors', () => {
  it('resolves links inside the root: an absolute link is a path in the root, `..` stops at it, a loop is refused', () => {
    const root = join(dir, 'root');
    mkdirSync(join(root, 'usr/lib/systemd/system'), { recursive: true });
    mkdirSync(join(dir, 'host-secret'), { recursive: true });
    writeFileSync(join(dir, 'host-secret/key'), 'secret');
    symlinkSync('/usr/lib', join(root, 'lib'));
    symlinkSync('../../../../../../..', join(root, 'up'));
    symlinkSync('loop-b', join(root, 'loop-a'));
    symlinkSync('loop-a', join(root, 'loop-b'));
    symlinkSync(join(dir, 'host-secret/key'), join(root, 'key-link'));
    withDir(root, (r) => {
      const lib = openDirInRoot(r, '/lib/systemd/system');
      expect(lib.path).toBe('/usr/lib/systemd/system');
      lib.dir.close();
      const up = openDirInRoot(r, '/up');
      expect(up.path).toBe('/');
      expect(up.dir.names(10).names.sort()).toEqual(['key-link', 'lib', 'loop-a', 'loop-b', 'up', 'usr']);
      up.dir.close();
      expect(() => openDirInRoot(r, '/loop-a')).toThrow(/more than 40 symbolic links/);
      // The host file the link names is not the root's: missing there.
      const e = (() => {
        try {
          readFileInRoot(r, '/key-link', { maxBytes: 100 });
        } catch (err) {
          return err as FileReadError;
        }
      })();
      expect(e).toBeInstanceOf(FileReadError);
      expect(e?.missing).toBe(true);
    });
  });

  it('names units (a FIFO too, never opened), follows the unit directories only inside the root, and notes what it ignores', () => {
    const root = makeImage(join(dir, 'image'));
    execFileSync('mkfifo', [join(root, 'etc/systemd/system/fifo.service')]);
    writeFileSync(join(root, 'etc/systemd/system/not-a-unit.txt'), '');
    // /run/systemd/system is a link out of the root: read as the root's own path, which is missing.
    mkdirSync(join(dir, 'outside/units'), { recursive: true });
    writeFileSync(join(dir, 'outside/units/host-only.service'), '');
    mkdirSync(join(root, 'run/systemd'), { recursive: true });
    symlinkSync(join(dir, 'outside/units'), join(root, 'run/systemd/system'));
    const seen = withDir(root, readImageForRender);
    expect([...(seen.units ?? [])].sort()).toEqual(['fifo.service', 'systemd-journald.service']);
    expect(seen.osRelease).toEqual({ id: 'debian', versionId: '12' });
    expect(seen.notes).toEqual([]);
  });

  it('a bad image os-release is a note, never an error or a hang: a FIFO, a link to /dev/zero, a syntax error', () => {
    const cases: [string, (root: string) => void, RegExp][] = [
      ['fifo', (r) => execFileSync('mkfifo', [join(r, 'usr/lib/os-release')]), /is not a regular file/],
      [
        // The link is resolved inside the root, to the image's own /dev/zero: a device, not read.
        'zero',
        (r) => {
          symlinkSync('/dev/zero', join(r, 'usr/lib/os-release'));
          mkdirSync(join(r, 'dev'));
          execFileSync('mknod', [join(r, 'dev/zero'), 'c', '1', '5']);
        },
        /\/etc\/os-release ignored: \/dev\/zero is not a regular file/,
      ],
      ['syntax', (r) => writeFileSync(join(r, 'usr/lib/os-release'), 'ID="unterminated\n'), /ignored: line 1/],
    ];
    for (const [name, plant, note] of cases) {
      const root = join(dir, name);
      mkdirSync(join(root, 'usr/lib/systemd/system'), { recursive: true });
      mkdirSync(join(root, 'etc'), { recursive: true });
      symlinkSync('../usr/lib/os-release', join(root, 'etc/os-release'));
      plant(root);
      const started = Date.now();
      const seen = withDir(root, readImageForRender);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(seen.osRelease, name).toBeUndefined();
      expect(seen.notes.join('\n'), name).toMatch(note);
      expect(seen.units, name).toEqual(new Set());
    }
  });

  it("a link out of the root to an os-release is read as the root's own path: missing there, so none, and no host file is read", () => {
    const root = join(dir, 'out');
    mkdirSync(join(root, 'usr/lib'), { recursive: true });
    writeFileSync(join(dir, 'host-os-release'), 'ID=host\n');
    symlinkSync(join(dir, 'host-os-release'), join(root, 'usr/lib/os-release'));
    const seen = withDir(root, readImageForRender);
    expect(seen.osRelease).toBeUndefined();
    expect(seen.notes).toEqual([]);
  });

  it('a unit directory swapped for a link out of the root between the look and the open is not followed: a note, no outside name read', () => {
    const root = makeImage(join(dir, 'racy'));
    mkdirSync(join(dir, 'outside'));
    writeFileSync(join(dir, 'outside/host-only.service'), '');
    raceWindow.between = (step, hostPath) => {
      if (step !== 'openDir' || !hostPath.endsWith('/etc/systemd/system')) return;
      // The container's process (at refresh, it runs) swaps the directory after the lstat saw one.
      rmSync(join(root, 'etc/systemd/system'), { recursive: true });
      symlinkSync(join(dir, 'outside'), join(root, 'etc/systemd/system'));
    };
    try {
      const seen = withDir(root, readImageForRender);
      expect([...(seen.units ?? [])]).not.toContain('host-only.service');
      expect(seen.notes.join('\n')).toMatch(
        /unit directory \/etc\/systemd\/system ignored: \/etc\/systemd\/system cannot be opened without following links \((ELOOP|ENOTDIR)\)/,
      );
    } finally {
      raceWindow.between = undefined;
    }
  });

  it('a root with no unit directory at all gives no unit names (not an empty set: not checked, the boot checks hold)', () => {
    const root = join(dir, 'empty');
    mkdirSync(root);
    const seen = withDir(root, readImageForRender);
    expect(seen.units).toBeUndefined();
  });
});

describe('precreate with render on', () => {
  it('renders what `composable render` renders for the same container, writes the generator, adds the mounts after the run directory', () => {
    const { precreate, store, rootfs, logFile } = setup();
    const { config, containerDir } = precreate();
    expect(config.mounts.map((m) => m.destination)).toEqual([
      '/run',
      '/run/composable',
      '/opt/composable/logship',
      '/opt/composable/health',
      '/run/systemd/system-generators/composable-generator',
      '/run/composable/render',
    ]);
    const byDest = new Map(config.mounts.map((m) => [m.destination, m]));
    expect(byDest.get('/run/composable/render')).toMatchObject({
      source: join(containerDir, 'render'),
      options: ['bind', 'ro', 'nosuid', 'nodev'],
    });
    expect(byDest.get('/run/systemd/system-generators/composable-generator')).toMatchObject({
      source: join(containerDir, 'composable-generator'),
      options: ['bind', 'ro', 'nosuid', 'nodev'],
    });
    // The generator is the shipped script of this build, executable; the render's mount point is below run/.
    expect(readFileSync(join(containerDir, 'composable-generator'), 'utf8')).toBe(shGeneratorText());
    expect(shGeneratorText()).toMatch(/^VERSION="\d+\.\d+\.\d+"$/m);
    expect(statSync(join(containerDir, 'composable-generator')).mode & 0o777).toBe(0o755);
    expect(statSync(join(containerDir, 'run/render')).isDirectory()).toBe(true);

    // The render fits the metadata as written: its digest is of run/metadata.json's bytes.
    const metadataBytes = readFileSync(join(containerDir, 'run/metadata.json'));
    const manifest = RenderManifestSchema.parse(JSON.parse(readFileSync(join(containerDir, 'render/render.json'), 'utf8')));
    expect(manifest.metadata.sha256).toBe(createHash('sha256').update(metadataBytes).digest('hex'));
    const checks = readFileSync(join(containerDir, 'render/render.checks'), 'utf8');
    expect(checks).toContain(`sha256 ${manifest.metadata.sha256} /run/composable/metadata.json`);
    expect(checks).toContain('dir /opt/composable/logship');
    expect(checks).toContain('cap-sys-admin 0');
    expect(states(renderStatus(containerDir))).toEqual([
      ['logship', 'enabled'],
      ['health', 'enabled'],
    ]);

    // The same container staged as `composable podman --render` stages it renders the same tree, byte for byte.
    const stage = join(dir, 'stage');
    mkdirSync(join(stage, 'run/composable'), { recursive: true });
    writeFileSync(join(stage, 'run/composable/metadata.json'), metadataBytes);
    for (const n of ['logship', 'health']) cpSync(join(store, n), join(stage, 'opt/composable', n), { recursive: true });
    cpSync(rootfs, stage, { recursive: true, verbatimSymlinks: true });
    const staged = renderFromRoot({
      root: stage,
      capabilities: { source: 'the OCI config (process.capabilities.effective)', effective: [...CAPS].sort() },
    });
    const tree = readRenderedTree(join(containerDir, 'render'))!;
    expect(tree.files).toEqual(
      staged.files
        .map((f) => (f.kind === 'file' ? { kind: 'file', path: f.path, content: f.content } : f))
        .sort((a, b) => (a.path < b.path ? -1 : 1)),
    );
    expect(manifest).toEqual(staged.manifest);

    const status = hookStatus(containerDir);
    expect(status.render).toEqual({
      state: 'rendered',
      enabled: ['logship', 'health'],
      skipped: [],
      image: { id: 'debian', versionId: '12' },
    });
    expect(readFileSync(logFile, 'utf8')).toContain('units rendered: enabled logship health');
  });

  it("a unit of the image under a package's unit name: that package is skipped in the render with the reason, the other enabled", () => {
    const { precreate, rootfs } = setup();
    writeFileSync(join(rootfs, 'etc/systemd/system/health.service'), '[Service]\nExecStart=/bin/true\n');
    const { containerDir } = precreate();
    const st = renderStatus(containerDir);
    expect(states(st)).toEqual([
      ['logship', 'enabled'],
      ['health', 'skipped'],
    ]);
    expect(JSON.stringify(st.services[1]!.reasons)).toContain('health.service');
    expect(hookStatus(containerDir).render).toMatchObject({ state: 'rendered', enabled: ['logship'], skipped: ['health'] });
  });

  it('without render on (no config key, no annotation) nothing is rendered or mounted; the annotation alone turns it on', () => {
    const { precreate } = setup({});
    const off = precreate();
    expect(off.config.mounts.map((m) => m.destination)).not.toContain('/run/composable/render');
    expect(existsSync(join(off.containerDir, 'render'))).toBe(false);
    expect(hookStatus(off.containerDir).render).toBeUndefined();
    const on = precreate({ 'io.composable.services': 'logship', 'io.composable.render': 'true' });
    expect(on.config.mounts.map((m) => m.destination)).toContain('/run/composable/render');
    expect(states(renderStatus(on.containerDir))).toEqual([['logship', 'enabled']]);
  });

  it('fails open: a render past its time budget mounts nothing of it, the container gets its packages, the status and the log say why', () => {
    const { precreate, logFile } = setup();
    renderBudget.ms = 1;
    const { config, containerDir } = precreate();
    expect(config.mounts.map((m) => m.destination)).toEqual([
      '/run',
      '/run/composable',
      '/opt/composable/logship',
      '/opt/composable/health',
    ]);
    expect(existsSync(join(containerDir, 'render/render.json'))).toBe(false);
    expect(hookStatus(containerDir).render).toMatchObject({ state: 'failed', reason: expect.stringContaining('the render took too long') });
    expect(hookStatus(containerDir).services).toEqual(['logship', 'health']);
    expect(readFileSync(logFile, 'utf8')).toMatch(
      /units not rendered: the render took too long .*; the container starts without the render/,
    );
  });

  it('an image root that cannot be read renders without its unit names (the boot checks still hold) and says so', () => {
    const { precreate, rootfs } = setup();
    rmSync(rootfs, { recursive: true });
    const { containerDir } = precreate();
    expect(states(renderStatus(containerDir))).toEqual([
      ['logship', 'enabled'],
      ['health', 'enabled'],
    ]);
    expect(hookStatus(containerDir).render.notes[0]).toMatch(
      /the image's units were not read \(ENOENT\); the render's checks hold at boot/,
    );
    expect(readFileSync(join(containerDir, 'render/render.checks'), 'utf8')).toContain('absent /etc/systemd/system/health.service');
  });
});

describe('refresh with a render', () => {
  it('re-renders in place (the mounted directory stays), and prints what to run in the container', () => {
    const { precreate, writeConfig, configPath } = setup();
    const { key, containerDir } = precreate();
    const renderIno = statSync(join(containerDir, 'render')).ino;
    writeConfig({ services: { health: { disabled: true }, logship: { environment: { LEVEL: 'debug' } } } });
    const r = run(['refresh', key, '--config', configPath], '');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${key}: services: logship; refused: "health"`);
    expect(r.stdout).toContain(
      `${key}: then in the container: systemctl daemon-reload && systemctl stop health.service && systemctl restart logship.service`,
    );
    expect(r.stdout).not.toContain('composable apply');
    expect(statSync(join(containerDir, 'render')).ino).toBe(renderIno);
    expect(states(renderStatus(containerDir))).toEqual([['logship', 'enabled']]);
    const metadataBytes = readFileSync(join(containerDir, 'run/metadata.json'));
    const manifest = JSON.parse(readFileSync(join(containerDir, 'render/render.json'), 'utf8'));
    expect(manifest.metadata.sha256).toBe(createHash('sha256').update(metadataBytes).digest('hex'));
    expect(readFileSync(join(containerDir, 'render/units/logship.service.d/zz-composable.conf'), 'utf8')).toContain('LEVEL=debug');
    expect(existsSync(join(containerDir, 'render/units/health.service'))).toBe(false);
    expect(hookStatus(containerDir)).toMatchObject({ stage: 'refresh', render: { state: 'rendered', enabled: ['logship'] } });
    // Back on: started through its target.
    writeConfig({ services: { logship: { environment: { LEVEL: 'debug' } } } });
    const back = run(['refresh', key, '--config', configPath], '');
    expect(back.stdout).toContain('then in the container: systemctl daemon-reload && systemctl start');
    expect(states(renderStatus(containerDir))).toEqual([
      ['logship', 'enabled'],
      ['health', 'enabled'],
    ]);
  });

  it('a package the store replaced since the container was created is not what the container runs: skipped in the render, with the reason', () => {
    const { precreate, configPath, store } = setup();
    const { key, containerDir } = precreate();
    // A new version renamed into the store: another directory under the same name.
    makePackage(join(dir, 'new'), 'health');
    renameSync(join(store, 'health'), join(dir, 'old-health'));
    renameSync(join(dir, 'new/health'), join(store, 'health'));
    expect(run(['refresh', key, '--config', configPath], '').code).toBe(0);
    const st = renderStatus(containerDir);
    expect(states(st)).toEqual([
      ['logship', 'enabled'],
      ['health', 'skipped'],
    ]);
    expect(JSON.stringify(st.services[1]!.reasons)).toContain('is not the directory mounted in this container');
  });

  it('a render that cannot be made is a refresh error naming the cause; the mounted render is left as it was', () => {
    const { precreate, writeConfig, configPath } = setup();
    const { key, containerDir } = precreate();
    const before = readFileSync(join(containerDir, 'render/render.json'), 'utf8');
    writeConfig({ services: { health: { disabled: true } } });
    renderBudget.ms = 1;
    const r = run(['refresh', key, '--config', configPath], '');
    expect(r.code).toBe(1);
    expect(readFileSync(join(containerDir, 'render/render.json'), 'utf8')).toBe(before);
    expect(hookStatus(containerDir).render).toMatchObject({ state: 'failed' });
  });
});

describe('descriptors', () => {
  it('reopen gives a second descriptor of the same directory', () => {
    const d = DirFd.open(dir);
    const again = d.reopen();
    expect(again.fd).not.toBe(d.fd);
    expect(again.names(100).names).toEqual(d.names(100).names);
    d.close();
    again.close();
  });

  it('names() reads at most the limit and says when there were more', () => {
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, `f${i}`), '');
    withDir(dir, (d) => {
      expect(d.names(3)).toMatchObject({ truncated: true });
      expect(d.names(3).names).toHaveLength(3);
      expect(d.names(5)).toMatchObject({ truncated: false });
    });
  });
});

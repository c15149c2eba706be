// The OCI hook without a container: config validation, selection, store resolution, the plan and
// its metadata, podman's precreate config transform, the run directory's files and modes,
// poststop and refresh, all through the same entry the bundled bin runs (main) with fake stdin.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHookConfig, type HookConfig } from '../../../host/oci-hook/config.ts';
import { parseServiceNames, planHook, requestedServices, withoutService, type Resolution } from '../../../host/oci-hook/plan-hook.ts';
import { realStore, resolveInStore } from '../../../host/oci-hook/store.ts';
import { addHookMounts, RUN_KEY_ANNOTATION } from '../../../host/oci-hook/precreate.ts';
import { containerRootOwner, parseOciState, rootfsPath } from '../../../host/oci-hook/oci.ts';
import { makeContainerDir, prepareMountPoint, processIdentity, removeStaleContainerDirs } from '../../../host/oci-hook/apply-hook.ts';
import { main, type HookIO } from '../../../host/oci-hook/main.ts';
import { validateMetadata } from '../../../host/agent.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oci-hook-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function makePackage(store: string, name: string, version = '1.0'): string {
  const p = join(store, name);
  mkdirSync(join(p, 'usr/lib/systemd/system'), { recursive: true });
  writeFileSync(join(p, 'usr/lib/os-release'), `NAME=${name}\nID=${name}\nVERSION_ID=${version}\n`);
  return p;
}

function captureStderr(fn: () => void): string {
  const lines: string[] = [];
  const origWrite = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((t: string) => {
    lines.push(String(t));
    return true;
  }) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stderr.write = origWrite;
  }
  return lines.join('');
}

function run(argv: string[], stdin: string): { code: number; stdout: string } {
  let stdout = '';
  const io: HookIO = {
    stdin: () => stdin,
    stdout: (t) => {
      stdout += t;
    },
    systemLog: false,
    stderr: false,
  };
  return { code: main(argv, io), stdout };
}

function setup(services: HookConfig['services'] = {}): { store: string; runRoot: string; configPath: string; logFile: string } {
  const store = join(dir, 'store');
  mkdirSync(store);
  makePackage(store, 'logship', '1.4.2');
  makePackage(store, 'health', '2.0');
  const runRoot = join(dir, 'run');
  const logFile = join(dir, 'hook.log');
  const configPath = join(dir, 'hook.json');
  writeFileSync(configPath, JSON.stringify({ store, runRoot, logFile, services }));
  return { store, runRoot, configPath, logFile };
}

describe('hook config', () => {
  it('accepts a store, a run root and per-service grants', () => {
    const r = parseHookConfig(
      JSON.stringify({
        store: '/var/lib/composable/store',
        services: { logship: { user: 'logship', capabilities: ['CAP_NET_BIND_SERVICE'], credentials: { token: '/etc/composable/token' } } },
      }),
      '/etc/composable/hook.json',
    );
    expect(r.ok).toBe(true);
  });

  it('names the file, line and column of a JSON syntax error', () => {
    const r = parseHookConfig('{\n  "store": "/s",\n  "services": {,}\n}', '/etc/composable/hook.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatch(/^\/etc\/composable\/hook\.json:3:\d+: not valid JSON/);
  });

  it('names the file and the JSON path of each schema problem, and says what is wrong', () => {
    const r = parseHookConfig(
      JSON.stringify({ store: 'relative/store', servces: {}, services: { logship: { user: 'Root User', capabilities: ['NET_ADMIN'] } } }),
      '/etc/composable/hook.json',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const all = r.problems.join('\n');
    expect(all).toContain('/etc/composable/hook.json: store: must be an absolute path');
    expect(all).toContain('unknown key "servces"');
    expect(all).toContain('services.logship.user: must be a user name');
    expect(all).toMatch(/services\.logship\.capabilities\[0\]: must be a capability systemd knows/);
  });

  it('refuses a service name that could not be a package name', () => {
    const r = parseHookConfig(JSON.stringify({ store: '/s', services: { '../etc': {} } }), 'hook.json');
    expect(r.ok).toBe(false);
  });
});

describe('selection', () => {
  it('reads the services annotation; an empty or missing one selects nothing', () => {
    expect(requestedServices({ 'io.composable.services': 'logship health' })).toBe('logship health');
    expect(requestedServices({ 'io.composable.services': '  ' })).toBeUndefined();
    expect(requestedServices({ other: 'x' })).toBeUndefined();
    expect(requestedServices(undefined)).toBeUndefined();
  });

  it('splits names at white space, drops duplicates and refuses names that are not package names', () => {
    const r = parseServiceNames(' logship  health\tlogship ../x a/b .hidden -x ok:1 ');
    expect(r.names).toEqual(['logship', 'health', 'ok:1']);
    expect(r.refused.map((x) => x.name)).toEqual(['../x', 'a/b', '.hidden', '-x']);
    expect(r.refused[0].reason).toContain('is not a package name');
  });
});

describe('store resolution', () => {
  it('accepts a directory that is a direct child of the store, with its version', () => {
    const { store } = setup();
    const r = resolveInStore(realStore(store), 'logship');
    expect(r).toEqual({ ok: true, pkg: { name: 'logship', hostPath: join(realStore(store), 'logship'), version: '1.4.2' } });
  });

  it('refuses a symlink out of the store, one deeper into it, a file, a dangling link and a missing name', () => {
    const { store } = setup();
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, join(store, 'escape'));
    symlinkSync('../outside', join(store, 'relative-escape'));
    mkdirSync(join(store, 'sub/deep'), { recursive: true });
    symlinkSync('sub/deep', join(store, 'deeper'));
    writeFileSync(join(store, 'plainfile'), 'x');
    symlinkSync('nowhere', join(store, 'dangling'));
    const real = realStore(store);
    const reason = (n: string) => {
      const r = resolveInStore(real, n);
      return r.ok ? 'accepted' : r.reason;
    };
    expect(reason('escape')).toMatch(/resolves to .*outside, which is not a direct child of the store/);
    expect(reason('relative-escape')).toMatch(/not a direct child of the store/);
    expect(reason('deeper')).toMatch(/not a direct child of the store/);
    expect(reason('plainfile')).toMatch(/is not a directory/);
    expect(reason('dangling')).toMatch(/does not resolve/);
    expect(reason('absent')).toMatch(/no package "absent" in the store/);
  });

  it('accepts a symlink to another package in the store (still a direct child)', () => {
    const { store } = setup();
    symlinkSync('logship', join(store, 'alias'));
    const r = resolveInStore(realStore(store), 'alias');
    expect(r.ok && r.pkg.hostPath).toBe(join(realStore(store), 'logship'));
  });
});

describe('plan', () => {
  const pkg = (name: string, version?: string): Resolution => ({ ok: true, pkg: { name, hostPath: `/store/${name}`, version } });
  const config: HookConfig = {
    store: '/store',
    runRoot: '/run/composable-hook',
    services: {
      logship: {
        target: 'early',
        environment: { LOG_DEST: 'unix:/run/sink.sock' },
        credentials: { token: '/etc/secret/token' },
        user: 'logship',
        capabilities: ['CAP_NET_BIND_SERVICE'],
        after: ['health', 'absent'],
      },
      blocked: { disabled: true },
    },
  };

  it('writes engine-mounted sources, grants from the config only, and valid metadata', () => {
    const plan = planHook({
      config,
      key: 'abc',
      containerId: 'abc',
      names: ['logship', 'health', 'blocked'],
      resolutions: [pkg('logship', '1.4.2'), pkg('health'), pkg('blocked')],
    });
    expect(validateMetadata(plan.metadata).ok).toBe(true);
    expect(plan.metadata).toEqual({
      schemaVersion: 1,
      container: { id: 'abc' },
      services: [
        {
          name: 'logship',
          source: '/opt/composable/logship',
          version: '1.4.2',
          target: 'early',
          after: ['health'],
          environment: { LOG_DEST: 'unix:/run/sink.sock' },
          credentials: { token: '/run/composable/credentials/logship/token' },
          user: 'logship',
          capabilities: ['CAP_NET_BIND_SERVICE'],
        },
        { name: 'health', source: '/opt/composable/health' },
      ],
    });
    expect(plan.refused).toEqual([{ name: 'blocked', reason: "disabled in the hook's config (services.blocked.disabled)" }]);
    expect(plan.credentials).toEqual([{ service: 'logship', name: 'token', hostFile: '/etc/secret/token' }]);
    expect(plan.containerDir).toBe('/run/composable-hook/abc');
    expect(plan.mounts).toEqual([
      { source: '/run/composable-hook/abc/run', destination: '/run/composable', readOnly: false },
      { source: '/store/logship', destination: '/opt/composable/logship', readOnly: true, service: 'logship' },
      { source: '/store/health', destination: '/opt/composable/health', readOnly: true, service: 'health' },
    ]);
  });

  it("leaves a refused package out and keeps the others; dropping one removes it from the others' after", () => {
    const plan = planHook({
      config,
      key: 'abc',
      names: ['logship', 'health'],
      resolutions: [pkg('logship'), { ok: false, reason: 'nope' }],
    });
    expect(plan.metadata.services.map((s) => s.name)).toEqual(['logship']);
    expect(plan.metadata.services[0].after).toBeUndefined();
    expect(plan.refused).toEqual([{ name: 'health', reason: 'nope' }]);
    const both = planHook({ config, key: 'abc', names: ['logship', 'health'], resolutions: [pkg('logship'), pkg('health')] });
    const dropped = withoutService(both, 'health', 'mount failed');
    expect(dropped.metadata.services.map((s) => s.name)).toEqual(['logship']);
    expect(dropped.metadata.services[0].after).toEqual([]);
    expect(dropped.mounts.map((m) => m.destination)).toEqual(['/run/composable', '/opt/composable/logship']);
  });

  it('refuses a container ID that cannot name a directory below the run root', () => {
    expect(() => planHook({ config, key: '../../etc', names: [], resolutions: [] })).toThrow(/cannot name a directory/);
  });
});

describe('precreate config transform', () => {
  it("appends the mounts after the engine's own, replaces one at the same destination, keeps the rest and records the run key", () => {
    const plan = planHook({
      config: { store: '/store' },
      key: 'p-1',
      names: ['logship'],
      resolutions: [{ ok: true, pkg: { name: 'logship', hostPath: '/store/logship' } }],
    });
    const input = {
      ociVersion: '1.0.2',
      process: { args: ['/sbin/init'] },
      mounts: [
        { destination: '/run', type: 'tmpfs', source: 'tmpfs' },
        { destination: '/run/composable', type: 'bind', source: '/evil' },
      ],
      annotations: { 'io.composable.services': 'logship', [RUN_KEY_ANNOTATION]: 'forged' },
    };
    const out = addHookMounts(input, plan, 'p-1');
    expect(out.process).toEqual(input.process);
    expect(out.mounts).toEqual([
      { destination: '/run', type: 'tmpfs', source: 'tmpfs' },
      {
        destination: '/run/composable',
        type: 'bind',
        source: '/run/composable-hook/p-1/run',
        options: ['bind', 'rw', 'nosuid', 'nodev', 'noexec'],
      },
      { destination: '/opt/composable/logship', type: 'bind', source: '/store/logship', options: ['bind', 'ro', 'nosuid', 'nodev'] },
    ]);
    expect(out.annotations?.[RUN_KEY_ANNOTATION]).toBe('p-1');
  });
});

describe('OCI inputs', () => {
  it('parses the state and finds the root relative to the bundle', () => {
    const s = parseOciState(
      JSON.stringify({ ociVersion: '1.0.2', id: 'c1', status: 'creating', pid: 42, bundle: '/b', annotations: { a: 'b' } }),
    );
    expect(s).toEqual({ id: 'c1', pid: 42, bundle: '/b', annotations: { a: 'b' } });
    expect(rootfsPath({ root: { path: 'rootfs' } }, '/b')).toBe('/b/rootfs');
    expect(rootfsPath({ root: { path: '/var/lib/merged' } }, '/b')).toBe('/var/lib/merged');
  });

  it('says what is wrong with a state that is not one', () => {
    expect(() => parseOciState('not json')).toThrow(/not JSON/);
    expect(() => parseOciState('{"bundle":"/b"}')).toThrow(/no "id"/);
    expect(() => parseOciState('{"id":"x","bundle":"rel"}')).toThrow(/absolute "bundle"/);
  });
});

describe('user namespaces', () => {
  it("finds the host uid and gid of the container's root in the mappings", () => {
    expect(containerRootOwner({})).toBeUndefined();
    expect(containerRootOwner({ linux: { uidMappings: [], gidMappings: [] } })).toBeUndefined();
    expect(
      containerRootOwner({
        linux: {
          uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
          gidMappings: [{ containerID: 0, hostID: 200000, size: 65536 }],
        },
      }),
    ).toEqual({ uid: 100000, gid: 200000 });
    // Root mapped by a later range, not the first.
    expect(
      containerRootOwner({
        linux: {
          uidMappings: [
            { containerID: 1, hostID: 5000, size: 10 },
            { containerID: 0, hostID: 7000, size: 1 },
          ],
          gidMappings: [{ containerID: 0, hostID: 7000, size: 1 }],
        },
      }),
    ).toEqual({ uid: 7000, gid: 7000 });
  });

  it.skipIf(process.getuid?.() !== 0)(
    "precreate gives the run directory to the container's root, the directory above stays root's (needs root)",
    () => {
      const secret = join(dir, 'token');
      writeFileSync(secret, 'x');
      const { configPath, runRoot } = setup({ logship: { credentials: { token: secret } } });
      const input = JSON.stringify({
        linux: {
          uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
          gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
        },
        annotations: { 'io.composable.services': 'logship' },
      });
      const key = JSON.parse(run(['precreate', '--config', configPath], input).stdout).annotations[RUN_KEY_ANNOTATION];
      for (const rel of ['run', 'run/metadata.json', 'run/credentials', 'run/credentials/logship/token'])
        expect(statSync(join(runRoot, key, rel)).uid, rel).toBe(100000);
      expect(statSync(join(runRoot, key)).uid).toBe(0);
      expect(statSync(join(runRoot, key, 'container.json')).uid).toBe(0);
    },
  );
});

describe('mount points inside the container root', () => {
  it('creates missing directories and refuses a symlink or a file the image planted on the way', () => {
    const rootfs = join(dir, 'rootfs');
    mkdirSync(join(rootfs, 'run'), { recursive: true });
    const ok = prepareMountPoint('', rootfs, '/opt/composable/logship');
    expect(ok).toEqual({ ok: true, path: join(rootfs, 'opt/composable/logship'), created: false });
    expect(statSync(join(rootfs, 'opt/composable/logship')).isDirectory()).toBe(true);

    const evil = join(dir, 'evil');
    mkdirSync(join(evil, 'opt'), { recursive: true });
    symlinkSync('/etc', join(evil, 'opt/composable'));
    const refused = prepareMountPoint('', evil, '/opt/composable/logship');
    expect(refused).toEqual({ ok: false, reason: expect.stringContaining("/opt/composable is a symbolic link in the container's image") });
    symlinkSync(join(dir, 'elsewhere'), join(evil, 'run'));
    expect(prepareMountPoint('', evil, '/run/composable').ok).toBe(false);
    expect(existsSync(join(dir, 'elsewhere'))).toBe(false);

    writeFileSync(join(rootfs, 'opt/composable/file'), '');
    expect(prepareMountPoint('', rootfs, '/opt/composable/file')).toEqual({
      ok: false,
      reason: '/opt/composable/file in the container is not a directory',
    });
  });

  it("makes a file's mount point (the generator's) as an empty file, and refuses a link or a directory planted there", () => {
    const rootfs = join(dir, 'rootfs');
    mkdirSync(join(rootfs, 'run'), { recursive: true });
    const gen = '/run/systemd/system-generators/composable-generator';
    expect(prepareMountPoint('', rootfs, gen, { file: true })).toEqual({ ok: true, path: join(rootfs, gen), created: true });
    expect(statSync(join(rootfs, gen)).isFile()).toBe(true);
    expect(statSync(join(rootfs, gen)).size).toBe(0);
    // There already (a second run): used, not made.
    expect(prepareMountPoint('', rootfs, gen, { file: true })).toEqual({ ok: true, path: join(rootfs, gen), created: false });

    const evil = join(dir, 'evil');
    mkdirSync(join(evil, 'run/systemd/system-generators'), { recursive: true });
    symlinkSync(join(dir, 'outside'), join(evil, gen));
    expect(prepareMountPoint('', evil, gen, { file: true })).toEqual({
      ok: false,
      reason: expect.stringContaining(`${gen} is a symbolic link in the container's image`),
    });
    expect(existsSync(join(dir, 'outside'))).toBe(false);
    const dirThere = join(dir, 'dir-there');
    mkdirSync(join(dirThere, gen), { recursive: true });
    expect(prepareMountPoint('', dirThere, gen, { file: true })).toEqual({
      ok: false,
      reason: `${gen} in the container is not a regular file`,
    });
  });
});

describe('the hook entry (fake stdin)', () => {
  const state = (id: string, annotations: Record<string, string>, bundle = '/nonexistent') =>
    JSON.stringify({ ociVersion: '1.0.2', id, status: 'creating', pid: 1, bundle, annotations });

  it('createRuntime exits 0 at once for a container that did not ask, without reading the config or logging', () => {
    const lines = captureStderr(() => {
      let stdout = '';
      const code = main(['createRuntime', '--config', join(dir, 'no-such-config.json')], {
        stdin: () => state('c1', { other: 'x' }),
        stdout: (t) => {
          stdout += t;
        },
        systemLog: false,
        stderr: true,
      });
      expect({ code, stdout }).toEqual({ code: 0, stdout: '' });
    });
    expect(lines).toBe('');
    // The same with a missing config but a container that asked: the config is read and its absence logged.
    const asked = captureStderr(() => {
      main(['createRuntime', '--config', join(dir, 'no-such-config.json')], {
        stdin: () => state('c1', { 'io.composable.services': 'logship' }),
        stdout: () => {},
        systemLog: false,
        stderr: true,
      });
    });
    expect(asked).toContain("no-such-config.json: cannot read the hook's config (ENOENT)");
  });

  it('a bad config does not stop a container that asked: exit 0, and the log names the file and the problem', () => {
    const configPath = join(dir, 'hook.json');
    writeFileSync(configPath, JSON.stringify({ store: 'relative' }));
    const input = JSON.stringify({ ociVersion: '1.0.2', annotations: { 'io.composable.services': 'logship' }, mounts: [] });
    const lines: string[] = [];
    const origWrite = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((t: string) => {
      lines.push(String(t));
      return true;
    }) as typeof process.stderr.write;
    try {
      let stdout = '';
      const code = main(['precreate', '--config', configPath], {
        stdin: () => input,
        stdout: (t) => {
          stdout += t;
        },
        systemLog: false,
        stderr: true,
      });
      expect(code).toBe(0);
      expect(stdout).toBe(input);
    } finally {
      process.stderr.write = origWrite;
    }
    expect(lines.join('')).toContain(`${configPath}: store: must be an absolute path`);
  });

  it('precreate passes a config that did not ask through byte for byte', () => {
    const input = '{"ociVersion":"1.0.2",  "annotations":{"x":"y"}}';
    expect(run(['precreate', '--config', join(dir, 'absent.json')], input)).toEqual({ code: 0, stdout: input });
  });

  it('precreate writes the run directory (metadata, credentials 0700/0600, status), adds the mounts; poststop removes it', () => {
    const secret = join(dir, 'token');
    writeFileSync(secret, 's3cret-value');
    const { configPath, runRoot, logFile, store } = setup({ logship: { credentials: { token: secret }, environment: { A: 'b' } } });
    symlinkSync('/etc', join(store, 'evil'));
    const input = JSON.stringify({
      ociVersion: '1.0.2',
      mounts: [{ destination: '/proc', type: 'proc', source: 'proc' }],
      annotations: { 'io.composable.services': 'logship evil ../x health' },
    });
    const r = run(['precreate', '--config', configPath], input);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const key = out.annotations[RUN_KEY_ANNOTATION] as string;
    expect(key).toMatch(/^p-[0-9a-f]{32}$/);
    const containerDir = join(runRoot, key);
    expect(out.mounts.map((m: { destination: string }) => m.destination)).toEqual([
      '/proc',
      '/run/composable',
      '/opt/composable/logship',
      '/opt/composable/health',
    ]);
    const metadata = JSON.parse(readFileSync(join(containerDir, 'run/metadata.json'), 'utf8'));
    expect(validateMetadata(metadata).ok).toBe(true);
    expect(metadata.services.map((s: { name: string; source: string }) => [s.name, s.source])).toEqual([
      ['logship', '/opt/composable/logship'],
      ['health', '/opt/composable/health'],
    ]);
    expect(statSync(containerDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(containerDir, 'run/credentials')).mode & 0o777).toBe(0o700);
    expect(statSync(join(containerDir, 'run/credentials/logship')).mode & 0o777).toBe(0o700);
    expect(statSync(join(containerDir, 'run/credentials/logship/token')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(containerDir, 'run/credentials/logship/token'), 'utf8')).toBe('s3cret-value');
    const status = JSON.parse(readFileSync(join(containerDir, 'run/hook-status.json'), 'utf8'));
    expect(status.refused.map((x: { name: string }) => x.name)).toEqual(['../x', 'evil']);
    const log = readFileSync(logFile, 'utf8');
    expect(log).toMatch(/package "evil" refused: .* resolves to \/etc/);
    expect(log).toContain('package "../x" refused');
    // Secrets never reach the log, the status or the metadata.
    for (const text of [log, JSON.stringify(status), JSON.stringify(metadata)]) expect(text).not.toContain('s3cret-value');

    // poststop finds the run key in the bundle's config.json, as podman 4.3 passes the state without it.
    const bundle = join(dir, 'bundle');
    mkdirSync(bundle);
    writeFileSync(join(bundle, 'config.json'), r.stdout);
    expect(
      run(
        ['poststop', '--config', configPath],
        JSON.stringify({ id: 'abc123', status: 'stopped', bundle, annotations: { 'io.composable.services': 'logship' } }),
      ).code,
    ).toBe(0);
    expect(existsSync(containerDir)).toBe(false);
  });

  it('a credential that cannot be read costs its service only', () => {
    const { configPath, runRoot } = setup({ logship: { credentials: { token: join(dir, 'missing-token') } } });
    const r = run(['precreate', '--config', configPath], JSON.stringify({ annotations: { 'io.composable.services': 'logship health' } }));
    const key = JSON.parse(r.stdout).annotations[RUN_KEY_ANNOTATION];
    const status = JSON.parse(readFileSync(join(runRoot, key, 'run/hook-status.json'), 'utf8'));
    expect(status.services).toEqual(['health']);
    expect(status.refused[0].reason).toMatch(/credential token: cannot read .*missing-token \(ENOENT\)/);
  });

  it('poststop removes the directory keyed by the container ID and nothing for a hostile ID', () => {
    const { configPath, runRoot } = setup();
    mkdirSync(join(runRoot, 'c1/run'), { recursive: true });
    const victim = join(dir, 'victim');
    mkdirSync(victim);
    expect(run(['poststop', '--config', configPath], JSON.stringify({ id: 'c1', bundle: '/nonexistent', annotations: {} })).code).toBe(0);
    expect(existsSync(join(runRoot, 'c1'))).toBe(false);
    expect(
      run(
        ['poststop', '--config', configPath],
        JSON.stringify({ id: '../victim', bundle: '/nonexistent', annotations: { [RUN_KEY_ANNOTATION]: '../victim' } }),
      ).code,
    ).toBe(0);
    expect(existsSync(victim)).toBe(true);
    // A container that did not ask: poststop touches nothing, even a directory under its ID.
    mkdirSync(join(runRoot, 'c4/run'), { recursive: true });
    expect(
      run(['poststop', '--config', configPath], JSON.stringify({ id: 'c4', bundle: '/nonexistent', annotations: { other: 'x' } })).code,
    ).toBe(0);
    expect(existsSync(join(runRoot, 'c4'))).toBe(true);
    // A run-key annotation set by hand to another container's ID does not remove that one's directory.
    mkdirSync(join(runRoot, 'c2/run'), { recursive: true });
    expect(
      run(
        ['poststop', '--config', configPath],
        JSON.stringify({ id: 'c3', bundle: '/nonexistent', annotations: { [RUN_KEY_ANNOTATION]: 'c2' } }),
      ).code,
    ).toBe(0);
    expect(existsSync(join(runRoot, 'c2'))).toBe(true);
  });

  it('refresh re-plans from the current config: a disabled service leaves the metadata and comes back when enabled', () => {
    const { configPath, runRoot, store } = setup();
    const r = run(['precreate', '--config', configPath], JSON.stringify({ annotations: { 'io.composable.services': 'logship health' } }));
    const key = JSON.parse(r.stdout).annotations[RUN_KEY_ANNOTATION];
    const names = () =>
      JSON.parse(readFileSync(join(runRoot, key, 'run/metadata.json'), 'utf8')).services.map((s: { name: string }) => s.name);
    expect(names()).toEqual(['logship', 'health']);
    const write = (services: HookConfig['services']) => writeFileSync(configPath, JSON.stringify({ store, runRoot, services }));
    write({ health: { disabled: true } });
    const off = run(['refresh', key, '--config', configPath], '');
    expect(off.code).toBe(0);
    expect(off.stdout).toContain('services: logship; refused: "health"');
    expect(names()).toEqual(['logship']);
    write({ health: { environment: { MODE: 'fast' } } });
    expect(run(['refresh', key, '--config', configPath], '').code).toBe(0);
    expect(names()).toEqual(['logship', 'health']);
    const health = JSON.parse(readFileSync(join(runRoot, key, 'run/metadata.json'), 'utf8')).services[1];
    expect(health.environment).toEqual({ MODE: 'fast' });
    expect(run(['refresh', 'unknown-container', '--config', configPath], '').code).toBe(1);
  });

  it('refresh --all rewrites every container the hook set up', () => {
    const { configPath, runRoot, store } = setup();
    const keys = [1, 2].map(
      () =>
        JSON.parse(
          run(['precreate', '--config', configPath], JSON.stringify({ annotations: { 'io.composable.services': 'logship health' } }))
            .stdout,
        ).annotations[RUN_KEY_ANNOTATION],
    );
    writeFileSync(configPath, JSON.stringify({ store, runRoot, services: { logship: { disabled: true } } }));
    const r = run(['refresh', '--all', '--config', configPath], '');
    expect(r.code).toBe(0);
    for (const key of keys) {
      expect(r.stdout).toContain(`${key}: services: health; refused: "logship"`);
      expect(
        JSON.parse(readFileSync(join(runRoot, key, 'run/metadata.json'), 'utf8')).services.map((s: { name: string }) => s.name),
      ).toEqual(['health']);
    }
  });

  it('a missing store is reported against the config key, and the container still starts', () => {
    const configPath = join(dir, 'hook.json');
    writeFileSync(configPath, JSON.stringify({ store: join(dir, 'no-store'), runRoot: join(dir, 'run'), logFile: join(dir, 'hook.log') }));
    const input = JSON.stringify({ annotations: { 'io.composable.services': 'logship' } });
    let result = { code: -1, stdout: '' };
    const err = captureStderr(() => {
      let stdout = '';
      const code = main(['precreate', '--config', configPath], {
        stdin: () => input,
        stdout: (t) => {
          stdout += t;
        },
        systemLog: false,
        stderr: true,
      });
      result = { code, stdout };
    });
    expect(result).toEqual({ code: 0, stdout: input });
    expect(err).toContain(`${configPath}: store ${join(dir, 'no-store')} cannot be used (ENOENT); create it or fix "store"`);
    // Once the config is read, its log file gets the error too.
    expect(readFileSync(join(dir, 'hook.log'), 'utf8')).toContain(
      'cannot be used (ENOENT); create it or fix "store"; the container starts without composable',
    );
  });

  it('--help prints the usage and exits 0', () => {
    const r = run(['--help'], '');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('composable-oci-hook refresh CONTAINER-ID|RUN-KEY|--all');
  });

  it('an unknown stage is a usage error', () => {
    const errors: string[] = [];
    const origWrite = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((t: string) => {
      errors.push(String(t));
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(run(['prestop'], '').code).toBe(2);
    } finally {
      process.stderr.write = origWrite;
    }
    expect(errors.join('')).toContain('usage: composable-oci-hook');
  });
});

describe('run directory', () => {
  it('a container set up again under the same ID starts from an empty directory (no earlier credential left)', () => {
    const config: HookConfig = { store: '/store', runRoot: join(dir, 'run') };
    const plan = planHook({ config, key: 'c1', names: [], resolutions: [] });
    makeContainerDir(plan);
    mkdirSync(join(plan.runDir, 'credentials/old'), { recursive: true });
    writeFileSync(join(plan.runDir, 'credentials/old/token'), 'old secret');
    makeContainerDir(plan);
    expect(existsSync(join(plan.runDir, 'credentials'))).toBe(false);
    expect(statSync(plan.containerDir).mode & 0o777).toBe(0o700);
    expect(statSync(plan.runDir).mode & 0o777).toBe(0o755);
  });
});

describe('stale run directories', () => {
  it('removes a directory whose container process is gone and keeps one whose process lives', () => {
    const runRoot = join(dir, 'run');
    const record = (key: string, p: { pid: number; startTime: string }) => {
      mkdirSync(join(runRoot, key, 'run'), { recursive: true });
      writeFileSync(
        join(runRoot, key, 'container.json'),
        JSON.stringify({ schemaVersion: 1, key, stage: 'createRuntime', requested: [], mounted: [], process: p }),
      );
    };
    const me = processIdentity(process.pid);
    expect(me).toBeDefined();
    record('alive', me!);
    record('reused-pid', { pid: process.pid, startTime: '1' });
    record('gone', { pid: 2 ** 22 + 7, startTime: '1' });
    mkdirSync(join(runRoot, 'precreate-key/run'), { recursive: true });
    removeStaleContainerDirs(join(runRoot, 'current'), { log: () => {} });
    expect(existsSync(join(runRoot, 'alive'))).toBe(true);
    expect(existsSync(join(runRoot, 'reused-pid'))).toBe(false);
    expect(existsSync(join(runRoot, 'gone'))).toBe(false);
    expect(existsSync(join(runRoot, 'precreate-key'))).toBe(true);
  });
});

// `composable podman`: the pure planner's exact podman argument vectors and its refusals, the
// printed command as a shell reads it, the run directory it writes (modes, tmpfs, all or
// nothing), and the bundled command end to end without starting a container.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatCommand,
  PODMAN_DEFAULT_CAPABILITIES,
  planPodmanRun,
  podmanCapabilities,
  shellQuote,
  type PodmanPlanInput,
} from '../../../host/podman/plan-podman-run.ts';
import { isTmpfs, writeRunDir } from '../../../host/podman/podman-run-io.ts';
import type { Metadata } from '../../../sdk/schema/metadata.ts';

const REPO = join(import.meta.dirname, '../../..');
const CLI = join(REPO, 'dist/composable.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'composable-podman-unit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const metadata: Metadata = {
  schemaVersion: 1,
  container: { id: 'web.1' },
  services: [
    {
      name: 'logship',
      source: '/run/composable/store/logship-1.4.2',
      version: '1.4.2',
      credentials: { token: '/run/composable/credentials/logship/token' },
    },
    { name: 'health', source: '/srv/packages/health', after: ['logship'] },
  ],
};

const input = (over: Partial<PodmanPlanInput> = {}): PodmanPlanInput => ({
  metadata,
  packages: [
    { name: 'logship', kind: 'image', image: 'sha256:1111' },
    { name: 'health', kind: 'directory', path: '/srv/packages/health' },
  ],
  containerName: 'web.1',
  runDir: '/run/composable-podman/web.1',
  credentials: { 'logship/token': '/etc/secrets/token' },
  passthrough: [],
  image: 'localhost/app:1',
  ...over,
});

describe('planPodmanRun', () => {
  it('mounts each package at its stable path, the metadata and the credentials read-only, and nothing privileged', () => {
    const r = planPodmanRun(input());
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.plan.args).toEqual([
      'run',
      '--systemd=always',
      '--name',
      'web.1',
      '--mount',
      'type=bind,source=/run/composable-podman/web.1/metadata.json,target=/run/composable/metadata.json,ro=true',
      '--mount',
      'type=bind,source=/run/composable-podman/web.1/credentials,target=/run/composable/credentials,ro=true',
      '--mount',
      'type=image,source=sha256:1111,target=/opt/composable/logship',
      '--mount',
      'type=bind,source=/srv/packages/health,target=/opt/composable/health,ro=true',
      'localhost/app:1',
    ]);
    expect(r.plan.args.join(' ')).not.toMatch(/--privileged|--cap-add|--env|-e /);
  });

  it('rewrites every source to the stable path and keeps the rest of the metadata', () => {
    const r = planPodmanRun(input());
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.plan.metadata.services.map((s) => s.source)).toEqual(['/opt/composable/logship', '/opt/composable/health']);
    expect(r.plan.metadata.services[0]).toMatchObject({
      version: '1.4.2',
      credentials: { token: '/run/composable/credentials/logship/token' },
    });
    expect(r.plan.metadata.container).toEqual({ id: 'web.1' });
    // The input is not changed.
    expect(metadata.services[0]!.source).toBe('/run/composable/store/logship-1.4.2');
  });

  it('names the credential files to copy, never their content', () => {
    const r = planPodmanRun(input());
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.plan.credentials).toEqual([{ service: 'logship', name: 'token', from: '/etc/secrets/token', to: 'logship/token' }]);
  });

  it('passes podman options, the image and its command through after its own, in order', () => {
    const r = planPodmanRun(
      input({
        image: undefined,
        passthrough: ['--runtime', 'runc', '-d', 'localhost/app:1', '/sbin/init', 'quiet'],
        credentials: {},
        metadata: { ...metadata, services: [metadata.services[1]!] },
        packages: [{ name: 'health', kind: 'directory', path: '/srv/h' }],
      }),
    );
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.plan.args).toEqual([
      'run',
      '--systemd=always',
      '--name',
      'web.1',
      '--mount',
      'type=bind,source=/run/composable-podman/web.1/metadata.json,target=/run/composable/metadata.json,ro=true',
      '--mount',
      'type=bind,source=/srv/h,target=/opt/composable/health,ro=true',
      '--runtime',
      'runc',
      '-d',
      'localhost/app:1',
      '/sbin/init',
      'quiet',
    ]);
    expect(r.plan.credentialsDir).toBeUndefined();
  });

  it('refuses, naming each problem and its fix', () => {
    const r = planPodmanRun(
      input({
        containerName: '-bad',
        packages: [
          { name: 'logship', kind: 'directory', path: '/srv/a,b' },
          { name: 'extra', kind: 'directory', path: '/srv/extra' },
        ],
        credentials: { 'health/key': '/k' },
        image: undefined,
      }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      'container name "-bad" is not one podman accepts: use letters, digits, _ . - and start with a letter or digit',
      "package extra is not a service of the metadata; add it to the metadata's services or drop it",
      'directory of logship "/srv/a,b" contains a comma, which podman --mount cannot express; move or rename it',
      'services[1] health: no package given; pass --package health=PATH',
      'services[0].credentials.token: no secret given; pass --credential logship/token=FILE',
      "credential health/key is not named in the metadata's services[].credentials; add it there or drop it",
      'no container image: give --image IMAGE, or -- [PODMAN_OPTIONS] IMAGE [COMMAND]',
    ]);
  });

  it("refuses a credential path outside the service's own credentials directory", () => {
    const m: Metadata = {
      schemaVersion: 1,
      services: [{ name: 'a', source: '/x', credentials: { k: '/run/composable/credentials/b/k' } }],
    };
    const r = planPodmanRun(input({ metadata: m, packages: [{ name: 'a', kind: 'directory', path: '/x' }], credentials: { 'a/k': '/k' } }));
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems).toEqual([
        'services[0].credentials.k: /run/composable/credentials/b/k is not below /run/composable/credentials/a/',
      ]);
  });
});

describe('the printed command', () => {
  it('is one argument per line and a shell reads back exactly the planned arguments', async () => {
    const args = ['run', '--name', 'web.1', '--label', 'note=it\'s a $HOME `x` "y"', '--env', '', 'image', 'sh', '-c', 'echo *'];
    const text = formatCommand(args);
    expect(text.split('\n')).toHaveLength(args.length + 1);
    const r = await execa('sh', ['-c', text.replace(/^podman/, 'printf "%s\\0"')]);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(args);
  });

  it('leaves plain arguments bare', () => {
    expect(shellQuote('type=bind,source=/a/b,target=/opt/composable/x,ro=true')).toBe(
      'type=bind,source=/a/b,target=/opt/composable/x,ro=true',
    );
    expect(shellQuote('a b')).toBe("'a b'");
  });
});

describe('writeRunDir', () => {
  const shm = existsSync('/dev/shm') && isTmpfs('/dev/shm') ? mkdtempSync('/dev/shm/composable-podman-unit-') : undefined;
  afterAll(() => {
    if (shm) rmSync(shm, { recursive: true, force: true });
  });

  it.skipIf(!shm)('writes the metadata and the credentials (0600 in 0700 directories) on a tmpfs', () => {
    const secret = join(tmp, 'token');
    writeFileSync(secret, 's3cret');
    const runDir = join(shm!, 'web.1');
    const r = planPodmanRun(input({ runDir, credentials: { 'logship/token': secret } }));
    if (!r.ok) throw new Error(r.problems.join('\n'));
    writeRunDir(r.plan, runDir);
    expect(statSync(runDir).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(join(runDir, 'metadata.json'), 'utf8'))).toEqual(r.plan.metadata);
    expect(readFileSync(join(runDir, 'credentials/logship/token'), 'utf8')).toBe('s3cret');
    expect(statSync(join(runDir, 'credentials/logship/token')).mode & 0o777).toBe(0o600);
    expect(statSync(join(runDir, 'credentials/logship')).mode & 0o777).toBe(0o700);
    expect(statSync(join(runDir, 'credentials')).mode & 0o777).toBe(0o700);
    // The metadata names only the path of the secret.
    expect(readFileSync(join(runDir, 'metadata.json'), 'utf8')).not.toContain('s3cret');
  });

  it.skipIf(!shm)('leaves the previous run directory untouched when a secret cannot be read', () => {
    const runDir = join(shm!, 'keep');
    mkdirSync(runDir);
    writeFileSync(join(runDir, 'metadata.json'), 'previous');
    const r = planPodmanRun(input({ runDir, credentials: { 'logship/token': join(tmp, 'no-such-secret') } }));
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(() => writeRunDir(r.plan, runDir)).toThrow(/--credential logship\/token: cannot read .*no-such-secret: ENOENT/);
    expect(readFileSync(join(runDir, 'metadata.json'), 'utf8')).toBe('previous');
    // No half-written directory is left beside it.
    expect(readdirSync(shm!).filter((n) => n.startsWith('keep'))).toEqual(['keep']);
  });

  it.skipIf(isTmpfs(tmpdir()))('refuses to write credentials to a directory that is not on a tmpfs', () => {
    const runDir = join(tmp, 'disk', 'web.1');
    const r = planPodmanRun(input({ runDir, credentials: { 'logship/token': '/dev/null' } }));
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(() => writeRunDir(r.plan, runDir)).toThrow(
      /is not on a tmpfs, and credentials must never be written to a disk: mount one .* or pass --run-dir DIR on a tmpfs/,
    );
    expect(existsSync(runDir)).toBe(false);
  });
});

describe('composable podman (bundled)', () => {
  const run = (args: string[]) =>
    execa('node', [CLI, 'podman', ...args], { reject: false, cwd: REPO, timeout: 60_000, env: { NO_COLOR: '1' } });
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error('dist/composable.mjs is missing: run `npm run build` (npm test does)');
  });

  it('prints the command for package directories and writes the rewritten metadata', async () => {
    const base = join(tmp, 'run');
    const r = await run([
      '--metadata',
      'examples/metadata.json',
      '--run-dir',
      base,
      '--json',
      '--package',
      'logship=examples/logship',
      '--package',
      'health=examples/health',
      '--package',
      'cleanup=examples/cleanup',
      '--package',
      'heartbeat=examples/heartbeat',
      '--',
      '--runtime',
      'runc',
      'localhost/app:1',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      'podman',
      'run',
      '--systemd=always',
      '--name',
      'demo.1',
      '--mount',
      `type=bind,source=${base}/demo.1/metadata.json,target=/run/composable/metadata.json,ro=true`,
      '--mount',
      `type=bind,source=${REPO}/examples/logship,target=/opt/composable/logship,ro=true`,
      '--mount',
      `type=bind,source=${REPO}/examples/health,target=/opt/composable/health,ro=true`,
      '--mount',
      `type=bind,source=${REPO}/examples/cleanup,target=/opt/composable/cleanup,ro=true`,
      '--mount',
      `type=bind,source=${REPO}/examples/heartbeat,target=/opt/composable/heartbeat,ro=true`,
      '--runtime',
      'runc',
      'localhost/app:1',
    ]);
    const written = JSON.parse(readFileSync(join(base, 'demo.1/metadata.json'), 'utf8')) as Metadata;
    expect(written.services.map((s) => s.source)).toEqual([
      '/opt/composable/logship',
      '/opt/composable/health',
      '/opt/composable/cleanup',
      '/opt/composable/heartbeat',
    ]);
  });

  it('names the metadata file and the fix when a source is not on this machine, and writes nothing', async () => {
    const base = join(tmp, 'run-missing');
    const r = await run(['--metadata', 'examples/metadata.json', '--run-dir', base, '--image', 'x']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(
      'composable podman: package logship: /run/composable/store/logship-1.4.2 does not exist; pass --package logship=PATH',
    );
    expect(r.stdout).toBe('');
    expect(existsSync(base)).toBe(false);
  });

  it('says what a malformed --package or --credential should look like', async () => {
    const r = await run([
      '--metadata',
      'examples/metadata.json',
      '--run-dir',
      join(tmp, 'run-bad'),
      '--package',
      'logship',
      '--credential',
      'health/token=',
      '--image',
      'x',
    ]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('composable podman: --package "logship": expected NAME=PATH');
    expect(r.stderr).toContain('composable podman: --credential "health/token=": expected SERVICE/NAME=FILE');
  });

  it('reports invalid metadata with the file and the JSON path', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ schemaVersion: 1, services: [{ name: 'x' }] }));
    const r = await run(['--metadata', bad, '--name', 'c', '--image', 'x']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`composable podman: ${bad}: services\\[0\\]\\.source`));
  });
});

describe('composable podman --render (plan)', () => {
  it('binds the render and the node-free generator read-only, after the packages', () => {
    const r = planPodmanRun(input({ renderGenerator: '/usr/lib/node_modules/composable-services/dist/composable-generator.sh' }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.plan.renderDir).toBe('/run/composable-podman/web.1/render');
    const mounts = r.plan.args.filter((_, i) => r.plan.args[i - 1] === '--mount');
    expect(mounts.slice(-2)).toEqual([
      'type=bind,source=/run/composable-podman/web.1/render,target=/run/composable/render,ro=true',
      'type=bind,source=/usr/lib/node_modules/composable-services/dist/composable-generator.sh,target=/run/systemd/system-generators/composable-generator,ro=true',
    ]);
    expect(planPodmanRun(input()).ok && (planPodmanRun(input()) as { plan: { renderDir?: string } }).plan.renderDir).toBeUndefined();
  });

  it('refuses a generator path podman --mount cannot express', () => {
    expect(planPodmanRun(input({ renderGenerator: 'dist/composable-generator.sh' }))).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('must be an absolute path')],
    });
  });
});

describe('podmanCapabilities: what the container will have, so the render plans for it', () => {
  it("podman's defaults have no CAP_SYS_ADMIN", () => {
    expect(podmanCapabilities(['--network', 'none', 'image'])).toEqual([...PODMAN_DEFAULT_CAPABILITIES].sort());
    expect(podmanCapabilities([])).not.toContain('CAP_SYS_ADMIN');
  });

  it('--cap-add and --cap-drop apply in order, in any spelling; --privileged and all give every one', () => {
    expect(podmanCapabilities(['--cap-add', 'sys_admin'])).toContain('CAP_SYS_ADMIN');
    expect(podmanCapabilities(['--cap-add=CAP_SYS_ADMIN,net_raw', '--cap-drop=SYS_ADMIN'])).not.toContain('CAP_SYS_ADMIN');
    expect(podmanCapabilities(['--cap-add=NET_RAW'])).toContain('CAP_NET_RAW');
    expect(podmanCapabilities(['--cap-drop', 'all'])).toEqual([]);
    expect(podmanCapabilities(['--cap-add', 'all', '--cap-drop', 'sys_admin'])).not.toContain('CAP_SYS_ADMIN');
    expect(podmanCapabilities(['--cap-add', 'all'])).toContain('CAP_SYS_ADMIN');
    expect(podmanCapabilities(['--privileged'])).toContain('CAP_SYS_ADMIN');
  });
});

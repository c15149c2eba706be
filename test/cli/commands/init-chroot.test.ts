// composable init --mode chroot: a package that runs in its own root (under the generator's chroot
// mode and under portablectl attach), carrying a static busybox, its mount points and its state
// directories. test/e2e/portablectl.test.ts runs such packages under real systemd.
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROOT_TEMPLATES, directoryStubs, planChrootCompletion } from '../../../sdk/scaffold.ts';
import { readElf } from '../../../sdk/artifact/elf.ts';
import { hasCommand, isRoot } from '../../helpers/requirements.ts';

const REPO = join(import.meta.dirname, '../../..');
const CLI = join(REPO, 'dist/composable.mjs');
const work = join(REPO, '.tmp', `init-chroot-${process.pid}`);
const run = (args: string[]) =>
  execa('node', [CLI, ...args], { reject: false, cwd: REPO, env: { NO_COLOR: '1' }, timeout: 120_000, stdin: 'ignore' });
const busybox = readElf('/bin/busybox');
const haveBusybox = Boolean(busybox && !busybox.interpreter);
if (!haveBusybox)
  console.warn('skipping the chroot init tests that copy busybox: needs a static /bin/busybox (apt install busybox-static)');

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('run `npm run build` first (npm test does)');
  mkdirSync(work, { recursive: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('planChrootCompletion', () => {
  it('adds the missing mount points, a directory per StateDirectory=/CacheDirectory=/LogsDirectory=, busybox and relative applet links', () => {
    const units = ['[Service]\nExecStart=/usr/bin/x\nStateDirectory=x x/sub\nCacheDirectory=x\nLogsDirectory=x\nRuntimeDirectory=x\n'];
    const plan = planChrootCompletion(new Set(['usr', 'usr/bin', 'usr/bin/x', 'proc', 'etc', 'etc/machine-id']), units, {
      from: '/bin/busybox',
      applets: ['bin/sh', 'usr/bin/env', 'sbin/init', 'linuxrc', 'usr/bin/x'],
    });
    const by = new Map(plan.map((e) => [e.path, e]));
    expect([...by.keys()].filter((p) => by.get(p)!.why === 'mount point')).toEqual([
      'dev',
      'sys',
      'run',
      'tmp',
      'var/tmp',
      'etc/resolv.conf',
    ]);
    expect(directoryStubs(units)).toEqual(['var/lib/x', 'var/lib/x/sub', 'var/cache/x', 'var/log/x']);
    for (const d of directoryStubs(units)) expect(by.get(d)?.kind).toBe('dir');
    expect(by.get('usr/bin/busybox')).toMatchObject({ kind: 'copy', from: '/bin/busybox', mode: 0o755 });
    expect(by.get('bin/sh')).toMatchObject({ kind: 'symlink', target: '../usr/bin/busybox' });
    expect(by.get('usr/bin/env')).toMatchObject({ kind: 'symlink', target: 'busybox' });
    expect(by.get('sbin/init')).toMatchObject({ kind: 'symlink', target: '../usr/bin/busybox' });
    expect(by.has('linuxrc')).toBe(false); // not a program directory
    expect(by.has('usr/bin/x')).toBe(false); // the package's own program stays
    expect(by.has('proc') || by.has('etc/machine-id')).toBe(false);
  });

  it('adds no busybox when the package brings its own runtime', () => {
    const plan = planChrootCompletion(new Set(['usr/bin/busybox']), [], { from: '/bin/busybox', applets: ['bin/sh'] });
    expect(plan.some((e) => e.kind === 'copy' || e.kind === 'symlink')).toBe(false);
    expect(planChrootCompletion(new Set(), []).some((e) => e.kind === 'copy')).toBe(false);
  });
});

describe.skipIf(!haveBusybox)('composable init --mode chroot', () => {
  for (const template of CHROOT_TEMPLATES) {
    it(`${template}: a complete chroot package that lints clean and whose program runs with only the package as /`, async () => {
      const name = `c-${template}`;
      const dir = join(work, name);
      const init = await run(['init', dir, '--name', name, '--template', template, '--mode', 'chroot']);
      expect(init.exitCode, init.stderr).toBe(0);
      expect(readFileSync(join(dir, 'usr/lib/os-release'), 'utf8')).toContain('COMPOSABLE_MODE=chroot\n');
      for (const d of ['dev', 'proc', 'sys', 'run', 'tmp', 'var/tmp']) expect(statSync(join(dir, d)).isDirectory(), d).toBe(true);
      for (const f of ['etc/machine-id', 'etc/resolv.conf']) expect(statSync(join(dir, f)).size, f).toBe(0);
      expect(readFileSync(join(dir, 'usr/bin/busybox')).equals(readFileSync('/bin/busybox'))).toBe(true);
      expect(readlinkSync(join(dir, 'bin/sh'))).toBe('../usr/bin/busybox');
      if (template !== 'oneshot') expect(statSync(join(dir, `var/lib/${name}`)).isDirectory()).toBe(true);
      const lint = await run(['lint', dir]);
      expect(lint.stdout + lint.stderr).toBe('');
      expect(lint.exitCode).toBe(0);
      if (isRoot() && hasCommand('chroot') && template !== 'daemon') {
        // Nothing of this machine is visible: the shell, the tools and the script are the package's.
        const r = await execa('chroot', [dir, `/usr/bin/${name}`], {
          reject: false,
          env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', STATE_DIRECTORY: '/tmp', RUNTIME_DIRECTORY: '/tmp' },
          extendEnv: false,
          timeout: 10_000,
        });
        expect(r.exitCode, r.stderr).toBe(0);
        expect(r.stdout).toContain(template === 'timer' ? `${name}: run 1 done` : `${name}: set-up done`);
      }
    }, 60_000);
  }

  it('--complete-chroot adds what an existing package lacks, once, and changes nothing else', async () => {
    const dir = join(work, 'completed');
    expect((await run(['init', dir, '--name', 'completed', '--template', 'timer'])).exitCode).toBe(0);
    const before = readFileSync(join(dir, 'usr/bin/completed'));
    const r = await run(['init', dir, '--complete-chroot']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('var/lib/completed/');
    expect(r.stdout).toMatch(/\d+ busybox applet links/);
    expect(lstatSync(join(dir, 'bin/sh')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'usr/bin/completed')).equals(before)).toBe(true);
    const again = await run(['init', dir, '--complete-chroot']);
    expect(again.stdout).toContain('has everything a chroot package needs');
  });
});

describe('composable init --mode chroot refusals', () => {
  it('refuses node templates, a missing or dynamic busybox, and writes nothing', async () => {
    const node = await run(['init', join(work, 'n'), '--name', 'n', '--template', 'socket', '--mode', 'chroot']);
    expect(node.exitCode).toBe(2);
    expect(node.stderr).toContain('the socket template is a node program');
    const none = await run([
      'init',
      join(work, 'nb'),
      '--name',
      'nb',
      '--template',
      'daemon',
      '--mode',
      'chroot',
      '--busybox',
      join(work, 'no-busybox'),
    ]);
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain('apt-get install busybox-static');
    expect(existsSync(join(work, 'nb'))).toBe(false);
    const dynamic = await run([
      'init',
      join(work, 'dyn'),
      '--name',
      'dyn',
      '--template',
      'daemon',
      '--mode',
      'chroot',
      '--busybox',
      process.execPath,
    ]);
    expect(dynamic.exitCode).toBe(1);
    expect(dynamic.stderr).toContain('is dynamically linked');
    expect(existsSync(join(work, 'dyn'))).toBe(false);
    expect((await run(['init', join(work, 'm'), '--name', 'm', '--template', 'daemon', '--mode', 'jail'])).exitCode).toBe(2);
    const underscore = await run(['init', join(work, 'u'), '--name', 'my_app', '--template', 'daemon', '--mode', 'chroot']);
    expect(underscore.exitCode).toBe(2);
    expect(underscore.stderr).toContain('try my-app');
    expect(existsSync(join(work, 'u'))).toBe(false);
  });
});

// composable lint's command line around the engine: options that change what is reported, where the
// configuration comes from, colors and --verbose, and a unit file on standard input. The CLI runs
// from source (tsx), in temporary directories.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { demoPackage, DEMO_SERVICE, materialize, type FileSpec } from '../../../lint/testing/fixtures.ts';

const REPO = join(import.meta.dirname, '../../..');
// tsx's loader by URL: the CLI runs in temporary directories where `--import tsx` would not resolve.
const TSX = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;

/** Environment without the color variables of whoever runs the tests. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  return { ...env, ...extra };
}

const lintCli = (args: string[], cwd: string, options: { env?: Record<string, string>; input?: string } = {}) =>
  spawnSync(process.execPath, ['--import', TSX, join(REPO, 'cli/main.ts'), 'lint', ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    input: options.input ?? '',
    env: cleanEnv({ NO_COLOR: '1', ...options.env }),
  });

const roots: string[] = [];
function tree(files: Record<string, FileSpec>): string {
  const root = materialize(files);
  roots.push(root);
  return root;
}
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A package whose unit has one used and two unused suppression comments. */
const UNUSED = demoPackage({
  'usr/lib/systemd/system/demo.service': `# composable-lint-disable=policy/runs-as-root\n${DEMO_SERVICE.replace(
    '[Service]\n',
    '[Service]\n# composable-lint-disable-next-line=unit/unknown-directive,unit/invalid-boolean\nExecStrat=/usr/bin/demo\n',
  )}`,
});

describe('--report-unused-disable-directives', () => {
  const unused = (stdout: string) =>
    (JSON.parse(stdout) as { diagnostics: { ruleId: string; line: number; column: number; severity: string }[] }).diagnostics
      .filter((d) => d.ruleId === 'comment/unused-disable')
      .map((d) => `${d.line}:${d.column} ${d.severity}`);

  it('is off without the option; bare, it reports each unused id as a warning and exits 0', () => {
    const root = tree(UNUSED);
    const plain = lintCli(['demo', '--format', 'json'], root);
    expect(plain.status, plain.stderr).toBe(0);
    expect(unused(plain.stdout)).toEqual([]);
    const on = lintCli(['--report-unused-disable-directives', 'demo', '--format', 'json'], root);
    expect(on.status, on.stderr).toBe(0);
    expect(unused(on.stdout)).toEqual(['1:27 warning', '6:60 warning']);
  }, 60_000);

  it('=error makes them errors (exit 1); =off and the configuration file are honoured', () => {
    const root = tree(UNUSED);
    const error = lintCli(['demo', '--report-unused-disable-directives=error', '--format', 'json'], root);
    expect(error.status).toBe(1);
    expect(unused(error.stdout)).toEqual(['1:27 error', '6:60 error']);
    const stylish = lintCli(['demo', '--report-unused-disable-directives=error'], root);
    expect(stylish.stdout).toContain('no finding of unit/invalid-boolean on line 7');
    expect(stylish.stdout).toMatch(/error .*comment\/unused-disable/);
    const bogus = lintCli(['demo', '--report-unused-disable-directives=bogus'], root);
    expect(bogus.status).toBe(2);
    expect(bogus.stderr).toContain('takes error, warning, info or off, not "bogus"');
    writeFileSync(join(root, 'composable-lint.json'), JSON.stringify({ rules: { 'comment/unused-disable': 'error' } }));
    expect(unused(lintCli(['demo', '--format', 'json'], root).stdout)).toEqual(['1:27 error', '6:60 error']);
    expect(unused(lintCli(['demo', '--report-unused-disable-directives=off', '--format', 'json'], root).stdout)).toEqual([]);
  }, 60_000);

  it('is listed as off by default', () => {
    const list = lintCli(['--list-rules'], REPO).stdout;
    expect(list).toMatch(/^comment\/unused-disable\s+off\s/m);
    expect(list).toMatch(/^comment\/unknown-rule\s+warning\s/m);
  }, 60_000);
});

describe('configuration discovery', () => {
  /** A package whose service runs as root: policy/runs-as-root, a warning by default. */
  const rootPkg = (dir: string) => demoPackage({ 'usr/lib/systemd/system/demo.service': '[Service]\nExecStart=/usr/bin/demo\n' }, dir);
  const config = (severity: string) => JSON.stringify({ rules: { 'policy/runs-as-root': severity } });
  const severities = (stdout: string) =>
    Object.fromEntries(
      (JSON.parse(stdout) as { diagnostics: { file: string; ruleId: string; severity: string }[] }).diagnostics
        .filter((d) => d.ruleId === 'policy/runs-as-root')
        .map((d) => [d.file.split('/usr/')[0]!, d.severity]),
    );

  it('uses the nearest composable-lint.json above each path, up to the repository root', () => {
    const top = tree({
      // Above the repository: never read from inside it.
      'composable-lint.json': config('off'),
      'repo/.git/HEAD': 'ref: refs/heads/main\n',
      'repo/composable-lint.json': config('info'),
      'repo/teams/strict/composable-lint.json': config('error'),
      ...rootPkg('repo/teams/strict/pkgs/a'),
      ...rootPkg('repo/teams/other/b'),
      ...rootPkg('repo/c'),
      ...rootPkg('elsewhere/d'),
      'repo2/.git/HEAD': 'ref: refs/heads/main\n',
      ...rootPkg('repo2/e'),
    });
    const repo = join(top, 'repo');
    // From the repository's root, and from a directory the paths are not in.
    for (const cwd of [repo, join(top, 'elsewhere')]) {
      const abs = (p: string) => join(repo, p);
      const r = lintCli([abs('teams/strict/pkgs/a'), abs('teams/other/b'), abs('c'), '--format', 'json'], cwd);
      expect(r.status, r.stderr).toBe(1);
      expect(severities(r.stdout)).toEqual({
        [abs('teams/strict/pkgs/a')]: 'error',
        [abs('teams/other/b')]: 'info',
        [abs('c')]: 'info',
      });
    }
    // A unit file given by itself finds the configuration above its directory.
    const unit = lintCli(['teams/strict/pkgs/a/usr/lib/systemd/system/demo.service', '--format', 'json'], repo);
    expect(Object.values(severities(unit.stdout))).toEqual(['error']);
    // Outside any repository the search goes on to the file system's root: here, the top directory's file.
    expect(severities(lintCli(['d', '--format', 'json'], join(top, 'elsewhere')).stdout)).toEqual({});
    // A repository without one has no configuration: the search stops at its root.
    expect(severities(lintCli(['e', '--format', 'json'], join(top, 'repo2')).stdout)).toEqual({ e: 'warning' });
  }, 60_000);

  it('--config FILE is used for every path, and --no-config for none', () => {
    const top = tree({
      'repo/.git': 'gitdir: /somewhere/else\n',
      'repo/composable-lint.json': config('error'),
      'custom.json': config('info'),
      ...rootPkg('repo/a'),
    });
    const repo = join(top, 'repo');
    expect(severities(lintCli(['a', '--format', 'json'], repo).stdout)).toEqual({ a: 'error' });
    expect(severities(lintCli(['a', '--format', 'json', '--config', join(top, 'custom.json')], repo).stdout)).toEqual({ a: 'info' });
    expect(severities(lintCli(['a', '--format', 'json', '--no-config'], repo).stdout)).toEqual({ a: 'warning' });
  }, 60_000);
});

describe('colors and --verbose', () => {
  const ANSI = /\u001b\[/;
  const broken = () => tree(demoPackage({ 'usr/lib/systemd/system/demo.service': '[Service]\nExecStart=/usr/bin/demo\nExecStrat=x\n' }));

  it('colors stylish output with FORCE_COLOR, even into a pipe and with NO_COLOR, and not with NO_COLOR alone', () => {
    const root = broken();
    expect(lintCli(['demo'], root, { env: { FORCE_COLOR: '1' } }).stdout).toMatch(ANSI);
    expect(lintCli(['demo'], root, { env: { FORCE_COLOR: '2', NO_COLOR: '1' } }).stdout).toMatch(ANSI);
    expect(lintCli(['demo'], root, { env: { FORCE_COLOR: '0' } }).stdout).not.toMatch(ANSI);
    const plain = lintCli(['demo'], root, { env: { NO_COLOR: '1' } });
    expect(plain.stdout).toContain('unit/unknown-directive');
    expect(plain.stdout).not.toMatch(ANSI);
    expect(lintCli(['demo', '--no-color'], root, { env: { FORCE_COLOR: '1' } }).stdout).not.toMatch(ANSI);
    // JSON is never colored.
    expect(lintCli(['demo', '--format', 'json'], root, { env: { FORCE_COLOR: '1' } }).stdout).not.toMatch(ANSI);
  }, 60_000);

  it('-v prints the configuration and every file linted to standard error, and leaves the report alone', () => {
    const root = broken();
    writeFileSync(join(root, 'composable-lint.json'), '{}\n');
    const quiet = lintCli(['demo'], root);
    const verbose = lintCli(['demo', '-v'], root);
    expect(verbose.stdout).toBe(quiet.stdout);
    expect(quiet.stderr).toBe('');
    expect(verbose.stderr).toContain(`demo: configuration ${join(root, 'composable-lint.json')}`);
    expect(verbose.stderr).toContain('linted demo/usr/lib/os-release');
    expect(verbose.stderr).toContain('linted demo/usr/lib/systemd/system/demo.service');
    const none = lintCli(['demo', '--verbose', '--no-config'], root);
    expect(none.stderr).toContain('demo: no configuration file');
  }, 60_000);
});

describe('composable lint - (standard input)', () => {
  const BROKEN_UNIT = '[Unit]\nDescription=Demo\n[Service]\nExecStrat=/usr/bin/demo\nDynamicUser=yes\n';
  const found = (stdout: string) =>
    (JSON.parse(stdout) as { diagnostics: { file: string; line: number; ruleId: string }[] }).diagnostics.map(
      (d) => `${d.file}:${d.line} ${d.ruleId}`,
    );

  it('lints the unit file on standard input as stdin.service, or as --stdin-filename names it', () => {
    const root = tree({ 'units/.keep': '' });
    const r = lintCli(['-', '--format', 'json'], root, { input: BROKEN_UNIT });
    expect(r.status, r.stderr).toBe(1);
    expect(found(r.stdout)).toContain('stdin.service:4 unit/unknown-directive');
    const stylish = lintCli(['-'], root, { input: BROKEN_UNIT });
    expect(stylish.stdout).toContain('stdin.service:4:1 error');
    expect(stylish.stdout).toContain('ExecStrat=/usr/bin/demo'); // the code frame, from standard input
    const named = lintCli(['-', '--stdin-filename', 'units/web.service', '--format', 'json'], root, { input: BROKEN_UNIT });
    expect(found(named.stdout)).toContain('units/web.service:4 unit/unknown-directive');
    const clean = lintCli(['-', '--stdin-filename', 'web.service'], root, { input: BROKEN_UNIT.replace('ExecStrat', 'ExecStart') });
    expect(clean.status, clean.stdout).toBe(0);
  }, 60_000);

  it('takes the configuration and the sibling units from where --stdin-filename says the file is', () => {
    const root = tree({
      'units/composable-lint.json': JSON.stringify({ rules: { 'unit/unknown-directive': 'off' } }),
      'units/demo.service': '[Service]\nExecStart=/usr/bin/demo\nDynamicUser=yes\n',
    });
    const timer = '[Timer]\nOnCalendar=daily\nPersistant=true\n';
    const there = lintCli(['-', '--stdin-filename', 'units/demo.timer', '--format', 'json'], root, { input: timer });
    expect(found(there.stdout).filter((d) => /unknown-directive|missing-activated-unit/.test(d))).toEqual([]);
    const elsewhere = lintCli(['-', '--stdin-filename', 'demo.timer', '--format', 'json'], root, { input: timer });
    expect(found(elsewhere.stdout)).toEqual(
      expect.arrayContaining(['demo.timer:1 unit/missing-activated-unit', 'demo.timer:3 unit/unknown-directive']),
    );
  }, 60_000);

  it('is a usage error with other paths or with a name that is no unit file', () => {
    const root = tree(demoPackage());
    const mixed = lintCli(['-', 'demo'], root, { input: BROKEN_UNIT });
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toContain('cannot be linted with other paths');
    // A bare --report-unused-disable-directives before - leaves - a path.
    const unused = lintCli(['--report-unused-disable-directives', '-'], root, {
      input: `# composable-lint-disable=unit/syntax\n${BROKEN_UNIT}`,
    });
    expect(unused.stdout).toContain('stdin.service:1:27 warning Unused composable-lint-disable comment');
    const badName = lintCli(['-', '--stdin-filename', 'notes.txt'], root, { input: BROKEN_UNIT });
    expect(badName.status).toBe(2);
    expect(badName.stderr).toContain('not a unit file name');
  }, 60_000);
});

// The engine around the rules: inputs (package, artifact, unit file, unit directory, metadata),
// configuration, inline suppressions, deterministic order, and the CLI's exit codes.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigFile, LintConfigError, validateConfig } from '../../lint/config.ts';
import { lint, lintUnitText } from '../../lint/engine.ts';
import { LintInputError } from '../../lint/inputs/index.ts';
import { RULE_IDS } from '../../lint/rules/index.ts';
import { demoPackage, demoUnit, materialize, metadataFixture, demoService, METADATA_FILE, UNIT_DIR } from '../../lint/testing/fixtures.ts';

const roots: string[] = [];
function tree(files: Parameters<typeof materialize>[0]): string {
  const root = materialize(files);
  roots.push(root);
  return root;
}
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

const BROKEN = '[Unit]\nDescription=Demo\n[Service]\nExecStart=/usr/bin/demo\nExecStrat=/usr/bin/demo\nDynamicUser=maybe\n';

describe('inputs', () => {
  it('lints a package directory, with paths as given', async () => {
    const root = tree(demoUnit('demo.service', BROKEN));
    const r = await lint(['demo'], { cwd: root });
    const ids = r.diagnostics.map((d) => `${d.file}:${d.line} ${d.ruleId}`);
    expect(ids).toContain(`${UNIT_DIR}/demo.service:5 unit/unknown-directive`);
    expect(ids).toContain(`${UNIT_DIR}/demo.service:6 unit/invalid-boolean`);
    expect(r.sources.get(`${UNIT_DIR}/demo.service`)).toBe(BROKEN);
  });

  it('lints .tar and .tar.gz artifacts like the directory they came from', async () => {
    const root = tree(demoUnit('demo.service', BROKEN));
    expect(spawnSync('tar', ['-cf', 'demo-1.0.tar', '-C', 'demo', '.'], { cwd: root }).status).toBe(0);
    expect(spawnSync('tar', ['-czf', 'demo-1.0.tar.gz', 'demo'], { cwd: root }).status).toBe(0);
    const dir = await lint(['demo'], { cwd: root });
    const strip = (file: string): string => file.replace(/^demo-1\.0\.tar(\.gz)?!\//, '').replace(/^demo\//, '');
    const shape = (r: typeof dir) => r.diagnostics.map((d) => `${strip(d.file)}:${d.line}:${d.column} ${d.ruleId} ${d.message}`);
    for (const artifact of ['demo-1.0.tar', 'demo-1.0.tar.gz']) {
      const r = await lint([artifact], { cwd: root });
      expect(r.diagnostics[0]!.file.startsWith(`${artifact}!/`)).toBe(true);
      expect(shape(r)).toEqual(shape(dir));
    }
  });

  it('lints a loose unit file, finding its siblings in the same directory', async () => {
    const root = tree({
      'units/demo.timer': '[Timer]\nOnCalendar=daily\n',
      'units/demo.service': '[Service]\nExecStart=/usr/bin/demo\n',
      'units/other.timer': '[Timer]\nOnCalendar=hourly\n',
    });
    const r = await lint(['units/demo.timer', 'units/other.timer'], { cwd: root });
    const missing = r.diagnostics.filter((d) => d.ruleId === 'unit/missing-activated-unit').map((d) => d.file);
    expect(missing).toEqual(['units/other.timer']);
  });

  it('lints every unit file of a directory that is not a package', async () => {
    const root = tree({ 'units/a.service': BROKEN, 'units/b.service': BROKEN, 'units/README': 'x' });
    const r = await lint(['units'], { cwd: root });
    expect([...new Set(r.diagnostics.filter((d) => d.ruleId === 'unit/unknown-directive').map((d) => d.file))]).toEqual([
      'units/a.service',
      'units/b.service',
    ]);
  });

  it('lints metadata, resolving store paths below the root its path implies', async () => {
    const root = tree(
      metadataFixture(
        { schemaVersion: 1, services: [demoService(), { name: 'gone', source: '/run/composable/store/gone-1' }] },
        { 'demo-1.0': {} },
      ),
    );
    const r = await lint([METADATA_FILE], { cwd: root });
    expect(r.diagnostics.map((d) => `${d.ruleId} ${d.line}`)).toEqual(['metadata/missing-package 10']);
  });

  it('refuses paths it cannot read or does not know', async () => {
    const root = tree({ 'notes.txt': 'hello' });
    await expect(lint(['missing-dir'], { cwd: root })).rejects.toThrow(LintInputError);
    await expect(lint(['notes.txt'], { cwd: root })).rejects.toThrow(/not something composable lint reads/);
    await expect(lint([], { cwd: root })).rejects.toThrow(LintInputError);
  });
});

describe('order', () => {
  it('is by file, line, column and rule, whatever the order of the inputs', async () => {
    const root = tree({
      ...demoUnit('demo.service', BROKEN),
      ...demoPackage(
        {
          'usr/lib/os-release': 'NAME=B\nID=b\nVERSION_ID=1\n',
          'usr/lib/systemd/system/demo.service': null,
          'usr/lib/systemd/system/b.service': BROKEN,
        },
        'b',
      ),
    });
    const one = await lint(['demo', 'b'], { cwd: root });
    const two = await lint(['b', 'demo'], { cwd: root });
    expect(two.diagnostics).toEqual(one.diagnostics);
    const keys = one.diagnostics.map((d) => [d.file, d.line, d.column, d.ruleId] as const);
    const sorted = [...keys].sort((a, b) =>
      a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] - b[1] || a[2] - b[2] || (a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : 0),
    );
    expect(keys).toEqual(sorted);
  });
});

describe('configuration', () => {
  it('changes severities and turns rules off', () => {
    const base = lintUnitText('demo.service', BROKEN);
    expect(base.diagnostics.find((d) => d.ruleId === 'unit/unknown-directive')!.severity).toBe('error');
    const r = lintUnitText('demo.service', BROKEN, {
      config: { rules: { 'unit/unknown-directive': 'warning', 'unit/invalid-boolean': 'off' } },
    });
    expect(r.diagnostics.find((d) => d.ruleId === 'unit/unknown-directive')!.severity).toBe('warning');
    expect(r.diagnostics.find((d) => d.ruleId === 'unit/invalid-boolean')).toBeUndefined();
  });

  it('rejects unknown rules and invalid policy values with the file name', () => {
    expect(() => validateConfig({ rules: { 'unit/unknwon-directive': 'off' } }, 'composable-lint.json', RULE_IDS)).toThrow(
      /unknown rule "unit\/unknwon-directive"/,
    );
    expect(() => validateConfig({ rules: { 'unit/syntax': 'loud' } }, 'c.json', RULE_IDS)).toThrow(LintConfigError);
    expect(() => validateConfig({ policy: { minSystemdVersion: 'new' } }, 'c.json', RULE_IDS)).toThrow(/policy\.minSystemdVersion/);
    expect(() => validateConfig({ policy: { allowedProfile: ['strict'] } }, 'c.json', RULE_IDS)).toThrow(/allowedProfile/);
    const root = tree({ 'c.json': '{ "rules": { } ,, }' });
    expect(() => loadConfigFile(join(root, 'c.json'), RULE_IDS)).toThrow(/c\.json:1:17: expected a string/);
  });
});

describe('inline suppressions', () => {
  it('disable a rule for the whole file or for the next assignment', () => {
    const text = [
      '# composable-lint-disable=policy/runs-as-root',
      '[Service]',
      'ExecStart=/usr/bin/demo',
      '# composable-lint-disable-next-line=unit/unknown-directive',
      '',
      'ExecStrat=/usr/bin/demo',
      'ProtectSytem=strict',
      '',
    ].join('\n');
    const r = lintUnitText('demo.service', text);
    expect(r.diagnostics.map((d) => `${d.line} ${d.ruleId}`)).toEqual(expect.arrayContaining(['7 unit/unknown-directive']));
    expect(r.diagnostics.find((d) => d.line === 6 && d.ruleId === 'unit/unknown-directive')).toBeUndefined();
    expect(r.diagnostics.find((d) => d.ruleId === 'policy/runs-as-root')).toBeUndefined();
    expect(
      lintUnitText('demo.service', text.replace(/^# composable-lint-disable=.*\n/, '')).diagnostics.find(
        (d) => d.ruleId === 'policy/runs-as-root',
      ),
    ).toBeDefined();
  });

  it('work in os-release too', async () => {
    const root = tree(
      demoPackage({
        'usr/lib/os-release':
          'NAME=Demo\nID=demo\nVERSION_ID=1\n; composable-lint-disable-next-line=package/os-release-field\nCOMPOSABLE_FOO=1\n',
      }),
    );
    const r = await lint(['demo'], { cwd: root });
    expect(r.diagnostics.filter((d) => d.ruleId === 'package/os-release-field')).toEqual([]);
  });

  it("work in a unit file for a package rule's finding there", async () => {
    const dropIn = '[Service]\nEnvironment=LEVEL=info\r\nNice=5\n';
    const finding = async (text: string) =>
      (await lint(['demo'], { cwd: tree(demoPackage({ 'usr/lib/systemd/system/demo.service.d/10-env.conf': text })) })).diagnostics.filter(
        (d) => d.ruleId === 'package/crlf-line-endings',
      );
    expect(await finding(dropIn)).toHaveLength(1);
    expect(await finding(`# composable-lint-disable=package/crlf-line-endings\n${dropIn}`)).toEqual([]);
  });
});

const PROJECT = join(dirname(fileURLToPath(import.meta.url)), '../..');
// tsx's loader by URL: the CLI runs in temporary directories where `--import tsx` would not resolve.
const TSX = pathToFileURL(join(PROJECT, 'node_modules/tsx/dist/loader.mjs')).href;

describe('composable lint (CLI)', () => {
  const cli = (args: string[], cwd: string) =>
    spawnSync(process.execPath, ['--import', TSX, join(PROJECT, 'cli/main.ts'), 'lint', ...args], {
      cwd,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NO_COLOR: '1' },
    });

  it('exits 0 when clean, 1 on errors, 2 on usage errors', () => {
    const root = tree({ ...demoPackage(), 'bad/x.service': BROKEN });
    writeFileSync(join(root, 'composable-lint.json'), JSON.stringify({ rules: { 'coherence/exec-from-container': 'off' } }));
    const clean = cli(['demo'], root);
    expect(clean.stderr).toBe('');
    expect(clean.stdout).toBe('');
    expect(clean.status).toBe(0);
    const bad = cli(['bad/x.service', '--format', 'json'], root);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).errorCount).toBeGreaterThan(0);
    expect(cli(['nope'], root).status).toBe(2);
    expect(cli([], root).status).toBe(2);
    expect(cli(['demo', '--format', 'xml'], root).status).toBe(2);
  }, 60_000);

  it('exits 1 when warnings exceed --max-warnings and writes annotations with --format github', () => {
    const root = tree({ 'u/demo.service': '[Service]\nExecStart=/usr/bin/demo\n' });
    const ok = cli(['u/demo.service', '--no-config'], root);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('policy/runs-as-root');
    const over = cli(['u/demo.service', '--max-warnings', '0', '--format', 'github'], root);
    expect(over.status).toBe(1);
    expect(over.stdout).toMatch(/^::warning file=u\/demo\.service,line=1,col=1,/m);
    expect(cli(['--list-rules'], root).stdout).toContain('unit/unknown-directive');
  }, 60_000);
});

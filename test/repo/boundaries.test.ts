// The rooms' import boundaries (docs/architecture.md, "Rooms"), checked by dependency-cruiser with
// the project's own rules: they hold on the tree, and they do catch a wrong import and a cycle.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');
const DEPCRUISE = join(REPO, 'node_modules/.bin/depcruise');
const CONFIG = join(REPO, '.dependency-cruiser.cjs');
const ROOMS = ['sdk', 'generator', 'host', 'lint', 'cli', 'test', 'bench', 'scripts', 'templates'];

function cruise(cwd: string, folders: string[]): { status: number | null; out: string } {
  const r = spawnSync(DEPCRUISE, [...folders, '--config', CONFIG, '--output-type', 'err'], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const work = mkdtempSync(join(tmpdir(), 'composable-boundaries-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A small tree with the rooms' names, one file per entry. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(work, 'tree-'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', allowImportingTsExtensions: true, noEmit: true } }),
  );
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

describe('import boundaries', () => {
  it('hold on the repository', () => {
    const r = cruise(REPO, ROOMS);
    expect(r.out).toContain('no dependency violations found');
    expect(r.status).toBe(0);
  });

  it('fail when sdk/ imports the generator, naming the rule and the import', () => {
    const dir = tree({
      'sdk/a.ts': "import { b } from '../generator/b.ts';\nexport const a = b;\n",
      'generator/b.ts': 'export const b = 1;\n',
    });
    const r = cruise(dir, ['sdk', 'generator']);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('sdk-imports-sdk-only');
    expect(r.out).toContain('sdk/a.ts → generator/b.ts');
  });

  it('fail when generator/ imports the host side or the linter', () => {
    const dir = tree({
      'generator/a.ts': "import { h } from '../host/h.ts';\nimport { l } from '../lint/l.ts';\nexport const a = h + l;\n",
      'host/h.ts': 'export const h = 1;\n',
      'lint/l.ts': 'export const l = 1;\n',
    });
    const r = cruise(dir, ['generator', 'host', 'lint']);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('generator-imports-sdk-only');
    expect(r.out).toContain('generator/a.ts → host/h.ts');
    expect(r.out).toContain('generator/a.ts → lint/l.ts');
  });

  it('fail on an import cycle', () => {
    const dir = tree({
      'sdk/a.ts': "import { b } from './b.ts';\nexport const a = (): number => b();\n",
      'sdk/b.ts': "import { a } from './a.ts';\nexport const b = (): number => a();\n",
    });
    const r = cruise(dir, ['sdk']);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('no-circular');
  });
});

describe('the formatter and linter for the project code', () => {
  const BIOME = join(REPO, 'node_modules/.bin/biome');
  it('pass on the repository', () => {
    expect(() =>
      execFileSync(BIOME, ['ci', '--error-on-warnings', '--colors=off', '.'], { cwd: REPO, encoding: 'utf8', stdio: 'pipe' }),
    ).not.toThrow();
  });

  it('fail on an unformatted line and on a lint finding, naming the file', () => {
    const dir = tree({ 'sdk/ugly.ts': 'export const x = {a:1,   b:2}\n', 'sdk/any.ts': 'export const y = (v: any): any => v;\n' });
    writeFileSync(join(dir, 'biome.json'), readConfig());
    const r = spawnSync(BIOME, ['ci', '--error-on-warnings', '--colors=off', '.'], { cwd: dir, encoding: 'utf8' });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status).not.toBe(0);
    expect(out).toMatch(/sdk\/ugly\.ts format/);
    expect(out).toMatch(/sdk\/any\.ts:1:\d+ lint\/suspicious\/noExplicitAny/);
  });
});

/** The project's biome.json, without the VCS integration (the temporary tree is no git checkout). */
function readConfig(): string {
  const config = JSON.parse(execFileSync('cat', [join(REPO, 'biome.json')], { encoding: 'utf8' })) as Record<string, unknown>;
  delete config.vcs;
  delete config.$schema;
  return JSON.stringify(config);
}

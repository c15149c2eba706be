// composable init: every template gives a package that lints clean, passes composable test, and
// whose own test (written with composable-services/testing) passes.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATES } from '../../../sdk/scaffold.ts';
import { hasCommand } from '../../helpers/requirements.ts';

const REPO = join(import.meta.dirname, '../../..');
const CLI = join(REPO, 'dist/composable.mjs');
// Inside the repository, so the packages' tests resolve `composable-services/testing` to this checkout.
const work = join(REPO, '.tmp', `init-${process.pid}`);
const run = (args: string[]) =>
  execa('node', [CLI, ...args], { reject: false, cwd: REPO, env: { NO_COLOR: '1' }, timeout: 120_000, stdin: 'ignore' });

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('run `npm run build` first (npm test does)');
  mkdirSync(work, { recursive: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('composable init', () => {
  for (const template of TEMPLATES) {
    it(`${template}: lints clean, passes composable test and its own test`, async () => {
      const name = `my-${template}`;
      const dir = join(work, name);
      const init = await run(['init', dir, '--name', name, '--template', template]);
      expect(init.exitCode, init.stderr).toBe(0);
      const lint = await run(['lint', dir]);
      expect(lint.stdout + lint.stderr).toBe('');
      expect(lint.exitCode).toBe(0);
      const test = await run(['test', dir, '--for', '0.5']);
      expect(test.exitCode, test.stdout).toBe(0);
      writeFileSync(join(dir, 'vitest.config.mjs'), "export default { test: { include: ['test/**/*.test.ts'] } };\n");
      const own = await execa('npx', ['vitest', 'run', '--root', dir, '--config', 'vitest.config.mjs'], {
        reject: false,
        cwd: REPO,
        timeout: 120_000,
      });
      expect(own.exitCode, own.stdout + own.stderr).toBe(0);
      expect(own.stdout).toMatch(/Tests\s+.*1 passed/);
    }, 180_000);
  }

  it.skipIf(!hasCommand('script'))('asks for the name and template on a terminal', async () => {
    const dir = join(work, 'asked');
    // script(1) gives the command a terminal; the answers arrive as typed.
    const answers = "sleep 1; printf 'asked\\n'; sleep 0.5; printf 'timer\\n'; sleep 1";
    const r = await execa('sh', ['-c', `(${answers}) | script -qfec "node ${CLI} init ${dir}" /dev/null`], {
      reject: false,
      timeout: 30_000,
    });
    expect(r.stdout).toContain('package name:');
    expect(r.stdout).toContain('created asked (timer)');
    expect(existsSync(join(dir, 'usr/lib/systemd/system/asked.timer'))).toBe(true);
  });

  it('never overwrites, rejects bad names, and needs flags without a terminal', async () => {
    const dir = join(work, 'again');
    expect((await run(['init', dir, '--name', 'again', '--template', 'daemon'])).exitCode).toBe(0);
    const before = readFileSync(join(dir, 'usr/bin/again'), 'utf8');
    writeFileSync(join(dir, 'usr/bin/again'), 'mine\n');
    const again = await run(['init', dir, '--name', 'again', '--template', 'daemon']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('not overwriting existing files');
    expect(again.stderr).toContain('usr/bin/again');
    expect(readFileSync(join(dir, 'usr/bin/again'), 'utf8')).toBe('mine\n');
    expect(before).toContain('again: started');
    const bad = await run(['init', join(work, 'bad'), '--name', 'Bad Name!', '--template', 'daemon']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('cannot be a package name');
    expect(existsSync(join(work, 'bad'))).toBe(false);
    const noFlags = await run(['init', join(work, 'x')]);
    expect(noFlags.exitCode).toBe(2);
    expect(noFlags.stderr).toContain('give --name NAME and --template');
    expect((await run(['init', join(work, 'y'), '--name', 'y', '--template', 'nope'])).exitCode).toBe(2);
  });
});

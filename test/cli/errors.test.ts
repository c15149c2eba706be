// Every command's answer to a path it cannot read, and the exit codes (issue 25, docs/cli.md
// "Exit codes and errors"), through the bundled CLI as a user runs it (npm test builds dist/).
// The table has a row for every registered command, so a new command cannot skip it.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '../../dist/composable.mjs');
const REPO = join(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'composable-errors-'));

const run = (args: string[]) => execa('node', [CLI, ...args], { reject: false, cwd: REPO, env: { NO_COLOR: '1' }, timeout: 60_000 });

/** Where a command's output would go: each case's own, checked to stay unwritten. */
const outputOf = (name: string): string => join(tmp, 'out', name);

/**
 * For each command, the command lines that give it `path` where it reads one (an argument, or an
 * option naming a file or directory it reads); `[]` for a command that reads no path it is given.
 * Paths it writes (`--out`, `-o`, `metadata write --root`) are not here: they need not exist.
 */
const PATH_CASES: Record<string, (path: string) => string[][]> = {
  init: (p) => [['init', p, '--complete-chroot']],
  lint: (p) => [
    ['lint', p],
    ['lint', 'examples/logship', '-c', p],
    ['lint', 'examples/metadata.json', '--root', p],
  ],
  test: (p) => [['test', p]],
  pack: (p) => [
    ['pack', p, '-o', `${outputOf('pack')}/`],
    ['pack', 'examples/logship', '-c', p, '-o', `${outputOf('pack-config')}/`],
  ],
  inspect: (p) => [['inspect', p]],
  generate: (p) => [['generate', '--root', p, '--out', outputOf('generate')]],
  render: (p) => [['render', '--root', p, '--out', outputOf('render')]],
  metadata: (p) => [
    ['metadata', 'validate', p],
    ['metadata', 'write', '--from', p, '--root', outputOf('metadata')],
  ],
  // A schema's name is no path.
  schema: () => [],
  apply: (p) => [['apply', '--root', p, '--dry-run']],
  status: (p) => [['status', '--root', p]],
  // demo reads only the examples shipped with composable.
  demo: () => [],
  podman: (p) => [
    ['podman', '--metadata', p],
    ['podman', '--metadata', 'examples/metadata.json', '--package', `logship=${p}`, '--run-dir', outputOf('podman'), '--image', 'x'],
    [
      'podman',
      '--metadata',
      'examples/metadata.json',
      '--credential',
      `logship/token=${p}`,
      '--run-dir',
      outputOf('podman'),
      '--image',
      'x',
    ],
  ],
  kube: (p) => [
    ['kube', '--metadata', p],
    ['kube', '--metadata', 'examples/metadata.json', '--registry', 'r.example', '--package', `logship=${p}`],
    ['kube', '--metadata', 'examples/metadata.json', '--render', '--package-dir', `logship=${p}`],
  ],
};

const asRoot = process.getuid?.() === 0;
/** Each kind of path that cannot be read, and the reason every command must give for it. */
const BAD_PATHS: { kind: string; path: string; reason: string }[] = [
  { kind: 'missing', path: join(tmp, 'missing'), reason: 'no such file or directory' },
  { kind: 'under a regular file', path: join(tmp, 'file/below'), reason: 'not a directory' },
  // A mode stops no read by root, so as root this kind is left to the two above.
  ...(asRoot ? [] : [{ kind: 'unreadable', path: join(tmp, 'locked/below'), reason: 'permission denied' }]),
];

const cases = Object.entries(PATH_CASES).flatMap(([command, argsFor]) =>
  BAD_PATHS.flatMap((bad) => argsFor(bad.path).map((args) => ({ command, ...bad, args }))),
);

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/composable.mjs is missing: run `npm run build` (npm test does)');
  writeFileSync(join(tmp, 'file'), 'a regular file\n');
  mkdirSync(join(tmp, 'locked'));
  chmodSync(join(tmp, 'locked'), 0o000);
});
afterAll(() => {
  chmodSync(join(tmp, 'locked'), 0o700);
  rmSync(tmp, { recursive: true, force: true });
});

/** The commands `composable --help` lists: what cli/program.ts registers. */
async function registeredCommands(): Promise<string[]> {
  const help = await run(['--help']);
  expect(help.exitCode).toBe(0);
  const listed = help.stdout.slice(help.stdout.indexOf('Commands:'));
  return [...listed.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!).filter((name) => name !== 'help');
}

describe('a path a command cannot read: composable: cannot read PATH: REASON, exit 2', () => {
  it('the table has a row for every registered command, and no other', async () => {
    expect(Object.keys(PATH_CASES).sort()).toEqual((await registeredCommands()).sort());
  });

  it.concurrent.each(cases)('$command ($kind): $args', async ({ path, reason, args }) => {
    const r = await run(args);
    expect(r.stderr).toBe(`composable: cannot read ${path}: ${reason}`);
    expect(r.stdout).toBe('');
    expect(r.exitCode).toBe(2);
  });

  it('nothing was written for any of them', () => {
    expect(existsSync(join(tmp, 'out'))).toBe(false);
  });
});

describe('usage errors exit 2, as commander reports them', () => {
  it('an unknown command', async () => {
    const r = await run(['frobnicate']);
    expect(r.stderr).toContain("error: unknown command 'frobnicate'");
    expect(r.exitCode).toBe(2);
  });

  // commander checks a command's required options (render's --root, kube's --metadata) first.
  it.concurrent.each(Object.keys(PATH_CASES))('%s: an unknown option', async (command) => {
    const r = await run([command, '--no-such-option']);
    expect(r.stderr).toMatch(/^error: (unknown option '--no-such-option'|required option '[^']+' not specified)$/m);
    expect(r.exitCode).toBe(2);
  });

  it.concurrent.each([
    ['a missing argument', ['inspect'], "error: missing required argument 'path'"],
    ['a missing required option', ['render', '--out', outputOf('render-usage')], "error: required option '--root <dir>' not specified"],
    [
      'a value outside the choices',
      ['lint', '-f', 'xml', 'examples/logship'],
      "error: option '-f, --format <format>' argument 'xml' is invalid",
    ],
    ['an option without its value', ['pack', 'examples/logship', '--format'], "error: option '--format <format>' argument missing"],
  ])('%s', async (_what, args, message) => {
    const r = await run(args);
    expect(r.stderr).toContain(message);
    expect(r.exitCode).toBe(2);
  });
});

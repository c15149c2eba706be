// Exec*= command lines (systemd.service(5), "Command lines"; config_parse_exec() of systemd 252):
// tables, formatting round trips, in-place executable rewriting, and agreement with
// `systemd-analyze verify` on what systemd accepts, ignores or refuses.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  formatCommandLine,
  formatCommandLines,
  parseCommandLine,
  parseExecPrefix,
  replaceExecutable,
  type ExecCommand,
  type ExecPrefixes,
} from '../../../sdk/unit-file/command-line.ts';
import { missingRequirements, requirement } from '../../helpers/requirements.ts';

const NONE: ExecPrefixes = {
  ignoreFailure: false,
  argv0Override: false,
  noEnvExpand: false,
  fullPrivileges: false,
  noUserChange: false,
  ambientFallback: false,
};
function prefixes(p: Partial<ExecPrefixes>): ExecPrefixes {
  return { ...NONE, ...p };
}
function commands(value: string): ExecCommand[] {
  const r = parseCommandLine(value);
  if (!r.ok) throw new Error(`${value}: ${r.message}`);
  return r.commands;
}

describe('prefixes', () => {
  it.each([
    ['/bin/x', '', {}],
    ['-/bin/x', '-', { ignoreFailure: true }],
    ['@/bin/x a0', '@', { argv0Override: true }],
    [':/bin/x', ':', { noEnvExpand: true }],
    ['+/bin/x', '+', { fullPrivileges: true }],
    ['!/bin/x', '!', { noUserChange: true }],
    ['!!/bin/x', '!!', { ambientFallback: true }],
    ['-+/bin/x', '-+', { ignoreFailure: true, fullPrivileges: true }],
    ['+-/bin/x', '+-', { ignoreFailure: true, fullPrivileges: true }],
    ['-@:!!/bin/x a0', '-@:!!', { ignoreFailure: true, argv0Override: true, noEnvExpand: true, ambientFallback: true }],
    ['!-!/bin/x', '!-!', { ignoreFailure: true, ambientFallback: true }],
    [':-@+/bin/x a0', ':-@+', { ignoreFailure: true, argv0Override: true, noEnvExpand: true, fullPrivileges: true }],
    ['"-/bin/x"', '-', { ignoreFailure: true }],
    ['-"/bin/x"', '-', { ignoreFailure: true }],
  ])('%j', (value, rawPrefix, flags) => {
    const [c] = commands(value);
    expect(c).toMatchObject({ rawPrefix, path: '/bin/x', prefixes: prefixes(flags) });
  });

  it('stops at a repeated or conflicting prefix, which is then part of the executable', () => {
    expect(parseExecPrefix('--x')).toEqual({ prefixes: prefixes({ ignoreFailure: true }), length: 1 });
    expect(parseExecPrefix('!!!x')).toEqual({ prefixes: prefixes({ ambientFallback: true }), length: 2 });
    expect(parseExecPrefix('+!x')).toEqual({ prefixes: prefixes({ fullPrivileges: true }), length: 1 });
    expect(parseExecPrefix('!+x')).toEqual({ prefixes: prefixes({ noUserChange: true }), length: 1 });
    expect(parseExecPrefix('!!+x')).toEqual({ prefixes: prefixes({ ambientFallback: true }), length: 2 });
    // A bare name that keeps a prefix character: "--foo" is "-" and the program "-foo".
    expect(commands('--foo')[0]).toMatchObject({ rawPrefix: '-', path: '-foo', argv: ['-foo'] });
  });
});

describe('words', () => {
  it.each([
    ['/bin/echo a  b\tc', ['/bin/echo', 'a', 'b', 'c']],
    ['/bin/echo "a b" \'c d\' e"f g"h', ['/bin/echo', 'a b', 'c d', 'ef gh']],
    ['/bin/echo "" \'\'', ['/bin/echo', '', '']],
    ['/bin/echo \\t \\n \\\\ \\" \\\' \\s \\a', ['/bin/echo', '\t', '\n', '\\', '"', "'", ' ', '\x07']],
    ['/bin/echo "in \\"quotes\\"" \'single \\\' too\'', ['/bin/echo', 'in "quotes"', "single ' too"]],
    ['/bin/echo \\x41\\102\\u00e9\\U0001F600', ['/bin/echo', 'AB\u00e9\u{1F600}']],
    ['/bin/echo \\xc3\\xa9 \\303\\251', ['/bin/echo', '\u00e9', '\u00e9']],
    ['/bin/echo $HOME ${A} $$ %i %%', ['/bin/echo', '$HOME', '${A}', '$$', '%i', '%%']],
    ['/bin/echo a#b c;d', ['/bin/echo', 'a#b', 'c;d']],
    ['/bin/echo \\;', ['/bin/echo', ';']],
    ['/bin/echo \\; x', ['/bin/echo', ';', 'x']],
    ['/bin/echo ";" \';\'', ['/bin/echo', ';', ';']],
    ['/bin/echo \\\\;', ['/bin/echo', '\\;']],
    ['/bin/echo a\\;', ['/bin/echo', 'a\\;']],
    ['/bin/echo ;x', ['/bin/echo', ';x']],
    ['/usr//bin/./echo x', ['/usr//bin/./echo', 'x']],
    ['echo x', ['echo', 'x']],
    ['%h/bin/tool --x', ['%h/bin/tool', '--x']],
    ['%%odd', ['%%odd']],
  ])('%j', (value, argv) => {
    expect(commands(value).map((c) => c.argv)).toEqual([argv]);
  });

  it('keeps unknown escapes verbatim with a warning, as systemd does', () => {
    expect(parseCommandLine('/bin/echo \\q \\x4 \\x00 \\777 \\u12')).toEqual({
      ok: true,
      commands: [{ prefixes: NONE, rawPrefix: '', path: '/bin/echo', argv: ['/bin/echo', '\\q', '\\x4', '\\x00', '\\777', '\\u12'] }],
      warnings: [
        { column: 11, message: 'unknown escape sequences kept verbatim: "\\q"' },
        { column: 14, message: 'unknown escape sequences kept verbatim: "\\x4"' },
        { column: 18, message: 'unknown escape sequences kept verbatim: "\\x00"' },
        { column: 23, message: 'unknown escape sequences kept verbatim: "\\777"' },
        { column: 28, message: 'unknown escape sequences kept verbatim: "\\u12"' },
      ],
    });
  });

  it('simplifies the executable path but passes it as written in argv[0]', () => {
    expect(commands('/usr//bin/./echo x')[0]).toMatchObject({ path: '/usr/bin/echo', argv: ['/usr//bin/./echo', 'x'] });
  });

  it('takes argv[0] from the word after the executable with @', () => {
    expect(commands('@/usr/bin/busybox httpd -f')[0]).toMatchObject({ path: '/usr/bin/busybox', argv: ['httpd', '-f'] });
    expect(commands('@/bin/sh "my shell" -c x')[0]).toMatchObject({ path: '/bin/sh', argv: ['my shell', '-c', 'x'] });
    expect(commands('@/bin/x \\; y')[0]).toMatchObject({ argv: [';', 'y'] });
  });
});

describe('several commands', () => {
  it('are separated by a lone unquoted ";"', () => {
    expect(commands('/bin/a x ; /bin/b \\; y;z ; -c').map((c) => [c.rawPrefix, c.path, c.argv])).toEqual([
      ['', '/bin/a', ['/bin/a', 'x']],
      ['', '/bin/b', ['/bin/b', ';', 'y;z']],
      ['-', 'c', ['c']],
    ]);
    expect(commands('/bin/a;').map((c) => c.path)).toEqual(['/bin/a;']);
    expect(commands('/bin/a ;').map((c) => c.path)).toEqual(['/bin/a']);
    expect(commands('; /bin/a ; ; /bin/b').map((c) => c.path)).toEqual(['/bin/a', '/bin/b']);
    expect(commands('";" /bin/a').map((c) => c.path)).toEqual(['/bin/a']);
    expect(commands(';')).toEqual([]);
  });
});

describe('what systemd does not accept', () => {
  it.each([
    ['', 'empty command line (an empty assignment resets the list)', 1, false],
    ['bin/x', '"bin/x" is neither an absolute path nor a bare executable name', 1, true],
    ['-bin/x', '"bin/x" is neither an absolute path nor a bare executable name', 1, false],
    ['/bin/x a ; ..', '".." is neither an absolute path nor a bare executable name', 12, true],
    ['-', 'empty executable path in the command line', 1, false],
    ['@', 'empty executable path in the command line', 1, true],
    ['/bin/', 'executable path "/bin/" is a directory', 1, true],
    ['"/bin/x\\"y"', 'executable name "/bin/x"y" contains quotes, a backslash or control characters', 1, true],
    ['\\;', 'executable name "\\;" contains quotes, a backslash or control characters', 1, true],
    ['@/bin/x', 'the @ prefix needs the argv[0] word after the executable', 1, true],
    ['@/bin/x ; /bin/y', 'the @ prefix needs the argv[0] word after the executable', 1, true],
    ['/bin/echo "open', 'unterminated double quote', 11, true],
    ["-/bin/echo x'open", 'unterminated single quote', 13, false],
    ['"/bin/echo', 'unterminated double quote', 1, false],
    ['/bin/a ; "/bin/b', 'unterminated double quote', 10, false],
    ['/bin/echo "a\\', 'unterminated double quote', 11, true],
    ['%i/x', '"%i/x" is neither an absolute path nor a bare executable name', 1, true],
  ])('%j', (value, message, column, fatal) => {
    expect(parseCommandLine(value)).toMatchObject({ ok: false, message, column, fatal });
  });

  it('keeps the commands before a problem, as systemd does', () => {
    expect(parseCommandLine('/bin/a ; "/bin/b')).toMatchObject({ ok: false, commands: [{ path: '/bin/a' }] });
  });
});

describe('formatCommandLine', () => {
  const VALUES = [
    '/bin/true',
    '-/bin/x "a b" c',
    '@/bin/busybox httpd -p 80',
    '/bin/echo "quote\\"d" tab\\t ${V} %n $$',
    '/bin/echo \\;',
    '/bin/echo ""',
    '-+/usr/bin/x --a=1',
    '!!/bin/x',
    ':/bin/echo $HOME',
    '/usr//bin/./echo x',
    'logship --x',
    '@/bin/sh "my shell" -c "echo \\"hi\\""',
    "/bin/echo \\x01 \\u00e9 \u00fcml \\U0001F600 a\\\\b 'single'",
    '/bin/echo \\q',
    '/bin/echo ";" \\\\; #x',
    '--foo',
    '!-!/bin/x a',
    '-%h/bin/tool %i',
  ];
  it.each(VALUES)('parse(format(parse(%j))) is the same command', (value) => {
    for (const c of commands(value)) {
      const text = formatCommandLine(c);
      expect(commands(text), text).toEqual([c]);
    }
  });

  it('writes plain words plainly and quotes the rest', () => {
    expect(
      formatCommandLine({
        prefixes: NONE,
        rawPrefix: '',
        path: '/bin/echo',
        argv: ['/bin/echo', 'a', 'b c', '', ';', 'x"y', 'tab\there', '$HOME', '%i'],
      }),
    ).toBe('/bin/echo a "b c" "" \\; "x\\"y" "tab\\there" $HOME %i');
  });

  it('derives the prefix from the flags when rawPrefix does not match them', () => {
    expect(
      formatCommandLine({
        prefixes: prefixes({ ignoreFailure: true, fullPrivileges: true }),
        rawPrefix: '',
        path: '/bin/x',
        argv: ['/bin/x'],
      }),
    ).toBe('-+/bin/x');
    expect(formatCommandLine({ prefixes: prefixes({ argv0Override: true }), rawPrefix: '', path: '/bin/x', argv: ['zero', 'a'] })).toBe(
      '@/bin/x zero a',
    );
  });

  it('uses the new path when only `path` was changed, so argv[0] follows it', () => {
    const [c] = commands('-/usr/bin/foo --flag');
    const text = formatCommandLine({ ...c!, path: '/opt/pkg/usr/bin/foo' });
    expect(text).toBe('-/opt/pkg/usr/bin/foo --flag');
    expect(commands(text)[0]!.argv).toEqual(['/opt/pkg/usr/bin/foo', '--flag']);
  });

  it('refuses commands no command line can express', () => {
    expect(() => formatCommandLine({ prefixes: NONE, rawPrefix: '', path: '-foo', argv: ['-foo'] })).toThrow(TypeError);
    expect(() =>
      formatCommandLine({ prefixes: prefixes({ fullPrivileges: true, noUserChange: true }), rawPrefix: '', path: '/x', argv: ['/x'] }),
    ).toThrow(TypeError);
    expect(() => formatCommandLine({ prefixes: NONE, rawPrefix: '', path: 'bin/x', argv: ['bin/x'] })).toThrow(TypeError);
  });

  it('joins several commands with " ; "', () => {
    expect(formatCommandLines(commands('/bin/a 1 ; -/bin/b \\;'))).toBe('/bin/a 1 ; -/bin/b \\;');
  });
});

describe('replaceExecutable', () => {
  it.each([
    ['/usr/bin/foo', '/opt/composable/pkg/usr/bin/foo'],
    ['-+/usr/bin/foo --opt "a b" \'c\' $X %i \\q', '-+/opt/composable/pkg/usr/bin/foo --opt "a b" \'c\' $X %i \\q'],
    ['  "/usr/bin/foo"   x  ', '  /opt/composable/pkg/usr/bin/foo   x  '],
    ['"-/usr/bin/foo" x', '-/opt/composable/pkg/usr/bin/foo x'],
    ['@/usr/bin/foo foo-worker -v', '@/opt/composable/pkg/usr/bin/foo foo-worker -v'],
    [
      '/usr/bin/foo a ; !!/usr/bin/foo b \\; ; /bin/true',
      '/opt/composable/pkg/usr/bin/foo a ; !!/opt/composable/pkg/usr/bin/foo b \\; ; /bin/true',
    ],
  ])('%j', (value, want) => {
    const got = replaceExecutable(value, (p) => (p === '/usr/bin/foo' ? '/opt/composable/pkg/usr/bin/foo' : undefined));
    expect(got).toBe(want);
    const before = commands(value);
    const after = commands(got!);
    expect(after.map((c) => [c.prefixes, c.argv.slice(1)])).toEqual(before.map((c) => [c.prefixes, c.argv.slice(1)]));
  });

  it('takes a plain new path for every command', () => {
    expect(replaceExecutable('/bin/a 1 ; /bin/b 2', '/x/y')).toBe('/x/y 1 ; /x/y 2');
  });

  it('can keep argv[0] as it was with @', () => {
    const got = replaceExecutable('-/usr/bin/foo --x', '/opt/p/usr/bin/foo', { keepArgv0: true });
    expect(got).toBe('-@/opt/p/usr/bin/foo /usr/bin/foo --x');
    expect(commands(got!)[0]).toMatchObject({ path: '/opt/p/usr/bin/foo', argv: ['/usr/bin/foo', '--x'] });
  });

  it('quotes a new path that needs it, and refuses one systemd would not run', () => {
    expect(replaceExecutable('/usr/bin/foo x', '/opt/my pkg/foo')).toBe('"/opt/my pkg/foo" x');
    expect(() => replaceExecutable('/usr/bin/foo', 'relative/foo')).toThrow(TypeError);
  });

  it('gives undefined for a value that does not parse', () => {
    expect(replaceExecutable('/bin/echo "open', '/x')).toBeUndefined();
  });
});

const missing = missingRequirements([requirement.systemdAnalyze], 'command lines against systemd-analyze verify');

describe.skipIf(missing.length > 0)('agreement with systemd 252 itself', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unit-file-exec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function systemdSays(value: string, k: number): { outcome: 'ok' | 'ignored' | 'fatal'; output: string } {
    const file = join(dir, `exec${k}.service`);
    writeFileSync(file, `[Service]\nType=oneshot\nExecStart=/bin/true\nExecStartPre=${value}\n`);
    const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8', timeout: 30_000 });
    const output = `${r.stdout}${r.stderr}`;
    if (/fatal error/.test(output)) return { outcome: 'fatal', output };
    const lineMessages = output.split('\n').filter((l) => l.startsWith(`${file}:4:`) && !/Ignoring unknown escape sequences/.test(l));
    return { outcome: lineMessages.length > 0 ? 'ignored' : 'ok', output };
  }

  const CASES = [
    '/bin/true',
    '-/bin/true',
    '@/bin/true x',
    '!!/bin/true',
    '-+/bin/true',
    '/bin/echo "a b" \\; ; /bin/true',
    'true',
    '/bin/echo \\q \\x00',
    'bin/x',
    '-bin/x',
    '-',
    '@',
    '/bin/',
    '"/bin/x\\"y"',
    '\\;',
    '@/bin/true',
    '@/bin/true ; /bin/true',
    '/bin/echo "open',
    '-/bin/echo "open',
    '"/bin/echo',
    '/bin/true ; "/bin/echo',
    '/bin/echo "a\\',
    ';',
    '; /bin/true',
    '--true',
    '+!/bin/true',
    '!!!/bin/true',
    '/bin/true a ; ..',
    '%h/bin/true',
    '%t/x',
    'x/%n',
  ];

  it('accepts, ignores and refuses the same command lines', () => {
    CASES.forEach((value, k) => {
      const r = parseCommandLine(value);
      const ours = r.ok ? 'ok' : r.fatal ? 'fatal' : 'ignored';
      const theirs = systemdSays(value, k);
      expect(ours, `${value}\n${theirs.output}`).toBe(theirs.outcome);
    });
  });

  it('reads the same executable path (systemd names a missing one)', () => {
    const values = ['"/nonexistent//dir/./x y" a', '/nonexistent/\\x41\\u00e9', ':"/nonexistent/q"', '@/nonexistent/z zero'];
    values.forEach((value, k) => {
      const path = /Command (.*) is not executable/.exec(systemdSays(value, 100 + k).output)?.[1];
      expect(commands(value)[0]!.path).toBe(path);
    });
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatOsRelease, parseOsRelease } from '../../sdk/os-release.ts';

describe('parseOsRelease', () => {
  it('reads quoted and unquoted values, escapes and comments', () => {
    const r = parseOsRelease(
      [
        '# comment',
        '',
        'NAME="Debian GNU/Linux"',
        "ID='debian'",
        'VERSION_ID=12',
        'PRETTY_NAME="a \\"quoted\\" \\\\ back \\$dollar \\`tick\\` \\n kept"',
        'EMPTY=',
        'MIXED="a"b\'c\'',
        'VERSION=1.0',
        '  SPACED  =  value with spaces  ',
      ].join('\n'),
    );
    expect(r.problems).toEqual([]);
    expect(r.fields).toEqual({
      NAME: 'Debian GNU/Linux',
      ID: 'debian',
      VERSION_ID: '12',
      PRETTY_NAME: 'a "quoted" \\ back $dollar `tick` \\n kept',
      EMPTY: '',
      MIXED: 'abc',
      VERSION: '1.0',
      SPACED: 'value with spaces',
    });
    expect(typeof r.fields.VERSION).toBe('string');
    expect(r.entries.find((e) => e.key === 'ID')!.line).toBe(4);
  });

  it('reports bad lines with their number and goes on', () => {
    const r = parseOsRelease('NAME=x\nthis is not an assignment\n1BAD=x\nID="open\nVERSION_ID=1\n', 'usr/lib/os-release');
    expect(r.problems.map((p) => [p.line, p.message.split(':')[0]])).toEqual([
      [2, 'line is not an assignment'],
      [3, 'the name before "=" is not a valid variable name'],
      [4, 'unterminated double quote in the value'],
    ]);
    expect(r.problems[0]!.file).toBe('usr/lib/os-release');
    expect(r.fields.NAME).toBe('x');
  });

  it('formats values so they parse back, quoting only when needed', () => {
    const fields = { NAME: 'My Sidecar', ID: 'my-sidecar', VERSION_ID: '1.0', WEIRD: 'a"b\\c$d`e\'f #g;h', EMPTY: '' };
    const text = formatOsRelease(fields);
    expect(text).toContain('ID=my-sidecar\n');
    expect(text).toContain('NAME="My Sidecar"\n');
    expect(parseOsRelease(text).fields).toEqual(fields);
    expect(() => formatOsRelease({ A: 'line\nbreak' })).toThrow(/newlines/);
    expect(() => formatOsRelease({ 'A-B': 'x' })).toThrow(/valid variable name/);
  });

  it('round-trips random printable strings', () => {
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 300; i++) {
      const len = Math.floor(rand() * 20);
      let s = '';
      for (let j = 0; j < len; j++) s += String.fromCharCode(32 + Math.floor(rand() * 95));
      expect(parseOsRelease(formatOsRelease({ V: s })).fields.V).toBe(s);
    }
  });
});

describe("this machine's os-release, compared with the shell", () => {
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    it.skipIf(!existsSync(path))(`${path} parses like sh sources it`, () => {
      const r = parseOsRelease(readFileSync(path, 'utf8'), path);
      expect(r.problems).toEqual([]);
      expect(Object.keys(r.fields).length).toBeGreaterThan(3);
      for (const [key, value] of Object.entries(r.fields)) {
        const shell = execFileSync('sh', ['-c', `. "${path}"; printf %s "$${key}"`], { encoding: 'utf8' });
        expect(value, key).toBe(shell);
      }
    });
  }
});

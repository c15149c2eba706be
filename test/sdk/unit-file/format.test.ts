import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addValue, removeKey, setValue } from '../../../sdk/unit-file/edit.ts';
import { dropInDirsFor, mergeDropIns, orderDropIns } from '../../../sdk/unit-file/dropins.ts';
import { formatCommandLine, parseCommandLine } from '../../../sdk/unit-file/command-line.ts';
import { formatUnitFile } from '../../../sdk/unit-file/format.ts';
import { getEntries, getList, getValue } from '../../../sdk/unit-file/lookup.ts';
import { parseBoolean, parseTimeSpan } from '../../../sdk/unit-file/values.ts';
import { parseUnitFile } from '../../../sdk/unit-file/parse.ts';
import { splitWords } from '../../../sdk/unit-file/words.ts';

describe('parseUnitFile', () => {
  it('keeps sections and entries in order, repeated keys included, with positions', () => {
    const f = parseUnitFile('[Unit]\nDescription=x\nAfter=a.service\nAfter=b.service\n\n[Service]\n  ExecStart = /bin/true  \n');
    expect(f.sections.map((s) => s.name)).toEqual(['Unit', 'Service']);
    expect(getEntries(f, 'Unit', 'After').map((e) => e.value)).toEqual(['a.service', 'b.service']);
    const exec = getEntries(f, 'Service', 'ExecStart')[0]!;
    expect(exec.value).toBe('/bin/true');
    expect(exec.range).toEqual({ line: 7, column: 3, endLine: 7, endColumn: 26 });
    expect(exec.keyRange).toMatchObject({ line: 7, column: 3 });
    expect(exec.valueRange).toMatchObject({ line: 7, column: 15 });
    expect(f.problems).toEqual([]);
  });

  it('treats # and ; as comments only at the start of a line, never inside a value', () => {
    const f = parseUnitFile('[Service]\n# a comment\n  ; another\nEnvironment=A=1#2;3\nExecStart=/bin/echo # not a comment\n');
    expect(getValue(f, 'Service', 'Environment')).toBe('A=1#2;3');
    expect(getValue(f, 'Service', 'ExecStart')).toBe('/bin/echo # not a comment');
    expect(f.sections[0]!.nodes.filter((n) => n.type === 'comment')).toHaveLength(2);
  });

  it('joins backslash continuations with a space and skips comment lines inside them', () => {
    const f = parseUnitFile('[Service]\nExecStart=/bin/echo a \\\n# skipped\n  b\\\nc\nDescription=trailing \\\n');
    const e = getEntries(f, 'Service', 'ExecStart')[0]!;
    expect(e.value).toBe('/bin/echo a    b c');
    expect(e.range).toEqual({ line: 2, column: 1, endLine: 5, endColumn: 2 });
    expect(getValue(f, 'Service', 'Description')).toBe('trailing');
    expect(formatUnitFile(f)).toBe('[Service]\nExecStart=/bin/echo a \\\n# skipped\n  b\\\nc\nDescription=trailing \\\n');
  });

  it('does not continue on an escaped backslash', () => {
    const f = parseUnitFile('[Service]\nEnvironment=A=x\\\\\nUser=u\n');
    expect(getValue(f, 'Service', 'Environment')).toBe('A=x\\\\');
    expect(getValue(f, 'Service', 'User')).toBe('u');
  });

  it('reports lines that are not assignments and assignments outside a section, with line and column', () => {
    const f = parseUnitFile('Stray=1\n[Unit]\nDescription=ok\n  nonsense here\n[Broken\n', 'x.service');
    expect(f.problems.map((p) => [p.line, p.column])).toEqual([
      [1, 1],
      [4, 3],
      [5, 1],
    ]);
    expect(f.problems[1]!.message).toMatch(/not an assignment/);
    expect(f.problems[0]!.file).toBe('x.service');
    expect(formatUnitFile(f)).toBe('Stray=1\n[Unit]\nDescription=ok\n  nonsense here\n[Broken\n');
  });

  it('round-trips CRLF, a BOM, no final newline and an empty file byte for byte', () => {
    for (const text of ['[Unit]\r\nDescription=x\r\n', '\uFEFF[Unit]\nA=1\n', '[Unit]\nA=1', '', '\n\n', '# only a comment']) {
      expect(formatUnitFile(parseUnitFile(text))).toBe(text);
    }
    expect(getValue(parseUnitFile('[Unit]\r\nDescription=x\r\n'), 'Unit', 'Description')).toBe('x');
  });
});

describe('edits', () => {
  const text =
    '# header\n[Unit]\nDescription=old\n\n[Service]\nExecStart=/bin/a\nEnvironment=A=1\nEnvironment=B=2\n\n[Install]\nWantedBy=multi-user.target\n';

  it('setValue rewrites one line and keeps every other byte', () => {
    const f = parseUnitFile(text);
    setValue(f, 'Unit', 'Description', 'new');
    expect(formatUnitFile(f)).toBe(text.replace('Description=old', 'Description=new'));
  });

  it('setValue collapses repeated keys, addValue appends after the last entry, removeKey removes', () => {
    const f = parseUnitFile(text);
    setValue(f, 'Service', 'Environment', 'C=3');
    addValue(f, 'Service', 'User', 'nobody');
    expect(removeKey(f, 'Install', 'WantedBy')).toBe(1);
    expect(formatUnitFile(f)).toBe(
      '# header\n[Unit]\nDescription=old\n\n[Service]\nExecStart=/bin/a\nEnvironment=C=3\nUser=nobody\n\n[Install]\n',
    );
  });

  it('adds a missing section at the end with a blank line before it', () => {
    const f = parseUnitFile('[Unit]\nDescription=x\n');
    addValue(f, 'Service', 'ExecStart', '/bin/x');
    expect(formatUnitFile(f)).toBe('[Unit]\nDescription=x\n\n[Service]\nExecStart=/bin/x\n');
  });
});

describe('lookups', () => {
  it('an empty assignment resets a list; the last assignment wins for single values', () => {
    // WantedBy= resets on an empty assignment and unquotes; dependencies like After= do neither
    // (systemd.unit(5): they cannot be reset).
    const f = parseUnitFile('[Install]\nWantedBy=a b\nWantedBy=c\nWantedBy=\nWantedBy=d "e f"\n[Service]\nUser=a\nUser=b\n');
    expect(getList(f, 'Install', 'WantedBy')).toEqual(['d', 'e f']);
    expect(getValue(f, 'Service', 'User')).toBe('b');
    expect(getValue(f, 'Service', 'Group')).toBeUndefined();
  });
  it('merges repeated section headers', () => {
    const f = parseUnitFile('[Unit]\nAfter=a\n[Service]\nUser=x\n[Unit]\nAfter=b\n');
    expect(getList(f, 'Unit', 'After')).toEqual(['a', 'b']);
  });
  it('splits words with quotes', () => {
    expect(splitWords(`a "b c" 'd e' f\\ g`)).toEqual(['a', 'b c', 'd e', 'f g']);
  });
});

describe('typed values', () => {
  it.each([
    ['yes', true],
    ['Y', true],
    ['true', true],
    ['t', true],
    ['on', true],
    ['1', true],
    ['no', false],
    ['N', false],
    ['false', false],
    ['f', false],
    ['off', false],
    ['0', false],
    ['maybe', undefined],
    ['', undefined],
    ['2', undefined],
  ])('parseBoolean(%j) = %j', (v, want) => {
    expect(parseBoolean(v)).toBe(want);
  });

  it.each([
    ['5', 5e6],
    ['5s', 5e6],
    ['1.5s', 1.5e6],
    ['2min 3s', 123e6],
    ['1h30m', 5400e6],
    ['100ms', 100e3],
    ['20us', 20],
    ['1 week', 604800e6],
    ['2d 1h', 176400e6],
    ['1M', 2629800e6],
    ['1y', 31557600e6],
    ['infinity', Infinity],
    ['0', 0],
    ['3 min', 180e6],
    ['', undefined],
    ['abc', undefined],
    ['5 parsecs', undefined],
    ['-1s', undefined],
  ])('parseTimeSpan(%j) = %j', (v, want) => {
    expect(parseTimeSpan(v)).toBe(want);
  });

  it('uses the default unit for bare numbers', () => {
    expect(parseTimeSpan('30', 'ms')).toBe(30_000);
  });
});

describe('command lines', () => {
  it.each([
    ['/bin/true', '', '/bin/true', ['/bin/true']],
    ['-/bin/false', '-', '/bin/false', ['/bin/false']],
    ['-+/usr/bin/x a', '-+', '/usr/bin/x', ['/usr/bin/x', 'a']],
    ['!!/usr/bin/x', '!!', '/usr/bin/x', ['/usr/bin/x']],
    ['@/usr/bin/busybox httpd -f', '@', '/usr/bin/busybox', ['httpd', '-f']],
    [':/bin/echo $HOME', ':', '/bin/echo', ['/bin/echo', '$HOME']],
    ['/bin/echo "a b" \'c d\' e\\tf', '', '/bin/echo', ['/bin/echo', 'a b', 'c d', 'e\tf']],
    ['/bin/echo ${A} %i', '', '/bin/echo', ['/bin/echo', '${A}', '%i']],
    ['logship --x', '', 'logship', ['logship', '--x']],
  ])('parses %j', (value, rawPrefix, path, argv) => {
    const r = parseCommandLine(value);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.commands).toHaveLength(1);
    expect(r.commands[0]).toMatchObject({ rawPrefix, path, argv });
  });

  it('splits commands on a lone ; and keeps \\; as an argument', () => {
    const r = parseCommandLine('/bin/a x ; /bin/b \\; y');
    expect(r.ok && r.commands.map((c) => c.argv)).toEqual([
      ['/bin/a', 'x'],
      ['/bin/b', ';', 'y'],
    ]);
  });

  it('rejects relative paths with a slash, empty paths and unterminated quotes', () => {
    expect(parseCommandLine('bin/x')).toMatchObject({ ok: false });
    expect(parseCommandLine('-')).toMatchObject({ ok: false });
    expect(parseCommandLine('/bin/echo "open')).toMatchObject({ ok: false });
  });

  it('formats so that parsing gives the same command back', () => {
    for (const v of [
      '-/bin/x "a b" c',
      '@/bin/busybox httpd -p 80',
      '/bin/echo "quote\\"d" tab\\t ${V} %n',
      '/bin/echo \\;',
      '/bin/echo ""',
    ]) {
      const r = parseCommandLine(v);
      if (!r.ok) throw new Error(r.message);
      const again = parseCommandLine(formatCommandLine(r.commands[0]!));
      expect(again.ok && again.commands[0]).toEqual(r.commands[0]);
    }
  });
});

describe('drop-ins', () => {
  it('lists the directories systemd consults', () => {
    expect(dropInDirsFor('foo-bar-baz.service')).toEqual(['service.d', 'foo-.service.d', 'foo-bar-.service.d', 'foo-bar-baz.service.d']);
    expect(dropInDirsFor('worker@jobs.service')).toEqual(['service.d', 'worker@.service.d', 'worker@jobs.service.d']);
  });
  it('orders by file name and lets an earlier directory mask a later file of the same name', () => {
    expect(orderDropIns(['/etc/x.d/20-b.conf', '/usr/x.d/10-a.conf', '/usr/x.d/20-b.conf', '/usr/x.d/README'])).toEqual([
      '/usr/x.d/10-a.conf',
      '/etc/x.d/20-b.conf',
    ]);
  });
  it('merges drop-ins after the unit so resets apply', () => {
    const unit = parseUnitFile('[Service]\nExecStart=/bin/a\nEnvironment=A=1\n');
    const d = parseUnitFile('[Service]\nExecStart=\nExecStart=/bin/b\n');
    const merged = mergeDropIns(unit, [d]);
    expect(getList(merged, 'Service', 'ExecStart')).toEqual(['/bin/b']);
    expect(getValue(merged, 'Service', 'Environment')).toBe('A=1');
  });
});

// A corpus nobody here wrote: every unit file and drop-in of this machine.
const UNIT_SUFFIX = /\.(service|socket|timer|path|mount|automount|target|slice|scope|swap|device|network|link|netdev)$/;
function corpus(): string[] {
  const out = new Set<string>();
  const walk = (dir: string, inDropIn: boolean): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue; // dangling symlink (e.g. a masked unit)
      }
      if (st.isDirectory()) walk(p, n.endsWith('.d'));
      else if (st.isFile() && (UNIT_SUFFIX.test(n) || (inDropIn && n.endsWith('.conf')))) out.add(p);
    }
  };
  for (const root of ['/usr/lib/systemd', '/lib/systemd', '/etc/systemd']) walk(root, false);
  return [...out].sort();
}

describe("the machine's own unit files", () => {
  const files = corpus();
  it('round-trip byte for byte and parse without problems', () => {
    expect(files.length).toBeGreaterThan(100);
    const changed: string[] = [];
    const problems: string[] = [];
    for (const p of files) {
      const text = readFileSync(p, 'utf8');
      const f = parseUnitFile(text, p);
      if (formatUnitFile(f) !== text) changed.push(p);
      for (const pr of f.problems) problems.push(`${p}:${pr.line}: ${pr.message}`);
    }
    console.log(`round-tripped ${files.length} unit files and drop-ins`);
    expect(changed).toEqual([]);
    expect(problems).toEqual([]);
  });
});

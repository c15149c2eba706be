// Edit helpers: they change only the lines they must, and what they write reads back as meant.
import { describe, expect, it } from 'vitest';
import { addSection, addValue, removeKey, setValue } from '../../../sdk/unit-file/edit.ts';
import { formatUnitFile } from '../../../sdk/unit-file/format.ts';
import { getEntries } from '../../../sdk/unit-file/lookup.ts';
import { parseUnitFile } from '../../../sdk/unit-file/parse.ts';
import type { UnitFile } from '../../../sdk/unit-file/types.ts';

const TEXT =
  '# header\n[Unit]\nDescription=old\n\n[Service]\n  ExecStart = /bin/a  \nEnvironment=A=1\nEnvironment=B=2 ' +
  '\\\n  C=3\n\n[Install]\nWantedBy=multi-user.target\n';

function edited(text: string, edit: (f: UnitFile) => void): string {
  const f = parseUnitFile(text);
  edit(f);
  return formatUnitFile(f);
}

describe('setValue', () => {
  it('rewrites the one line and keeps every other byte', () => {
    expect(edited(TEXT, (f) => setValue(f, 'Unit', 'Description', 'new'))).toBe(TEXT.replace('Description=old', 'Description=new'));
  });

  it("keeps the first assignment's place, removes the others (continuation lines included)", () => {
    expect(edited(TEXT, (f) => setValue(f, 'Service', 'Environment', 'D=4'))).toBe(
      '# header\n[Unit]\nDescription=old\n\n[Service]\n  ExecStart = /bin/a  \nEnvironment=D=4\n\n[Install]\nWantedBy=multi-user.target\n',
    );
  });

  it('leaves the text alone when the value is already the same', () => {
    const f = parseUnitFile(TEXT);
    const node = setValue(f, 'Service', 'ExecStart', '/bin/a');
    expect(node.raw).toBe('  ExecStart = /bin/a  ');
    expect(formatUnitFile(f)).toBe(TEXT);
  });

  it('adds the key, and the section, when missing', () => {
    expect(edited('[Unit]\nDescription=x\n', (f) => setValue(f, 'Service', 'Type', 'oneshot'))).toBe(
      '[Unit]\nDescription=x\n\n[Service]\nType=oneshot\n',
    );
  });

  it('treats every section of the name as one', () => {
    expect(edited('[Unit]\nA=1\n[Service]\nB=2\n[Unit]\nA=3\n', (f) => setValue(f, 'Unit', 'A', '9'))).toBe(
      '[Unit]\nA=9\n[Service]\nB=2\n[Unit]\n',
    );
  });
});

describe('addValue', () => {
  it("goes right after the section's last entry, before trailing comments and blank lines", () => {
    expect(edited(TEXT, (f) => addValue(f, 'Service', 'User', 'nobody'))).toBe(TEXT.replace('  C=3\n', '  C=3\nUser=nobody\n'));
    expect(edited('[Service]\nA=1\n# later\n\n[Install]\n', (f) => addValue(f, 'Service', 'B', '2'))).toBe(
      '[Service]\nA=1\nB=2\n# later\n\n[Install]\n',
    );
  });

  it('goes after the leading comments of a section without entries', () => {
    expect(edited('[Service]\n# nothing yet\n\n[Install]\n', (f) => addValue(f, 'Service', 'B', '2'))).toBe(
      '[Service]\n# nothing yet\nB=2\n\n[Install]\n',
    );
  });

  it('uses the last section of the name', () => {
    expect(edited('[Unit]\nA=1\n[Service]\n[Unit]\nB=2\n', (f) => addValue(f, 'Unit', 'C', '3'))).toBe(
      '[Unit]\nA=1\n[Service]\n[Unit]\nB=2\nC=3\n',
    );
  });

  it('keeps a file without a final newline intact and ends the new line properly', () => {
    expect(edited('[Unit]\nA=1', (f) => addValue(f, 'Unit', 'B', '2'))).toBe('[Unit]\nA=1\nB=2\n');
    expect(edited('# only', (f) => addValue(f, 'Unit', 'B', '2'))).toBe('# only\n\n[Unit]\nB=2\n');
    expect(edited('', (f) => addValue(f, 'Unit', 'B', '2'))).toBe('[Unit]\nB=2\n');
  });

  it('writes CRLF in a CRLF file and leaves the other line terminators alone', () => {
    expect(edited('[Unit]\r\nA=1\r\n', (f) => addValue(f, 'Unit', 'B', '2'))).toBe('[Unit]\r\nA=1\r\nB=2\r\n');
    expect(edited('\uFEFF[Unit]\rA=1\r', (f) => addValue(f, 'Unit', 'B', '2'))).toBe('\uFEFF[Unit]\rA=1\rB=2\n');
  });

  it('does not let a continuation left open at the end of the file swallow the new line', () => {
    for (const text of ['[Unit]\nA=x \\', '[Unit]\nA=x \\\n', '[Unit]\nA=x \\\n# c']) {
      const out = edited(text, (f) => addValue(f, 'Unit', 'B', '2'));
      expect(out.startsWith(text)).toBe(true);
      const again = parseUnitFile(out);
      expect(getEntries(again, 'Unit').map((e) => [e.key, e.value])).toEqual([
        ['A', 'x'],
        ['B', '2'],
      ]);
    }
  });
});

describe('removeKey and addSection', () => {
  it('removeKey removes every assignment in every section of the name and counts them', () => {
    const f = parseUnitFile('[Unit]\nA=1\nB=2\n[Service]\nA=3\n[Unit]\nA=4 \\\n  more\n');
    expect(removeKey(f, 'Unit', 'A')).toBe(2);
    expect(removeKey(f, 'Unit', 'Nope')).toBe(0);
    expect(formatUnitFile(f)).toBe('[Unit]\nB=2\n[Service]\nA=3\n[Unit]\n');
  });

  it('addSection appends a section with a blank line before it, even if the name exists', () => {
    const f = parseUnitFile('[Unit]\nA=1\n');
    addSection(f, 'Unit');
    addSection(f, 'X-Extra');
    expect(formatUnitFile(f)).toBe('[Unit]\nA=1\n\n[Unit]\n\n[X-Extra]\n');
  });
});

describe('what a unit file cannot hold is refused', () => {
  it.each([
    ['a key with "="', (f: UnitFile) => setValue(f, 'Unit', 'A=B', 'x')],
    ['an empty key', (f: UnitFile) => addValue(f, 'Unit', '', 'x')],
    ['a key starting with #', (f: UnitFile) => addValue(f, 'Unit', '#A', 'x')],
    ['a value with a line break', (f: UnitFile) => setValue(f, 'Unit', 'A', 'x\ny')],
    ['a value ending in a backslash', (f: UnitFile) => setValue(f, 'Unit', 'A', 'C:\\')],
    ['a value with surrounding whitespace', (f: UnitFile) => setValue(f, 'Unit', 'A', ' x')],
    ['a section name with a quote', (f: UnitFile) => addSection(f, 'a"b')],
  ])('%s', (_name, edit) => {
    const f = parseUnitFile('[Unit]\nA=1\n');
    expect(() => edit(f)).toThrow(TypeError);
    expect(formatUnitFile(f)).toBe('[Unit]\nA=1\n');
  });

  it('an even number of trailing backslashes is fine', () => {
    const out = edited('[Unit]\n', (f) => addValue(f, 'Unit', 'A', 'C:\\\\'));
    expect(getEntries(parseUnitFile(`${out}B=1\n`), 'Unit').map((e) => e.value)).toEqual(['C:\\\\', '1']);
  });
});

describe('edits on random files keep every other assignment as it was', () => {
  const LINES = [
    '[Unit]',
    '[Service]',
    '[Install]',
    'A=1',
    'B=two words',
    'A=x \\',
    '  continued',
    '# c',
    '; c \\',
    '',
    '  ',
    'C=',
    'D=y\\\\',
    'junk',
    'A = spaced ',
    '[Bad',
  ];
  let seed = 777;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const key = (e: { section: string; key: string }): string => `${e.section}/${e.key}`;
  function flat(f: UnitFile): { section: string; key: string; value: string }[] {
    return f.sections.flatMap((s) => s.nodes.flatMap((n) => (n.type === 'entry' ? [{ section: s.name, key: n.key, value: n.value }] : [])));
  }

  it('for setValue, addValue and removeKey', () => {
    for (let k = 0; k < 1500; k++) {
      const eol = rand(3) === 0 ? '\r\n' : '\n';
      const count = rand(12);
      let text = '';
      for (let i = 0; i < count; i++) text += LINES[rand(LINES.length)] + (i < count - 1 || rand(2) === 0 ? eol : '');
      const section = ['Unit', 'Service', 'Install', 'New'][rand(4)]!;
      const target = ['A', 'B', 'Z'][rand(3)]!;
      const op = rand(3);
      const before = flat(parseUnitFile(text));
      const f = parseUnitFile(text);
      if (op === 0) setValue(f, section, target, 'v w');
      else if (op === 1) addValue(f, section, target, 'v w');
      else removeKey(f, section, target);
      const after = flat(parseUnitFile(formatUnitFile(f)));
      const others = (list: typeof before): string[] =>
        list.filter((e) => key(e) !== `${section}/${target}`).map((e) => `${key(e)}=${e.value}`);
      expect(others(after), JSON.stringify({ text, op, section, target })).toEqual(others(before));
      const mine = after.filter((e) => key(e) === `${section}/${target}`).map((e) => e.value);
      const was = before.filter((e) => key(e) === `${section}/${target}`).map((e) => e.value);
      expect(mine, JSON.stringify({ text, op, section, target })).toEqual(op === 0 ? ['v w'] : op === 1 ? [...was, 'v w'] : []);
    }
  });
});

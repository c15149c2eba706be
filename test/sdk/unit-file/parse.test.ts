// parseUnitFile and formatUnitFile: systemd.syntax(7) as systemd 252's config_parse() reads it,
// with positions, and byte-identical formatting of unchanged models.
import { describe, expect, it } from 'vitest';
import { formatUnitFile } from '../../../sdk/unit-file/format.ts';
import { getEntries, getValue, sectionNames } from '../../../sdk/unit-file/lookup.ts';
import { parseUnitFile, splitPhysicalLines } from '../../../sdk/unit-file/parse.ts';
import type { EntryNode, UnitFile, UnitNode } from '../../../sdk/unit-file/types.ts';

function entries(f: UnitFile): EntryNode[] {
  return f.sections.flatMap((s) => s.nodes.filter((n): n is EntryNode => n.type === 'entry'));
}
function nodes(f: UnitFile): UnitNode[] {
  return [...f.preamble, ...f.sections.flatMap((s) => [s.header, ...s.nodes])];
}

describe('sections and entries', () => {
  it('reads sections, entries and repeated keys in order, with exact ranges', () => {
    const text = '[Unit]\nDescription=x\nAfter=a.service\nAfter=b.service\n\n[Service]\n  ExecStart = /bin/true  \n';
    const f = parseUnitFile(text, 'x.service');
    expect(sectionNames(f)).toEqual(['Unit', 'Service']);
    expect(f.sections.map((s) => [s.name, s.file, s.header.range])).toEqual([
      ['Unit', 'x.service', { line: 1, column: 1, endLine: 1, endColumn: 7 }],
      ['Service', 'x.service', { line: 6, column: 1, endLine: 6, endColumn: 10 }],
    ]);
    expect(entries(f).map((e) => [e.key, e.value])).toEqual([
      ['Description', 'x'],
      ['After', 'a.service'],
      ['After', 'b.service'],
      ['ExecStart', '/bin/true'],
    ]);
    const exec = getEntries(f, 'Service', 'ExecStart')[0]!;
    // "  ExecStart = /bin/true  ": the node covers the whole line from its first non-blank.
    expect(exec.range).toEqual({ line: 7, column: 3, endLine: 7, endColumn: 26 });
    expect(exec.keyRange).toEqual({ line: 7, column: 3, endLine: 7, endColumn: 12 });
    expect(exec.valueRange).toEqual({ line: 7, column: 15, endLine: 7, endColumn: 24 });
    expect(f.problems).toEqual([]);
    expect(formatUnitFile(f)).toBe(text);
  });

  it("strips exactly systemd's whitespace (space, tab) around key and value, nothing else", () => {
    const f = parseUnitFile('[S]\n\tKey\t =\t a  b \t\nNbsp=\u00a0x\u00a0\nVt=\vx\n');
    expect(entries(f).map((e) => [e.key, e.value])).toEqual([
      ['Key', 'a  b'],
      ['Nbsp', '\u00a0x\u00a0'],
      ['Vt', '\vx'],
    ]);
    expect(entries(f)[0]!.valueRange).toEqual({ line: 2, column: 10, endLine: 2, endColumn: 14 });
  });

  it('splits at the first "=" and allows an empty value, whose range is empty after the "="', () => {
    const f = parseUnitFile('[Service]\nEnvironment=A=1=2\nExecStart=\nKey With Space = v\n');
    expect(entries(f).map((e) => [e.key, e.value])).toEqual([
      ['Environment', 'A=1=2'],
      ['ExecStart', ''],
      ['Key With Space', 'v'],
    ]);
    expect(entries(f)[1]!.valueRange).toEqual({ line: 3, column: 11, endLine: 3, endColumn: 11 });
  });

  it('takes the section name between the brackets as it is', () => {
    const f = parseUnitFile('[ Unit ]\n[a]b]\n[]\n  [Service]  \n');
    expect(sectionNames(f)).toEqual([' Unit ', 'a]b', '', 'Service']);
    expect(f.sections[3]!.header.range).toEqual({ line: 4, column: 3, endLine: 4, endColumn: 14 });
    expect(f.problems).toEqual([]);
  });

  it('keeps repeated section headers as separate sections, which lookups read as one', () => {
    const f = parseUnitFile('[Unit]\nA=1\n[Service]\nB=2\n[Unit]\nA=3\n');
    expect(f.sections.map((s) => s.name)).toEqual(['Unit', 'Service', 'Unit']);
    expect(sectionNames(f)).toEqual(['Unit', 'Service']);
    expect(getEntries(f, 'Unit').map((e) => e.value)).toEqual(['1', '3']);
    expect(getValue(f, 'Unit', 'A')).toBe('3');
  });
});

describe('comments', () => {
  it('are # or ; as the first non-blank character of a line, never inside a value', () => {
    const f = parseUnitFile(
      '# top\n[Service]\n  ; indented\n\t#tab\nEnvironment=A=1#2;3\nExecStart=/bin/echo # not a comment ; nor this\n',
    );
    expect(f.preamble).toEqual([
      { type: 'comment', text: ' top', raw: '# top', eol: '\n', range: { line: 1, column: 1, endLine: 1, endColumn: 6 } },
    ]);
    expect(f.sections[0]!.nodes.filter((n) => n.type === 'comment').map((n) => [n.type === 'comment' && n.text, n.range])).toEqual([
      [' indented', { line: 3, column: 1, endLine: 3, endColumn: 13 }],
      ['tab', { line: 4, column: 1, endLine: 4, endColumn: 6 }],
    ]);
    expect(getValue(f, 'Service', 'Environment')).toBe('A=1#2;3');
    expect(getValue(f, 'Service', 'ExecStart')).toBe('/bin/echo # not a comment ; nor this');
  });

  it('a comment line ending in a backslash does not continue', () => {
    const f = parseUnitFile('[Service]\n# comment \\\nUser=a\n');
    expect(getValue(f, 'Service', 'User')).toBe('a');
    expect(f.sections[0]!.nodes.map((n) => n.type)).toEqual(['comment', 'entry']);
  });
});

describe('continuation lines', () => {
  it('replace the backslash with one space and append the next line as it is', () => {
    const f = parseUnitFile('[Service]\nExecStart=/bin/echo a \\\n  b\\\nc\n');
    const e = getEntries(f, 'Service', 'ExecStart')[0]!;
    // "a " + " " + "  b" + " " + "c"
    expect(e.value).toBe('/bin/echo a    b c');
    expect(e.raw).toBe('ExecStart=/bin/echo a \\\n  b\\\nc');
    expect(e.range).toEqual({ line: 2, column: 1, endLine: 4, endColumn: 2 });
    expect(e.valueRange).toEqual({ line: 2, column: 11, endLine: 4, endColumn: 2 });
  });

  it('skip comment lines inside a continuation; the comment lines belong to the entry', () => {
    const text = '[Service]\nExecStart=/bin/echo a \\\n# skipped \\\n  ; also skipped\n  b\nUser=u\n';
    const f = parseUnitFile(text);
    expect(getValue(f, 'Service', 'ExecStart')).toBe('/bin/echo a    b');
    expect(f.sections[0]!.nodes.map((n) => [n.type, n.range?.line, n.range?.endLine])).toEqual([
      ['entry', 2, 5],
      ['entry', 6, 6],
    ]);
    expect(formatUnitFile(f)).toBe(text);
  });

  it('end at a blank line, which belongs to the continued entry', () => {
    const f = parseUnitFile('[Service]\nUser=a \\\n\nGroup=b\n');
    expect(entries(f).map((e) => [e.key, e.value, e.range!.endLine])).toEqual([
      ['User', 'a', 3],
      ['Group', 'b', 4],
    ]);
  });

  it('need an odd number of trailing backslashes', () => {
    const f = parseUnitFile('[Service]\nA=x\\\\\nB=y\\\\\\\nz\nC=w\\\\ \n');
    expect(entries(f).map((e) => [e.key, e.value])).toEqual([
      ['A', 'x\\\\'],
      ['B', 'y\\\\ z'],
      ['C', 'w\\\\'],
    ]);
  });

  it('at the end of the file keep the value (the backslash becomes a space, then stripped)', () => {
    for (const text of ['[Unit]\nDescription=trailing \\\n', '[Unit]\nDescription=trailing \\', '[Unit]\nDescription=trailing \\\n# c\n']) {
      const f = parseUnitFile(text);
      expect(getValue(f, 'Unit', 'Description')).toBe('trailing');
      expect(formatUnitFile(f)).toBe(text);
    }
  });

  it('apply to any line: a section header, a key, a line that then has no "="', () => {
    const f = parseUnitFile('[Ser\\\nvice]\nExec\\\nStart=/bin/x\nno \\\nequals\n');
    expect(sectionNames(f)).toEqual(['Ser vice']);
    expect(entries(f).map((e) => [e.key, e.keyRange])).toEqual([['Exec Start', { line: 3, column: 1, endLine: 4, endColumn: 6 }]]);
    expect(f.problems.map((p) => [p.line, p.column, p.endLine, p.endColumn, p.message])).toEqual([
      [5, 1, 6, 7, 'line is not an assignment: expected Key=value or a [Section] (it continues over several lines)'],
    ]);
  });
});

describe('line terminators, byte order mark, empty files', () => {
  it('reads CRLF files without the CR in values and formats them back exactly', () => {
    const text = '[Unit]\r\nDescription=x\r\n\r\n[Service]\r\nExecStart=/bin/a \\\r\n  b\r\n';
    const f = parseUnitFile(text);
    expect(f.newline).toBe('\r\n');
    expect(getValue(f, 'Unit', 'Description')).toBe('x');
    expect(getValue(f, 'Service', 'ExecStart')).toBe('/bin/a    b');
    expect(getEntries(f, 'Unit', 'Description')[0]).toMatchObject({ raw: 'Description=x', eol: '\r\n', range: { endColumn: 14 } });
    expect(formatUnitFile(f)).toBe(text);
  });

  it('ends lines at a lone CR and at NUL, as read_line() does', () => {
    expect(splitPhysicalLines('a\rb\0c\n\rd\r\n\re\n\0\nf')).toEqual([
      { text: 'a', eol: '\r' },
      { text: 'b', eol: '\0' },
      { text: 'c', eol: '\n\r' },
      { text: 'd', eol: '\r\n' },
      { text: '', eol: '\r' },
      { text: 'e', eol: '\n\0' },
      { text: '', eol: '\n' },
      { text: 'f', eol: '' },
    ]);
    const text = '[S]\rA=1\rB=2\0C=3';
    const f = parseUnitFile(text);
    expect(entries(f).map((e) => [e.key, e.value, e.range!.line])).toEqual([
      ['A', '1', 2],
      ['B', '2', 3],
      ['C', '3', 4],
    ]);
    expect(formatUnitFile(f)).toBe(text);
  });

  it('skips a byte order mark at the start (columns start after it) and once more on a later line', () => {
    const f = parseUnitFile('\uFEFF[Unit]\nA=1\n\uFEFFB=2\n');
    expect(f.bom).toBe(true);
    expect(f.sections[0]!.header.range).toEqual({ line: 1, column: 1, endLine: 1, endColumn: 7 });
    // The first BOM was seen, so the one on line 3 is part of the key, as systemd reads it.
    expect(entries(f).map((e) => e.key)).toEqual(['A', '\uFEFFB']);
    const g = parseUnitFile('[Unit]\n\uFEFFA=1\n\uFEFFB=2\n');
    expect(g.bom).toBe(false);
    expect(entries(g).map((e) => [e.key, e.keyRange])).toEqual([
      ['A', { line: 2, column: 2, endLine: 2, endColumn: 3 }],
      ['\uFEFFB', { line: 3, column: 1, endLine: 3, endColumn: 3 }],
    ]);
  });

  it('round-trips edge cases byte for byte', () => {
    const texts = [
      '',
      '\n',
      '\n\n',
      '\uFEFF',
      '\uFEFF[Unit]\nA=1\n',
      '[Unit]\nA=1',
      '# only a comment',
      '[Unit]\r\nA=1',
      'A=1\n[Unit]',
      '[Unit]\n\n\n',
      '   \n\t\n',
      '[Unit]\nA=1\r\n',
      '[S]\n\\',
      '\\\n\\\n',
      '[S]\nA=\\\n\\\n\\',
    ];
    for (const text of texts) expect(formatUnitFile(parseUnitFile(text))).toBe(text);
  });

  it('models every physical line exactly once', () => {
    const text = '# c\n\nStray\n[Unit]\nA=1 \\\n# in\n b\n[Bad\nnope\n=x\n';
    const f = parseUnitFile(text);
    const covered = nodes(f).flatMap((n) => Array.from({ length: n.range!.endLine - n.range!.line + 1 }, (_, k) => n.range!.line + k));
    expect(covered).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('lines systemd does not accept', () => {
  it('reports each with line, column, end and what systemd does', () => {
    const text = 'Stray=1\n; fine\nnonsense\n[Unit]\nDescription=ok\n  no equals here  \n =value\n[Broken\n["quoted"]\n';
    const f = parseUnitFile(text, 'x.service');
    expect(f.problems).toEqual([
      {
        file: 'x.service',
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 8,
        severity: 'warning',
        message: 'assignment outside of any section; put it below a [Section] header',
      },
      {
        file: 'x.service',
        line: 3,
        column: 1,
        endLine: 3,
        endColumn: 9,
        severity: 'warning',
        message: 'line outside of any section; put it below a [Section] header',
      },
      {
        file: 'x.service',
        line: 6,
        column: 3,
        endLine: 6,
        endColumn: 17,
        severity: 'warning',
        message: 'line is not an assignment: expected Key=value or a [Section]',
      },
      {
        file: 'x.service',
        line: 7,
        column: 2,
        endLine: 7,
        endColumn: 8,
        severity: 'warning',
        message: 'assignment without a key name before "="',
      },
      {
        file: 'x.service',
        line: 8,
        column: 1,
        endLine: 8,
        endColumn: 8,
        severity: 'error',
        message: 'invalid section header: expected [Name]; systemd stops reading the file here',
      },
      {
        file: 'x.service',
        line: 9,
        column: 1,
        endLine: 9,
        endColumn: 11,
        severity: 'error',
        message: 'the section name contains quotes, a backslash or control characters; systemd stops reading the file here',
      },
    ]);
    expect(nodes(f).map((n) => n.type)).toEqual([
      'invalid',
      'comment',
      'invalid',
      'section',
      'entry',
      'invalid',
      'invalid',
      'invalid',
      'invalid',
    ]);
    // Invalid lines are not entries: lookups do not see them.
    expect(getEntries(f, 'Unit').map((e) => e.key)).toEqual(['Description']);
    expect(formatUnitFile(f)).toBe(text);
  });

  it("reports lines of 1 MiB or more, and continued lines over 1 MiB, as systemd's read limit", () => {
    const MiB = 1024 * 1024;
    expect(parseUnitFile(`[S]\nA=${'x'.repeat(MiB - 3)}\n`).problems).toEqual([]);
    expect(parseUnitFile(`[S]\nA=${'x'.repeat(MiB - 2)}\n`).problems.map((p) => [p.line, p.severity])).toEqual([[2, 'error']]);
    // Three bytes per character: the limit is in bytes.
    expect(parseUnitFile(`[S]\nA=${'\u20ac'.repeat(MiB / 3)}\n`).problems.map((p) => [p.line, p.severity])).toEqual([[2, 'error']]);
    const half = 'y'.repeat(MiB / 2);
    expect(parseUnitFile(`[S]\nA=${half}\\\n${half}\n`).problems.map((p) => [p.line, p.severity])).toEqual([[3, 'error']]);
    expect(parseUnitFile(`[S]\nA=${half}\\\n${half.slice(3)}\n`).problems).toEqual([]);
  });

  it('never throws and always formats back to its input (random texts)', () => {
    const alphabet = ['[', ']', '=', '#', ';', '\\', ' ', '\t', '\n', '\r', '\0', '\uFEFF', 'a', 'B', 'é', '"', '\u{1F600}'];
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let k = 0; k < 3000; k++) {
      let text = '';
      const len = rand(40);
      for (let i = 0; i < len; i++) text += alphabet[rand(alphabet.length)];
      const f = parseUnitFile(text);
      expect(formatUnitFile(f)).toBe(text);
      for (const p of f.problems) expect(p.line).toBeGreaterThan(0);
    }
  });
});

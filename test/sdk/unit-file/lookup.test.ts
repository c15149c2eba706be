// Lookups and word splitting with systemd's semantics: last assignment wins, lists split per
// directive as systemd 252's parser for it does, empty assignments reset where systemd resets.
import { describe, expect, it } from 'vitest';
import { extractFirstWord, extractFirstWordAndWarn, extractWords, splitWords, type ExtractFlags } from '../../../sdk/unit-file/words.ts';
import {
  getAssignments,
  getList,
  getValue,
  listSemantics,
  DEPENDENCY_LIST,
  ENVIRONMENT_LIST,
  STRV_LIST,
} from '../../../sdk/unit-file/lookup.ts';
import { parseUnitFile } from '../../../sdk/unit-file/parse.ts';

describe('getValue', () => {
  it('is the last assignment across repeated sections, "" for an empty one, undefined when never set', () => {
    const f = parseUnitFile('[Service]\nUser=a\nUser=b\n[Unit]\nUser=x\n[Service]\nUser=c\nGroup=g\nGroup=\n');
    expect(getValue(f, 'Service', 'User')).toBe('c');
    expect(getValue(f, 'Service', 'Group')).toBe('');
    expect(getValue(f, 'Service', 'Nice')).toBeUndefined();
    expect(getValue(f, 'Install', 'User')).toBeUndefined();
    // Keys and sections are case-sensitive, as in systemd.
    expect(getValue(f, 'service', 'User')).toBeUndefined();
    expect(getValue(f, 'Service', 'user')).toBeUndefined();
  });
});

describe('getList', () => {
  it('splits and resets like config_parse_strv() for directives without their own parser', () => {
    const f = parseUnitFile('[Install]\nWantedBy=a.target "b c.target"\nWantedBy=d.target\nWantedBy=\nWantedBy=e.target \'f g\' h\\i\n');
    expect(getList(f, 'Install', 'WantedBy')).toEqual(['e.target', 'f g', 'h\\i']);
    expect(listSemantics('Install', 'WantedBy')).toBe(STRV_LIST);
    expect(listSemantics('Service', 'ReadWritePaths')).toBe(STRV_LIST);
  });

  it('does not reset or unquote dependencies (After=, Wants= ...): systemd.unit(5) says they cannot be reset', () => {
    const f = parseUnitFile('[Unit]\nAfter=a.service\nAfter=\nAfter=b.service "c d"\nWants=x.service\nWants=\n');
    expect(getList(f, 'Unit', 'After')).toEqual(['a.service', 'b.service', '"c', 'd"']);
    expect(getList(f, 'Unit', 'Wants')).toEqual(['x.service']);
    expect(listSemantics('Unit', 'Requires')).toBe(DEPENDENCY_LIST);
    // The same key outside [Unit] is no dependency.
    expect(listSemantics('Service', 'After')).toBe(STRV_LIST);
  });

  it('does not reset Also= and unescapes it without unquoting (config_parse_also)', () => {
    const f = parseUnitFile('[Install]\nAlso=a.socket\nAlso=\nAlso=b\\x.timer "c"\n');
    expect(getList(f, 'Install', 'Also')).toEqual(['a.socket', 'bx.timer', '"c"']);
  });

  it('decodes C escapes in Environment= and UnsetEnvironment= words', () => {
    const f = parseUnitFile(
      '[Service]\nEnvironment=A=1\nEnvironment=\nEnvironment="B=two words" C=\\x41\\n \'D=it\\\'s\'\nUnsetEnvironment=X "Y=1 2"\n',
    );
    expect(getList(f, 'Service', 'Environment')).toEqual(['B=two words', 'C=A\n', "D=it's"]);
    expect(getList(f, 'Service', 'UnsetEnvironment')).toEqual(['X', 'Y=1 2']);
    expect(listSemantics('Service', 'Environment')).toBe(ENVIRONMENT_LIST);
  });

  it('keeps the words before a syntax error in an assignment and drops the rest', () => {
    const f = parseUnitFile('[Install]\nWantedBy=a.target "b.target\nWantedBy=c.target\n');
    expect(getList(f, 'Install', 'WantedBy')).toEqual(['a.target', 'c.target']);
  });

  it('takes explicit semantics', () => {
    const f = parseUnitFile('[X-Mine]\nL=a\nL=\nL="b c"\n');
    expect(getList(f, 'X-Mine', 'L', { split: {}, resetOnEmpty: false })).toEqual(['a', '"b', 'c"']);
  });
});

describe('getAssignments', () => {
  it('drops the assignments before an empty one', () => {
    const f = parseUnitFile('[Service]\nExecStart=/bin/a\nExecStart=\nExecStart=/bin/b x\nExecStart=/bin/c\n');
    expect(getAssignments(f, 'Service', 'ExecStart').map((e) => e.value)).toEqual(['/bin/b x', '/bin/c']);
  });
});

describe('extract_first_word()', () => {
  const UNQUOTE: ExtractFlags = { unquote: true };
  const EXEC: ExtractFlags = { unquote: true, cunescape: true };
  it.each([
    ['a "b c" \'d e\' f\\ g', UNQUOTE, ['a', 'b c', 'd e', 'f g']],
    ['a "b c" \'d e\' f\\ g', {}, ['a', '"b', 'c"', "'d", "e'", 'f g']],
    ['a "b c" f\\ g', { retainEscape: true }, ['a', '"b', 'c"', 'f\\', 'g']],
    ['a "b c" f\\ g', { unquote: true, retainEscape: true }, ['a', 'b c', 'f\\', 'g']],
    ['x"y z"w \'\' ""', UNQUOTE, ['xy zw', '', '']],
    ['"a\\"b" \'c\\\'d\'', UNQUOTE, ['a"b', "c'd"]],
    ['\\x41\\101\\u00e9\\U0001F600\\s\\t', EXEC, ['AA\u00e9\u{1F600} \t']],
    ['\\xc3\\xa9 \\xff', EXEC, ['\u00e9', '\uFFFD']],
    ['  \t lead  trail \t ', UNQUOTE, ['lead', 'trail']],
    ['', UNQUOTE, []],
  ])('%j with %j', (input, flags, words) => {
    expect(extractWords(input, flags).words.map((w) => w.text)).toEqual(words);
    expect(extractWords(input, flags).error).toBeUndefined();
  });

  it("gives each word's source span", () => {
    expect(extractWords(' a "b c"  d', UNQUOTE).words).toEqual([
      { text: 'a', start: 1, end: 2 },
      { text: 'b c', start: 3, end: 8 },
      { text: 'd', start: 10, end: 11 },
    ]);
    expect(extractFirstWord(' a "b c"  d', 2, UNQUOTE)).toEqual({ kind: 'word', word: { text: 'b c', start: 3, end: 8 }, next: 10 });
    expect(extractFirstWord('   ', 0, UNQUOTE)).toEqual({ kind: 'end' });
  });

  it.each([
    ['a "b', UNQUOTE, 'unbalanced-quote', 2],
    ["a 'b\\", UNQUOTE, 'unbalanced-quote', 2],
    ['a b\\', UNQUOTE, 'bad-escape', 3],
    ['a \\q', EXEC, 'bad-escape', 2],
    ['a \\x00', EXEC, 'bad-escape', 2],
    ['a \\U00110000', EXEC, 'bad-escape', 2],
    ['a \\400', EXEC, 'bad-escape', 2],
  ])('%j with %j fails with %s at %d', (input, flags, reason, offset) => {
    expect(extractWords(input, flags).error).toMatchObject({ reason, offset });
    expect(extractWords(input, flags).words.map((w) => w.text)).toEqual(['a']);
  });

  it('relaxed modes keep what the strict one refuses', () => {
    expect(splitWords('a \\q b\\', { ...EXEC, unescapeRelax: true })).toEqual(['a', '\\q', 'b\\']);
    expect(splitWords('a "b c', { unquote: true, relax: true })).toEqual(['a', 'b c']);
    expect(extractFirstWordAndWarn('\\q', 0, EXEC)).toMatchObject({
      kind: 'word',
      word: { text: '\\q' },
      warning: 'unknown escape sequences kept verbatim: "\\q"',
    });
    expect(extractFirstWordAndWarn('"\\q', 0, EXEC)).toMatchObject({ kind: 'error', reason: 'unbalanced-quote', offset: 0 });
  });
});

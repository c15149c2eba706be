import { describe, expect, it } from 'vitest';
import { parseJsonWithPositions } from '../../../lint/util/json.ts';

describe('parseJsonWithPositions', () => {
  const text = '{\n  "schemaVersion": 1,\n  "services": [\n    { "name": "a\\"b", "after": ["x"] }\n  ]\n}\n';
  it('parses like JSON.parse and locates values and keys by JSON path', () => {
    const r = parseJsonWithPositions(text);
    expect(r.value).toEqual(JSON.parse(text));
    expect(r.ranges.get('services[0].name')).toEqual({ line: 4, column: 15, endLine: 4, endColumn: 21 });
    expect(r.keyRanges.get('services[0].after')).toEqual({ line: 4, column: 23, endLine: 4, endColumn: 30 });
    expect(r.ranges.get('services[0].after[0]')).toEqual({ line: 4, column: 33, endLine: 4, endColumn: 36 });
    expect(r.ranges.get('')).toEqual({ line: 1, column: 1, endLine: 6, endColumn: 2 });
  });

  it('says where a syntax error is, for every kind JSON.parse rejects', () => {
    const cases: [string, string][] = [
      ['{"a": 1,}', '1:9 expected a string, found "}"'],
      ['{"a" 1}', '1:6 expected ":", found "1"'],
      ['[1, 2', '1:6 expected "," or "]", found end of input'],
      ['{"a": tru}', '1:7 expected a value, found "t"'],
      ['{"a": "\n"}', '1:8 control character in string (escape it)'],
      ['{} x', '1:4 expected end of input, found "x"'],
      ['', '1:1 expected a value, found end of input'],
    ];
    for (const [input, want] of cases) {
      expect(() => JSON.parse(input), input).toThrow();
      const e = parseJsonWithPositions(input).error!;
      expect(`${e.line}:${e.column} ${e.message}`, input).toBe(want);
    }
  });
});

// Typed values: parse_boolean() and parse_time()/format_timespan() of systemd 252, as tables, and
// against systemd itself (`systemd-analyze timespan`, `systemd-analyze verify`) when it is here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatTimeSpan, parseBoolean, parseTimeSpan, parseTimeSpanBigInt } from '../../../sdk/unit-file/values.ts';
import { missingRequirements, requirement } from '../../helpers/requirements.ts';

const BOOLEANS: [string, boolean | undefined][] = [
  ['1', true],
  ['yes', true],
  ['YES', true],
  ['Yes', true],
  ['y', true],
  ['Y', true],
  ['true', true],
  ['TrUe', true],
  ['t', true],
  ['T', true],
  ['on', true],
  ['ON', true],
  ['0', false],
  ['no', false],
  ['NO', false],
  ['n', false],
  ['N', false],
  ['false', false],
  ['FALSE', false],
  ['f', false],
  ['F', false],
  ['off', false],
  ['Off', false],
  ['', undefined],
  ['2', undefined],
  ['01', undefined],
  ['maybe', undefined],
  ['enabled', undefined],
  ['yes ', undefined],
  ['ye', undefined],
  ['İ', undefined],
];

describe('parseBoolean', () => {
  it.each(BOOLEANS)('%j → %j', (v, want) => {
    expect(parseBoolean(v)).toBe(want);
  });
});

const S = 1_000_000;
const TIMESPANS: [string, number | undefined][] = [
  // bare numbers take the default unit
  ['0', 0],
  ['5', 5 * S],
  ['  5  ', 5 * S],
  ['+5', 5 * S],
  ['5 +3', 8 * S],
  // every unit spelling
  ['7usec', 7],
  ['7us', 7],
  ['7\u00b5s', 7],
  ['7\u03bcs', 7],
  ['7msec', 7000],
  ['7ms', 7000],
  ['7seconds', 7 * S],
  ['7second', 7 * S],
  ['7sec', 7 * S],
  ['7s', 7 * S],
  ['7minutes', 420 * S],
  ['7minute', 420 * S],
  ['7min', 420 * S],
  ['7m', 420 * S],
  ['7hours', 7 * 3600 * S],
  ['7hour', 7 * 3600 * S],
  ['7hr', 7 * 3600 * S],
  ['7h', 7 * 3600 * S],
  ['7days', 7 * 86400 * S],
  ['7day', 7 * 86400 * S],
  ['7d', 7 * 86400 * S],
  ['2weeks', 2 * 604800 * S],
  ['2week', 2 * 604800 * S],
  ['2w', 2 * 604800 * S],
  ['1months', 2629800 * S],
  ['1month', 2629800 * S],
  ['1M', 2629800 * S],
  ['1years', 31557600 * S],
  ['1year', 31557600 * S],
  ['1y', 31557600 * S],
  // combinations, whitespace, decimals
  ['2min 3s', 123 * S],
  ['1h30m', 5400 * S],
  ['1h 2m 3s 4ms', 3723 * S + 4000],
  ['3 min', 180 * S],
  ['1 week', 604800 * S],
  ['5s5', 10 * S],
  ['1min30', 90 * S],
  ['1.5s', 1.5 * S],
  ['.5s', 0.5 * S],
  ['1.5', 1.5 * S],
  ['0.1ms', 100],
  ['1.5us', 1],
  ['1.9999999s', 1_999_999],
  ['1.5 min', 90 * S],
  ['5 .5', 5.5 * S],
  ['12.34s.56', 12.9 * S],
  // infinity
  ['infinity', Infinity],
  ['  infinity  ', Infinity],
  // what systemd rejects
  ['', undefined],
  ['   ', undefined],
  ['-1s', undefined],
  ['-0', undefined],
  ['5 -1s', undefined],
  ['abc', undefined],
  ['5x', undefined],
  ['5 parsecs', undefined],
  ['5mins', undefined],
  ['5secs', undefined],
  ['5S', undefined],
  ['5Min', undefined],
  ['5.', undefined],
  ['5.s', undefined],
  ['12.34.56', undefined],
  ['1.2.3', undefined],
  ['min', undefined],
  ['Infinity', undefined],
  ['infinity 5s', undefined],
  ['infinityx', undefined],
  ['0x10', undefined],
  ['++5', undefined],
  ['+.5', undefined],
  ['9223372036854775808', undefined],
  ['600000y', undefined],
];

describe('parseTimeSpan', () => {
  it.each(TIMESPANS)('%j → %j', (v, want) => {
    expect(parseTimeSpan(v)).toBe(want);
  });

  it('uses the default unit for bare numbers and fractions', () => {
    expect(parseTimeSpan('30', 'ms')).toBe(30_000);
    expect(parseTimeSpan('1.5', 'min')).toBe(90 * S);
    expect(parseTimeSpan('30s', 'ms')).toBe(30 * S);
    expect(() => parseTimeSpan('1', 'fortnight')).toThrow(TypeError);
  });

  it('is exact beyond 2^53 microseconds with parseTimeSpanBigInt', () => {
    expect(parseTimeSpanBigInt('584541y')).toBe(584541n * 31557600n * 1000000n);
    expect(parseTimeSpanBigInt('584542y')).toBeUndefined(); // would reach USEC_INFINITY
    expect(parseTimeSpanBigInt('infinity')).toBe((1n << 64n) - 1n);
  });
});

describe('formatTimeSpan', () => {
  it.each([
    [0, '0'],
    [1, '1us'],
    [999, '999us'],
    [1000, '1ms'],
    [1500, '1.500ms'],
    [S, '1s'],
    [1.5 * S, '1.500000s'],
    [90 * S, '1min 30s'],
    [5400 * S, '1h 30min'],
    [86400 * S + 1, '1d 1us'],
    [2629800 * S, '1month'],
    [31557600 * S + 604800 * S, '1y 1w'],
    [Infinity, 'infinity'],
  ])('%j → %j', (usec, want) => {
    expect(formatTimeSpan(usec)).toBe(want);
  });

  it('drops what is below the accuracy', () => {
    expect(formatTimeSpan(1_234_567, 1000)).toBe('1.234s');
    expect(formatTimeSpan(61 * S + 5, 1000)).toBe('1min 1.000s');
    expect(formatTimeSpan(3600 * S + 5, 1000)).toBe('1h');
  });

  it('parses back to the same number', () => {
    for (const usec of [1, 59_999_999, 60 * S + 1, 123_456_789_012, 3 * 31557600 * S + 17])
      expect(parseTimeSpan(formatTimeSpan(usec))).toBe(usec);
  });
});

const missing = missingRequirements([requirement.systemdAnalyze], 'typed values against systemd-analyze');

describe.skipIf(missing.length > 0)('agreement with systemd 252 itself', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unit-file-values-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parseTimeSpan and formatTimeSpan match `systemd-analyze timespan` on every table entry', () => {
    const values = TIMESPANS.map(([v]) => v).filter((v) => v.trim() !== '');
    for (const v of values) {
      const r = spawnSync('systemd-analyze', ['timespan', v], { encoding: 'utf8', timeout: 10_000 });
      const usec = /μs: (\d+)/.exec(r.stdout)?.[1];
      const human = /Human: (.*)/.exec(r.stdout)?.[1];
      const ours = parseTimeSpanBigInt(v);
      if (r.status !== 0) {
        expect(ours, `systemd rejects ${JSON.stringify(v)}`).toBeUndefined();
        continue;
      }
      expect(String(ours), `systemd reads ${JSON.stringify(v)} as ${usec}`).toBe(usec);
      expect(formatTimeSpan(ours!), `systemd prints ${JSON.stringify(v)} as ${human}`).toBe(human);
    }
  });

  it('parseBoolean rejects exactly what systemd rejects (RemainAfterExit=, systemd-analyze verify)', () => {
    const lines = BOOLEANS.map(([v]) => v).filter((v) => v.trim() === v);
    const file = join(dir, 'bool.service');
    writeFileSync(file, `[Service]\nType=oneshot\nExecStart=/bin/true\n${lines.map((v) => `RemainAfterExit=${v}\n`).join('')}`);
    const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8', timeout: 30_000 });
    const rejected = new Set(
      [...`${r.stdout}${r.stderr}`.matchAll(/bool\.service:(\d+): Failed to parse boolean/g)].map((m) => Number(m[1]) - 4),
    );
    // An empty assignment resets the setting: systemd accepts it, parse_boolean("") itself fails.
    expect(lines.map((v, i) => (v === '' ? undefined : !rejected.has(i)))).toEqual(
      lines.map((v) => (v === '' ? undefined : parseBoolean(v) !== undefined)),
    );
  });
});

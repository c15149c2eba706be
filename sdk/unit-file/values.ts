// Typed values of directives: booleans (systemd's parse_boolean) and time spans (systemd.time(7)).

const TRUE = new Set(['1', 'yes', 'y', 'true', 't', 'on']);
const FALSE = new Set(['0', 'no', 'n', 'false', 'f', 'off']);

export function parseBoolean(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return undefined;
}

const USEC_PER_SEC = 1_000_000;
/** Units of systemd.time(7), in microseconds. */
export const TIME_UNITS: Record<string, number> = {
  usec: 1, us: 1, 'μs': 1, 'µs': 1,
  msec: 1000, ms: 1000,
  seconds: USEC_PER_SEC, second: USEC_PER_SEC, sec: USEC_PER_SEC, s: USEC_PER_SEC,
  minutes: 60 * USEC_PER_SEC, minute: 60 * USEC_PER_SEC, min: 60 * USEC_PER_SEC, m: 60 * USEC_PER_SEC,
  hours: 3600 * USEC_PER_SEC, hour: 3600 * USEC_PER_SEC, hr: 3600 * USEC_PER_SEC, h: 3600 * USEC_PER_SEC,
  days: 86400 * USEC_PER_SEC, day: 86400 * USEC_PER_SEC, d: 86400 * USEC_PER_SEC,
  weeks: 604800 * USEC_PER_SEC, week: 604800 * USEC_PER_SEC, w: 604800 * USEC_PER_SEC,
  months: 2629800 * USEC_PER_SEC, month: 2629800 * USEC_PER_SEC, M: 2629800 * USEC_PER_SEC,
  years: 31557600 * USEC_PER_SEC, year: 31557600 * USEC_PER_SEC, y: 31557600 * USEC_PER_SEC,
};
// Longest unit names first, so "min" is not read as "m" followed by "in".
const UNIT_NAMES = Object.keys(TIME_UNITS).sort((a, b) => b.length - a.length);

/**
 * A time span in microseconds: `infinity`, or components like `2min 3s`, `1h30m`, `1.5s`; a
 * number without a unit is in `defaultUnit`. Undefined when systemd would reject it.
 */
export function parseTimeSpan(value: string, defaultUnit = 's'): number | undefined {
  const s = value.trim();
  if (s === 'infinity') return Infinity;
  if (s === '') return undefined;
  let i = 0;
  let total = 0;
  let components = 0;
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i >= s.length) break;
    const m = /^(\d+)(?:\.(\d+))?/.exec(s.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    while (s[i] === ' ' || s[i] === '\t') i++;
    const unit = UNIT_NAMES.find((u) => s.startsWith(u, i) && !/[A-Za-z]/.test(s[i + u.length] ?? ''));
    let mult: number;
    if (unit) {
      mult = TIME_UNITS[unit]!;
      i += unit.length;
    } else {
      if (i < s.length && !/[\d ]/.test(s[i]!)) return undefined;
      const d = TIME_UNITS[defaultUnit];
      if (d === undefined) return undefined;
      mult = d;
    }
    const whole = Number(m[1]);
    const frac = m[2] ? Number(`0.${m[2]}`) : 0;
    total += Math.round(whole * mult + frac * mult);
    components++;
  }
  return components > 0 ? total : undefined;
}

/** A compact systemd-style rendering (`1min 30s`, `500ms`, `infinity`). */
export function formatTimeSpan(usec: number): string {
  if (usec === Infinity) return 'infinity';
  if (usec === 0) return '0';
  const table: [string, number][] = [['y', 31557600e6], ['month', 2629800e6], ['w', 604800e6], ['d', 86400e6], ['h', 3600e6], ['min', 60e6], ['s', 1e6], ['ms', 1e3], ['us', 1]];
  const parts: string[] = [];
  let rest = usec;
  for (const [name, size] of table) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      parts.push(`${n}${name}`);
      rest -= n * size;
    }
  }
  return parts.join(' ');
}

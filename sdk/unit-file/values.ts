// Typed values of directives: booleans (systemd's parse_boolean(), src/basic/parse-util.c) and
// time spans (parse_time() and format_timespan(), src/basic/time-util.c; systemd.time(7)).

const TRUE = new Set(['1', 'yes', 'y', 'true', 't', 'on']);
const FALSE = new Set(['0', 'no', 'n', 'false', 'f', 'off']);

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** 1/yes/y/true/t/on → true, 0/no/n/false/f/off → false (ASCII case-insensitive), else undefined. */
export function parseBoolean(value: string): boolean | undefined {
  const v = asciiLower(value);
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return undefined;
}

const USEC_PER_SEC = 1_000_000n;
const USEC_PER_MINUTE = 60n * USEC_PER_SEC;
const USEC_PER_HOUR = 60n * USEC_PER_MINUTE;
const USEC_PER_DAY = 24n * USEC_PER_HOUR;
const USEC_PER_WEEK = 7n * USEC_PER_DAY;
const USEC_PER_MONTH = 2_629_800n * USEC_PER_SEC;
const USEC_PER_YEAR = 31_557_600n * USEC_PER_SEC;
/** USEC_INFINITY: UINT64_MAX. No finite time span reaches it. */
const USEC_INFINITY = (1n << 64n) - 1n;
const LLONG_MAX = (1n << 63n) - 1n;

/**
 * The unit suffixes parse_time() knows, in the order it tries them: the first suffix the text
 * starts with wins ("ms" before "m", "min" before "m", "M" is months). µs may be written with
 * U+00B5 (MICRO SIGN) or U+03BC (GREEK SMALL LETTER MU): systemd 252 as shipped (252.39) takes both.
 */
const UNIT_TABLE: readonly (readonly [string, bigint])[] = [
  ['seconds', USEC_PER_SEC],
  ['second', USEC_PER_SEC],
  ['sec', USEC_PER_SEC],
  ['s', USEC_PER_SEC],
  ['minutes', USEC_PER_MINUTE],
  ['minute', USEC_PER_MINUTE],
  ['min', USEC_PER_MINUTE],
  ['months', USEC_PER_MONTH],
  ['month', USEC_PER_MONTH],
  ['M', USEC_PER_MONTH],
  ['msec', 1000n],
  ['ms', 1000n],
  ['m', USEC_PER_MINUTE],
  ['hours', USEC_PER_HOUR],
  ['hour', USEC_PER_HOUR],
  ['hr', USEC_PER_HOUR],
  ['h', USEC_PER_HOUR],
  ['days', USEC_PER_DAY],
  ['day', USEC_PER_DAY],
  ['d', USEC_PER_DAY],
  ['weeks', USEC_PER_WEEK],
  ['week', USEC_PER_WEEK],
  ['w', USEC_PER_WEEK],
  ['years', USEC_PER_YEAR],
  ['year', USEC_PER_YEAR],
  ['y', USEC_PER_YEAR],
  ['usec', 1n],
  ['us', 1n],
  ['\u00b5s', 1n],
  ['\u03bcs', 1n],
];

/** Microseconds per unit, for every suffix parseTimeSpan accepts. */
export const TIME_UNITS: Readonly<Record<string, number>> = Object.fromEntries(UNIT_TABLE.map(([u, n]) => [u, Number(n)]));

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}
function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/**
 * parse_time(): a time span in microseconds, `Infinity` for "infinity", undefined where systemd
 * fails ("Failed to parse sec value"). Components are summed: "2min 3s", "1h30m", "5s5" (a bare
 * number takes `defaultUnit`); a fraction is exact to the microsecond and truncated ("1.5s",
 * ".5s"); whitespace may separate a number from its unit; a leading "+" is allowed, "-" is not.
 * The result is exact up to 2^53 µs (about 285 years); larger spans are rounded to the nearest double.
 * @param defaultUnit one of the suffixes (TIME_UNITS), e.g. "s" (parse_sec) or "ms".
 */
export function parseTimeSpan(value: string, defaultUnit = 's'): number | undefined {
  const usec = parseTimeSpanBigInt(value, defaultUnit);
  if (usec === undefined) return undefined;
  return usec === USEC_INFINITY ? Infinity : Number(usec);
}

/** parseTimeSpan with exact 64-bit results: USEC_INFINITY (2^64 - 1) stands for "infinity". */
export function parseTimeSpanBigInt(value: string, defaultUnit = 's'): bigint | undefined {
  const entry = UNIT_TABLE.find(([u]) => u === defaultUnit);
  if (!entry) throw new TypeError(`unknown time unit ${JSON.stringify(defaultUnit)}`);
  const defaultMultiplier = entry[1];
  const t = value;
  let p = 0;
  while (isSpace(t[p])) p++;
  if (t.startsWith('infinity', p)) {
    let s = p + 'infinity'.length;
    while (isSpace(t[s])) s++;
    return s === t.length ? USEC_INFINITY : undefined;
  }
  let usec = 0n;
  let something = false;
  for (;;) {
    while (isSpace(t[p])) p++;
    if (p >= t.length) return something ? usec : undefined;
    if (t[p] === '-') return undefined;
    // strtoll(): an optional sign, then decimal digits.
    let e = p;
    if (t[e] === '+') e++;
    const digitsStart = e;
    while (isDigit(t[e])) e++;
    let l = 0n;
    if (e === digitsStart)
      e = p; // no conversion: strtoll leaves the end pointer at the start
    else {
      l = BigInt(t.slice(digitsStart, e));
      if (l > LLONG_MAX) return undefined; // ERANGE
    }
    const dot = t[e] === '.';
    if (dot) {
      p = e + 1;
      while (isDigit(t[p])) p++;
    } else if (e === p) return undefined;
    else p = e;
    let q = p;
    while (isSpace(t[q])) q++;
    let multiplier = defaultMultiplier;
    let s = q;
    for (const [suffix, n] of UNIT_TABLE) {
      if (t.startsWith(suffix, q)) {
        multiplier = n;
        s = q + suffix.length;
        break;
      }
    }
    if (s === p && s < t.length) return undefined; // "12.34.56", "5x"
    p = s;
    if (l >= USEC_INFINITY / multiplier) return undefined;
    const k = l * multiplier;
    if (k >= USEC_INFINITY - usec) return undefined;
    usec += k;
    something = true;
    if (dot) {
      let m = multiplier / 10n;
      let b = e + 1;
      for (; isDigit(t[b]); b++, m /= 10n) {
        const d = BigInt(t.charCodeAt(b) - 48) * m;
        if (d >= USEC_INFINITY - usec) return undefined;
        usec += d;
      }
      if (b === e + 1) return undefined; // "3.", "3.s"
    }
  }
}

const FORMAT_TABLE: readonly (readonly [string, bigint])[] = [
  ['y', USEC_PER_YEAR],
  ['month', USEC_PER_MONTH],
  ['w', USEC_PER_WEEK],
  ['d', USEC_PER_DAY],
  ['h', USEC_PER_HOUR],
  ['min', USEC_PER_MINUTE],
  ['s', USEC_PER_SEC],
  ['ms', 1000n],
  ['us', 1n],
];

/**
 * format_timespan(): "1h 30min", "1.500000s", "infinity", "0", as `systemd-analyze timespan`
 * prints it. With the default accuracy of 1µs the text parses back to the same number.
 * @param usec microseconds (a non-negative integer, or Infinity)
 * @param accuracy microseconds; smaller remainders are dropped (systemctl shows times with 1ms)
 */
export function formatTimeSpan(usec: number | bigint, accuracy: number | bigint = 1): string {
  if (usec === Infinity) return 'infinity';
  if (typeof usec === 'number' && (!Number.isFinite(usec) || usec < 0)) throw new RangeError(`not a time span: ${usec}`);
  let t = typeof usec === 'bigint' ? usec : BigInt(Math.trunc(usec));
  const acc = BigInt(accuracy);
  if (t >= USEC_INFINITY) return 'infinity';
  if (t <= 0n) return '0';
  const parts: string[] = [];
  let something = false;
  for (const [suffix, size] of FORMAT_TABLE) {
    if (t <= 0n) break;
    if (t < acc && something) break;
    if (t < size) continue;
    const a = t / size;
    let b = t % size;
    let done = false;
    if (t < USEC_PER_MINUTE && b > 0n) {
      // Dot notation: as many decimals as the unit has digits, fewer for a coarse accuracy.
      let j = 0;
      for (let cc = size; cc > 1n; cc /= 10n) j++;
      for (let cc = acc; cc > 1n; cc /= 10n) {
        b /= 10n;
        j--;
      }
      if (j > 0) {
        parts.push(`${a}.${b.toString().padStart(j, '0')}${suffix}`);
        t = 0n;
        done = true;
      }
    }
    if (!done) {
      parts.push(`${a}${suffix}`);
      t = b;
    }
    something = true;
  }
  return parts.join(' ');
}

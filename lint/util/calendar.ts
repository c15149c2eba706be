// A validator for systemd.time(7) calendar event expressions (OnCalendar=), written from the man
// page and checked against `systemd-analyze calendar` on a table of expressions
// (test/lint/util/calendar.test.ts). It answers "does systemd accept this?" and, when not, says why.
//
//   [WEEKDAYS] [[YEAR-]MONTH-DAY | [YEAR-]MONTH~DAY] [HOUR:MINUTE[:SECOND]] [TIMEZONE]
//   minutely hourly daily weekly monthly yearly annually quarterly semiannually semi-annually
//   @SECONDS-SINCE-EPOCH [TIMEZONE]
// Each numeric component is `*` or a comma-separated list of `N`, `N..M`, `N/R`, `N..M/R`.
import { existsSync, statSync } from 'node:fs';

export type CalendarResult = { ok: true } | { ok: false; message: string };

const SPECIAL = new Set([
  'minutely',
  'hourly',
  'daily',
  'weekly',
  'monthly',
  'yearly',
  'annually',
  'quarterly',
  'semiannually',
  'semi-annually',
]);
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

function weekdayIndex(name: string): number {
  const lower = name.toLowerCase();
  for (let i = 0; i < WEEKDAYS.length; i++) {
    if (lower === WEEKDAYS[i] || lower === WEEKDAYS[i]!.slice(0, 3)) return i;
  }
  return -1;
}

class CalendarError extends Error {}
const fail = (message: string): never => {
  throw new CalendarError(message);
};

function checkWeekdays(token: string): void {
  const items = token.split(',');
  // A trailing comma is accepted ("Mon,"), an empty item elsewhere is not.
  if (items.length > 1 && items[items.length - 1] === '') items.pop();
  for (const item of items) {
    if (item === '') fail(`empty weekday in "${token}"`);
    const range = /^([A-Za-z]+)(?:(?:\.\.|-)([A-Za-z]+))?$/.exec(item);
    if (!range) fail(`"${item}" is not a weekday or a range of weekdays like Mon..Fri`);
    const a = weekdayIndex(range![1]!);
    if (a < 0) fail(`"${range![1]}" is not a weekday (Mon, Tue, ... or Monday, Tuesday, ...)`);
    if (range![2] !== undefined) {
      const b = weekdayIndex(range![2]);
      if (b < 0) fail(`"${range![2]}" is not a weekday (Mon, Tue, ... or Monday, Tuesday, ...)`);
      if (a > b) fail(`weekday range ${item} runs backwards; write it as ${range![2]}..${range![1]}`);
    }
  }
}

interface ComponentSpec {
  name: string;
  min: number;
  max: number;
  /** Seconds may carry a fraction (`00:00:00.5`). */
  fraction?: boolean;
  /** Two-digit years mean 19xx (70-99) and 20xx (00-69). */
  year?: boolean;
}

const NUMBER = /^([0-9]+)(\.[0-9]+)?$/;

function parseNumber(text: string, spec: ComponentSpec, what: string): number {
  const m = NUMBER.exec(text);
  if (!m) fail(`"${text}" is not a number (${spec.name})`);
  if (m![2] && !spec.fraction) fail(`${spec.name} "${text}" cannot have a fraction; only seconds can`);
  let n = Number(m![1]);
  if (spec.year && what === 'value' && m![1]!.length <= 2) n += n < 70 ? 2000 : 1900;
  // systemd keeps microseconds: 59.9999999 rounds to 60.
  return m![2] ? Math.round((n + Number(`0${m![2]}`)) * 1e6) / 1e6 : n;
}

/** Seconds may be fractional: anything below max + 1 is in range. */
function above(value: number, spec: ComponentSpec): boolean {
  return spec.fraction ? value >= spec.max + 1 : value > spec.max;
}

function checkComponent(text: string, spec: ComponentSpec): void {
  if (text === '') fail(`empty ${spec.name}`);
  if (text === '*') return;
  for (const item of text.split(',')) {
    if (item === '') fail(`empty item in ${spec.name} "${text}"`);
    const m = /^([^./]+(?:\.[0-9]+)?|\*)(?:\.\.([^/]+))?(?:\/(.+))?$/.exec(item);
    if (!m) fail(`"${item}" is not a valid ${spec.name}`);
    const [, startText, stopText, repeatText] = m!;
    const start = startText === '*' ? spec.min : parseNumber(startText!, spec, 'value');
    if (startText === '*')
      fail(`"${item}": * stands alone; it cannot be part of a list, range or repetition (write 0/${repeatText ?? 'N'})`);
    if (start < spec.min || above(start, spec)) fail(`${spec.name} ${startText} is out of range (${spec.min}..${spec.max})`);
    if (stopText !== undefined) {
      const stop = parseNumber(stopText, spec, 'value');
      if (stop < spec.min || above(stop, spec)) fail(`${spec.name} ${stopText} is out of range (${spec.min}..${spec.max})`);
      if (stop < start) fail(`${spec.name} range ${startText}..${stopText} runs backwards`);
    }
    if (repeatText !== undefined) {
      const repeat = parseNumber(repeatText, { ...spec, year: false }, 'repeat');
      if (repeat <= 0) fail(`repetition /${repeatText} must be positive`);
      // Without an end, the first repetition must still be a valid value (systemd: start + repeat <= max).
      if (stopText === undefined && above(start + repeat, spec))
        fail(
          `repetition ${startText}/${repeatText} never repeats: ${spec.name} ${start + repeat} is out of range (${spec.min}..${spec.max})`,
        );
    }
  }
}

const YEAR: ComponentSpec = { name: 'year', min: 1970, max: 2199, year: true };
const MONTH: ComponentSpec = { name: 'month', min: 1, max: 12 };
const DAY: ComponentSpec = { name: 'day', min: 1, max: 31 };
const HOUR: ComponentSpec = { name: 'hour', min: 0, max: 23 };
const MINUTE: ComponentSpec = { name: 'minute', min: 0, max: 59 };
const SECOND: ComponentSpec = { name: 'second', min: 0, max: 59, fraction: true };

function checkDate(token: string): void {
  // The day may follow a `~` (days counted from the end of the month) instead of the last `-`.
  const tilde = token.indexOf('~');
  let head: string;
  let day: string;
  if (tilde >= 0) {
    head = token.slice(0, tilde);
    day = token.slice(tilde + 1);
    if (day.includes('~') || day.includes('-')) fail(`"${token}" is not a date`);
  } else {
    const last = token.lastIndexOf('-');
    head = token.slice(0, last);
    day = token.slice(last + 1);
  }
  const parts = head.split('-');
  if (parts.length > 2 || (tilde < 0 && parts.length < 1)) fail(`"${token}" is not a date (YEAR-MONTH-DAY or MONTH-DAY)`);
  if (parts.length === 2) {
    checkComponent(parts[0]!, YEAR);
    checkComponent(parts[1]!, MONTH);
  } else {
    checkComponent(parts[0]!, MONTH);
  }
  checkComponent(day, DAY);
}

function checkTime(token: string): void {
  const parts = token.split(':');
  if (parts.length < 2 || parts.length > 3) fail(`"${token}" is not a time (HOUR:MINUTE or HOUR:MINUTE:SECOND)`);
  checkComponent(parts[0]!, HOUR);
  checkComponent(parts[1]!, MINUTE);
  if (parts.length === 3) checkComponent(parts[2]!, SECOND);
}

/** Time zones systemd accepts after an expression: UTC (any case) or a tz database name. */
export function isTimezone(token: string, zoneinfo = '/usr/share/zoneinfo'): boolean {
  if (token.toLowerCase() === 'utc') return true;
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(token)) return false;
  try {
    const path = `${zoneinfo}/${token}`;
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}

const looksLikeWeekday = (t: string): boolean => /^[A-Za-z]/.test(t) && !/[:~]/.test(t) && weekdayIndex(t.split(/[,.-]/)[0]!) >= 0;

export function checkCalendar(expression: string): CalendarResult {
  try {
    const value = expression;
    if (value.trim() === '') fail('empty calendar expression');
    if (value !== value.trim()) fail('leading or trailing white space');
    let tokens = value.split(/\s+/);
    if (tokens.length > 1 && !looksLikeWeekday(tokens[tokens.length - 1]!) && /^[A-Za-z]/.test(tokens[tokens.length - 1]!)) {
      const tz = tokens[tokens.length - 1]!;
      if (!SPECIAL.has(tz.toLowerCase())) {
        if (!isTimezone(tz)) fail(`"${tz}" is not a time zone this machine knows (UTC or a name under /usr/share/zoneinfo)`);
        tokens = tokens.slice(0, -1);
      }
    }
    if (tokens.length === 1 && tokens[0]!.startsWith('@')) {
      if (!/^@[0-9]+$/.test(tokens[0]!)) fail(`"${tokens[0]}" is not @ followed by seconds since the epoch`);
      return { ok: true };
    }
    if (tokens.length === 1 && SPECIAL.has(tokens[0]!.toLowerCase())) return { ok: true };
    let i = 0;
    if (i < tokens.length && /^[A-Za-z]/.test(tokens[i]!)) {
      checkWeekdays(tokens[i]!);
      i++;
    }
    let sawDate = false;
    let sawTime = false;
    if (i < tokens.length && !tokens[i]!.includes(':') && /[-~]/.test(tokens[i]!)) {
      checkDate(tokens[i]!);
      sawDate = true;
      i++;
    }
    if (i < tokens.length && tokens[i]!.includes(':')) {
      checkTime(tokens[i]!);
      sawTime = true;
      i++;
    }
    if (i < tokens.length) {
      const t = tokens[i]!;
      if (/^[A-Za-z]/.test(t) && (sawDate || sawTime)) fail(`"${t}" is out of place: weekdays come first, then the date, then the time`);
      fail(`"${t}" is not a weekday, date (YEAR-MONTH-DAY) or time (HOUR:MINUTE[:SECOND])`);
    }
    if (i === 0) fail('nothing to schedule');
    return { ok: true };
  } catch (e) {
    if (e instanceof CalendarError) return { ok: false, message: e.message };
    throw e;
  }
}

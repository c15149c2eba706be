// What may be written into a unit file, and where. systemd reads a unit file line by line with
// read_line(): a newline, a CR or a NUL ends a line, a line ending in a backslash continues on
// the next one, and a line longer than LONG_LINE_MAX makes it stop reading the file. A value
// that contains any of these does not stay the value it was: it injects a directive, swallows the
// next line, or cuts off everything after it (User=, the Exec rewrite). So every value the
// generator writes, and every file it copies, is checked here; a service whose output fails a
// check is skipped with the reason, never written half-right.
import { posix } from 'node:path';
import { UNIT_LINE_MAX } from '../../sdk/contract.ts';

/** C0 controls and DEL: never part of a value systemd reads back as written. */
const CONTROL = /[\x00-\x1f\x7f]/;

/** A UTF-16 surrogate without its pair: not encodable as UTF-8, which systemd requires. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function describeControl(s: string): string {
  const ch = CONTROL.exec(s)![0];
  const names: Record<string, string> = { '\n': 'a newline', '\r': 'a carriage return', '\0': 'a NUL', '\t': 'a tab' };
  return names[ch] ?? `the control character U+${ch.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`;
}

/**
 * Why `value` cannot be written as `key=value` in a unit file and read back unchanged, or
 * undefined when it can. The value is the text as written (already quoted and escaped).
 */
export function unitValueProblem(key: string, value: string): string | undefined {
  if (CONTROL.test(value)) return `${key}= value contains ${describeControl(value)}, which would end the line in systemd's parser`;
  if (value.endsWith('\\')) return `${key}= value ends in a backslash, which would join the next line to it`;
  if (value !== value.trim()) return `${key}= value starts or ends with white space, which systemd strips`;
  if (LONE_SURROGATE.test(value)) return `${key}= value is not valid UTF-8 (it holds a lone surrogate)`;
  const bytes = Buffer.byteLength(`${key}=${value}`);
  if (bytes >= UNIT_LINE_MAX)
    return `${key}= line is ${bytes} bytes; systemd stops reading a unit file at a line of ${UNIT_LINE_MAX} bytes or more`;
  return undefined;
}

export interface TextProblem {
  line: number;
  message: string;
}

/**
 * Problems that make systemd read `text` differently from how it is written: a NUL or a lone CR
 * (each ends a line for systemd), a physical line of UNIT_LINE_MAX bytes or more, a logical line
 * (continuations joined) of more than UNIT_LINE_MAX bytes. CRLF line ends are fine.
 */
export function unitTextProblems(text: string): TextProblem[] {
  // Fast path for the usual unit file: no NUL or CR, and too short (at most 3 UTF-8 bytes per
  // UTF-16 unit) for any line to reach the limit.
  if (text.length * 3 < UNIT_LINE_MAX - 1 && !/[\0\r]/.test(text)) return [];
  const problems: TextProblem[] = [];
  const lines = text.split('\n');
  let continued = 0;
  let continuedFrom = 0;
  lines.forEach((raw, i) => {
    const line = i + 1;
    const physical = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (physical.includes('\0')) problems.push({ line, message: 'contains a NUL, which ends the line for systemd' });
    if (physical.includes('\r'))
      problems.push({ line, message: 'contains a carriage return that is not part of a CRLF line end; systemd ends the line there' });
    const bytes = Buffer.byteLength(physical);
    if (bytes >= UNIT_LINE_MAX) {
      problems.push({
        line,
        message: `is ${bytes} bytes long; systemd stops reading the file at a line of ${UNIT_LINE_MAX} bytes or more`,
      });
      continued = 0;
      return;
    }
    const trimmed = physical.trimStart();
    // Comment lines are skipped even inside a continuation (systemd 252 conf-parser.c).
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    if (continued > 0 && continued + bytes > UNIT_LINE_MAX) {
      problems.push({
        line,
        message:
          `continues line ${continuedFrom} to ${continued + bytes} bytes; systemd stops reading the file ` +
          `at a continued line of more than ${UNIT_LINE_MAX} bytes`,
      });
      continued = 0;
      return;
    }
    if (endsEscaped(physical)) {
      if (continued === 0) continuedFrom = line;
      continued += bytes;
    } else continued = 0;
  });
  return problems;
}

/** systemd's continuation test: the line ends in a backslash that is not itself escaped. */
function endsEscaped(s: string): boolean {
  let escaped = false;
  for (const ch of s) escaped = escaped ? false : ch === '\\';
  return escaped;
}

/** Longest file name most Linux file systems accept (NAME_MAX). */
const NAME_MAX = 255;

/**
 * Why a planned output path could land anywhere but in a file below the output directory, or
 * undefined when it cannot. Every path the planner emits goes through this: relative, no empty,
 * `.` or `..` segments, no control characters, each name at most NAME_MAX bytes.
 */
export function outputPathProblem(path: string): string | undefined {
  if (path === '') return 'the output path is empty';
  if (path.startsWith('/')) return `output path "${printable(path)}" is absolute`;
  if (CONTROL.test(path)) return `output path "${printable(path)}" contains ${describeControl(path)}`;
  for (const segment of path.split('/')) {
    if (segment === '') return `output path "${printable(path)}" has an empty segment`;
    if (segment === '.' || segment === '..') return `output path "${printable(path)}" has a "${segment}" segment`;
    if (Buffer.byteLength(segment) > NAME_MAX) return `output path "${printable(path)}" has a name longer than ${NAME_MAX} bytes`;
  }
  return undefined;
}

/** Why a planned symlink could point outside the output directory, or undefined. */
export function symlinkTargetProblem(path: string, target: string): string | undefined {
  if (target === '' || target.startsWith('/') || CONTROL.test(target))
    return `symlink ${printable(path)} has an unsafe target "${printable(target)}"`;
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  if (resolved === '..' || resolved.startsWith('../') || resolved === '.')
    return `symlink ${printable(path)} points outside the output directory`;
  return undefined;
}

/** A path with control characters shown as escapes, so a message never carries a raw newline. */
export function printable(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

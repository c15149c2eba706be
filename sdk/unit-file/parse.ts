// parseUnitFile: the lossless model of a unit file, read the way systemd 252 reads it
// (src/shared/conf-parser.c config_parse() and parse_line(), src/basic/fileio.c read_line()).
// - Lines end at `\n`, `\r` or NUL, and at the combinations `\r\n`, `\n\r`, `\n\0` ... (read_line).
// - A line whose first non-blank character is `#` or `;` is a comment. That test comes before
//   everything else, so a comment line inside a continuation is skipped and the continuation goes on.
// - A line ending in an odd number of backslashes continues: the last backslash becomes a space and
//   the next line is appended as it is, leading whitespace included. A blank line ends it; at the
//   end of the file the pending line is used as it is.
// - A UTF-8 byte order mark is skipped at the start of a (non-comment) line, once.
// - A logical line is stripped of whitespace (" \t\n\r", nothing else). `[Name]` starts a section
//   (the name is what is between the brackets, unstripped); an unterminated header or a name with
//   quotes, backslashes or control characters makes systemd stop reading the file. Before the
//   first section every line is ignored with a warning. `Key=Value` splits at the first `=`, both
//   sides stripped; a line without `=` or with nothing before it is ignored with a warning.
// Every physical line belongs to exactly one node and `raw` + `eol` keep its exact text, so an
// unchanged model formats back to the original string. Parsing never throws.
import type { EntryNode, SectionHeaderNode, SourceRange, UnitFile, UnitFileProblem, UnitNode, UnitSection } from './types.ts';
import { isSafeString, skipWhitespace, skipWhitespaceBackward } from './syntax.ts';

/** read_line()'s limit: a line (or a continued line) of this many bytes makes systemd give up. */
export const LONG_LINE_MAX = 1024 * 1024;

export interface PhysicalLine {
  text: string;
  /** The terminator after the line: one of each of `\n`, `\r`, NUL at most, NUL last; '' at EOF. */
  eol: string;
}

const EOL_ZERO = 1;
const EOL_TEN = 2;
const EOL_THIRTEEN = 4;

function eolKind(ch: string | undefined): number {
  if (ch === '\n') return EOL_TEN;
  if (ch === '\r') return EOL_THIRTEEN;
  if (ch === '\0') return EOL_ZERO;
  return 0;
}

/** Split text into lines as systemd's read_line() does. An empty text has no lines. */
export function splitPhysicalLines(text: string): PhysicalLine[] {
  const lines: PhysicalLine[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j < n && eolKind(text[j]) === 0) j++;
    let k = j;
    let seen = 0;
    while (k < n) {
      const kind = eolKind(text[k]);
      if (kind === 0 || (seen & EOL_ZERO) !== 0 || (seen & kind) !== 0) break;
      seen |= kind;
      k++;
    }
    lines.push({ text: text.slice(i, j), eol: text.slice(j, k) });
    i = k;
  }
  return lines;
}

/** Whether the UTF-8 length of the strings together is at least `limit` (cheap when clearly not). */
function bytesAtLeast(limit: number, ...parts: string[]): boolean {
  let chars = 0;
  for (const p of parts) chars += p.length;
  if (chars * 3 < limit) return false; // a UTF-16 unit is at most 3 UTF-8 bytes
  let bytes = 0;
  for (const p of parts) bytes += Buffer.byteLength(p, 'utf8');
  return bytes >= limit;
}

function odd(trailingBackslashes: string): boolean {
  let n = 0;
  for (let i = trailingBackslashes.length - 1; i >= 0 && trailingBackslashes[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

/** A piece of a logical line: the text of physical line `line` from column `column` on. */
interface Segment {
  at: number;
  line: number;
  column: number;
}

interface Pending {
  first: number;
  last: number;
  logical: string;
  segments: Segment[];
}

export function parseUnitFile(text: string, path?: string): UnitFile {
  const file: UnitFile = { path, preamble: [], sections: [], newline: '\n', finalNewline: false, problems: [], bom: false };
  let src = text;
  if (src.startsWith('\uFEFF')) {
    file.bom = true;
    src = src.slice(1);
  }
  const lines = splitPhysicalLines(src);
  if (lines.length > 0) {
    file.finalNewline = lines[lines.length - 1]!.eol !== '';
    if (lines.find((l) => l.eol !== '')?.eol === '\r\n') file.newline = '\r\n';
  }

  let current: UnitSection | undefined;
  let bomSeen = file.bom === true;
  let pending: Pending | undefined;

  const push = (node: UnitNode): void => {
    if (current) current.nodes.push(node);
    else file.preamble.push(node);
  };
  const problem = (range: SourceRange, message: string, severity: 'error' | 'warning'): void => {
    const p: UnitFileProblem = {
      line: range.line,
      column: range.column,
      endLine: range.endLine,
      endColumn: range.endColumn,
      message,
      severity,
    };
    file.problems.push(path !== undefined ? { file: path, ...p } : p);
  };
  const rawOf = (first: number, last: number): string => {
    let raw = '';
    for (let k = first; k < last; k++) raw += lines[k]!.text + lines[k]!.eol;
    return raw + lines[last]!.text;
  };
  const lineRange = (idx: number): SourceRange => ({ line: idx + 1, column: 1, endLine: idx + 1, endColumn: lines[idx]!.text.length + 1 });

  const finish = (p: Pending): void => {
    const L = p.logical;
    const raw = rawOf(p.first, p.last);
    const eol = lines[p.last]!.eol;
    const endLine = p.last + 1;
    const endColumn = lines[p.last]!.text.length + 1;
    // Position of logical offset k (the character there, or just after the text for k = L.length).
    const pos = (k: number): { line: number; column: number } => {
      let seg = p.segments[0]!;
      for (const s of p.segments) if (s.at <= k) seg = s;
      return { line: seg.line + 1, column: seg.column + (k - seg.at) };
    };
    const span = (from: number, to: number): SourceRange => {
      const a = pos(from);
      if (to <= from) return { line: a.line, column: a.column, endLine: a.line, endColumn: a.column };
      const b = pos(to - 1);
      return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column + 1 };
    };
    const s = skipWhitespace(L);
    const e = skipWhitespaceBackward(L, L.length, s);
    if (s === e) {
      push({ type: 'blank', raw, eol, range: { line: p.first + 1, column: 1, endLine, endColumn } });
      return;
    }
    const start = pos(s);
    const range: SourceRange = { line: start.line, column: start.column, endLine, endColumn };
    const body = L.slice(s, e);
    const continued = p.last > p.first;

    if (body[0] === '[') {
      if (body.length < 2 || body[body.length - 1] !== ']') {
        push({ type: 'invalid', raw, eol, range, message: 'invalid section header' });
        // Messages give the position, never the text: it reaches status.json and the log.
        problem(span(s, e), 'invalid section header: expected [Name]; systemd stops reading the file here', 'error');
        return;
      }
      const name = body.slice(1, -1);
      if (!isSafeString(name)) {
        push({ type: 'invalid', raw, eol, range, message: 'bad characters in section header' });
        problem(
          span(s, e),
          'the section name contains quotes, a backslash or control characters; systemd stops reading the file here',
          'error',
        );
        return;
      }
      const header: SectionHeaderNode = { type: 'section', name, raw, eol, range };
      current = { name, header, nodes: [] };
      if (path !== undefined) current.file = path;
      file.sections.push(current);
      return;
    }

    const eq = body.indexOf('=');
    const key = eq > 0 ? body.slice(0, skipWhitespaceBackward(body, eq)) : '';
    if (!current) {
      push({ type: 'invalid', raw, eol, range, message: 'line outside of any section' });
      problem(
        span(s, e),
        eq > 0
          ? 'assignment outside of any section; put it below a [Section] header'
          : 'line outside of any section; put it below a [Section] header',
        'warning',
      );
      return;
    }
    if (eq < 0) {
      push({ type: 'invalid', raw, eol, range, message: 'line is not an assignment' });
      problem(
        span(s, e),
        `line is not an assignment: expected Key=value or a [Section]${continued ? ' (it continues over several lines)' : ''}`,
        'warning',
      );
      return;
    }
    if (eq === 0) {
      push({ type: 'invalid', raw, eol, range, message: 'assignment without a key' });
      problem(span(s, e), 'assignment without a key name before "="', 'warning');
      return;
    }
    const valueStart = skipWhitespace(L, s + eq + 1);
    const valueEnd = Math.max(valueStart, e);
    const value = L.slice(valueStart, valueEnd);
    const keyRange = span(s, s + key.length);
    let valueRange: SourceRange;
    if (value === '') {
      const at = pos(s + eq);
      valueRange = { line: at.line, column: at.column + 1, endLine: at.line, endColumn: at.column + 1 };
    } else valueRange = span(valueStart, valueEnd);
    const node: EntryNode = { type: 'entry', key, value, raw, eol, range, keyRange, valueRange };
    push(node);
  };

  for (let idx = 0; idx < lines.length; idx++) {
    const t = lines[idx]!.text;
    const first = skipWhitespace(t);
    if (first < t.length && (t[first] === '#' || t[first] === ';')) {
      if (pending) pending.last = idx;
      else push({ type: 'comment', raw: t, eol: lines[idx]!.eol, text: t.slice(first + 1), range: lineRange(idx) });
      continue;
    }
    let l = t;
    let column = 1;
    if (!bomSeen && t.startsWith('\uFEFF')) {
      l = t.slice(1);
      column = 2;
      bomSeen = true;
    }
    const tooLong = bytesAtLeast(LONG_LINE_MAX, t) || (pending !== undefined && bytesAtLeast(LONG_LINE_MAX + 1, pending.logical, l));
    if (!pending) pending = { first: idx, last: idx, logical: '', segments: [] };
    pending.segments.push({ at: pending.logical.length, line: idx, column });
    pending.logical += l;
    pending.last = idx;
    if (tooLong) {
      problem(lineRange(idx), `line longer than ${LONG_LINE_MAX} bytes; systemd stops reading the file here`, 'error');
    }
    if (odd(pending.logical)) {
      pending.logical = `${pending.logical.slice(0, -1)} `;
      continue;
    }
    finish(pending);
    pending = undefined;
  }
  if (pending) finish(pending);
  return file;
}

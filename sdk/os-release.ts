// os-release(5): newline-separated, shell-compatible variable assignments. Parsed the way
// systemd's env-file reader does (quotes, escapes, comments), with every problem reported by line.

export interface OsReleaseEntry {
  key: string;
  value: string;
  /** 1-based line of the key. */
  line: number;
}

export interface OsReleaseProblem {
  file?: string;
  line: number;
  column: number;
  message: string;
}

export interface ParsedOsRelease {
  /** Last assignment wins, as when a shell sources the file. */
  fields: Record<string, string>;
  entries: OsReleaseEntry[];
  problems: OsReleaseProblem[];
}

const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Characters a backslash escapes inside double quotes (the shell's set). */
const DOUBLE_QUOTE_ESCAPES = '"\\`$';

export function validateOsReleaseKey(key: string): string | undefined {
  return KEY_PATTERN.test(key) ? undefined : `"${key}" is not a valid variable name: use letters, digits and _, not starting with a digit`;
}

/** Lines in the shapes nearly every os-release uses: `KEY=plain` or `KEY="text without escapes"`. */
const SIMPLE_LINE = /^([A-Za-z_][A-Za-z0-9_]*)=(?:([A-Za-z0-9_.,:/@%+=-]*)|"([^"\\`$\n]*)")$/;

export function parseOsRelease(text: string, path?: string): ParsedOsRelease {
  // Fast path (the generator reads one os-release per package at every boot): when every line
  // is blank, a comment or a simple assignment, no state machine is needed.
  const lines = text.split('\n');
  const simple: OsReleaseEntry[] = [];
  let allSimple = true;
  for (let n = 0; n < lines.length && allSimple; n++) {
    const l = lines[n]!;
    if (l === '' || l[0] === '#') continue;
    const m = SIMPLE_LINE.exec(l);
    if (m) simple.push({ key: m[1]!, value: m[2] ?? m[3]!, line: n + 1 });
    else allSimple = false;
  }
  if (allSimple) {
    const fields: Record<string, string> = {};
    for (const e of simple) fields[e.key] = e.value;
    return { fields, entries: simple, problems: [] };
  }
  const entries: OsReleaseEntry[] = [];
  const problems: OsReleaseProblem[] = [];
  const problem = (line: number, column: number, message: string): void => {
    problems.push({ ...(path ? { file: path } : {}), line, column, message });
  };
  if (text.startsWith('\uFEFF')) text = text.slice(1);

  let i = 0;
  let line = 1;
  let col = 1;
  const next = (): string => {
    const ch = text[i++]!;
    if (ch === '\n') {
      line++;
      col = 1;
    } else col++;
    return ch;
  };
  const peek = (): string | undefined => text[i];

  while (i < text.length) {
    // Leading whitespace and blank lines.
    while (peek() !== undefined && /[ \t\r\n]/.test(peek()!)) next();
    if (peek() === undefined) break;
    const startLine = line;
    const startCol = col;
    if (peek() === '#' || peek() === ';') {
      // A comment runs to the end of the line; a backslash before the newline continues it.
      while (peek() !== undefined && peek() !== '\n') {
        if (next() === '\\' && peek() === '\n') next();
      }
      continue;
    }
    let key = '';
    while (peek() !== undefined && peek() !== '=' && peek() !== '\n') key += next();
    key = key.replace(/[ \t\r]+$/, '');
    if (peek() !== '=') {
      // Messages say where and what, never quote the text: the file may hold what it must not
      // (a secret behind a link), and messages reach status.json and the log.
      problem(startLine, startCol, 'line is not an assignment: expected KEY=value');
      continue;
    }
    next(); // '='
    let value = '';
    let bad = false;
    // Unquoted runs, quoted strings and escapes concatenate until an unquoted newline.
    let trailingSpace = '';
    while (peek() !== undefined && peek() !== '\n') {
      const ch = next();
      if (ch === "'" || ch === '"') {
        value += trailingSpace;
        trailingSpace = '';
        const qLine = line;
        const qCol = col - 1;
        let closed = false;
        while (peek() !== undefined) {
          const c = next();
          if (c === ch) {
            closed = true;
            break;
          }
          // Inside double quotes a backslash escapes the shell's set and continues lines;
          // inside single quotes nothing is special.
          if (ch === '"' && c === '\\' && peek() !== undefined) {
            const e = next();
            if (e !== '\n') value += DOUBLE_QUOTE_ESCAPES.includes(e) ? e : `\\${e}`;
            continue;
          }
          value += c;
        }
        if (!closed) {
          problem(qLine, qCol, `unterminated ${ch === '"' ? 'double' : 'single'} quote in the value`);
          bad = true;
        }
      } else if (ch === '\\') {
        if (peek() === undefined) break;
        const e = next();
        if (e !== '\n') {
          value += trailingSpace + e;
          trailingSpace = '';
        }
      } else if (ch === ' ' || ch === '\t' || ch === '\r') {
        // Whitespace counts only between words; trailing whitespace is dropped.
        if (value !== '' || trailingSpace !== '') trailingSpace += ch;
      } else {
        value += trailingSpace + ch;
        trailingSpace = '';
      }
    }
    if (!KEY_PATTERN.test(key)) {
      problem(
        startLine,
        startCol,
        'the name before "=" is not a valid variable name: use letters, digits and _, not starting with a digit',
      );
      continue;
    }
    if (!bad) entries.push({ key, value, line: startLine });
  }
  const fields: Record<string, string> = {};
  for (const e of entries) fields[e.key] = e.value;
  return { fields, entries, problems };
}

const SAFE_UNQUOTED = /^[A-Za-z0-9_.,:/@%+=-]+$/;

/** Quote a value for os-release: bare when safe, else double quotes with `" \ $ \`` escaped. */
export function quoteOsReleaseValue(value: string): string {
  if (/[\n\0]/.test(value)) throw new Error('os-release values cannot contain newlines or NUL');
  if (SAFE_UNQUOTED.test(value)) return value;
  return `"${value.replace(/["\\`$]/g, (c) => `\\${c}`)}"`;
}

export function formatOsRelease(fields: Record<string, string>): string {
  let out = '';
  for (const [key, value] of Object.entries(fields)) {
    const keyProblem = validateOsReleaseKey(key);
    if (keyProblem) throw new Error(keyProblem);
    out += `${key}=${quoteOsReleaseValue(value)}\n`;
  }
  return out;
}

// A small JSON reader that keeps positions: JSON.parse says neither where a value is (so schema
// errors could not point at a line) nor, in every node version, where a syntax error is.
import type { SourceRange } from '../../sdk/unit-file/types.ts';
import { jsonPath } from '../../sdk/schema/issues.ts';

export interface JsonLocated {
  value?: unknown;
  /** Range of the value at each JSON path (`services[0].name`; '' is the document). */
  ranges: Map<string, SourceRange>;
  /** Range of the key of each object member, by the member's path. */
  keyRanges: Map<string, SourceRange>;
  error?: { line: number; column: number; message: string };
}

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** 1-based line and column of every offset, computed lazily from line starts. */
export class LineIndex {
  private starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
  range(start: number, end: number): SourceRange {
    const a = this.position(start);
    const b = this.position(end);
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }
}

export function parseJsonWithPositions(text: string): JsonLocated {
  const ranges = new Map<string, SourceRange>();
  const keyRanges = new Map<string, SourceRange>();
  const lines = new LineIndex(text);
  let i = 0;

  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const describe = (): string => (i >= text.length ? 'end of input' : `"${text[i]}"`);
  const fail = (expected: string): never => {
    throw new JsonSyntaxError(`expected ${expected}, found ${describe()}`, i);
  };

  const parseString = (): string => {
    if (text[i] !== '"') fail('a string');
    let j = i + 1;
    let out = '';
    for (;;) {
      if (j >= text.length) {
        i = j;
        fail('a closing quote');
      }
      const c = text[j]!;
      if (c === '"') break;
      if (c === '\\') {
        const e = text[j + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          j += 2;
          continue;
        }
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) {
          out += String.fromCharCode(parseInt(text.slice(j + 2, j + 6), 16));
          j += 6;
          continue;
        }
        i = j;
        throw new JsonSyntaxError('invalid escape sequence in string', j);
      }
      if (c.charCodeAt(0) < 0x20) {
        i = j;
        throw new JsonSyntaxError('control character in string (escape it)', j);
      }
      out += c;
      j++;
    }
    i = j + 1;
    return out;
  };

  const parseValue = (path: PropertyKey[]): unknown => {
    ws();
    const start = i;
    let value: unknown;
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') i++;
      else {
        for (;;) {
          ws();
          const keyStart = i;
          const key = parseString();
          keyRanges.set(jsonPath([...path, key]), lines.range(keyStart, i));
          ws();
          if (text[i] !== ':') fail('":"');
          i++;
          obj[key] = parseValue([...path, key]);
          ws();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === '}') {
            i++;
            break;
          }
          fail('"," or "}"');
        }
      }
      value = obj;
    } else if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') i++;
      else {
        for (;;) {
          arr.push(parseValue([...path, arr.length]));
          ws();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === ']') {
            i++;
            break;
          }
          fail('"," or "]"');
        }
      }
      value = arr;
    } else if (c === '"') {
      value = parseString();
    } else if (c !== undefined && /[-0-9]/.test(c)) {
      const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i));
      if (!m) fail('a number');
      i += m![0].length;
      value = Number(m![0]);
    } else if (text.startsWith('true', i)) {
      i += 4;
      value = true;
    } else if (text.startsWith('false', i)) {
      i += 5;
      value = false;
    } else if (text.startsWith('null', i)) {
      i += 4;
      value = null;
    } else {
      fail('a value');
    }
    ranges.set(jsonPath(path), lines.range(start, i));
    return value;
  };

  try {
    const value = parseValue([]);
    ws();
    if (i < text.length) fail('end of input');
    return { value, ranges, keyRanges };
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const pos = lines.position(e.offset);
    return { ranges, keyRanges, error: { ...pos, message: e.message } };
  }
}

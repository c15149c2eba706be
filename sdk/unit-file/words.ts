// Splitting a value into words the way systemd's extract_first_word() does (src/basic/extract-word.c),
// with its flags, and C escapes as cunescape_one() decodes them (src/basic/escape.c). Directives
// differ in the flags they pass, so the flags are explicit here.
import { isWhitespace, skipWhitespace } from './syntax.ts';

export interface ExtractFlags {
  /** EXTRACT_UNQUOTE: `'…'` and `"…"` group characters into one word and are removed. */
  unquote?: boolean;
  /** EXTRACT_CUNESCAPE: C escapes (`\n`, `\x41`, `\u00e9`, `\101`, `\s` …) are decoded. */
  cunescape?: boolean;
  /** EXTRACT_RETAIN_ESCAPE: a backslash is an ordinary character. */
  retainEscape?: boolean;
  /** EXTRACT_UNESCAPE_RELAX: an unknown escape, or a trailing backslash outside quotes, is kept verbatim. */
  unescapeRelax?: boolean;
  /** EXTRACT_RELAX: an unterminated quote or a trailing backslash ends the word instead of failing. */
  relax?: boolean;
}

/** A word and where it was: `start` is its first character, `end` just after its last (0-based, UTF-16). */
export interface Word {
  text: string;
  start: number;
  end: number;
}

export type ExtractErrorReason = 'unbalanced-quote' | 'bad-escape';

export type ExtractResult =
  /** `next`: where the following word may start (separators after the word are skipped). */
  | {
      kind: 'word';
      word: Word;
      next: number /** set when unknown escapes were kept verbatim (see extractFirstWordAndWarn) */;
      warning?: string;
    }
  | { kind: 'end' }
  | {
      kind: 'error';
      reason: ExtractErrorReason /** 0-based offset of the opening quote or the backslash */;
      offset: number;
      message: string;
    };

function hexDigit(ch: string | undefined): number {
  if (ch === undefined) return -1;
  const c = ch.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

function octDigit(ch: string | undefined): number {
  if (ch === undefined) return -1;
  const c = ch.charCodeAt(0);
  return c >= 0x30 && c <= 0x37 ? c - 0x30 : -1;
}

/** unichar_is_valid(). */
function isValidCodePoint(c: number): boolean {
  if (c >= 0x110000) return false;
  if ((c & 0xfffff800) === 0xd800) return false;
  if (c >= 0xfdd0 && c <= 0xfdef) return false;
  if ((c & 0xfffe) === 0xfffe) return false;
  return true;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
  s: ' ',
};

/**
 * cunescape_one() for the escape whose letter is at `s[at]` (the backslash is at `at - 1`).
 * `byte` for \x and octal escapes (a raw byte), `codePoint` otherwise; `length` counts the
 * characters after the backslash. Undefined for an escape systemd does not accept (including NUL).
 */
export function cunescapeOne(s: string, at: number): { byte?: number; codePoint?: number; length: number } | undefined {
  const ch = s[at];
  if (ch === undefined) return undefined;
  const simple = SIMPLE_ESCAPES[ch];
  if (simple !== undefined) return { codePoint: simple.charCodeAt(0), length: 1 };
  if (ch === 'x') {
    const a = hexDigit(s[at + 1]);
    const b = hexDigit(s[at + 2]);
    if (a < 0 || b < 0 || (a === 0 && b === 0)) return undefined;
    return { byte: (a << 4) | b, length: 3 };
  }
  if (ch === 'u' || ch === 'U') {
    const n = ch === 'u' ? 4 : 8;
    let c = 0;
    for (let k = 1; k <= n; k++) {
      const d = hexDigit(s[at + k]);
      if (d < 0) return undefined;
      c = c * 16 + d;
    }
    if (c === 0) return undefined;
    if (ch === 'U' && !isValidCodePoint(c)) return undefined;
    return { codePoint: c, length: n + 1 };
  }
  const a = octDigit(ch);
  if (a >= 0) {
    const b = octDigit(s[at + 1]);
    const c = octDigit(s[at + 2]);
    if (b < 0 || c < 0) return undefined;
    const m = (a << 6) | (b << 3) | c;
    if (m === 0 || m > 255) return undefined;
    return { byte: m, length: 3 };
  }
  return undefined;
}

/** Collects a word's text; switches to bytes once an escape produced a raw byte. */
class WordBuilder {
  private text = '';
  private bytes: number[] | undefined;

  add(str: string): void {
    if (this.bytes) for (const b of Buffer.from(str, 'utf8')) this.bytes.push(b);
    else this.text += str;
  }

  addByte(b: number): void {
    if (!this.bytes) this.bytes = [...Buffer.from(this.text, 'utf8')];
    this.bytes.push(b);
  }

  addCodePoint(c: number): void {
    // Code points JavaScript cannot encode alone (lone surrogates from \uD800) become U+FFFD.
    this.add(c >= 0xd800 && c <= 0xdfff ? '\uFFFD' : String.fromCodePoint(c));
  }

  done(): string {
    return this.bytes ? Buffer.from(this.bytes).toString('utf8') : this.text;
  }
}

/**
 * extract_first_word() with whitespace as the separators: the word starting at or after `from`.
 * Never throws; an input systemd rejects (EINVAL) gives `kind: 'error'`.
 */
export function extractFirstWord(s: string, from: number, flags: ExtractFlags): ExtractResult {
  let i = skipWhitespace(s, from);
  if (i >= s.length) return { kind: 'end' };
  const start = i;
  const out = new WordBuilder();
  let quote: string | undefined;
  let quoteStart = -1;
  const finish = (end: number): ExtractResult => ({ kind: 'word', word: { text: out.done(), start, end }, next: skipWhitespace(s, end) });
  const unbalanced = (): ExtractResult => ({
    kind: 'error',
    reason: 'unbalanced-quote',
    offset: quoteStart,
    message: `unterminated ${quote === '"' ? 'double' : 'single'} quote`,
  });

  for (;;) {
    if (i >= s.length) {
      if (quote !== undefined && !flags.relax) return unbalanced();
      return finish(i);
    }
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (ch === '\\' && !flags.retainEscape) {
      const next = s[i + 1];
      if (next === undefined) {
        if (flags.unescapeRelax && (quote === undefined || flags.relax)) {
          out.add('\\');
          return finish(i + 1);
        }
        if (flags.relax) return finish(i + 1);
        if (quote !== undefined) return unbalanced();
        return { kind: 'error', reason: 'bad-escape', offset: i, message: 'a backslash at the end escapes nothing' };
      }
      if (flags.cunescape) {
        const e = cunescapeOne(s, i + 1);
        if (e) {
          if (e.byte !== undefined) out.addByte(e.byte);
          else out.addCodePoint(e.codePoint!);
          i += 1 + e.length;
          continue;
        }
        const escaped = String.fromCodePoint(s.codePointAt(i + 1)!);
        if (flags.unescapeRelax) {
          out.add(`\\${escaped}`);
          i += 1 + escaped.length;
          continue;
        }
        return { kind: 'error', reason: 'bad-escape', offset: i, message: `unknown escape sequence "\\${escaped}"` };
      }
      const escaped = String.fromCodePoint(s.codePointAt(i + 1)!);
      out.add(escaped);
      i += 1 + escaped.length;
      continue;
    }
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else out.add(ch);
      i += ch.length;
      continue;
    }
    if (flags.unquote && (ch === '"' || ch === "'")) {
      quote = ch;
      quoteStart = i;
      i++;
      continue;
    }
    if (isWhitespace(ch)) return finish(i);
    out.add(ch);
    i += ch.length;
  }
}

/**
 * extract_first_word_and_warn(): on EINVAL, retry with `unescapeRelax` so unknown escapes are kept
 * verbatim (systemd logs "Ignoring unknown escape sequences"); what still fails is unbalanced quoting.
 */
export function extractFirstWordAndWarn(s: string, from: number, flags: ExtractFlags): ExtractResult {
  const first = extractFirstWord(s, from, flags);
  if (first.kind !== 'error' || flags.unescapeRelax) return first;
  const retry = extractFirstWord(s, from, { ...flags, unescapeRelax: true });
  if (retry.kind === 'word') return { ...retry, warning: `unknown escape sequences kept verbatim: "${retry.word.text}"` };
  return retry;
}

export interface ExtractedWords {
  words: Word[];
  /** The first word systemd could not read; the words before it are kept, as systemd's list parsers do. */
  error?: { reason: ExtractErrorReason; offset: number; message: string };
}

/** Every word of `s` with the given flags (extract_first_word() in a loop). */
export function extractWords(s: string, flags: ExtractFlags): ExtractedWords {
  const words: Word[] = [];
  let at = 0;
  for (;;) {
    const r = extractFirstWord(s, at, flags);
    if (r.kind === 'end') return { words };
    if (r.kind === 'error') return { words, error: { reason: r.reason, offset: r.offset, message: r.message } };
    words.push(r.word);
    at = r.next;
  }
}

/**
 * Words of a value with quotes removed and a backslash escaping the next character
 * (extract_first_word() with EXTRACT_UNQUOTE): `a "b c" 'd e' f\ g` gives a, b c, d e, f g.
 * Words after a syntax error (an unterminated quote, a trailing backslash) are dropped.
 */
export function splitWords(value: string, flags: ExtractFlags = { unquote: true }): string[] {
  return extractWords(value, flags).words.map((w) => w.text);
}

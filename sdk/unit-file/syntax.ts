// Character classes and small checks shared by the unit-file modules, as systemd defines them
// (src/basic/string-util.h, string-util.c, path-util.c). Whitespace is exactly " \t\n\r": no
// vertical tab, form feed or Unicode spaces, so String.prototype.trim() must not be used.

/** systemd's WHITESPACE. */
export const WHITESPACE = ' \t\n\r';

export function isWhitespace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/** Index of the first character at or after `from` that is not whitespace (or `s.length`). */
export function skipWhitespace(s: string, from = 0): number {
  let i = from;
  while (i < s.length && isWhitespace(s[i])) i++;
  return i;
}

/** Index just after the last character before `end` that is not whitespace (or `from`). */
export function skipWhitespaceBackward(s: string, end = s.length, from = 0): number {
  let i = end;
  while (i > from && isWhitespace(s[i - 1])) i--;
  return i;
}

/** systemd's strstrip(): whitespace removed from both ends. */
export function strip(s: string): string {
  const start = skipWhitespace(s);
  return s.slice(start, skipWhitespaceBackward(s, s.length, start));
}

/** string_is_safe(): no control characters, no quotes, no backslash, no DEL. */
export function isSafeString(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c > 0 && c < 0x20) || c === 0x7f || c === 0x22 || c === 0x27 || c === 0x5c) return false;
  }
  return true;
}

/** NAME_MAX and PATH_MAX of Linux, in bytes. */
export const NAME_MAX = 255;
export const PATH_MAX = 4096;

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** filename_is_valid(): non-empty, not `.` or `..`, no `/`, at most NAME_MAX bytes. */
export function isValidFilename(s: string): boolean {
  if (s === '' || s === '.' || s === '..' || s.includes('/')) return false;
  return byteLength(s) <= NAME_MAX;
}

/** path_is_valid(): non-empty, shorter than PATH_MAX bytes, no component longer than NAME_MAX bytes. */
export function isValidPath(s: string): boolean {
  if (s === '' || byteLength(s) >= PATH_MAX) return false;
  return s.split('/').every((c) => byteLength(c) <= NAME_MAX);
}

/** Compare two strings by their UTF-8 bytes, as C's strcmp() does on systemd's file names. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

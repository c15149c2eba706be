// Writing values into unit files so systemd reads back exactly what we meant.

/**
 * Escape `%` so systemd's specifier expansion leaves the text alone (systemd.unit(5),
 * "Specifiers"): every directive that takes a path or environment assignment expands them.
 */
export function escapeSpecifiers(s: string): string {
  return s.replace(/%/g, '%%');
}

/**
 * Quote one word for directives parsed with systemd's extract_first_word(UNQUOTE|CUNESCAPE),
 * such as `Environment=` and `LogExtraFields=`: double quotes, with backslash, double quote and
 * control characters written as C escapes. Non-ASCII text passes through as UTF-8.
 */
export function quoteWord(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${escapeSpecifiers(out)}"`;
}

/** `Environment=` value for one variable: `"KEY=value"`, quoted and specifier-escaped. */
export function environmentAssignment(key: string, value: string): string {
  return quoteWord(`${key}=${value}`);
}

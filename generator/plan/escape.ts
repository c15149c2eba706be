// Writing values into unit files so systemd reads back exactly what we meant.
import { doubleQuoteWord } from '../../sdk/unit-file/command-line.ts';

/**
 * Escape `%` so systemd's specifier expansion leaves the text alone (systemd.unit(5),
 * "Specifiers"): every directive that takes a path or environment assignment expands them.
 */
export function escapeSpecifiers(s: string): string {
  return s.replace(/%/g, '%%');
}

/**
 * Quote one word for directives parsed with systemd's extract_first_word(UNQUOTE|CUNESCAPE),
 * such as `Environment=` and `LogExtraFields=`, with `%` doubled against specifier expansion.
 */
export function quoteWord(s: string): string {
  return escapeSpecifiers(doubleQuoteWord(s));
}

/** `Environment=` value for one variable: `"KEY=value"`, quoted and specifier-escaped. */
export function environmentAssignment(key: string, value: string): string {
  return quoteWord(`${key}=${value}`);
}

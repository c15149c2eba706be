// Command lines of Exec*= directives (systemd.service(5), "Command lines"): special executable
// prefixes, words split with quoting and C escapes, `;` separating commands, `\;` a literal `;`.

export interface ExecPrefixes {
  /** `-`: a failure exit status is recorded but ignored. */
  ignoreFailure: boolean;
  /** `@`: the second word is passed as argv[0]. */
  argv0Override: boolean;
  /** `:`: no environment variable substitution. */
  noEnvExpand: boolean;
  /** `+`: runs with full privileges (no User=, sandboxing or capability limits). */
  fullPrivileges: boolean;
  /** `!`: credentials are not changed (User= etc. not applied by the manager). */
  noUserChange: boolean;
  /** `!!`: like `!`, only on systems without ambient capability support. */
  ambientFallback: boolean;
}

export interface ExecCommand {
  prefixes: ExecPrefixes;
  /** The prefix characters as written, e.g. `-+`. */
  rawPrefix: string;
  /** The executable: an absolute path, or a bare name searched in systemd's fixed path. */
  path: string;
  /** argv including argv[0] (the path, or the `@` override). */
  argv: string[];
}

export type ParseCommandResult = { ok: true; commands: ExecCommand[] } | { ok: false; message: string; column: number };

const C_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'", s: ' ' };

interface Word {
  text: string;
  /** 0-based offset where the word started. */
  start: number;
  /** The word was exactly an unquoted `;` / the two characters `\;`. */
  separator?: boolean;
  literalSemicolon?: boolean;
}

/** Split into words with quotes and C escapes (extract_first_word UNQUOTE|CUNESCAPE). */
function splitExecWords(value: string): { words: Word[] } | { error: string; column: number } {
  const words: Word[] = [];
  let i = 0;
  const n = value.length;
  while (i < n) {
    while (i < n && /[ \t\n\r]/.test(value[i]!)) i++;
    if (i >= n) break;
    const start = i;
    // Separators are recognised before unquoting, as systemd does.
    const endOf = (k: number): boolean => k >= n || /[ \t\n\r]/.test(value[k]!);
    if (value[i] === ';' && endOf(i + 1)) {
      words.push({ text: ';', start, separator: true });
      i++;
      continue;
    }
    if (value[i] === '\\' && value[i + 1] === ';' && endOf(i + 2)) {
      words.push({ text: ';', start, literalSemicolon: true });
      i += 2;
      continue;
    }
    let text = '';
    let quote: string | undefined;
    while (i < n) {
      const ch = value[i]!;
      if (!quote && /[ \t\n\r]/.test(ch)) break;
      if (!quote && (ch === '"' || ch === "'")) {
        quote = ch;
        i++;
        continue;
      }
      if (quote && ch === quote) {
        quote = undefined;
        i++;
        continue;
      }
      if (ch === '\\') {
        const e = value[i + 1];
        if (e === undefined) return { error: 'a backslash at the end of the command line escapes nothing', column: i + 1 };
        if (e in C_ESCAPES) {
          text += C_ESCAPES[e];
          i += 2;
          continue;
        }
        if (e === 'x') {
          const m = /^[0-9a-fA-F]{2}/.exec(value.slice(i + 2));
          if (!m) return { error: `invalid escape \\x at column ${i + 1}`, column: i + 1 };
          text += String.fromCharCode(parseInt(m[0], 16));
          i += 4;
          continue;
        }
        if (/[0-7]/.test(e)) {
          const m = /^[0-7]{3}/.exec(value.slice(i + 1));
          if (!m) return { error: `invalid octal escape at column ${i + 1}`, column: i + 1 };
          text += String.fromCharCode(parseInt(m[0], 8));
          i += 4;
          continue;
        }
        if (e === 'u' || e === 'U') {
          const len = e === 'u' ? 4 : 8;
          const m = new RegExp(`^[0-9a-fA-F]{${len}}`).exec(value.slice(i + 2));
          if (!m) return { error: `invalid unicode escape at column ${i + 1}`, column: i + 1 };
          text += String.fromCodePoint(parseInt(m[0], 16));
          i += 2 + len;
          continue;
        }
        // Unknown escapes are kept as written (systemd's relaxed mode warns but keeps them).
        text += `\\${e}`;
        i += 2;
        continue;
      }
      text += ch;
      i++;
    }
    if (quote) return { error: `unterminated ${quote === '"' ? 'double' : 'single'} quote`, column: start + 1 };
    words.push({ text, start });
  }
  return { words };
}

export function parseCommandLine(value: string): ParseCommandResult {
  const split = splitExecWords(value);
  if ('error' in split) return { ok: false, message: split.error, column: split.column };
  const commands: ExecCommand[] = [];
  const words = split.words;
  let k = 0;
  while (k < words.length) {
    const first = words[k]!;
    if (first.separator) {
      k++;
      continue;
    }
    const prefixes: ExecPrefixes = { ignoreFailure: false, argv0Override: false, noEnvExpand: false, fullPrivileges: false, noUserChange: false, ambientFallback: false };
    let f = first.text;
    let rawPrefix = '';
    for (;;) {
      const c = f[0];
      if (c === '-' && !prefixes.ignoreFailure) prefixes.ignoreFailure = true;
      else if (c === '@' && !prefixes.argv0Override) prefixes.argv0Override = true;
      else if (c === ':' && !prefixes.noEnvExpand) prefixes.noEnvExpand = true;
      else if (c === '+' && !prefixes.fullPrivileges && !prefixes.noUserChange && !prefixes.ambientFallback) prefixes.fullPrivileges = true;
      else if (c === '!' && !prefixes.fullPrivileges && !prefixes.ambientFallback) {
        if (prefixes.noUserChange) {
          prefixes.noUserChange = false;
          prefixes.ambientFallback = true;
        } else prefixes.noUserChange = true;
      } else break;
      rawPrefix += c;
      f = f.slice(1);
    }
    if (f === '') return { ok: false, message: 'empty executable path in the command line', column: first.start + 1 };
    if (!f.startsWith('/') && f.includes('/')) {
      return { ok: false, message: `"${f}" is neither an absolute path nor a bare executable name`, column: first.start + 1 };
    }
    if (f.endsWith('/')) return { ok: false, message: `executable path "${f}" is a directory`, column: first.start + 1 };
    k++;
    const argv: string[] = [];
    if (prefixes.argv0Override) {
      const a0 = words[k];
      if (!a0 || a0.separator) return { ok: false, message: 'the @ prefix needs the argv[0] word after the executable', column: first.start + 1 };
      argv.push(a0.text);
      k++;
    } else argv.push(f);
    while (k < words.length && !words[k]!.separator) {
      argv.push(words[k]!.text);
      k++;
    }
    commands.push({ prefixes, rawPrefix, path: f, argv });
  }
  if (commands.length === 0) return { ok: false, message: 'empty command line', column: 1 };
  return { ok: true, commands };
}

/**
 * A double-quoted word for directives systemd splits with extract_first_word(UNQUOTE|CUNESCAPE)
 * (Exec*=, Environment=, LogExtraFields=): backslash, double quote and control characters as C
 * escapes; other text, UTF-8 included, as it is.
 */
export function doubleQuoteWord(word: string): string {
  let out = '"';
  for (const ch of word) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Quote one word so that parseCommandLine reads it back unchanged. `$VAR` and `%i` are kept. */
export function quoteExecWord(word: string): string {
  if (word === ';') return '\\;';
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./${}~^-]+$/.test(word) && !/^["']/.test(word)) return word;
  return doubleQuoteWord(word);
}

export function formatCommandLine(cmd: ExecCommand): string {
  const words = [cmd.rawPrefix + quoteExecWord(cmd.path)];
  if (cmd.prefixes.argv0Override) words.push(quoteExecWord(cmd.argv[0] ?? cmd.path));
  for (const a of cmd.argv.slice(1)) words.push(quoteExecWord(a));
  return words.join(' ');
}

/** Rewrite the executable of every command in an Exec*= value, keeping prefixes and arguments. */
export function replaceExecutable(value: string, map: (path: string) => string | undefined): string | undefined {
  const parsed = parseCommandLine(value);
  if (!parsed.ok) return undefined;
  return parsed.commands
    .map((c) => {
      const next = map(c.path);
      return formatCommandLine(next === undefined ? c : { ...c, path: next });
    })
    .join(' ; ');
}

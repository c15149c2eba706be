// Command lines of Exec*= directives, read as systemd 252's config_parse_exec() reads them
// (src/core/load-fragment.c; systemd.service(5), "Command lines"):
// - Words are split with extract_first_word(EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE): "…" and '…'
//   quote, C escapes (\n, \t, \x41, \101, \u00e9, \s …) are decoded in and out of quotes, and an
//   unknown escape is kept verbatim with a warning.
// - The first word of a command (after unquoting) may start with the prefixes - @ : + ! !! (each
//   at most once; + excludes ! and !!). A first word that is exactly ";" is skipped.
// - After the executable, an unquoted ";" followed by whitespace or the end separates commands,
//   and an unquoted "\;" followed by whitespace or the end is a literal ";" argument (any other
//   spelling, such as "\\;" or ";" in quotes, is read by extract_first_word).
// - The executable must be an absolute path or a plain file name, without quotes, backslashes or
//   control characters and not ending in "/"; it is simplified (duplicate slashes and "." removed)
//   while argv[0] keeps it as written, unless @ supplies argv[0] as the next word.
// - Specifiers (%i) and $VARIABLES are left as written: systemd resolves them later. The path
//   checks treat a specifier that expands to an absolute path (%h, %t, %S ...) as one, so
//   `%h/bin/tool` is accepted.
import { extractFirstWordAndWarn, type ExtractFlags } from './words.ts';
import { isSafeString, isValidFilename, isValidPath, isWhitespace, skipWhitespace } from './syntax.ts';
import { simplifyPath } from '../unit-name.ts';

export interface ExecPrefixes {
  /** `-`: a failure exit status is recorded but ignored (and syntax errors only drop the line). */
  ignoreFailure: boolean;
  /** `@`: the word after the executable is passed as argv[0]. */
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
  /** The executable, simplified: an absolute path, or a bare name searched in systemd's fixed path. */
  path: string;
  /** argv including argv[0] (the executable as written, or the `@` override). */
  argv: string[];
}

export interface CommandLineWarning {
  message: string;
  /** 1-based column in the value. */
  column: number;
}

export type ParseCommandResult =
  | { ok: true; commands: ExecCommand[]; warnings?: CommandLineWarning[] }
  | {
      ok: false;
      message: string;
      /** 1-based column in the value where the problem starts. */
      column: number;
      /** true: systemd refuses to load the unit ("bad-setting"); false: it logs the problem and
       *  ignores the rest of the assignment (a `-` prefix, or a first word it cannot read). */
      fatal: boolean;
      /** Commands before the problem, which systemd keeps. */
      commands: ExecCommand[];
    };

/** Where a command's words were in the value (0-based offsets, end exclusive). */
export interface ExecCommandSpans {
  /** The first word: prefixes and executable. */
  executable: { start: number; end: number };
  /** The whole command, first word to last argument. */
  command: { start: number; end: number };
}

const EXEC_WORDS: ExtractFlags = { unquote: true, cunescape: true };

function noPrefixes(): ExecPrefixes {
  return {
    ignoreFailure: false,
    argv0Override: false,
    noEnvExpand: false,
    fullPrivileges: false,
    noUserChange: false,
    ambientFallback: false,
  };
}

/** The prefix loop of config_parse_exec(): how many leading characters of `word` are prefixes. */
export function parseExecPrefix(word: string): { prefixes: ExecPrefixes; length: number } {
  const p = noPrefixes();
  let i = 0;
  for (; i < word.length; i++) {
    const c = word[i];
    if (c === '-' && !p.ignoreFailure) p.ignoreFailure = true;
    else if (c === '@' && !p.argv0Override) p.argv0Override = true;
    else if (c === ':' && !p.noEnvExpand) p.noEnvExpand = true;
    else if (c === '+' && !p.fullPrivileges && !p.noUserChange && !p.ambientFallback) p.fullPrivileges = true;
    else if (c === '!' && !p.fullPrivileges && !p.noUserChange && !p.ambientFallback) p.noUserChange = true;
    else if (c === '!' && !p.fullPrivileges && !p.ambientFallback) {
      p.noUserChange = false;
      p.ambientFallback = true;
    } else break;
  }
  return { prefixes: p, length: i };
}

/** Specifiers that systemd 252 expands to an absolute path (%h home, %t runtime directory, %S state ...). */
const ABSOLUTE_SPECIFIERS = new Set(['C', 'd', 'E', 'f', 'h', 'L', 's', 'S', 't', 'T', 'V', 'y', 'Y']);

/**
 * The executable with its specifiers replaced by stand-ins for the path checks systemd makes
 * after expanding them: `%%` is `%`, a specifier that expands to an absolute path is `/s`, any
 * other is `s`. (systemd checks the expanded path; this is the static approximation.)
 */
function standInForSpecifiers(path: string): string {
  return path.replace(/%(.)/gsu, (_m, c: string) => (c === '%' ? '%' : ABSOLUTE_SPECIFIERS.has(c) ? '/s' : 's'));
}

/** parseCommandLine with the source spans of each command (for rewriting in place). */
export function parseCommandLineWithSpans(value: string): { result: ParseCommandResult; spans: ExecCommandSpans[] } {
  const commands: ExecCommand[] = [];
  const spans: ExecCommandSpans[] = [];
  const warnings: CommandLineWarning[] = [];
  const fail = (message: string, offset: number, fatal: boolean): { result: ParseCommandResult; spans: ExecCommandSpans[] } => ({
    result: { ok: false, message, column: offset + 1, fatal, commands },
    spans,
  });
  if (value === '') return fail('empty command line (an empty assignment resets the list)', 0, false);

  let p = 0;
  let semicolon: boolean;
  do {
    semicolon = false;
    const first = extractFirstWordAndWarn(value, p, EXEC_WORDS);
    if (first.kind === 'end') break;
    if (first.kind === 'error') return fail(first.message, first.offset, false);
    if (first.warning) warnings.push({ message: first.warning, column: first.word.start + 1 });
    p = first.next;
    if (first.word.text === ';') {
      semicolon = true;
      continue;
    }
    const { prefixes, length } = parseExecPrefix(first.word.text);
    const ignore = prefixes.ignoreFailure;
    const f = first.word.text.slice(length);
    const at = first.word.start;
    const rawPrefix = first.word.text.slice(0, length);
    if (f === '') return fail('empty executable path in the command line', at, !ignore);
    if (!isSafeString(f)) return fail(`executable name "${f}" contains quotes, a backslash or control characters`, at, !ignore);
    const expanded = standInForSpecifiers(f);
    if (expanded.endsWith('/')) return fail(`executable path "${f}" is a directory`, at, !ignore);
    if (!(expanded.startsWith('/') ? isValidPath(expanded) : isValidFilename(expanded))) {
      return fail(`"${f}" is neither an absolute path nor a bare executable name`, at, !ignore);
    }
    const argv: string[] = prefixes.argv0Override ? [] : [f];
    let end = first.word.end;
    while (p < value.length) {
      if (value[p] === ';' && (p + 1 >= value.length || isWhitespace(value[p + 1]))) {
        p = skipWhitespace(value, p + 1);
        semicolon = true;
        break;
      }
      if (value[p] === '\\' && value[p + 1] === ';' && (p + 2 >= value.length || isWhitespace(value[p + 2]))) {
        argv.push(';');
        end = p + 2;
        p = skipWhitespace(value, p + 2);
        continue;
      }
      const w = extractFirstWordAndWarn(value, p, EXEC_WORDS);
      if (w.kind === 'end') break;
      if (w.kind === 'error') return fail(w.message, w.offset, !ignore);
      if (w.warning) warnings.push({ message: w.warning, column: w.word.start + 1 });
      argv.push(w.word.text);
      end = w.word.end;
      p = w.next;
    }
    if (argv.length === 0) return fail('the @ prefix needs the argv[0] word after the executable', at, !ignore);
    commands.push({ prefixes, rawPrefix, path: simplifyPath(f), argv });
    spans.push({ executable: { start: first.word.start, end: first.word.end }, command: { start: first.word.start, end } });
  } while (semicolon);

  const result: ParseCommandResult = warnings.length > 0 ? { ok: true, commands, warnings } : { ok: true, commands };
  return { result, spans };
}

/**
 * Parse an Exec*= value into its commands. Never throws. An empty value is not a command line
 * (it resets the directive) and gives `ok: false` with `fatal: false`; a value of only `;` gives
 * no commands.
 */
export function parseCommandLine(value: string): ParseCommandResult {
  return parseCommandLineWithSpans(value).result;
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

/**
 * One argument word written so that parseCommandLine reads it back unchanged: plain when it is
 * made of characters that are never special, `\;` for a lone `;`, else double-quoted.
 * `$VAR` and `%i` are kept (systemd expands them after splitting, quoted or not).
 */
export function quoteExecWord(word: string): string {
  if (word === ';') return '\\;';
  if (/^[A-Za-z0-9_@%+=:,./${}~^-]+$/.test(word)) return word;
  return doubleQuoteWord(word);
}

const PREFIX_ORDER: readonly [keyof ExecPrefixes, string][] = [
  ['ignoreFailure', '-'],
  ['argv0Override', '@'],
  ['noEnvExpand', ':'],
  ['fullPrivileges', '+'],
  ['noUserChange', '!'],
  ['ambientFallback', '!!'],
];

function samePrefixes(a: ExecPrefixes, b: ExecPrefixes): boolean {
  return PREFIX_ORDER.every(([k]) => a[k] === b[k]);
}

/** The prefix to write for `cmd`: its `rawPrefix` when that still means its `prefixes`, else a canonical one. */
function prefixFor(cmd: ExecCommand): string {
  const raw = parseExecPrefix(cmd.rawPrefix);
  if (raw.length === cmd.rawPrefix.length && samePrefixes(raw.prefixes, cmd.prefixes)) return cmd.rawPrefix;
  const p = cmd.prefixes;
  if ((p.fullPrivileges ? 1 : 0) + (p.noUserChange ? 1 : 0) + (p.ambientFallback ? 1 : 0) > 1) {
    throw new TypeError('an Exec command cannot combine +, ! and !!');
  }
  return PREFIX_ORDER.filter(([k]) => p[k])
    .map(([, s]) => s)
    .join('');
}

/** The first word of a command: prefix and executable, checked to read back as such. */
function executableWord(prefix: string, exe: string): string {
  const expanded = standInForSpecifiers(exe);
  if (
    exe === '' ||
    !isSafeString(exe) ||
    expanded.endsWith('/') ||
    !(expanded.startsWith('/') ? isValidPath(expanded) : isValidFilename(expanded))
  ) {
    throw new TypeError(
      `"${exe}" cannot be an executable: it must be an absolute path or a file name, without quotes, backslashes or control characters`,
    );
  }
  if (parseExecPrefix(prefix + exe).length !== prefix.length) {
    throw new TypeError(`the executable "${exe}" starts with a character that would be read as a prefix`);
  }
  return prefix + quoteExecWord(exe);
}

/**
 * One command as an Exec*= value, so that parseCommandLine(formatCommandLine(c)) gives `c` back.
 * Without `@`, argv[0] is written as the executable when it names the same file (keeping its
 * spelling); otherwise the executable is `path`, and argv[0] follows it (as systemd sets it).
 * Throws a TypeError for a command no command line can express (an executable systemd would
 * refuse, one starting with a prefix character the prefix does not already use, or +, ! and !!
 * combined).
 */
export function formatCommandLine(cmd: ExecCommand): string {
  const exe = !cmd.prefixes.argv0Override && cmd.argv[0] !== undefined && simplifyPath(cmd.argv[0]) === cmd.path ? cmd.argv[0] : cmd.path;
  const words = [executableWord(prefixFor(cmd), exe)];
  if (cmd.prefixes.argv0Override) words.push(quoteExecWord(cmd.argv[0] ?? cmd.path));
  for (const a of cmd.argv.slice(1)) words.push(quoteExecWord(a));
  return words.join(' ');
}

/** Several commands as one Exec*= value, separated by ` ; `. */
export function formatCommandLines(cmds: readonly ExecCommand[]): string {
  return cmds.map(formatCommandLine).join(' ; ');
}

export interface ReplaceExecutableOptions {
  /**
   * Keep the program's argv[0] as it was (the old executable as written) by adding the `@`
   * prefix; by default argv[0] becomes the new path, as if the file had been there.
   */
  keepArgv0?: boolean;
}

/**
 * Rewrite the executable of the commands in an Exec*= value, keeping everything else as written:
 * prefixes, arguments with their quoting and escapes, `;` separators. `to` is the new path for
 * every command, or a function from a command's (simplified) executable to its new path
 * (undefined keeps that command as it is). Returns undefined when the value does not parse;
 * throws a TypeError for a new path systemd would not accept as an executable.
 *   replaceExecutable('-/usr/bin/foo --x "a b"', '/opt/composable/pkg/usr/bin/foo')
 *   → '-/opt/composable/pkg/usr/bin/foo --x "a b"'
 */
export function replaceExecutable(
  value: string,
  to: string | ((path: string, command: ExecCommand) => string | undefined),
  options: ReplaceExecutableOptions = {},
): string | undefined {
  const { result, spans } = parseCommandLineWithSpans(value);
  if (!result.ok) return undefined;
  let out = '';
  let last = 0;
  result.commands.forEach((cmd, i) => {
    const next = typeof to === 'string' ? to : to(cmd.path, cmd);
    if (next === undefined) return;
    const span = spans[i]!.executable;
    const word =
      options.keepArgv0 && !cmd.prefixes.argv0Override
        ? formatCommandLine({
            ...cmd,
            prefixes: { ...cmd.prefixes, argv0Override: true },
            rawPrefix: `${cmd.rawPrefix}@`,
            path: next,
            argv: [cmd.argv[0]!],
          })
        : executableWord(prefixFor(cmd), next);
    out += value.slice(last, span.start) + word;
    last = span.end;
  });
  return out + value.slice(last);
}

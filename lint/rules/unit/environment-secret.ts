// Literal secrets in a unit's environment: Environment= assignments (any section) and the
// assignments of an EnvironmentFile= that is part of the package. The environment is inherited by
// every child process, readable in /proc/PID/environ and shown by `systemctl show`; secrets go in
// credentials. Findings name the variable, never the value, and the value is masked in code frames.
import { posix } from 'node:path';
import type { EntryNode, SourceRange } from '../../../sdk/unit-file/types.ts';
import { extractWords } from '../../../sdk/unit-file/words.ts';
import { ENVIRONMENT_LIST } from '../../../sdk/unit-file/lookup.ts';
import type { UnitContext, UnitRule } from '../../types.ts';
import { entriesOf, readPackageText } from '../helpers.ts';

/** Names that hold secrets: the words anywhere in the name, `_KEY` at its end (not KEYBOARD). */
const SECRET_NAME = /TOKEN|PASSWORD|PASSWD|SECRET|API_?KEY|PRIVATE_KEY|ACCESS_KEY|CREDENTIAL|_KEY$/i;
/** `$VAR`, `${VAR}` or a specifier (`%d`), one or more of them. */
const REFERENCES = /^(\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z])+/;
/** Directories a path to a secret file (not the secret) starts with. */
const PATH_PREFIX = /^\/(etc|run|var|usr|opt|srv|home|root|tmp|proc|dev|mnt)\//;

/**
 * Whether a value is a literal: not empty, not only references (`$VAR`, `${VAR}`, `%i`), not a path
 * below references (`%d/token`, `${CREDENTIALS_DIRECTORY}/token`) and not a path into a standard
 * directory (`/run/secrets/token`): those name where a secret is, not the secret.
 */
export function isLiteralSecret(name: string, value: string): boolean {
  if (!SECRET_NAME.test(name) || value === '') return false;
  const refs = REFERENCES.exec(value);
  if (refs && (refs[0].length === value.length || value[refs[0].length] === '/')) return false;
  return !PATH_PREFIX.test(value);
}

/** Where a word of a value is in the source, when the value is on one line as written. */
function wordRange(ctx: UnitContext, entry: EntryNode, start: number, end: number): SourceRange | undefined {
  const r = ctx.valueRange(entry);
  if (r.line !== r.endLine || r.endColumn - r.column !== entry.value.length) return undefined;
  return { line: r.line, column: r.column + start, endLine: r.line, endColumn: r.column + end };
}

function checkEnvironment(ctx: UnitContext, entry: EntryNode): void {
  const { words } = extractWords(entry.value, ENVIRONMENT_LIST.split);
  for (const word of words) {
    const eq = word.text.indexOf('=');
    if (eq <= 0) continue;
    const name = word.text.slice(0, eq);
    if (!isLiteralSecret(name, word.text.slice(eq + 1))) continue;
    const range = wordRange(ctx, entry, word.start, word.end);
    ctx.report({ messageId: 'environment', data: { name }, range: range ?? ctx.valueRange(entry) });
    // Mask what follows the `=` as written (the whole value when its place is not known).
    if (!range) {
      ctx.redact(ctx.valueRange(entry));
      continue;
    }
    const raw = entry.value.slice(word.start, word.end);
    const rawEq = raw.indexOf('=');
    const quoted = /["']$/.test(raw) && /^["']/.test(raw) ? 1 : 0;
    ctx.redact({ ...range, column: range.column + rawEq + 1, endColumn: range.endColumn - quoted });
  }
}

/** KEY=VALUE lines of an environment file, as systemd reads them (quotes removed). */
function* fileAssignments(text: string): Generator<{ name: string; value: string; line: number; column: number; endColumn: number }> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    const trimmed = raw.trimStart();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const assignment = trimmed.replace(/^export\s+/, '');
    const eq = assignment.indexOf('=');
    if (eq <= 0) continue;
    let value = assignment.slice(eq + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) value = value.slice(1, -1);
    const column = raw.length - assignment.length + 1;
    yield { name: assignment.slice(0, eq).trim(), value, line: i + 1, column, endColumn: raw.trimEnd().length + 1 };
  }
}

function checkEnvironmentFile(ctx: UnitContext, entry: EntryNode): void {
  const pkg = ctx.pkg;
  if (!pkg) return;
  const path = entry.value.startsWith('-') ? entry.value.slice(1) : entry.value;
  // Specifiers and globs are resolved by systemd at run time; only a plain path is looked up.
  if (!path.startsWith('/') || /[%*?[]/.test(path)) return;
  const relPath = posix.normalize(path).replace(/^\/+/, '');
  if (relPath === '' || relPath.startsWith('..')) return;
  const text = readPackageText(pkg, relPath);
  if (text === undefined) return;
  for (const a of fileAssignments(text)) {
    if (!isLiteralSecret(a.name, a.value)) continue;
    // Reported in the environment file itself: two units loading it give the same finding once.
    // The file's text is not kept for code frames, so the value cannot appear in any output.
    ctx.report({
      messageId: 'environmentFile',
      data: { name: a.name, path: relPath },
      file: pkg.path(relPath),
      range: { line: a.line, column: a.column, endLine: a.line, endColumn: a.endColumn },
    });
  }
}

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'unit/environment-secret',
    severity: 'error',
    description: 'Literal secrets (tokens, passwords, keys) in Environment= or in an EnvironmentFile= of the package',
    messages: {
      environment: 'Environment= sets {{name}} to a literal secret',
      environmentFile: '{{name}} is set to a literal secret in {{path}}, an EnvironmentFile= of the unit',
    },
    hint:
      'Keep secrets out of the environment (child processes inherit it, systemctl show and /proc/PID/environ show it) and out of the package: ' +
      'have the agent pass the secret as a credential (the metadata\'s `credentials`, docs/contract.md "Credentials"; the generator adds LoadCredential=) ' +
      'and read it from $CREDENTIALS_DIRECTORY/NAME; SetCredential= only for a non-secret default. A variable may name the file: NAME_FILE=%d/NAME.',
    docs:
      'A variable is a secret when its name contains TOKEN, PASSWORD, PASSWD, SECRET, API_KEY, APIKEY, PRIVATE_KEY, ACCESS_KEY or CREDENTIAL, ' +
      'or ends in `_KEY` (case-insensitive), and its value is a literal: not empty, not only `$VAR`/`${VAR}` references or specifiers, ' +
      'not a path below them (`%d/token`) and not a path into a standard directory (`/run/secrets/token`). Findings name the variable only; ' +
      'the value is masked in code frames of every finding on that line.',
  },
  check(ctx) {
    for (const { entry } of entriesOf(ctx.unit.parsed)) {
      if (entry.value === '') continue;
      if (entry.key === 'Environment') checkEnvironment(ctx, entry);
      else if (entry.key === 'EnvironmentFile') checkEnvironmentFile(ctx, entry);
    }
  },
};

// Inline suppression comments in unit files, drop-ins and os-release files. Unit files have no
// trailing comments (a `#` after a value is part of the value), so a suppression is a line of its own:
//   # composable-lint-disable=policy/runs-as-root,unit/deprecated-directive   whole file
//   # composable-lint-disable-next-line=unit/unknown-directive                the next assignment
// `;` works as the comment character too, as in unit files.

export interface Suppressions {
  /** Rule ids disabled for the whole file. */
  file: Set<string>;
  /** Rule ids disabled on a line. */
  lines: Map<number, Set<string>>;
  /** Every suppression comment with its ids, for checking the ids. */
  comments: { line: number; column: number; ids: string[]; raw: string }[];
}

const DIRECTIVE = /^(\s*[#;]\s*)composable-lint-disable(-next-line)?\s*=\s*(.*?)\s*$/;

export function parseSuppressions(text: string): Suppressions | undefined {
  if (!text.includes('composable-lint-disable')) return undefined;
  const out: Suppressions = { file: new Set(), lines: new Map(), comments: [] };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]!);
    if (!m) continue;
    const ids = m[3]!.split(/[\s,]+/).filter(Boolean);
    out.comments.push({ line: i + 1, column: m[1]!.length + 1, ids, raw: lines[i]! });
    if (!m[2]) {
      for (const id of ids) out.file.add(id);
      continue;
    }
    // The next line that is neither blank nor a comment.
    let j = i + 1;
    while (j < lines.length && /^\s*([#;].*)?$/.test(lines[j]!)) j++;
    if (j >= lines.length) continue;
    const set = out.lines.get(j + 1) ?? new Set<string>();
    for (const id of ids) set.add(id);
    out.lines.set(j + 1, set);
  }
  return out;
}

export function isSuppressed(s: Suppressions | undefined, ruleId: string, line: number): boolean {
  if (!s) return false;
  return s.file.has(ruleId) || (s.lines.get(line)?.has(ruleId) ?? false);
}

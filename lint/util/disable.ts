// Inline suppression comments in unit files, drop-ins and os-release files. Unit files have no
// trailing comments (a `#` after a value is part of the value), so a suppression is a line of its own:
//   # composable-lint-disable=policy/runs-as-root,unit/deprecated-directive   whole file
//   # composable-lint-disable-next-line=unit/unknown-directive                the next assignment
// `;` works as the comment character too, as in unit files.

/** One rule id named in a suppression comment, with where it is written (1-based, end exclusive). */
export interface DirectiveId {
  id: string;
  column: number;
  endColumn: number;
  /** Set once a finding of this rule was suppressed by this comment. */
  used: boolean;
}

export interface Directive {
  /** Line and column of the comment (the `#` or `;`). */
  line: number;
  column: number;
  endColumn: number;
  kind: 'file' | 'next-line';
  /** The line a `-next-line` comment applies to (undefined when nothing follows it). */
  target?: number;
  ids: DirectiveId[];
}

export interface Suppressions {
  directives: Directive[];
}

const DIRECTIVE = /^(\s*)[#;]\s*composable-lint-disable(-next-line)?\s*=(.*?)\s*$/;

export function parseSuppressions(text: string): Suppressions | undefined {
  if (!text.includes('composable-lint-disable')) return undefined;
  const out: Suppressions = { directives: [] };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = DIRECTIVE.exec(line);
    if (!m) continue;
    const listStart = line.length - line.slice(line.indexOf('=') + 1).length;
    const ids: DirectiveId[] = [];
    for (const idMatch of m[3]!.matchAll(/[^\s,]+/g)) {
      const column = listStart + idMatch.index + 1;
      ids.push({ id: idMatch[0], column, endColumn: column + idMatch[0].length, used: false });
    }
    const directive: Directive = {
      line: i + 1,
      column: m[1]!.length + 1,
      endColumn: line.trimEnd().length + 1,
      kind: m[2] ? 'next-line' : 'file',
      ids,
    };
    if (m[2]) {
      // The next line that is neither blank nor a comment.
      let j = i + 1;
      while (j < lines.length && /^\s*([#;].*)?$/.test(lines[j]!)) j++;
      if (j < lines.length) directive.target = j + 1;
    }
    out.directives.push(directive);
  }
  return out;
}

/** Whether a finding of `ruleId` on `line` is suppressed; every comment that suppresses it is marked used. */
export function isSuppressed(s: Suppressions | undefined, ruleId: string, line: number): boolean {
  if (!s) return false;
  let suppressed = false;
  for (const d of s.directives) {
    if (d.kind === 'next-line' && d.target !== line) continue;
    for (const id of d.ids) {
      if (id.id !== ruleId) continue;
      id.used = true;
      suppressed = true;
    }
  }
  return suppressed;
}

// GitHub Actions workflow commands: each finding becomes an annotation on the file and line.
// https://docs.github.com/actions/reference/workflow-commands-for-github-actions
import type { LintResult } from '../engine.ts';

/** Message data: `%`, CR and LF are escaped. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values: additionally `:` and `,`. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

export function formatGithub(result: LintResult): string {
  const out: string[] = [];
  for (const d of result.diagnostics) {
    const props = [`file=${escapeProperty(d.file)}`, `line=${d.line}`, `col=${d.column}`];
    if (d.endLine !== d.line || d.endColumn !== d.column) props.push(`endLine=${d.endLine}`, `endColumn=${d.endColumn}`);
    props.push(`title=${escapeProperty(d.ruleId)}`);
    const message = d.hint ? `${d.message}\n${d.hint}` : d.message;
    out.push(`::${COMMAND[d.severity]} ${props.join(',')}::${escapeData(message)}`);
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

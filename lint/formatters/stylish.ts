// Human output: one block per finding, `file:line:col severity message rule-id`, the code it
// points at, and what to do; a summary line at the end. Colors only when asked (a TTY).
import type { LintResult } from '../engine.ts';
import { ANSI, codeFrame, NO_COLOR } from './code-frame.ts';

export interface StylishOptions {
  color?: boolean;
  /** Show the source lines under each finding (default true). */
  frame?: boolean;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatStylish(result: LintResult, options: StylishOptions = {}): string {
  const paint = options.color ? ANSI : NO_COLOR;
  const frame = options.frame ?? true;
  const out: string[] = [];
  for (const d of result.diagnostics) {
    const sev = d.severity === 'error' ? paint.red('error') : d.severity === 'warning' ? paint.yellow('warning') : paint.blue('info');
    out.push(`${paint.underline(`${d.file}:${d.line}:${d.column}`)} ${sev} ${d.message}  ${paint.dim(d.ruleId)}`);
    const source = result.sources.get(d.file);
    if (frame && source !== undefined) for (const l of codeFrame(source, d, paint)) out.push(`  ${l}`);
    if (d.hint) out.push(`  ${paint.dim('hint:')} ${d.hint}`);
  }
  if (result.diagnostics.length > 0) {
    const parts = [plural(result.errorCount, 'error'), plural(result.warningCount, 'warning')];
    if (result.infoCount > 0) parts.push(plural(result.infoCount, 'info'));
    const mark = result.errorCount > 0 ? paint.red('✖') : result.warningCount > 0 ? paint.yellow('⚠') : paint.blue('ℹ');
    out.push(
      '',
      paint.bold(`${mark} ${plural(result.diagnostics.length, 'problem')} (${parts.join(', ')}) in ${plural(result.fileCount, 'file')}`),
    );
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

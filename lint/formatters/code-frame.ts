// The lines a diagnostic points at, with line numbers and a caret underline.
import type { Diagnostic } from '../types.ts';

export interface Paint {
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  bold(s: string): string;
  underline(s: string): string;
}

const plain = (s: string): string => s;
export const NO_COLOR: Paint = { dim: plain, red: plain, yellow: plain, blue: plain, bold: plain, underline: plain };
const sgr =
  (open: number, close: number) =>
  (s: string): string =>
    `\u001b[${open}m${s}\u001b[${close}m`;
export const ANSI: Paint = {
  dim: sgr(2, 22),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  blue: sgr(34, 39),
  bold: sgr(1, 22),
  underline: sgr(4, 24),
};

/** Tabs become one space each so the caret line stays aligned with the text; so does a carriage
 *  return left on a line (a CR at the end of a file), which a terminal would act on. */
function visible(line: string): string {
  return line.replace(/[\t\r]/g, ' ');
}

/**
 * Up to three lines of `source` covered by the diagnostic, each as `  > 12 | text`, and a caret
 * line under the first one. Empty when the diagnostic is about a whole file.
 */
export function codeFrame(source: string, d: Diagnostic, paint: Paint = NO_COLOR, maxLines = 3): string[] {
  if (d.line === d.endLine && d.column === d.endColumn && d.line === 1 && d.column === 1) return [];
  const lines = source.split(/\r?\n/);
  if (d.line < 1 || d.line > lines.length) return [];
  const last = Math.min(d.endLine, lines.length, d.line + maxLines - 1);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = d.line; n <= last; n++) {
    const text = visible(lines[n - 1]!);
    out.push(`${paint.bold('>')} ${paint.dim(`${String(n).padStart(width)} |`)} ${text}`);
    if (n === d.line) {
      const first = lines[n - 1]!;
      const start = Math.max(1, d.column);
      const end = d.endLine === d.line ? Math.max(start + 1, d.endColumn) : first.length + 1;
      const carets = '^'.repeat(Math.max(1, Math.min(end, first.length + 1) - start));
      const color = d.severity === 'error' ? paint.red : d.severity === 'warning' ? paint.yellow : paint.blue;
      out.push(`  ${' '.repeat(width)} ${paint.dim('|')} ${' '.repeat(start - 1)}${color(carets)}`);
    }
  }
  return out;
}

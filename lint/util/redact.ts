// Masking secrets in the source text kept for code frames, so no output format shows them.
import type { SourceRange } from '../../sdk/unit-file/types.ts';

/**
 * `text` with every character in `range` (1-based lines and UTF-16 columns as diagnostics use
 * them, `endColumn` exclusive; on the first line columns start after a byte order mark) replaced
 * by `*`. Line terminators are kept, so lines and columns of other findings stay where they were.
 */
export function maskRange(text: string, range: SourceRange): string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const offset = (line: number, column: number): number | undefined => {
    const start = starts[line - 1];
    if (start === undefined) return undefined;
    return start + column - 1 + (line === 1 ? bom : 0);
  };
  const from = offset(range.line, range.column);
  if (from === undefined) return text;
  const to = Math.min(offset(range.endLine, range.endColumn) ?? text.length, text.length);
  if (to <= from) return text;
  const masked = text.slice(from, to).replace(/[^\r\n]/g, '*');
  return `${text.slice(0, from)}${masked}${text.slice(to)}`;
}

// Machine output: the diagnostics as they are, plus counts.
import type { LintResult } from '../engine.ts';

export function formatJson(result: LintResult): string {
  return `${JSON.stringify(
    {
      diagnostics: result.diagnostics,
      errorCount: result.errorCount,
      warningCount: result.warningCount,
      infoCount: result.infoCount,
      fileCount: result.fileCount,
    },
    null,
    2,
  )}\n`;
}

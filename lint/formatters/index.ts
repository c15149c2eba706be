import type { LintResult } from '../engine.ts';
import { formatGithub } from './github.ts';
import { formatJson } from './json.ts';
import { formatSarif } from './sarif.ts';
import { formatStylish } from './stylish.ts';

export const FORMATS = ['stylish', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export function format(result: LintResult, name: Format, options: { color?: boolean } = {}): string {
  switch (name) {
    case 'stylish':
      return formatStylish(result, { color: options.color });
    case 'json':
      return formatJson(result);
    case 'sarif':
      return formatSarif(result);
    case 'github':
      return formatGithub(result);
  }
}

export { formatGithub, formatJson, formatSarif, formatStylish };
export { buildSarif } from './sarif.ts';
export { codeFrame } from './code-frame.ts';

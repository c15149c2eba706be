// Metadata that is not JSON. The generator treats it as invalid and starts no package at all.
import type { MetadataRule } from '../../types.ts';
import { metadataDoc } from './doc.ts';

export const rule: MetadataRule = {
  scope: 'metadata',
  meta: {
    id: 'metadata/json-syntax',
    severity: 'error',
    description: 'Metadata files that are not valid JSON',
    messages: { syntax: 'Metadata is not valid JSON: {{problem}}' },
    hint: 'Fix the JSON at this position; the generator starts no package while the metadata does not parse.',
  },
  check(ctx) {
    const { located } = metadataDoc(ctx.metadata);
    const e = located.error;
    if (e)
      ctx.report({
        messageId: 'syntax',
        data: { problem: e.message },
        range: { line: e.line, column: e.column, endLine: e.line, endColumn: e.column + 1 },
      });
  },
};

// Metadata that does not match schema v1 (docs/contract.md, "Metadata v1"; MetadataSchema in the
// SDK). Each problem names its JSON path and points at the value in the file.
import { MetadataSchema, ServiceSchema } from '../../../sdk/schema/metadata.ts';
import { suggest } from '../../directives.ts';
import { jsonPath, schemaProblems } from '../../../sdk/schema/issues.ts';
import type { MetadataRule } from '../../types.ts';
import { metadataDoc } from './doc.ts';

/** Keys the schema allows in the object at `path` (for "did you mean"). */
function knownKeys(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(MetadataSchema.shape);
  if (path.length === 1 && path[0] === 'container') return ['id', 'labels'];
  if (path.length === 2 && path[0] === 'services') return Object.keys(ServiceSchema.shape);
  return [];
}

export const rule: MetadataRule = {
  scope: 'metadata',
  meta: {
    id: 'metadata/schema',
    severity: 'error',
    description: 'Metadata that does not match the metadata v1 schema (with JSON paths)',
    messages: {
      invalid: '{{path}}: {{problem}}',
      unknownKey: '{{path}}: unknown key "{{key}}"',
    },
    hint: {
      invalid: 'See docs/contract.md, "Metadata v1"; `composable schema metadata` prints the JSON Schema.',
      unknownKey: 'Remove it or check the spelling{{suggestion}}; unknown keys are errors at every level.',
    },
  },
  check(ctx) {
    const doc = metadataDoc(ctx.metadata);
    if (doc.located.error) return;
    const checked = MetadataSchema.safeParse(doc.located.value);
    if (checked.success) return;
    for (const issue of checked.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        const known = knownKeys(issue.path);
        for (const key of issue.keys) {
          const path = [...issue.path, key];
          const close = suggest(key, known);
          ctx.report({
            messageId: 'unknownKey',
            data: { path: jsonPath(path), key, suggestion: close ? ` (did you mean "${close}"?)` : '' },
            range: doc.keyRangeOf(path),
          });
        }
        continue;
      }
      for (const p of schemaProblems([issue])) {
        const fullPath = issue.code === 'invalid_element' ? [...issue.path, issue.key as PropertyKey] : issue.path;
        ctx.report({ messageId: 'invalid', data: { path: p.path || '(document)', problem: p.message }, range: doc.rangeOf(fullPath) });
      }
    }
  },
};

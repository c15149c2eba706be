// `after` names other services of the same metadata. A name that is not there orders nothing.
import type { MetadataRule } from '../../types.ts';
import { suggest } from '../../directives.ts';
import { metadataDoc, stringArray } from './doc.ts';

export const rule: MetadataRule = {
  scope: 'metadata',
  meta: {
    id: 'metadata/unknown-after',
    severity: 'error',
    description: 'Entries of `after` that name no service of the metadata',
    messages: { unknown: 'services[{{index}}].after names "{{name}}", which is not a service in this metadata' },
    hint: 'Use the name of another service listed here{{suggestion}}, or remove the entry.',
  },
  check(ctx) {
    const doc = metadataDoc(ctx.metadata);
    const names = doc.services.map((s) => s.name).filter((n): n is string => n !== undefined);
    for (const s of doc.services) {
      stringArray(s.value.after).forEach((name, i) => {
        if (names.includes(name)) return;
        const close = suggest(name, names);
        ctx.report({
          messageId: 'unknown',
          data: { index: s.index, name, suggestion: close ? ` (did you mean "${close}"?)` : '' },
          range: doc.rangeOf(['services', s.index, 'after', i]),
        });
      });
    }
  },
};

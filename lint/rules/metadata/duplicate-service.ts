// Service names are unique within one metadata file: the name is the package and its mount path.
import type { MetadataRule } from '../../types.ts';
import { metadataDoc } from './doc.ts';

export const rule: MetadataRule = {
  scope: 'metadata',
  meta: {
    id: 'metadata/duplicate-service',
    severity: 'error',
    description: 'Services listed twice in the metadata',
    messages: { duplicate: 'services[{{index}}] repeats service "{{name}}" (first at services[{{first}}])' },
    hint: 'List each package once; merge the two entries.',
  },
  check(ctx) {
    const doc = metadataDoc(ctx.metadata);
    const first = new Map<string, number>();
    for (const s of doc.services) {
      if (s.name === undefined) continue;
      const prev = first.get(s.name);
      if (prev === undefined) first.set(s.name, s.index);
      else
        ctx.report({
          messageId: 'duplicate',
          data: { index: s.index, name: s.name, first: prev },
          range: doc.rangeOf(['services', s.index, 'name']),
        });
    }
  },
};

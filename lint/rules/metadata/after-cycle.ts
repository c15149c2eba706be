// `after` edges must not form a cycle: systemd would break the ordering loop at an arbitrary unit
// (or refuse the start job), so the services would not start in any predictable order.
import { servicesInCycles } from '../../../generator/plan/after-graph.ts';
import type { MetadataRule } from '../../types.ts';
import { metadataDoc, stringArray } from './doc.ts';

export const rule: MetadataRule = {
  scope: 'metadata',
  meta: {
    id: 'metadata/after-cycle',
    severity: 'error',
    description: 'Services whose `after` dependencies form a cycle',
    messages: { cycle: 'Service "{{name}}" is part of an `after` cycle: {{cycle}}' },
    hint: 'Remove one of the `after` entries so the services have an order.',
  },
  check(ctx) {
    const doc = metadataDoc(ctx.metadata);
    const edges = new Map<string, string[]>();
    for (const s of doc.services) if (s.name !== undefined && !edges.has(s.name)) edges.set(s.name, stringArray(s.value.after));
    const cycles = servicesInCycles(edges);
    for (const s of doc.services) {
      if (s.name === undefined || !cycles.has(s.name)) continue;
      const members = cycles.get(s.name)!;
      ctx.report({
        messageId: 'cycle',
        data: { name: s.name, cycle: `${members.join(' -> ')} -> ${members[0]}` },
        range: doc.rangeOf(['services', s.index, 'after']),
      });
    }
  },
};

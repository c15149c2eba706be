// A unit file with no settings at all (empty, or only comments). systemd loads it as a unit that
// does nothing, or refuses it (a service without ExecStart=): almost always a packaging mistake.
import type { UnitRule } from '../../types.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'package/empty-unit-file',
    severity: 'error',
    description: 'Unit files and drop-ins without any setting',
    messages: { empty: '{{what}} {{name}} has no settings' },
    hint: "Fill in the unit (at least [Unit] Description= and the type's section) or delete the file.",
  },
  check(ctx) {
    const hasEntry =
      ctx.unit.parsed.sections.some((s) => s.nodes.some((n) => n.type === 'entry' || n.type === 'invalid')) ||
      ctx.unit.parsed.preamble.some((n) => n.type === 'entry' || n.type === 'invalid');
    if (hasEntry) return;
    ctx.report({ messageId: 'empty', data: { what: ctx.unit.dropIn ? 'Drop-in' : 'Unit file', name: ctx.unit.dropIn ?? ctx.unit.name } });
  },
};

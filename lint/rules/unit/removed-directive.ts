// Settings systemd recognises only to ignore them: "Support for option X= has been removed and it
// is ignored". Unlike a typo the key is right, but it does nothing any more.
import { isRemoved } from '../../data/deprecated.ts';
import { sectionsFor } from '../../directives.ts';
import type { UnitRule } from '../../types.ts';
import { entriesOf } from '../helpers.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'unit/removed-directive',
    severity: 'error',
    description: 'Settings whose support systemd has removed; they are ignored',
    messages: { removed: 'Support for {{key}}= has been removed from systemd; it is ignored' },
    hint: 'Delete the line; {{note}}.',
  },
  check(ctx) {
    const allowed = sectionsFor(ctx.unit.type);
    if (!allowed) return;
    for (const { section, entry } of entriesOf(ctx.unit.parsed)) {
      if (!allowed.includes(section)) continue;
      const removed = isRemoved(section, entry.key);
      if (removed) ctx.report({ messageId: 'removed', data: { key: entry.key, note: removed.note }, range: ctx.keyRange(entry) });
    }
  },
};

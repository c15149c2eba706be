// With "policy.minSystemdVersion" set, settings newer than that version are reported: an older
// systemd does not know them and ignores the line.
import { DIRECTIVE_SINCE } from '../../data/since.ts';
import type { UnitRule } from '../../types.ts';
import { entriesOf } from '../helpers.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'policy/min-systemd-version',
    severity: 'warning',
    description: 'Settings newer than the oldest systemd the site supports (policy.minSystemdVersion)',
    messages: { newer: '{{key}}= needs systemd {{since}} or newer; systemd {{min}} ignores it' },
    hint: 'Keep it if a newer systemd is fine (raise policy.minSystemdVersion), or get the same effect with older settings.',
  },
  check(ctx) {
    const min = ctx.policy.minSystemdVersion;
    if (min === undefined) return;
    for (const { entry } of entriesOf(ctx.unit.parsed)) {
      const since = DIRECTIVE_SINCE[entry.key];
      if (since !== undefined && since > min)
        ctx.report({ messageId: 'newer', data: { key: entry.key, since, min }, range: ctx.keyRange(entry) });
    }
  },
};

// A timer with no OnCalendar=/On*Sec= setting: systemd refuses it ("Timer unit lacks value setting").
import type { UnitRule } from '../../types.ts';
import { effectiveList } from '../helpers.ts';

const TRIGGERS = [
  'OnCalendar',
  'OnActiveSec',
  'OnBootSec',
  'OnStartupSec',
  'OnUnitActiveSec',
  'OnUnitInactiveSec',
  'OnClockChange',
  'OnTimezoneChange',
];

export const rule: UnitRule = {
  scope: 'unit',
  dropIns: false,
  meta: {
    id: 'unit/timer-without-trigger',
    severity: 'error',
    description: 'Timers without any OnCalendar= or On*Sec= setting',
    messages: {
      none: 'Timer has no OnCalendar=, OnActiveSec=, OnBootSec=, OnUnitActiveSec= or similar setting; systemd refuses to load it',
    },
    hint: 'Add OnCalendar=daily (or another calendar expression) or OnUnitActiveSec=15min to the [Timer] section.',
  },
  check(ctx) {
    if (ctx.unit.type !== 'timer') return;
    const any = TRIGGERS.some((k) => effectiveList(ctx, 'Timer', k).some((l) => (k.endsWith('Change') ? l.entry.value !== '' : true)));
    if (!any) ctx.report({ messageId: 'none', range: ctx.unit.parsed.sections.find((s) => s.name === 'Timer')?.header.range });
  },
};

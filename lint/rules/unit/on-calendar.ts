// OnCalendar= expressions systemd cannot parse (systemd.time(7), "Calendar Events"). systemd
// ignores the line, so the timer never fires on that schedule.
import type { UnitRule } from '../../types.ts';
import { checkCalendar } from '../../util/calendar.ts';
import { entriesOf } from '../helpers.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'unit/on-calendar',
    severity: 'error',
    description: 'OnCalendar= expressions that do not parse',
    messages: { invalid: 'OnCalendar={{value}} is not a calendar expression: {{problem}}' },
    hint:
      'Write [WEEKDAY] [YEAR-MONTH-DAY] [HOUR:MINUTE[:SECOND]] [TIMEZONE] or daily, weekly, ...; ' +
      '`systemd-analyze calendar "EXPR"` shows what systemd makes of it.',
  },
  check(ctx) {
    for (const { entry } of entriesOf(ctx.unit.parsed, 'Timer')) {
      if (entry.key !== 'OnCalendar' || entry.value === '' || entry.value.includes('%')) continue;
      const result = checkCalendar(entry.value);
      if (!result.ok)
        ctx.report({ messageId: 'invalid', data: { value: entry.value, problem: result.message }, range: ctx.valueRange(entry) });
    }
  },
};

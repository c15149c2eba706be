// WorkingDirectory= must be absolute (or ~ for the user's home), optionally after `-`; systemd
// rejects anything else when it loads the unit.
import type { UnitRule } from '../../types.ts';
import { entriesOf } from '../helpers.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'unit/working-directory',
    severity: 'error',
    description: 'WorkingDirectory= values that are not absolute paths',
    messages: { relative: 'WorkingDirectory={{value}} is not an absolute path' },
    hint:
      'Use an absolute path (e.g. /var/lib/NAME or StateDirectory=NAME with WorkingDirectory=%S/NAME), ' +
      '~ for the home directory, or a leading - to ignore a missing directory.',
  },
  check(ctx) {
    for (const { entry } of entriesOf(ctx.unit.parsed)) {
      if (entry.key !== 'WorkingDirectory' || entry.value === '') continue;
      const path = entry.value.startsWith('-') ? entry.value.slice(1) : entry.value;
      if (path === '~' || path.startsWith('/') || path.startsWith('%')) continue;
      ctx.report({ messageId: 'relative', data: { value: entry.value }, range: ctx.valueRange(entry) });
    }
  },
};

// Time span settings (systemd.time(7): "5min 20s", "1h", "infinity") whose value systemd cannot
// read: "Failed to parse sec value, ignoring". The setting keeps its default.
import { parseTimeSpan } from '../../../sdk/unit-file/values.ts';
import { directiveKind } from '../../directives.ts';
import type { UnitRule } from '../../types.ts';
import { entriesOf } from '../helpers.ts';

/** Time spans systemd's table lists as OTHER (they have their own parser but take a time span). */
const OTHER_TIMESPANS = new Set([
  'TimeoutIdleSec',
  'TimeoutSec',
  'TimeoutAbortSec',
  'TimeoutStopSec',
  'JobTimeoutSec',
  'JobRunningTimeoutSec',
]);
/** Where an empty assignment resets to the default instead of being an error. */
const EMPTY_OK = new Set(['TimeoutAbortSec', 'OnActiveSec', 'OnBootSec', 'OnStartupSec', 'OnUnitActiveSec', 'OnUnitInactiveSec']);

export function isTimespanKey(section: string, key: string): boolean {
  const kind = directiveKind(section, key);
  if (kind === 'SECONDS') return true;
  if (kind === 'TIMER') return key !== 'OnCalendar';
  return kind === 'OTHER' && OTHER_TIMESPANS.has(key);
}

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'unit/invalid-timespan',
    severity: 'error',
    description: 'Time span settings whose value is not a time span',
    messages: {
      invalid: '{{key}}={{value}} is not a time span; systemd ignores the line',
      empty: '{{key}}= needs a time span; an empty value is an error for this setting',
    },
    hint: 'Write a number with a unit, e.g. 30s, 5min, 1h 30min, 2d, or infinity (systemd.time(7)); a bare number means seconds.',
  },
  check(ctx) {
    for (const { section, entry } of entriesOf(ctx.unit.parsed)) {
      if (!isTimespanKey(section, entry.key)) continue;
      if (entry.value === '') {
        if (!EMPTY_OK.has(entry.key)) ctx.report({ messageId: 'empty', data: { key: entry.key }, range: ctx.keyRange(entry) });
        continue;
      }
      if (entry.value.includes('%') || entry.value.includes('$')) continue; // specifiers are expanded first
      if (parseTimeSpan(entry.value) === undefined) {
        ctx.report({ messageId: 'invalid', data: { key: entry.key, value: entry.value }, range: ctx.valueRange(entry) });
      }
    }
  },
};

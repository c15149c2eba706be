// Boolean settings (the kind systemd's own table calls BOOLEAN) with a value systemd cannot read:
// "Failed to parse boolean value, ignoring: maybe". The setting keeps its default.
import { directiveKind } from '../../directives.ts';
import type { UnitRule } from '../../types.ts';
import { entriesOf, parseBool } from '../helpers.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'unit/invalid-boolean',
    severity: 'error',
    description: 'Boolean settings whose value is not a boolean',
    messages: { invalid: '{{key}}={{value}} is not a boolean; systemd ignores the line' },
    hint: 'Use yes or no (systemd also reads true/false, on/off, 1/0).',
  },
  check(ctx) {
    for (const { section, entry } of entriesOf(ctx.unit.parsed)) {
      if (directiveKind(section, entry.key) !== 'BOOLEAN') continue;
      if (parseBool(entry.value) === undefined) {
        ctx.report({
          messageId: 'invalid',
          data: { key: entry.key, value: entry.value },
          range: entry.value === '' ? ctx.keyRange(entry) : ctx.valueRange(entry),
        });
      }
    }
  },
};

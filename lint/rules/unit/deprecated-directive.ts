// Settings systemd still reads but has replaced: old names, [Service] settings that moved to
// [Unit], and values it rewrites with a warning. They work today and may stop working.
import { DEPRECATED_DIRECTIVES, DEPRECATED_VALUES, MOVED_TO_UNIT } from '../../data/deprecated.ts';
import { isKnownDirective } from '../../directives.ts';
import type { UnitRule } from '../../types.ts';
import { entriesOf } from '../helpers.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'unit/deprecated-directive',
    severity: 'warning',
    description: 'Deprecated settings and values that systemd replaces with a warning',
    messages: {
      renamed: '{{key}}= is deprecated; use {{replacement}}',
      moved: '{{key}}= in [Service] is deprecated; it belongs in [Unit] as {{replacement}}',
      value: '{{key}}={{value}} is deprecated; use {{replacement}}',
    },
    hint: {
      renamed: 'Replace {{key}}= with {{replacement}} ({{source}}).',
      moved: 'Move the line to the [Unit] section and name it {{replacement}} (systemd NEWS v229).',
      value: 'Write {{key}}={{replacement}} instead.',
    },
  },
  check(ctx) {
    for (const { section, entry } of entriesOf(ctx.unit.parsed)) {
      const key = entry.key;
      if (!isKnownDirective(section, key)) continue;
      if (section === 'Service' && MOVED_TO_UNIT[key]) {
        ctx.report({ messageId: 'moved', data: { key, replacement: MOVED_TO_UNIT[key]! }, range: ctx.keyRange(entry) });
        continue;
      }
      const dep = DEPRECATED_DIRECTIVES[key];
      if (dep && (dep.sections === '*' || dep.sections.includes(section))) {
        ctx.report({ messageId: 'renamed', data: { key, replacement: dep.replacement, source: dep.source }, range: ctx.keyRange(entry) });
        continue;
      }
      const replacement = DEPRECATED_VALUES[key]?.[entry.value];
      if (replacement) ctx.report({ messageId: 'value', data: { key, value: entry.value, replacement }, range: ctx.valueRange(entry) });
    }
  },
};

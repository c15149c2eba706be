// Exec*= command lines systemd cannot use: unknown or misplaced prefixes, unbalanced quotes, an
// executable that is neither absolute nor a plain name ("Neither a valid executable name nor an
// absolute path"). systemd refuses to load such a unit. The parsing is the SDK's parseCommandLine.
import { parseCommandLine } from '../../../sdk/unit-file/command-line.ts';
import type { UnitRule } from '../../types.ts';
import { entriesOf, EXEC_KEYS } from '../helpers.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'unit/exec-syntax',
    severity: 'error',
    description: 'Exec*= command lines that do not parse or name a relative executable',
    messages: { parse: '{{key}}= does not parse: {{problem}}' },
    hint: 'Prefixes (-, @, :, +, !, !!) come directly before an absolute path: ExecStart=-/usr/bin/prog --flag "quoted arg".',
  },
  check(ctx) {
    for (const { section, entry } of entriesOf(ctx.unit.parsed)) {
      if (!EXEC_KEYS[section]?.includes(entry.key) || entry.value === '') continue;
      const parsed = parseCommandLine(entry.value);
      const value = ctx.valueRange(entry);
      if (!parsed.ok) {
        const column = value.column + Math.max(0, parsed.column - 1);
        ctx.report({
          messageId: 'parse',
          data: { key: entry.key, problem: parsed.message },
          range: { line: value.line, column, endLine: value.line, endColumn: column + 1 },
        });
      }
    }
  },
};

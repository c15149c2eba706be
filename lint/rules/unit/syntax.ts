// Lines systemd cannot read: not an assignment, an assignment before any section, a broken
// section header. systemd logs them and ignores the line, so the setting silently disappears.
import type { UnitRule } from '../../types.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'unit/syntax',
    severity: 'error',
    description: 'Lines of a unit file that do not parse',
    messages: { invalid: '{{problem}}' },
    hint: 'Each line is a [Section] header, Key=Value, a comment starting with # or ;, or blank; systemd ignores any other line.',
  },
  check(ctx) {
    const lines = ctx.unit.text.split(/\r?\n/);
    for (const p of ctx.unit.parsed.problems) {
      const text = lines[p.line - 1] ?? '';
      ctx.report({
        messageId: 'invalid',
        data: { problem: p.message },
        range: { line: p.line, column: p.column, endLine: p.line, endColumn: Math.max(p.column + 1, text.length + 1) },
      });
    }
  },
};

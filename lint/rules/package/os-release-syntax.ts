// Lines of usr/lib/os-release that are not KEY=value assignments in os-release(5)'s shell syntax.
import type { PackageRule } from '../../types.ts';

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'package/os-release-syntax',
    severity: 'error',
    description: 'Lines of os-release that do not parse',
    messages: { invalid: '{{problem}}' },
    hint: 'Write KEY=value or KEY="value with spaces"; escape " \\ $ ` inside double quotes with a backslash (os-release(5)).',
  },
  check(ctx) {
    const os = ctx.pkg.osRelease;
    if (!os) return;
    const lines = os.text.split(/\r?\n/);
    for (const p of os.problems) {
      const length = (lines[p.line - 1] ?? '').length;
      ctx.report({
        messageId: 'invalid',
        data: { problem: p.message },
        file: os.file,
        range: { line: p.line, column: p.column, endLine: p.line, endColumn: Math.max(p.column + 1, length + 1) },
      });
    }
  },
};

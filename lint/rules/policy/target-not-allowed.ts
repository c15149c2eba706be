// A site can limit the ordering targets packages may declare ("policy.allowedTargets").
import { resolveTarget } from '../../../sdk/contract.ts';
import type { PackageRule } from '../../types.ts';

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'policy/target-not-allowed',
    severity: 'error',
    description: 'Packages whose COMPOSABLE_TARGET the site policy does not allow',
    messages: { target: 'COMPOSABLE_TARGET={{value}} ({{unit}}) is not allowed here (allowed: {{allowed}})' },
    hint: 'Set COMPOSABLE_TARGET= to one of {{allowed}}.',
  },
  check(ctx) {
    const allowed = ctx.policy.allowedTargets;
    const os = ctx.pkg.osRelease;
    if (!allowed || !os) return;
    const value = os.fields.COMPOSABLE_TARGET ?? 'default';
    const unit = resolveTarget(value);
    if (allowed.includes(unit)) return;
    const entry = os.entries.find((e) => e.key === 'COMPOSABLE_TARGET');
    ctx.report({
      messageId: 'target',
      data: { value, unit, allowed: allowed.join(', ') },
      file: os.file,
      range: entry
        ? { line: entry.line, column: 1, endLine: entry.line, endColumn: (os.text.split(/\r?\n/)[entry.line - 1] ?? '').length + 1 }
        : undefined,
    });
  },
};

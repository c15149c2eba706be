// Exec*= programs that are not in the package. In chroot mode the service sees only the package,
// so every program must be there. In host mode a program under a standard directory (/usr/bin,
// /bin ...) may come from the container (coherence/exec-from-container); anything else is missing.
import type { UnitRule } from '../../types.ts';
import { packageMode } from '../helpers.ts';
import { execTargets } from './exec-common.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'coherence/exec-not-in-package',
    severity: 'error',
    description: 'Exec*= programs that resolve to no file the service can see',
    messages: {
      missing: '{{key}}= runs {{path}}, which is not in the package',
      chroot: '{{key}}= runs {{path}}, which is not in the package; in chroot mode the service sees only the package',
      escapes: '{{key}}= runs {{path}}, which is a symlink to {{target}} outside the package',
    },
    hint: {
      missing: 'Ship the program at {{expected}} in the package, or fix the path.',
      chroot: 'Ship {{path}} in the package (with its libraries), or use host mode.',
      escapes: 'Ship the program itself instead of a link out of the package.',
    },
  },
  check(ctx) {
    if (!ctx.pkg) return;
    const chroot = packageMode(ctx.pkg) === 'chroot';
    for (const t of execTargets(ctx)) {
      const r = t.resolved;
      if (!r || r.kind === 'found' || r.kind === 'loop') continue;
      const range = ctx.valueRange(t.entry);
      if (r.kind === 'escapes') {
        if (t.standard && !chroot) continue;
        ctx.report({ messageId: 'escapes', data: { key: t.key, path: t.path, target: r.target }, range });
        continue;
      }
      if (chroot) ctx.report({ messageId: 'chroot', data: { key: t.key, path: t.path }, range });
      else if (!t.standard) ctx.report({ messageId: 'missing', data: { key: t.key, path: t.path, expected: t.candidates[0]! }, range });
    }
  },
};

// Exec*= programs that are in the package but cannot be executed: no x bit, a directory, a loop.
import type { UnitRule } from '../../types.ts';
import { execTargets } from './exec-common.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'coherence/exec-not-executable',
    severity: 'error',
    description: 'Exec*= programs in the package that are not executable files',
    messages: {
      mode: '{{key}}= runs {{rel}}, which is not executable (mode {{mode}})',
      dir: '{{key}}= runs {{rel}}, which is a directory',
      loop: '{{key}}= runs {{path}} through a symlink loop',
    },
    hint: {
      mode: 'chmod 0755 {{rel}} before packing.',
      dir: 'Point {{key}}= at the program inside the directory.',
      loop: 'Fix the symlinks.',
    },
  },
  check(ctx) {
    for (const t of execTargets(ctx)) {
      const r = t.resolved;
      if (!r) continue;
      const range = ctx.valueRange(t.entry);
      if (r.kind === 'loop') ctx.report({ messageId: 'loop', data: { key: t.key, path: t.path }, range });
      if (r.kind !== 'found') continue;
      if (r.entry.type === 'dir') ctx.report({ messageId: 'dir', data: { key: t.key, rel: r.relPath }, range });
      else if (r.entry.type === 'file' && (r.entry.mode & 0o111) === 0) {
        ctx.report({ messageId: 'mode', data: { key: t.key, rel: r.relPath, mode: r.entry.mode.toString(8).padStart(4, '0') }, range });
      }
    }
  },
};

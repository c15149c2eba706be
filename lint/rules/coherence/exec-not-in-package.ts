// Exec*= programs that are not in the package. In chroot mode the service sees only the package,
// so every program must be there. In host mode a program base images are documented to provide
// (lint/data/base-programs.ts, /bin/sh, /usr/bin/mkdir ...) may come from the container
// (coherence/exec-from-container); anything else, under a standard directory or not, and a bare
// name likewise, is missing: the service fails to start with status 203/EXEC.
import { isBaseProgram } from '../../data/base-programs.ts';
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
      notProvided: '{{key}}= runs {{path}}, which is not in the package, and base images are not documented to provide it',
    },
    hint: {
      missing: 'Ship the program at {{expected}} in the package, or fix the path.',
      chroot: 'Ship {{path}} in the package (with its libraries), or use host mode.',
      escapes: 'Ship the program itself instead of a link out of the package.',
      notProvided:
        'Ship the program at {{expected}} in the package, or fix the path. If every container the package runs in ' +
        'has it, list "{{path}}" in "policy.basePrograms" of composable-lint.json.',
    },
    docs:
      'In host mode a program under a standard directory (or a bare name, searched in `/usr/local/sbin` ... `/bin`) that the ' +
      'package does not ship comes from the container: fine for what every base image has (the shell, coreutils, ' +
      '`systemctl`: `lint/data/base-programs.ts`, reported by `coherence/exec-from-container`), an error otherwise. ' +
      'Sites add what their images have with `"policy": { "basePrograms": ["curl", "/usr/lib/postgresql/16/bin/postgres"] }`.',
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
      else if (!isBaseProgram(t.path, ctx.policy.basePrograms)) {
        const expected = t.path.includes('/') ? t.candidates[0]! : `usr/bin/${t.path}`;
        ctx.report({ messageId: 'notProvided', data: { key: t.key, path: t.path, expected }, range });
      }
    }
  },
};

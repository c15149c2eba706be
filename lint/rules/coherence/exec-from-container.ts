// Host mode: an Exec*= program under a standard directory that the package does not ship is taken
// from the container. That works only if every container the package is selected for has it: this
// rule notes the programs base images are documented to have (lint/data/base-programs.ts and
// "policy.basePrograms"); any other missing program is coherence/exec-not-in-package's error.
import { isBaseProgram } from '../../data/base-programs.ts';
import type { UnitRule } from '../../types.ts';
import { packageMode } from '../helpers.ts';
import { execTargets } from './exec-common.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'coherence/exec-from-container',
    severity: 'info',
    description: 'Exec*= programs base images provide that the package does not ship (host mode)',
    messages: { container: '{{key}}= runs {{path}} from the container; the package does not ship it' },
    hint: 'Fine for programs every base image has (/bin/sh); otherwise ship it in the package.',
  },
  check(ctx) {
    if (!ctx.pkg || packageMode(ctx.pkg) === 'chroot') return;
    for (const t of execTargets(ctx)) {
      const r = t.resolved;
      if (!r || !t.standard) continue;
      if (r.kind === 'escapes' || (r.kind === 'missing' && isBaseProgram(t.path, ctx.policy.basePrograms)))
        ctx.report({ messageId: 'container', data: { key: t.key, path: t.path }, range: ctx.valueRange(t.entry) });
    }
  },
};

// portablectl copies only the unit files of an image (src/portable/portable.c reads the unit
// directories' entries that are unit names, so `<unit>.d/` directories are skipped) and adds its
// own drop-ins, 10-profile.conf and 20-portable.conf. A drop-in shipped in the package applies
// under the generator but is silently left out under portablectl.
import type { UnitRule } from '../../types.ts';
import { portableApplies } from './common.ts';

export const rule: UnitRule = {
  scope: 'unit',
  meta: {
    id: 'portable/drop-in',
    severity: 'warning',
    description: 'Drop-ins shipped in a portable image, which portablectl does not attach',
    messages: { ignored: 'portablectl attaches {{unit}} without this drop-in ({{dropIn}}); its settings apply only under the generator' },
    hint: 'Move its settings into {{unit}} itself.',
    docs: 'Applies to chroot-mode packages, and to every package when the lint configuration says `"policy": { "portable": true }`.',
  },
  check(ctx) {
    const { unit, pkg } = ctx;
    if (!unit.dropIn || !pkg || !portableApplies(pkg, ctx.policy)) return;
    ctx.report({ messageId: 'ignored', data: { unit: unit.name, dropIn: unit.dropIn } });
  },
};

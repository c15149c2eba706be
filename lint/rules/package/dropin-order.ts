// systemd applies a unit's drop-ins in the order of their file names, later ones overriding
// earlier ones. The generator's drop-in (zz-composable.conf) sets User=, the capability sets, the
// chroot and the profile, so a package drop-in that sorts after it would undo them; the generator
// skips a package that ships one.
import { DROP_IN_NAME } from '../../../sdk/contract.ts';
import type { UnitRule } from '../../types.ts';

export const rule: UnitRule = {
  scope: 'unit',
  dropIns: true,
  meta: {
    id: 'package/dropin-order',
    severity: 'error',
    description: `Package drop-ins whose name sorts after the generated ${DROP_IN_NAME}`,
    messages: {
      late:
        `Drop-in {{name}} sorts after the generated ${DROP_IN_NAME} and would override what the generator ` +
        `sets; the generator skips the package (dropin-sorts-after-generated)`,
    },
    hint: 'Rename it so it sorts earlier (names are compared byte by byte), for example 50-{{name}}.',
  },
  check(ctx) {
    const name = ctx.unit.dropIn;
    if (name === undefined || !ctx.pkg) return;
    if (Buffer.compare(Buffer.from(name), Buffer.from(DROP_IN_NAME)) > 0) ctx.report({ messageId: 'late', data: { name } });
  },
};

// A package drop-in with the name of the one the generator writes (DROP_IN_NAME): the package
// model refuses the package (dropin-reserved), so the generator skips it at boot.
import { DROP_IN_NAME, PACKAGE_UNIT_DIR } from '../../../sdk/contract.ts';
import type { PackageRule } from '../../types.ts';

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'package/dropin-reserved',
    severity: 'error',
    description: `Package drop-ins named ${DROP_IN_NAME}, the name of the drop-in the generator writes`,
    messages: { reserved: `Drop-in {{path}} has the name of the drop-in composable generates; the generator skips the package` },
    hint: 'Rename it to sort before the generated one, for example 40-{{unit}}.conf.',
  },
  check(ctx) {
    const prefix = `${PACKAGE_UNIT_DIR}/`;
    for (const f of ctx.pkg.files) {
      if (!f.relPath.startsWith(prefix) || !f.relPath.endsWith(`.d/${DROP_IN_NAME}`)) continue;
      const dir = f.relPath.slice(prefix.length, -(DROP_IN_NAME.length + 1));
      if (dir.includes('/')) continue;
      const unit = dir.slice(0, -2).split('.')[0];
      ctx.report({ messageId: 'reserved', data: { path: f.relPath, unit }, file: ctx.pkg.path(f.relPath) });
    }
  },
};

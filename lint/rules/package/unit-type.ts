// A package may ship .service, .socket, .timer, .path and .target units (docs/contract.md); the
// generator writes .mount units itself, and other types (.slice, .swap, .device ...) would change
// the container rather than add a service. Files in the unit directory that are not units at all
// are ignored by systemd.
import { PACKAGE_UNIT_DIR } from '../../../sdk/contract.ts';
import { PACKAGE_UNIT_TYPES } from '../../../sdk/package.ts';
import { unitTypeOf } from '../../directives.ts';
import type { PackageRule } from '../../types.ts';

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'package/unit-type',
    severity: 'error',
    description: 'Unit files of a type packages may not ship, and non-unit files in the unit directory',
    messages: {
      type: 'Packages cannot ship .{{type}} units ({{unit}}); the generator skips the package',
      notUnit: '{{name}} in {{dir}}/ is not a unit file; systemd ignores it',
    },
    hint: {
      type: 'Ship only {{allowed}} units.',
      notUnit: 'Move it elsewhere in the package, or give it a unit suffix if it is meant to be a unit.',
    },
  },
  check(ctx) {
    const dir = `${PACKAGE_UNIT_DIR}/`;
    for (const f of ctx.pkg.files) {
      if (!f.relPath.startsWith(dir)) continue;
      const rest = f.relPath.slice(dir.length);
      if (rest.includes('/')) continue;
      const type = unitTypeOf(rest);
      if (!type) {
        if (f.type === 'dir' && /\.(d|wants|requires|upholds)$/.test(rest)) continue;
        ctx.report({ messageId: 'notUnit', data: { name: rest, dir: PACKAGE_UNIT_DIR }, file: ctx.pkg.path(f.relPath) });
        continue;
      }
      if (!(PACKAGE_UNIT_TYPES as readonly string[]).includes(type)) {
        ctx.report({
          messageId: 'type',
          data: { type, unit: rest, allowed: PACKAGE_UNIT_TYPES.map((t) => `.${t}`).join(' ') },
          file: ctx.pkg.path(f.relPath),
        });
      }
    }
  },
};

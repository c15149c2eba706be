// The generator reads units only from usr/lib/systemd/system/. Unit files elsewhere in the tree
// (etc/systemd/system/, lib/systemd/system/, the top level) are never enabled.
import { PACKAGE_UNIT_DIR } from '../../../sdk/contract.ts';
import { unitTypeOf } from '../../directives.ts';
import type { PackageRule } from '../../types.ts';

const UNIT_DIR_PATTERN = /(^|\/)(systemd\/(system|user)|system)(\/|$)/;

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'package/unit-location',
    severity: 'error',
    description: 'Unit files outside usr/lib/systemd/system/, and packages without any unit',
    messages: {
      elsewhere: 'Unit file {{path}} is outside {{dir}}/; the generator never reads it',
      none: 'Package has no unit files in {{dir}}/; there is nothing to start',
    },
    hint: {
      elsewhere: 'Move it to {{dir}}/{{name}}.',
      none: "Add the package's units to {{dir}}/ (for example {{dir}}/{{id}}.service).",
    },
  },
  check(ctx) {
    const dir = `${PACKAGE_UNIT_DIR}/`;
    let any = false;
    for (const f of ctx.pkg.files) {
      const name = f.relPath.split('/').pop()!;
      if (f.relPath.startsWith(dir)) {
        if (!f.relPath.slice(dir.length).includes('/') && unitTypeOf(name)) any = true;
        continue;
      }
      if (f.type !== 'file' || !unitTypeOf(name)) continue;
      // Unit-like names in unrelated places (e.g. docs/examples) are left alone.
      const parent = f.relPath.includes('/') ? f.relPath.slice(0, f.relPath.lastIndexOf('/')) : '';
      if (parent !== '' && !UNIT_DIR_PATTERN.test(parent)) continue;
      ctx.report({ messageId: 'elsewhere', data: { path: f.relPath, dir: PACKAGE_UNIT_DIR, name }, file: ctx.pkg.path(f.relPath) });
    }
    if (!any) ctx.report({ messageId: 'none', data: { dir: PACKAGE_UNIT_DIR, id: ctx.pkg.name } });
  },
};

// Every package needs usr/lib/os-release: it names the package (ID), its version and settings.
// Without it the generator skips the package.
import { PACKAGE_OS_RELEASE } from '../../../sdk/contract.ts';
import type { PackageRule } from '../../types.ts';
import { fileMap } from '../helpers.ts';

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'package/missing-os-release',
    severity: 'error',
    description: 'Packages without usr/lib/os-release',
    messages: {
      missing: 'Package has no {{path}}; the generator skips it',
      elsewhere: 'Package has no {{path}}, only {{found}}; the generator reads {{path}}',
    },
    hint: 'Create {{path}} with NAME=, ID= (the package name) and VERSION_ID= (`composable init` writes one).',
  },
  check(ctx) {
    if (ctx.pkg.osRelease) return;
    const files = fileMap(ctx.pkg);
    const found = ['etc/os-release', 'usr/lib/extension-release.d', 'os-release'].find((p) => files.has(p));
    if (found) ctx.report({ messageId: 'elsewhere', data: { path: PACKAGE_OS_RELEASE, found }, file: ctx.pkg.path(found) });
    else ctx.report({ messageId: 'missing', data: { path: PACKAGE_OS_RELEASE } });
  },
};

// StateDirectory=, CacheDirectory= and LogsDirectory= are created on the container's side
// (/var/lib/NAME, or /var/lib/private/NAME with DynamicUser=) and bind-mounted into the service's
// root at the same path. In a read-only image the mount point must already be there: without
// var/lib/NAME in the package the service fails with 226/NAMESPACE.
import type { UnitRule } from '../../types.ts';
import { effectiveList, resolveInPackage } from '../helpers.ts';
import { DIRECTORY_ROOTS, portableApplies } from './common.ts';

export const rule: UnitRule = {
  scope: 'unit',
  dropIns: false,
  meta: {
    id: 'portable/state-directory',
    severity: 'error',
    description: 'StateDirectory=, CacheDirectory= and LogsDirectory= without their mount point in a portable image',
    messages: { missing: '{{key}}={{name}} is mounted at /{{path}}, which the image does not have' },
    hint:
      'Add the empty directory {{path}} to the package (`composable init DIR --complete-chroot` adds ' +
      'it); systemd cannot create it in a read-only image.',
    docs: 'Applies to chroot-mode packages, and to every package when the lint configuration says `"policy": { "portable": true }`.',
  },
  check(ctx) {
    const pkg = ctx.pkg;
    if (ctx.unit.type !== 'service' || !pkg || !portableApplies(pkg, ctx.policy)) return;
    for (const [key, root] of Object.entries(DIRECTORY_ROOTS)) {
      for (const { unit, entry } of effectiveList(ctx, 'Service', key)) {
        for (const name of entry.value.split(/\s+/).filter(Boolean)) {
          const path = `${root}/${name.replace(/^\/+|\/+$/g, '')}`;
          const r = resolveInPackage(pkg, path, true);
          if (r.kind === 'found' && r.entry.type === 'dir') continue;
          ctx.report({ messageId: 'missing', data: { key, name, path }, range: ctx.valueRange(entry), file: unit.file });
        }
      }
    }
  },
};

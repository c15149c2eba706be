// Symlinks that leave the package. In host mode the package is mounted at /opt/composable/<name>
// and an absolute link (`usr/bin/x -> /usr/lib/x/bin/x`) points into the container instead; a
// relative link with enough `..` leaves the package in any mode. Either way the package depends on
// files it does not ship.
import { posix } from 'node:path';
import type { PackageRule } from '../../types.ts';
import { packageMode } from '../helpers.ts';

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'package/symlink-outside',
    severity: 'error',
    description: 'Symlinks that point outside the package',
    messages: {
      absolute: 'Symlink {{path}} -> {{target}} is absolute; mounted in host mode it points into the container, not the package',
      climbs: 'Symlink {{path}} -> {{target}} points outside the package',
    },
    hint: {
      absolute: 'Make it relative ({{relative}}), or set COMPOSABLE_MODE=chroot if the package is a complete root.',
      climbs: 'Ship the target in the package and link to it with a path that stays inside.',
    },
  },
  check(ctx) {
    const chroot = packageMode(ctx.pkg) === 'chroot';
    for (const f of ctx.pkg.files) {
      if (f.type !== 'symlink' || f.linkTarget === undefined) continue;
      const target = f.linkTarget;
      const dir = posix.dirname(f.relPath);
      if (target.startsWith('/')) {
        if (chroot) continue;
        const relative = posix.relative(dir === '.' ? '' : dir, target.slice(1)) || '.';
        ctx.report({ messageId: 'absolute', data: { path: f.relPath, target, relative }, file: ctx.pkg.path(f.relPath) });
        continue;
      }
      const joined = posix.normalize(posix.join(dir, target));
      if (joined === '..' || joined.startsWith('../'))
        ctx.report({ messageId: 'climbs', data: { path: f.relPath, target }, file: ctx.pkg.path(f.relPath) });
    }
  },
};

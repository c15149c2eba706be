// Symlinks inside the package whose target is not in the package.
import { posix } from 'node:path';
import type { PackageRule } from '../../types.ts';
import { packageMode, resolveInPackage } from '../helpers.ts';

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'package/dangling-symlink',
    severity: 'warning',
    description: 'Symlinks whose target does not exist in the package',
    messages: {
      dangling: 'Symlink {{path}} -> {{target}} points to nothing in the package',
      loop: 'Symlink {{path}} -> {{target}} is part of a loop',
    },
    hint: 'Ship the target, fix the link, or remove it.',
  },
  check(ctx) {
    const chroot = packageMode(ctx.pkg) === 'chroot';
    for (const f of ctx.pkg.files) {
      if (f.type !== 'symlink' || f.linkTarget === undefined) continue;
      const target = f.linkTarget;
      if (target.startsWith('/') && !chroot) continue; // package/symlink-outside
      const joined = posix.normalize(posix.join(posix.dirname(f.relPath), target));
      if (!target.startsWith('/') && (joined === '..' || joined.startsWith('../'))) continue; // package/symlink-outside
      const r = resolveInPackage(ctx.pkg, f.relPath, chroot);
      if (r.kind === 'missing') ctx.report({ messageId: 'dangling', data: { path: f.relPath, target }, file: ctx.pkg.path(f.relPath) });
      else if (r.kind === 'loop') ctx.report({ messageId: 'loop', data: { path: f.relPath, target }, file: ctx.pkg.path(f.relPath) });
    }
  },
};

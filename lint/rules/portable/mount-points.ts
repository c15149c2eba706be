// A service run from an image (the generator's chroot mode, portablectl's RootDirectory=/
// RootImage=) gets /proc, /sys, /dev, /run, /tmp and /var/tmp mounted and /etc/machine-id and
// /etc/resolv.conf bound into the image's tree. systemd mounts onto what is there; in a
// read-only image it cannot create the mount points, and the service fails with 226/NAMESPACE
// ("/run/systemd/unit-root/dev: No such file or directory"). In a writable directory systemd
// creates them, which changes the package's digest.
import type { PackageRule } from '../../types.ts';
import { fileMap } from '../helpers.ts';
import { MOUNT_POINT_DIRS, MOUNT_POINT_FILES, portableApplies } from './common.ts';

export const rule: PackageRule = {
  scope: 'package',
  meta: {
    id: 'portable/mount-points',
    severity: 'error',
    description: "Portable images without the mount points systemd mounts into a service's root",
    messages: {
      missing: "The image has no {{path}}, which systemd mounts {{what}} onto when the service runs in the package's root",
      wrongType: "The image's {{path}} is a {{type}}; systemd mounts {{what}} onto it, so it must be {{kind}}",
    },
    hint: {
      missing:
        'Add {{path}} ({{kind}}) to the package (`composable init DIR --complete-chroot` adds every ' +
        'missing one); a read-only image cannot get it at run time.',
      wrongType: 'Replace {{path}} with {{kind}}.',
    },
    docs: 'Applies to chroot-mode packages, and to every package when the lint configuration says `"policy": { "portable": true }`.',
  },
  check(ctx) {
    if (!portableApplies(ctx.pkg, ctx.policy) || !ctx.pkg.osRelease) return;
    const files = fileMap(ctx.pkg);
    const expected = [
      ...MOUNT_POINT_DIRS.map((path) => ({
        path,
        kind: 'an empty directory',
        type: 'dir',
        what: path === 'tmp' || path === 'var/tmp' ? 'a private tmp' : `/${path}`,
      })),
      ...MOUNT_POINT_FILES.map((path) => ({ path, kind: 'an empty file', type: 'file', what: `the container's /${path}` })),
    ];
    for (const e of expected) {
      const entry = files.get(e.path);
      if (!entry) ctx.report({ messageId: 'missing', data: { path: e.path, what: e.what, kind: e.kind } });
      else if (entry.type !== e.type)
        ctx.report({
          messageId: 'wrongType',
          data: { path: e.path, what: e.what, kind: e.kind, type: entry.type === 'dir' ? 'directory' : entry.type },
        });
    }
  },
};

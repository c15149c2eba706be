// Fixture packages for the portable rules (not a rule itself): the demo package in chroot mode,
// with every mount point, and with a shell of its own when `withShell` is set.
import { demoPackage, type FileSpec } from '../../testing/fixtures.ts';

export const CHROOT_OS_RELEASE = 'NAME="Demo"\nID=demo\nVERSION_ID=1.0\nCOMPOSABLE_MODE=chroot\n';

export const MOUNT_POINTS: Record<string, FileSpec> = {
  dev: { dir: true },
  proc: { dir: true },
  sys: { dir: true },
  run: { dir: true },
  tmp: { dir: true },
  'var/tmp': { dir: true },
  'etc/machine-id': '',
  'etc/resolv.conf': '',
};

/** A chroot demo package with its mount points, plus `files` (null removes one). */
export function portableDemo(files: Record<string, FileSpec | null> = {}, name = 'demo'): Record<string, FileSpec> {
  return demoPackage({ 'usr/lib/os-release': CHROOT_OS_RELEASE, ...MOUNT_POINTS, ...files }, name);
}

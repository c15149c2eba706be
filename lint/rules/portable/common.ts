// What the portable-readiness rules share (not a rule itself): when they apply, and portablectl's
// own rules for image names, as systemd 252 implements them (src/portable/portablectl.c,
// extract_prefix(); src/portable/portable.c, unit_match()). Learned from its source, written here.
import type { LintPackage, LintPolicy } from '../../types.ts';
import { packageMode } from '../helpers.ts';

/** A package is checked as a portable image when it runs chrooted, or the config says portable. */
export function portableApplies(pkg: LintPackage | undefined, policy: LintPolicy): boolean {
  if (!pkg) return false;
  return policy.portable === true || packageMode(pkg) === 'chroot';
}

export { PORTABLE_NAME, portablePrefixOf, MDWE_PROFILES } from '../../../host/portable.ts';

// The mount points and directory stubs a chroot package needs are the scaffold's, so what
// `composable init --complete-chroot` adds is exactly what these rules ask for.
export { CHROOT_MOUNT_DIRS as MOUNT_POINT_DIRS, CHROOT_MOUNT_FILES as MOUNT_POINT_FILES, DIRECTORY_ROOTS } from '../../../sdk/scaffold.ts';

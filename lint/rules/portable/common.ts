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

/**
 * The unit-name prefix portablectl matches when `attach` gets no explicit match: the image's
 * file name up to its first `_`, or without `.raw`. It must be letters, digits, `-` and `.`;
 * otherwise portablectl refuses to derive one (and `detach`, which derives it the same way, fails).
 */
export function portablePrefixOf(imageName: string): { prefix: string; valid: boolean } {
  const underscore = imageName.indexOf('_');
  const prefix = underscore >= 0 ? imageName.slice(0, underscore) : imageName.replace(/\.raw$/, '');
  return { prefix, valid: PORTABLE_NAME.test(prefix) && prefix !== '.' && prefix !== '..' && prefix.length <= 255 };
}

/** Characters portablectl accepts in a derived prefix: unit-name characters without `_ : \`. */
export const PORTABLE_NAME = /^[A-Za-z0-9.-]+$/;

/** Unit types portablectl attaches; anything else in the unit directory is left behind. */
export const PORTABLE_UNIT_TYPES = ['service', 'socket', 'target', 'timer', 'path'] as const;

/** The mount points systemd needs in an image it runs a service from (RootDirectory=/RootImage=
 *  with MountAPIVFS= and the profiles' binds); a read-only image cannot get them later. */
export const MOUNT_POINT_DIRS = ['dev', 'proc', 'sys', 'run', 'tmp', 'var/tmp'] as const;
export const MOUNT_POINT_FILES = ['etc/machine-id', 'etc/resolv.conf'] as const;

/** portablectl's profiles that set MemoryDenyWriteExecute=yes (/usr/lib/systemd/portable/profile). */
export const MDWE_PROFILES: ReadonlySet<string> = new Set(['default', 'nonetwork', 'strict']);

/** Where systemd puts each *Directory= below the root (systemd.exec(5), "RuntimeDirectory=..."). */
export const DIRECTORY_ROOTS: Record<string, string> = {
  StateDirectory: 'var/lib',
  CacheDirectory: 'var/cache',
  LogsDirectory: 'var/log',
};

// portablectl's rules for images, as systemd 252 implements them, and the `portablectl attach`
// command for a package. Learned from systemd's src/portable/ (portablectl.c extract_prefix(),
// portable.c), written here. Pure: no I/O.
import { basename } from 'node:path';

/** Characters portablectl takes in the prefix it derives from an image name: unit-name
 *  characters without `_` (its version separator), `:` and `\`. */
export const PORTABLE_NAME = /^[A-Za-z0-9.-]+$/;

/**
 * The unit-name prefix portablectl matches when `attach` gets no explicit match: the image's file
 * name up to its first `_`, else without `.raw`. `valid` is false when portablectl refuses to
 * derive one (attach then needs explicit matches, and detach fails).
 */
export function portablePrefixOf(imageName: string): { prefix: string; valid: boolean } {
  const underscore = imageName.indexOf('_');
  const prefix = underscore >= 0 ? imageName.slice(0, underscore) : imageName.replace(/\.raw$/, '');
  return { prefix, valid: PORTABLE_NAME.test(prefix) && prefix !== '.' && prefix !== '..' && prefix.length <= 255 };
}

/** portablectl's profiles that set MemoryDenyWriteExecute=yes (/usr/lib/systemd/portable/profile). */
export const MDWE_PROFILES: ReadonlySet<string> = new Set(['default', 'nonetwork', 'strict']);

export interface PortableImage {
  /** Absolute path of the directory or image file. */
  path: string;
  kind: 'directory' | 'raw' | 'squashfs' | 'tar';
  name: string;
  version: string;
  mode: 'host' | 'chroot';
  /** composable profile; portablectl's --profile of the same name (docs/profiles.md). */
  profile: string;
  /** The package's unit-name prefixes (PORTABLE_PREFIXES, else the ID). */
  prefixes: readonly string[];
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * The exact `portablectl attach` command for a package, or why there is none. Explicit prefixes
 * are added only when the image's name does not give portablectl the package's own.
 */
export function portablectlAttach(
  image: PortableImage,
): { command: string; detach: string; note?: string } | { command: null; reason: string } {
  if (image.mode !== 'chroot') {
    return {
      command: null,
      reason:
        "a host-mode package is not a portable image: it runs in the container's root with the container's programs (COMPOSABLE_MODE=chroot packages are)",
    };
  }
  const rawName = `${image.name}_${image.version}.raw`;
  if (image.kind === 'tar')
    return {
      command: null,
      reason: `portablectl takes no tar archives; use the directory, or \`composable pack DIR --format raw\` (${rawName})`,
    };
  if (image.kind === 'squashfs')
    return {
      command: null,
      reason: `portablectl takes image files only with the .raw suffix; this is the same squashfs as \`composable pack DIR --format raw\` writes (${rawName}): rename it to that`,
    };
  const derived = portablePrefixOf(basename(image.path));
  const explicit = derived.valid && image.prefixes.length === 1 && image.prefixes[0] === derived.prefix ? [] : [...image.prefixes];
  const command = ['portablectl', 'attach', '--enable', '--now', `--profile=${image.profile}`, image.path, ...explicit]
    .map(shellQuote)
    .join(' ');
  // detach --now derives the units to stop from the name the same way, so it needs the same prefixes.
  const detach = ['portablectl', 'detach', '--enable', '--now', image.path, ...explicit].map(shellQuote).join(' ');
  const note = explicit.length > 0 ? `named ${image.kind === 'raw' ? rawName : image.name} it would need no prefix arguments` : undefined;
  return note ? { command, detach, note } : { command, detach };
}

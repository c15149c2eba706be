// The units a container already has, read from its root before the generator plans anything:
// a package may not add a unit under a name the container uses (docs/contract.md, "Unit
// ownership"). Only names are read; nothing is opened or followed but the directories.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveInRoot } from '../../sdk/fs/container-path.ts';

/**
 * systemd's system unit directories that hold the container's own units (systemd.unit(5), "Unit
 * File Load Path"). The generator directories are left out: they hold what generators, this one
 * included, write at every boot.
 */
export const CONTAINER_UNIT_DIRS = [
  '/etc/systemd/system',
  '/run/systemd/system',
  '/usr/lib/systemd/system',
  '/lib/systemd/system',
] as const;

/** More entries than any real unit directory has; a directory beyond it is read only this far. */
export const CONTAINER_UNIT_DIR_MAX_ENTRIES = 100_000;

/** A unit file name's suffix: what makes a directory entry a unit of the container. */
export const UNIT_SUFFIX = /\.(service|socket|device|mount|automount|swap|target|path|timer|slice|scope)$/;

/**
 * Names of the units in the container rooted at `root`: every file or symlink (an alias, a mask)
 * with a unit suffix directly in one of CONTAINER_UNIT_DIRS, with symlinks in the directories'
 * paths resolved inside the root (on merged-/usr systems /lib is a link to usr/lib).
 * A directory that is missing or unreadable adds nothing.
 */
export function readContainerUnits(root: string): Set<string> {
  const names = new Set<string>();
  const seen = new Set<string>();
  for (const dir of CONTAINER_UNIT_DIRS) {
    let resolved: string;
    try {
      const r = resolveInRoot(root, dir);
      if (!r.ok) continue;
      resolved = r.path;
    } catch {
      continue;
    }
    if (seen.has(resolved)) continue;
    seen.add(resolved);
    let entries: string[];
    try {
      entries = readdirSync(join(root, resolved));
    } catch {
      continue;
    }
    for (const name of entries.slice(0, CONTAINER_UNIT_DIR_MAX_ENTRIES)) if (UNIT_SUFFIX.test(name)) names.add(name);
  }
  return names;
}

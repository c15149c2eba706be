// The fixed points of the contract between package, agent and generator (docs/contract.md).
// Paths here are *container* paths; `COMPOSABLE_ROOT` only changes where the generator and the
// CLI read and write on the machine they run on, never the paths written into units.
import { posix } from 'node:path';

export const CONTRACT_VERSION = 1;

/** Directory the agent prepares inside the container's /run before PID 1 starts. */
export const RUN_DIR = '/run/composable';
export const METADATA_PATH = '/run/composable/metadata.json';
export const STATUS_PATH = '/run/composable/status.json';
/** The agent bind-mounts each selected package read-only below this directory. */
export const STORE_ROOT = '/run/composable/store';
export const CREDENTIALS_ROOT = '/run/composable/credentials';
/**
 * A unit tree the host rendered ahead of time (`composable render`), bound read-only by the engine:
 * `units/`, `status.json`, `render.json`, `render.checks` (docs/contract.md, "Rendered units").
 */
export const RENDER_DIR = '/run/composable/render';
/** Where an engine installs the node-free generator that puts a render in place. */
export const RENDERED_GENERATOR_PATH = '/run/systemd/system-generators/composable-generator';
/** The generator mounts each package at `${MOUNT_PREFIX}/<name>`. */
export const MOUNT_PREFIX = '/opt/composable';

/** Inside a package (portable service image layout). */
export const PACKAGE_OS_RELEASE = 'usr/lib/os-release';
export const PACKAGE_UNIT_DIR = 'usr/lib/systemd/system';

export const TARGETS = {
  early: 'composable-early.target',
  default: 'composable.target',
  late: 'composable-late.target',
} as const;
export type TargetAlias = keyof typeof TARGETS;

export const MODES = ['host', 'chroot'] as const;
export type Mode = (typeof MODES)[number];
export const PROFILES = ['default', 'strict', 'trusted', 'nonetwork'] as const;
export type Profile = (typeof PROFILES)[number];

export const GENERATOR_NAME = 'composable-generator';
/**
 * The generated drop-in. systemd applies the drop-ins of a unit from all its directories in
 * the order of their file names (bytewise), later ones overriding earlier ones, so this name
 * sorts after every drop-in name a package may ship (package drop-ins that would sort after it
 * are refused, `dropin-sorts-after-generated`): the package cannot undo User=, the capability
 * sets, the chroot or the profile. The container's admin can still override it on purpose with
 * a drop-in in /etc that sorts later (`zzz-admin.conf`) or has this very name (which masks it).
 */
export const DROP_IN_NAME = 'zz-composable.conf';

/**
 * systemd's longest unit-file line (LONG_LINE_MAX in src/basic/fileio.h, 1 MiB). A physical line
 * of this many bytes or more, or a logical line (backslash continuations joined) of more than
 * this many bytes, makes systemd stop reading the file there (config_parse() returns -ENOBUFS).
 */
export const UNIT_LINE_MAX = 1024 * 1024;

/** Stable container path a package is mounted at. */
export function stablePath(name: string): string {
  return posix.join(MOUNT_PREFIX, name);
}

/** Resolve a target given as alias (`early`) or unit name (`foo.target`) to a unit name. */
export function resolveTarget(target: string | undefined): string {
  if (!target) return TARGETS.default;
  if (target in TARGETS) return TARGETS[target as TargetAlias];
  return target;
}

/**
 * Where a container path is found on the machine the tool runs on. With `COMPOSABLE_ROOT=/x`
 * the container's `/run/composable/metadata.json` is read from `/x/run/composable/metadata.json`.
 */
export function hostPath(containerPath: string, root: string = process.env.COMPOSABLE_ROOT ?? '/'): string {
  return posix.join(root, containerPath);
}

// Unit ownership: which unit names a package may add. A unit the generator writes replaces any
// unit of the same name in a lower-priority directory (/usr/lib/systemd/system), so a package
// that could name its units freely could replace sshd.service, multi-user.target or another
// sidecar's units. A package adds units only under its own name; PORTABLE_PREFIXES may add
// further prefixes only where nobody else has units: not another package of the metadata, not
// the generator's own targets (composable*), not the container's units, not the names systemd
// and the distribution reserve (systemd.special(7) and the daemons every container relies on).
import { TARGETS } from '../../sdk/contract.ts';
import { hasPortablePrefix, parseUnitName } from '../../sdk/unit-name.ts';

/**
 * Unit-name stems that belong to systemd or the base system. A package name, unit or prefix may
 * not be one of these or start with one followed by `-`, `.` or `@`; a prefix may not be a stem
 * one of them starts with either.
 * `systemd` covers every `systemd-*` unit; the targets are those of systemd.special(7) (252).
 */
export const RESERVED_UNIT_STEMS: readonly string[] = [
  // systemd's own units and the daemons a container's boot and login depend on.
  'systemd',
  'dbus',
  'dbus-broker',
  'sshd',
  'ssh',
  'getty',
  'serial-getty',
  'console-getty',
  'container-getty',
  'autovt',
  'user',
  'user-runtime-dir',
  'init',
  'emergency',
  'rescue',
  'debug-shell',
  'display-manager',
  'syslog',
  'rc-local',
  'kmod-static-nodes',
  'ldconfig',
  'modprobe',
  'quotaon',
  'polkit',
  'cron',
  'udev',
  'system',
  'machine',
  'machines',
  // Targets of systemd.special(7).
  'basic',
  'blockdev',
  'bluetooth',
  'boot-complete',
  'cryptsetup',
  'cryptsetup-pre',
  'ctrl-alt-del',
  'default',
  'exit',
  'factory-reset',
  'final',
  'first-boot-complete',
  'getty-pre',
  'graphical',
  'halt',
  'hibernate',
  'hybrid-sleep',
  'initrd',
  'initrd-fs',
  'initrd-root-device',
  'initrd-root-fs',
  'initrd-usr-fs',
  'initrd-switch-root',
  'integritysetup',
  'integritysetup-pre',
  'kbrequest',
  'kexec',
  'local-fs',
  'local-fs-pre',
  'multi-user',
  'network',
  'network-online',
  'network-pre',
  'nss-lookup',
  'nss-user-lookup',
  'paths',
  'poweroff',
  'printer',
  'reboot',
  'remote-cryptsetup',
  'remote-fs',
  'remote-fs-pre',
  'remote-integritysetup',
  'remote-veritysetup',
  'rpcbind',
  'runlevel0',
  'runlevel1',
  'runlevel2',
  'runlevel3',
  'runlevel4',
  'runlevel5',
  'runlevel6',
  'shutdown',
  'sigpwr',
  'sleep',
  'slices',
  'smartcard',
  'sockets',
  'soft-reboot',
  'sound',
  'suspend',
  'suspend-then-hibernate',
  'swap',
  'sysinit',
  'system-update',
  'system-update-pre',
  'time-set',
  'time-sync',
  'timers',
  'tpm2',
  'umount',
  'usb',
  'veritysetup',
  'veritysetup-pre',
];

/** The generator's own units: every name starting with this belongs to composable. */
export const GENERATOR_UNIT_STEM = 'composable';

/** `stem` names units that `prefix` lets a package name: `prefix` itself or `prefix-…`, `prefix.…`, `prefix@…`. */
function covers(prefix: string, stem: string): boolean {
  return stem === prefix || hasPortablePrefix(stem, prefix);
}

/** Two unit-name namespaces overlap when one covers the other. */
export function namespacesOverlap(a: string, b: string): boolean {
  return covers(a, b) || covers(b, a);
}

const GENERATOR_OWNER = `${GENERATOR_UNIT_STEM}* (the generator's ${Object.values(TARGETS).join(', ')})`;

/**
 * The reserved stem (or `composable`) a PORTABLE_PREFIXES entry collides with, if any: the
 * entry is one, lies below one (`systemd-x`), or would cover one (`multi` covers `multi-user`).
 */
export function reservedOwner(prefix: string): string | undefined {
  if (prefix.startsWith(GENERATOR_UNIT_STEM)) return GENERATOR_OWNER;
  return RESERVED_UNIT_STEMS.find((r) => namespacesOverlap(prefix, r));
}

/**
 * The reserved stem a package name or unit stem is, or lies below (`systemd-foo` below
 * `systemd`). Unlike a prefix, a name may cover a reserved stem (a package `first` is fine):
 * its units are checked one by one instead, so `first-boot-complete.target` is still refused.
 */
export function reservedNameOwner(stem: string): string | undefined {
  if (stem.startsWith(GENERATOR_UNIT_STEM)) return GENERATOR_OWNER;
  // The reserved stems `stem` lies below are its prefixes that end before a `-`, `.` or `@` (or
  // the whole stem): look those up instead of testing every reserved stem (checked for each unit
  // of each package at boot). The first in list order wins, as a scan of the list would give.
  let best: number | undefined;
  const consider = (candidate: string): void => {
    const i = RESERVED_INDEX.get(candidate);
    if (i !== undefined && (best === undefined || i < best)) best = i;
  };
  for (let i = 0; i < stem.length; i++) {
    const c = stem[i];
    if (c === '-' || c === '.' || c === '@') consider(stem.slice(0, i));
  }
  consider(stem);
  return best === undefined ? undefined : RESERVED_UNIT_STEMS[best];
}

const RESERVED_INDEX = new Map(RESERVED_UNIT_STEMS.map((r, i) => [r, i]));

export interface OwnershipInput {
  /** The package (service) name: its own namespace. */
  name: string;
  /** PORTABLE_PREFIXES (the name when absent). */
  prefixes: readonly string[];
  /** Unit file names the package ships. */
  unitNames: readonly string[];
  /** The other services of the same metadata, with their prefixes when known. */
  others?: readonly { name: string; prefixes?: readonly string[] }[];
  /** Units the container already has (generator/input/container-units.ts). */
  containerUnits?: ReadonlySet<string>;
}

export interface OwnershipProblem {
  code:
    | 'name-reserved'
    | 'unit-reserved'
    | 'prefix-reserved'
    | 'prefix-owned-by-package'
    | 'prefix-owned-by-container'
    | 'unit-shadows-container'
    | 'unit-prefix-dropin';
  message: string;
  /** The unit the problem is about, when it is one unit. */
  unit?: string;
}

/** Everything that makes a package claim unit names it does not own. Pure. */
export function ownershipProblems(input: OwnershipInput): OwnershipProblem[] {
  const out: OwnershipProblem[] = [];
  const nameOwner = reservedNameOwner(input.name);
  if (nameOwner) {
    out.push({
      code: 'name-reserved',
      message:
        `the package name "${input.name}" overlaps the reserved unit names ${nameOwner}; its units ` +
        `could replace the container's own. Choose another ID`,
    });
  }
  for (const prefix of input.prefixes) {
    if (prefix === input.name) continue;
    const owner = reservedOwner(prefix);
    if (owner) {
      out.push({
        code: 'prefix-reserved',
        message: `PORTABLE_PREFIXES entry "${prefix}" overlaps the reserved unit names ${owner}; remove it`,
      });
      continue;
    }
    const other = (input.others ?? []).find(
      (o) =>
        o.name !== input.name &&
        (namespacesOverlap(prefix, o.name) || (o.prefixes ?? []).some((q) => q !== o.name && namespacesOverlap(prefix, q))),
    );
    if (other) {
      out.push({
        code: 'prefix-owned-by-package',
        message: `PORTABLE_PREFIXES entry "${prefix}" overlaps the unit names of package ${other.name} in the same metadata; remove it`,
      });
      continue;
    }
    const unit = [...(input.containerUnits ?? [])].sort().find((u) => hasPortablePrefix(u, prefix));
    if (unit)
      out.push({
        code: 'prefix-owned-by-container',
        message: `PORTABLE_PREFIXES entry "${prefix}" covers the container's unit ${unit}; remove it`,
      });
  }
  for (const unit of input.unitNames) {
    const parsed = parseUnitName(unit);
    const unitOwner = !nameOwner && parsed ? reservedNameOwner(parsed.prefix) : undefined;
    if (unitOwner) {
      out.push({
        code: 'unit-reserved',
        unit,
        message: `${unit} is named like the reserved units ${unitOwner}; it could replace the container's own. Rename it`,
      });
    }
    if (input.containerUnits?.has(unit)) {
      out.push({
        code: 'unit-shadows-container',
        unit,
        message: `${unit} is a unit the container already has; a package may not replace it. Rename the unit`,
      });
    }
    if (parsed?.prefix.endsWith('-') && !parsed.instance) {
      out.push({
        code: 'unit-prefix-dropin',
        unit,
        message:
          `${unit} ends in "-", so its drop-in directory ${unit}.d would apply to every unit named ${parsed.prefix}*.${parsed.type}, ` +
          `including other packages'; rename it`,
      });
    }
  }
  return out;
}

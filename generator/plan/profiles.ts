// Sandboxing profiles, modelled on portablectl's profiles (/usr/lib/systemd/portable/profile/*),
// adapted to sidecars that run in the container's own root (host mode) and are configured by
// the agent (user, capabilities). docs/profiles.md explains each choice.
import type { Profile } from '../../sdk/contract.ts';

export type Directive = [key: string, value: string];

/** Portable's default capability set: what a well-behaved daemon may need, no more. */
const DEFAULT_CAPABILITIES =
  'CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_IPC_LOCK CAP_IPC_OWNER ' +
  'CAP_KILL CAP_MKNOD CAP_NET_ADMIN CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_SETGID CAP_SETPCAP ' +
  'CAP_SETUID CAP_SYS_CHROOT CAP_SYS_NICE CAP_SYS_RESOURCE';
const NONETWORK_CAPABILITIES = DEFAULT_CAPABILITIES.replace(/ CAP_NET_ADMIN CAP_NET_BIND_SERVICE CAP_NET_BROADCAST/, '');

/**
 * List settings that systemd merges across the unit and its drop-ins (systemd.exec(5),
 * systemd.resource-control(5)): without an empty assignment first, the unit's own
 * `CapabilityBoundingSet=CAP_SYS_ADMIN` or `RestrictAddressFamilies=AF_PACKET` would be added to
 * the profile's list instead of being replaced by it. `IPAddressAllow=` is reset because an
 * address it allows wins over IPAddressDeny=.
 */
function reset(key: string, value: string): Directive[] {
  return [
    [key, ''],
    [key, value],
  ];
}

const COMMON: Directive[] = [
  ['ProtectKernelTunables', 'yes'],
  ['ProtectKernelModules', 'yes'],
  ['ProtectControlGroups', 'yes'],
  ['LockPersonality', 'yes'],
  ['RestrictRealtime', 'yes'],
  ['RestrictNamespaces', 'yes'],
  ...reset('SystemCallArchitectures', 'native'),
];

const NO_NETWORK: Directive[] = [['PrivateNetwork', 'yes'], ['IPAddressAllow', ''], ...reset('IPAddressDeny', 'any')];

/** How much each profile takes away: strict also drops the network and every capability. */
const STRICTNESS: Record<Profile, number> = { trusted: 0, default: 1, nonetwork: 2, strict: 3 };

/**
 * The profile a service runs under. The host decides: the metadata's profile, else `default`. The
 * package's own COMPOSABLE_PROFILE can only make that stricter, never lift it (a package asking
 * for `trusted` in its os-release gets it only when the metadata names `trusted`). Only
 * `nonetwork` and `strict` are requests; `default` is also what a package that says nothing has.
 */
export function effectiveProfile(granted: Profile | undefined, requested: Profile): Profile {
  const base = granted ?? 'default';
  // `default` is what a package without COMPOSABLE_PROFILE has: it asks for nothing.
  if (requested === 'default' || requested === 'trusted') return base;
  return STRICTNESS[requested] > STRICTNESS[base] ? requested : base;
}

export const PROFILE_DIRECTIVES: Record<Profile, Directive[]> = {
  // Nothing added: the service runs as its unit file says.
  trusted: [],
  default: [
    ...COMMON,
    ['ProtectSystem', 'full'],
    ...reset('CapabilityBoundingSet', DEFAULT_CAPABILITIES),
    ...reset('RestrictAddressFamilies', 'AF_UNIX AF_NETLINK AF_INET AF_INET6'),
  ],
  nonetwork: [
    ...COMMON,
    ['ProtectSystem', 'full'],
    ...reset('CapabilityBoundingSet', NONETWORK_CAPABILITIES),
    ...reset('RestrictAddressFamilies', 'AF_UNIX AF_NETLINK'),
    ...NO_NETWORK,
  ],
  strict: [
    ...COMMON,
    ['ProtectSystem', 'strict'],
    ['ProtectHome', 'yes'],
    ['PrivateTmp', 'yes'],
    ['PrivateDevices', 'yes'],
    ['NoNewPrivileges', 'yes'],
    ['CapabilityBoundingSet', ''],
    ['AmbientCapabilities', ''],
    ...reset('RestrictAddressFamilies', 'AF_UNIX'),
    ...reset('SystemCallFilter', '@system-service'),
    ['SystemCallErrorNumber', 'EPERM'],
    ...NO_NETWORK,
  ],
};

/**
 * What a service chrooted into its package needs from the container, as portable services get
 * it: API file systems, the journal's sockets, the machine ID and DNS configuration. A leading
 * `-` makes a missing source harmless. The package must contain the mount points (`/etc/machine-id`
 * and `/etc/resolv.conf` as empty files; `/proc /sys /dev /run /tmp` directories).
 */
export const CHROOT_DIRECTIVES: Directive[] = [
  ['MountAPIVFS', 'yes'],
  // With RootDirectoryStartOnly=yes every Exec*= line but ExecStart= would run outside the chroot.
  ['RootDirectoryStartOnly', 'no'],
  ['BindReadOnlyPaths', '/dev/log /run/systemd/journal/socket /run/systemd/journal/stdout'],
  ['BindReadOnlyPaths', '/etc/machine-id'],
  ['BindReadOnlyPaths', '-/etc/resolv.conf'],
];

/**
 * Profile directives that do nothing without a mount namespace (or, for IPAddressDeny=, without a
 * BPF cgroup program), which systemd cannot set up for a service when the container lacks
 * CAP_SYS_ADMIN. systemd 252 then drops them silently or with a warning and starts the service
 * anyway (measured in an unprivileged podman container; docs/profiles.md). Directives whose
 * effect is partly a seccomp filter or a capability drop (ProtectKernelModules=, PrivateDevices=)
 * still do something and are not listed.
 */
const WITHOUT_EFFECT_UNPRIVILEGED = new Set([
  'ProtectSystem',
  'ProtectHome',
  'PrivateTmp',
  'ProtectKernelTunables',
  'ProtectControlGroups',
  'PrivateNetwork',
  'IPAddressDeny',
]);

/**
 * Profiles whose promise holds without those directives. `default` and `nonetwork` promise a
 * reduced capability set, system-call restrictions and (nonetwork) no IP sockets, all enforced
 * by seccomp and capabilities, which work unprivileged; they lose the read-only /usr and /etc of
 * ProtectSystem=full. `strict` promises a read-only, private file system view, which needs a
 * mount namespace: it is not run in its place.
 */
const UNPRIVILEGED_VARIANT: Record<Profile, boolean> = { trusted: true, default: true, nonetwork: true, strict: false };

export type ProfileVariant = { ok: true; directives: Directive[]; dropped: Directive[] } | { ok: false; needsNamespace: Directive[] };

/** The profile's directives for a container that cannot make mount namespaces. */
export function unprivilegedProfile(profile: Profile): ProfileVariant {
  const all = PROFILE_DIRECTIVES[profile];
  const dropped = all.filter(([k]) => WITHOUT_EFFECT_UNPRIVILEGED.has(k));
  if (!UNPRIVILEGED_VARIANT[profile]) return { ok: false, needsNamespace: dropped };
  return { ok: true, directives: all.filter(([k]) => !WITHOUT_EFFECT_UNPRIVILEGED.has(k)), dropped };
}

/** `Key=value` as it would appear in a unit. */
export function formatDirective([k, v]: Directive): string {
  return `${k}=${v}`;
}

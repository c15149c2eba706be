// Sandboxing profiles, modelled on portablectl's profiles (/usr/lib/systemd/portable/profile/*),
// adapted to sidecars that run in the container's own root (host mode) and are configured by
// the agent (user, capabilities). docs/profiles.md explains each choice.
import type { Profile } from '../contract.ts';

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
  return [[key, ''], [key, value]];
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

const NO_NETWORK: Directive[] = [
  ['PrivateNetwork', 'yes'],
  ['IPAddressAllow', ''],
  ...reset('IPAddressDeny', 'any'),
];

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

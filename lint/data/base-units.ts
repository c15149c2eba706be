// Units every systemd container has, so packages may depend on them without shipping them:
// the special units of systemd.special(7) and the services systemd itself ships in every
// installation (journald, the D-Bus broker's socket, tmpfiles). Sites add their own base units
// with "policy.baseUnits" in composable-lint.json.
export const BASE_UNITS: readonly string[] = [
  // systemd.special(7): targets
  'basic.target', 'default.target', 'emergency.target', 'exit.target', 'final.target', 'first-boot-complete.target',
  'getty.target', 'getty-pre.target', 'graphical.target', 'halt.target', 'kexec.target', 'local-fs.target',
  'local-fs-pre.target', 'multi-user.target', 'network.target', 'network-online.target', 'network-pre.target',
  'nss-lookup.target', 'nss-user-lookup.target', 'paths.target', 'poweroff.target', 'reboot.target',
  'remote-fs.target', 'remote-fs-pre.target', 'rescue.target', 'rpcbind.target', 'shutdown.target',
  'slices.target', 'sockets.target', 'swap.target', 'sysinit.target', 'system-update.target', 'time-set.target',
  'time-sync.target', 'timers.target', 'umount.target', 'ctrl-alt-del.target', 'sigpwr.target',
  // systemd.special(7): slices and the root mount
  '-.slice', 'system.slice', 'user.slice', 'machine.slice', '-.mount', 'tmp.mount',
  // services and sockets of systemd itself
  'dbus.service', 'dbus.socket', 'syslog.socket',
  'systemd-journald.service', 'systemd-journald.socket', 'systemd-journald-dev-log.socket', 'systemd-journal-flush.service',
  'systemd-tmpfiles-setup.service', 'systemd-tmpfiles-clean.timer', 'systemd-tmpfiles-clean.service',
  'systemd-user-sessions.service', 'systemd-sysctl.service', 'systemd-remount-fs.service',
  'systemd-networkd.service', 'systemd-networkd-wait-online.service', 'systemd-resolved.service', 'systemd-timesyncd.service',
];

/** The targets the generator creates in every container (sdk/contract.ts TARGETS). */
export const COMPOSABLE_TARGET_UNITS: readonly string[] = ['composable-early.target', 'composable.target', 'composable-late.target'];

// Directives whose value is one word of a fixed set, as systemd 252 parses them. Values come from
// the man pages (systemd.service(5), systemd.exec(5), systemd.unit(5), systemd.kill(5),
// systemd.socket(5), systemd.resource-control(5)) and are checked against `systemd-analyze verify`
// by test/lint/rules/unit/values.test.ts: every value here is accepted, `emptyOk` says whether
// an empty assignment is (it resets to the default for some, is an error for others), and a
// value outside the set is rejected.

export interface EnumSpec {
  /** Limit to these sections (Type= is an enum in [Service], a file system type in [Mount]). */
  sections?: readonly string[];
  values: readonly string[];
  /** A boolean (yes/no/true/...) is accepted too. */
  boolean?: boolean;
  /** Accepted `prefix:rest` forms, e.g. `file:` for StandardOutput=. */
  prefixes?: readonly string[];
  /** Accepted decimal numbers (inclusive range). */
  numeric?: readonly [number, number];
  emptyOk?: boolean;
}

const EMERGENCY_ACTIONS = [
  'none',
  'reboot',
  'reboot-force',
  'reboot-immediate',
  'poweroff',
  'poweroff-force',
  'poweroff-immediate',
  'exit',
  'exit-force',
];
const JOB_MODES = ['fail', 'replace', 'replace-irreversibly', 'isolate', 'flush', 'ignore-dependencies', 'ignore-requirements'];
const OUTPUTS = [
  'inherit',
  'null',
  'tty',
  'journal',
  'kmsg',
  'journal+console',
  'kmsg+console',
  'socket',
  'fd',
  'syslog',
  'syslog+console',
];
const LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];
const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
];

export const ENUM_DIRECTIVES: Record<string, EnumSpec> = {
  Type: { sections: ['Service'], values: ['simple', 'exec', 'forking', 'oneshot', 'dbus', 'notify', 'idle'] },
  Restart: { sections: ['Service'], values: ['no', 'on-success', 'on-failure', 'on-abnormal', 'on-watchdog', 'on-abort', 'always'] },
  NotifyAccess: { sections: ['Service'], values: ['none', 'main', 'exec', 'all'] },
  ExitType: { sections: ['Service'], values: ['main', 'cgroup'] },
  OOMPolicy: { sections: ['Service'], values: ['continue', 'stop', 'kill'] },
  TimeoutStartFailureMode: { sections: ['Service'], values: ['terminate', 'abort', 'kill'] },
  TimeoutStopFailureMode: { sections: ['Service'], values: ['terminate', 'abort', 'kill'] },
  KillMode: { values: ['control-group', 'process', 'mixed', 'none'], emptyOk: true },
  StandardOutput: { values: OUTPUTS, prefixes: ['file:', 'append:', 'truncate:', 'fd:'] },
  StandardError: { values: OUTPUTS, prefixes: ['file:', 'append:', 'truncate:', 'fd:'] },
  StandardInput: { values: ['null', 'tty', 'tty-force', 'tty-fail', 'data', 'socket', 'fd'], prefixes: ['file:', 'fd:'] },
  ProtectSystem: { values: ['full', 'strict'], boolean: true },
  ProtectHome: { values: ['read-only', 'tmpfs'], boolean: true },
  DevicePolicy: { values: ['auto', 'closed', 'strict'] },
  ProtectProc: { values: ['noaccess', 'invisible', 'ptraceable', 'default'] },
  ProcSubset: { values: ['all', 'pid'] },
  KeyringMode: { values: ['inherit', 'private', 'shared'] },
  UtmpMode: { values: ['init', 'login', 'user'] },
  RuntimeDirectoryPreserve: { values: ['restart'], boolean: true },
  IOSchedulingClass: { values: ['none', 'realtime', 'best-effort', 'idle'], numeric: [0, 8], emptyOk: true },
  CPUSchedulingPolicy: { values: ['other', 'batch', 'idle', 'fifo', 'rr'], emptyOk: true },
  MountFlags: { values: ['shared', 'slave', 'private'], emptyOk: true },
  SyslogLevel: { values: LOG_LEVELS, numeric: [0, 7] },
  LogLevelMax: { values: LOG_LEVELS, numeric: [0, 7] },
  SyslogFacility: { values: FACILITIES, numeric: [0, 127] },
  ManagedOOMSwap: { values: ['auto', 'kill'], emptyOk: true },
  ManagedOOMMemoryPressure: { values: ['auto', 'kill'], emptyOk: true },
  ManagedOOMPreference: { values: ['none', 'avoid', 'omit'] },
  CollectMode: { sections: ['Unit'], values: ['inactive', 'inactive-or-failed'] },
  OnFailureJobMode: { sections: ['Unit'], values: JOB_MODES },
  OnSuccessJobMode: { sections: ['Unit'], values: JOB_MODES },
  FailureAction: { values: EMERGENCY_ACTIONS },
  SuccessAction: { values: EMERGENCY_ACTIONS },
  StartLimitAction: { values: EMERGENCY_ACTIONS },
  JobTimeoutAction: { sections: ['Unit'], values: EMERGENCY_ACTIONS },
  BindIPv6Only: { sections: ['Socket'], values: ['default', 'both', 'ipv6-only'] },
  Timestamping: { sections: ['Socket'], values: ['off', 'us', 'usec', 'µs', 'ns', 'nsec'] },
};

export function enumFor(section: string, key: string): EnumSpec | undefined {
  const spec = ENUM_DIRECTIVES[key];
  if (!spec) return undefined;
  return !spec.sections || spec.sections.includes(section) ? spec : undefined;
}

// An exposure score for a service in the spirit of `systemd-analyze security --offline`: the same
// check names and relative weights (as systemd 252 prints them for an unhardened service), each
// check scoring a badness between 0 (locked down) and 1 (open), and the score
// 10 × Σ(weight × badness) / Σ(weight). It is an estimate for comparing units and finding the
// biggest gaps, not a reimplementation: test/lint/util/exposure.test.ts keeps it within one point of
// systemd's own score on a table of units.

/** Effective settings: key → the last assigned value (lists joined), after the profile drop-in. */
export type Settings = Map<string, string>;

export interface ExposureCheck {
  /** systemd-analyze security's name for the check. */
  name: string;
  weight: number;
  /** 0..1, or undefined when the check does not apply. */
  badness(s: Settings, ctx: { root: boolean }): number | undefined;
}

const bool = (v: string | undefined): boolean | undefined => {
  if (v === undefined) return undefined;
  const l = v.toLowerCase();
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(l)) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(l)) return false;
  return undefined;
};
const isOn = (s: Settings, key: string): boolean => bool(s.get(key)) === true;
const flag =
  (key: string) =>
  (s: Settings): number =>
    isOn(s, key) ? 0 : 1;

/**
 * List settings parsed once per score: two dozen checks read the bounding set and five the address
 * families. exposure() fills these for the settings map it builds and never changes; a check
 * called on any other map parses it afresh.
 */
const parsedBoundingSets = new WeakMap<Settings, Set<string> | undefined>();
const parsedFamilies = new WeakMap<Settings, { allow: boolean; set: Set<string> } | undefined>();

/** Capabilities the bounding set keeps: undefined means all (no CapabilityBoundingSet=). */
function boundingSet(s: Settings): Set<string> | undefined {
  return parsedBoundingSets.has(s) ? parsedBoundingSets.get(s) : parseBoundingSet(s);
}

function parseBoundingSet(s: Settings): Set<string> | undefined {
  const v = s.get('CapabilityBoundingSet');
  if (v === undefined) return undefined;
  const words = v.split(/\s+/).filter(Boolean);
  if (words.length === 0) return new Set();
  if (words[0]!.startsWith('~')) {
    const dropped = new Set([words[0]!.slice(1), ...words.slice(1)]);
    return new Set(ALL_CAPS.filter((c) => !dropped.has(c)));
  }
  return new Set(words);
}

const ALL_CAPS = [
  'CAP_AUDIT_CONTROL',
  'CAP_AUDIT_READ',
  'CAP_AUDIT_WRITE',
  'CAP_BLOCK_SUSPEND',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_KILL',
  'CAP_LEASE',
  'CAP_LINUX_IMMUTABLE',
  'CAP_MAC_ADMIN',
  'CAP_MAC_OVERRIDE',
  'CAP_MKNOD',
  'CAP_NET_ADMIN',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_RAW',
  'CAP_PERFMON',
  'CAP_SETFCAP',
  'CAP_SETGID',
  'CAP_SETPCAP',
  'CAP_SETUID',
  'CAP_SYSLOG',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_CHROOT',
  'CAP_SYS_MODULE',
  'CAP_SYS_NICE',
  'CAP_SYS_PACCT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_WAKE_ALARM',
];

function capCheck(name: string, weight: number, caps: string[]): ExposureCheck {
  return {
    name: `CapabilityBoundingSet=~${name}`,
    weight,
    badness: (s) => {
      const set = boundingSet(s);
      if (!set) return 1;
      return caps.some((c) => set.has(c)) ? 1 : 0;
    },
  };
}

/** Address families the service may use: undefined means all. */
function families(s: Settings): { allow: boolean; set: Set<string> } | undefined {
  return parsedFamilies.has(s) ? parsedFamilies.get(s) : parseFamilies(s);
}

function parseFamilies(s: Settings): { allow: boolean; set: Set<string> } | undefined {
  const v = s.get('RestrictAddressFamilies');
  if (v === undefined || v === '') return undefined;
  if (v === 'none') return { allow: true, set: new Set() };
  const words = v.split(/\s+/).filter(Boolean);
  if (words[0]!.startsWith('~')) return { allow: false, set: new Set([words[0]!.slice(1), ...words.slice(1)]) };
  return { allow: true, set: new Set(words) };
}

function familyCheck(name: string, weight: number, fams: string[] | 'exotic'): ExposureCheck {
  return {
    name: `RestrictAddressFamilies=~${name}`,
    weight,
    badness: (s) => {
      const f = families(s);
      if (!f) return 1;
      const common = ['AF_UNIX', 'AF_INET', 'AF_INET6', 'AF_NETLINK', 'AF_PACKET'];
      if (fams === 'exotic') return f.allow ? ([...f.set].some((x) => !common.includes(x)) ? 1 : 0) : 1;
      const allowed = (x: string): boolean => (f.allow ? f.set.has(x) : !f.set.has(x));
      return fams.some(allowed) ? 1 : 0;
    },
  };
}

/** Namespace types the service may create. */
function namespaceCheck(ns: string, weight: number): ExposureCheck {
  return {
    name: `RestrictNamespaces=~${ns}`,
    weight,
    badness: (s) => {
      const v = s.get('RestrictNamespaces');
      if (v === undefined) return 1;
      const b = bool(v);
      if (b !== undefined) return b ? 0 : 1;
      const words = v.split(/\s+/).filter(Boolean);
      if (words[0]?.startsWith('~')) return [words[0].slice(1), ...words.slice(1)].includes(ns) ? 0 : 1;
      return words.includes(ns) ? 1 : 0;
    },
  };
}

function syscallCheck(group: string, weight: number): ExposureCheck {
  return {
    name: `SystemCallFilter=~@${group}`,
    weight,
    badness: (s) => {
      const v = s.get('SystemCallFilter');
      if (!v) return 1;
      const words = v.split(/\s+/).filter(Boolean);
      if (words[0]?.startsWith('~')) return [words[0].slice(1), ...words.slice(1)].includes(`@${group}`) ? 0 : 1;
      // An allow list: @system-service leaves out these groups except the ones it includes.
      const inSystemService = ['resources', 'privileged'];
      if (words.includes(`@${group}`)) return 1;
      return words.includes('@system-service') && inSystemService.includes(group) ? 1 : 0;
    },
  };
}

export const EXPOSURE_CHECKS: ExposureCheck[] = [
  { name: 'RootDirectory=/RootImage=', weight: 0.1, badness: (s) => (s.get('RootDirectory') || s.get('RootImage') ? 0 : 1) },
  { name: 'User=/DynamicUser=', weight: 0.4, badness: (_s, c) => (c.root ? 1 : 0) },
  capCheck('CAP_SYS_TIME', 0.2, ['CAP_SYS_TIME']),
  { name: 'NoNewPrivileges=', weight: 0.2, badness: flag('NoNewPrivileges') },
  { name: 'AmbientCapabilities=', weight: 0.1, badness: (s) => (s.get('AmbientCapabilities') ? 1 : 0) },
  { name: 'PrivateDevices=', weight: 0.2, badness: flag('PrivateDevices') },
  { name: 'ProtectClock=', weight: 0.2, badness: flag('ProtectClock') },
  capCheck('CAP_SYS_PACCT', 0.1, ['CAP_SYS_PACCT']),
  capCheck('CAP_KILL', 0.1, ['CAP_KILL']),
  { name: 'ProtectKernelLogs=', weight: 0.2, badness: flag('ProtectKernelLogs') },
  capCheck('CAP_WAKE_ALARM', 0.1, ['CAP_WAKE_ALARM']),
  capCheck('CAP_(DAC_*|FOWNER|IPC_OWNER)', 0.2, ['CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_IPC_OWNER']),
  { name: 'ProtectControlGroups=', weight: 0.2, badness: flag('ProtectControlGroups') },
  capCheck('CAP_LINUX_IMMUTABLE', 0.1, ['CAP_LINUX_IMMUTABLE']),
  capCheck('CAP_IPC_LOCK', 0.1, ['CAP_IPC_LOCK']),
  { name: 'ProtectKernelModules=', weight: 0.2, badness: flag('ProtectKernelModules') },
  capCheck('CAP_SYS_MODULE', 0.2, ['CAP_SYS_MODULE']),
  capCheck('CAP_BPF', 0.1, ['CAP_BPF']),
  capCheck('CAP_SYS_TTY_CONFIG', 0.1, ['CAP_SYS_TTY_CONFIG']),
  capCheck('CAP_SYS_BOOT', 0.1, ['CAP_SYS_BOOT']),
  capCheck('CAP_SYS_CHROOT', 0.1, ['CAP_SYS_CHROOT']),
  { name: 'PrivateMounts=', weight: 0.2, badness: flag('PrivateMounts') },
  { name: 'SystemCallArchitectures=', weight: 0.2, badness: (s) => (s.get('SystemCallArchitectures') === 'native' ? 0 : 1) },
  capCheck('CAP_BLOCK_SUSPEND', 0.1, ['CAP_BLOCK_SUSPEND']),
  { name: 'MemoryDenyWriteExecute=', weight: 0.1, badness: flag('MemoryDenyWriteExecute') },
  namespaceCheck('user', 0.3),
  namespaceCheck('pid', 0.1),
  namespaceCheck('net', 0.1),
  namespaceCheck('uts', 0.1),
  namespaceCheck('mnt', 0.1),
  capCheck('CAP_LEASE', 0.1, ['CAP_LEASE']),
  capCheck('CAP_MKNOD', 0.1, ['CAP_MKNOD']),
  namespaceCheck('cgroup', 0.1),
  { name: 'RestrictSUIDSGID=', weight: 0.2, badness: flag('RestrictSUIDSGID') },
  namespaceCheck('ipc', 0.1),
  { name: 'ProtectHostname=', weight: 0.1, badness: flag('ProtectHostname') },
  capCheck('CAP_(CHOWN|FSETID|SETFCAP)', 0.2, ['CAP_CHOWN', 'CAP_FSETID', 'CAP_SETFCAP']),
  capCheck('CAP_SET(UID|GID|PCAP)', 0.3, ['CAP_SETUID', 'CAP_SETGID', 'CAP_SETPCAP']),
  { name: 'LockPersonality=', weight: 0.1, badness: flag('LockPersonality') },
  { name: 'ProtectKernelTunables=', weight: 0.2, badness: flag('ProtectKernelTunables') },
  familyCheck('AF_PACKET', 0.2, ['AF_PACKET']),
  familyCheck('AF_NETLINK', 0.1, ['AF_NETLINK']),
  familyCheck('AF_UNIX', 0.1, ['AF_UNIX']),
  familyCheck('…', 0.3, 'exotic'),
  familyCheck('AF_(INET|INET6)', 0.3, ['AF_INET', 'AF_INET6']),
  capCheck('CAP_MAC_*', 0.1, ['CAP_MAC_ADMIN', 'CAP_MAC_OVERRIDE']),
  { name: 'RestrictRealtime=', weight: 0.1, badness: flag('RestrictRealtime') },
  capCheck('CAP_SYS_RAWIO', 0.2, ['CAP_SYS_RAWIO']),
  capCheck('CAP_SYS_PTRACE', 0.3, ['CAP_SYS_PTRACE']),
  capCheck('CAP_SYS_(NICE|RESOURCE)', 0.1, ['CAP_SYS_NICE', 'CAP_SYS_RESOURCE']),
  {
    name: 'DeviceAllow=',
    weight: 0.2,
    badness: (s) =>
      isOn(s, 'PrivateDevices') || ['closed', 'strict'].includes(s.get('DevicePolicy') ?? '') || s.get('DeviceAllow') ? 0 : 1,
  },
  capCheck('CAP_NET_ADMIN', 0.2, ['CAP_NET_ADMIN']),
  {
    name: 'ProtectSystem=',
    weight: 0.2,
    badness: (s) => {
      const v = s.get('ProtectSystem') ?? 'no';
      if (v === 'strict') return 0;
      if (v === 'full') return 0.3;
      return bool(v) ? 0.5 : 1;
    },
  },
  {
    name: 'ProtectProc=',
    weight: 0.2,
    badness: (s) => (['invisible', 'noaccess'].includes(s.get('ProtectProc') ?? '') ? 0 : s.get('ProtectProc') === 'ptraceable' ? 0.5 : 1),
  },
  { name: 'ProcSubset=', weight: 0.1, badness: (s) => (s.get('ProcSubset') === 'pid' ? 0 : 1) },
  {
    name: 'ProtectHome=',
    weight: 0.2,
    badness: (s) => {
      const v = s.get('ProtectHome') ?? 'no';
      if (v === 'tmpfs' || bool(v) === true) return 0;
      if (v === 'read-only') return 0.5;
      return 1;
    },
  },
  capCheck('CAP_NET_(BIND_SERVICE|BROADCAST|RAW)', 0.1, ['CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_RAW']),
  capCheck('CAP_AUDIT_*', 0.1, ['CAP_AUDIT_CONTROL', 'CAP_AUDIT_READ', 'CAP_AUDIT_WRITE']),
  capCheck('CAP_SYS_ADMIN', 0.3, ['CAP_SYS_ADMIN']),
  { name: 'PrivateNetwork=', weight: 0.5, badness: flag('PrivateNetwork') },
  { name: 'PrivateUsers=', weight: 0.2, badness: flag('PrivateUsers') },
  { name: 'PrivateTmp=', weight: 0.2, badness: flag('PrivateTmp') },
  capCheck('CAP_SYSLOG', 0.1, ['CAP_SYSLOG']),
  syscallCheck('clock', 0.2),
  syscallCheck('cpu-emulation', 0.1),
  syscallCheck('debug', 0.2),
  syscallCheck('module', 0.2),
  syscallCheck('mount', 0.2),
  syscallCheck('obsolete', 0.1),
  syscallCheck('privileged', 0.2),
  syscallCheck('raw-io', 0.2),
  syscallCheck('reboot', 0.2),
  syscallCheck('resources', 0.2),
  syscallCheck('swap', 0.2),
  {
    name: 'IPAddressDeny=',
    weight: 0.2,
    badness: (s) => {
      const v = s.get('IPAddressDeny') ?? '';
      if (v.split(/\s+/).includes('any')) return s.get('IPAddressAllow') ? 0.2 : 0;
      return 1;
    },
  },
  { name: 'KeyringMode=', weight: 0.1, badness: (s) => (s.get('KeyringMode') === 'shared' ? 1 : 0) },
  { name: 'Delegate=', weight: 0.1, badness: (s) => (s.get('Delegate') && bool(s.get('Delegate')) !== false ? 1 : 0) },
  { name: 'NotifyAccess=', weight: 0.1, badness: (s) => (s.get('NotifyAccess') === 'all' ? 1 : 0) },
  { name: 'SupplementaryGroups=', weight: 0.1, badness: (s, c) => (c.root ? undefined : s.get('SupplementaryGroups') ? 1 : 0) },
  { name: 'RemoveIPC=', weight: 0.1, badness: (s, c) => (c.root ? undefined : isOn(s, 'RemoveIPC') ? 0 : 1) },
  {
    name: 'UMask=',
    weight: 0.1,
    badness: (s) => {
      const v = s.get('UMask');
      if (!v) return 1;
      const n = parseInt(v, 8);
      return Number.isNaN(n) ? 1 : n & 0o004 ? 0 : 1;
    },
  },
];

export interface Exposure {
  /** 0.0 (locked down) .. 10.0 (fully exposed), one decimal. */
  score: number;
  level: string;
  /** Checks with badness, biggest contribution first. */
  gaps: { name: string; contribution: number }[];
}

/** systemd-analyze security's levels, by score. */
export function exposureLevel(score: number): string {
  if (score >= 10) return 'DANGEROUS';
  if (score >= 9) return 'UNSAFE';
  if (score >= 7) return 'EXPOSED';
  if (score >= 5) return 'MEDIUM';
  if (score >= 1) return 'OK';
  if (score > 0) return 'SAFE';
  return 'PERFECT';
}

/** Is the service running as root (no User=, User=root/0, and no DynamicUser=yes)? */
export function runsAsRoot(s: Settings): boolean {
  if (bool(s.get('DynamicUser')) === true) return false;
  const user = s.get('User');
  return user === undefined || user === '' || user === 'root' || user === '0';
}

/** Settings DynamicUser=yes implies (systemd.exec(5)), unless the unit sets them itself. */
const DYNAMIC_USER_IMPLIES: [string, string][] = [
  ['NoNewPrivileges', 'yes'],
  ['ProtectSystem', 'strict'],
  ['ProtectHome', 'read-only'],
  ['PrivateTmp', 'yes'],
  ['RemoveIPC', 'yes'],
  ['RestrictSUIDSGID', 'yes'],
];

export function exposure(settings: Settings): Exposure {
  const s = new Map(settings);
  if (bool(s.get('DynamicUser')) === true) for (const [k, v] of DYNAMIC_USER_IMPLIES) if (!s.has(k)) s.set(k, v);
  const root = runsAsRoot(s);
  parsedBoundingSets.set(s, parseBoundingSet(s));
  parsedFamilies.set(s, parseFamilies(s));
  let weights = 0;
  let bad = 0;
  const gaps: { name: string; contribution: number }[] = [];
  for (const check of EXPOSURE_CHECKS) {
    const b = check.badness(s, { root });
    if (b === undefined) continue;
    weights += check.weight;
    bad += check.weight * b;
    if (b > 0) gaps.push({ name: check.name, contribution: check.weight * b });
  }
  const score = weights === 0 ? 0 : Math.round((100 * bad) / weights) / 10;
  gaps.sort((a, b) => b.contribution - a.contribution || (a.name < b.name ? -1 : 1));
  return { score, level: exposureLevel(score), gaps };
}

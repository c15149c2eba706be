// Directives systemd still reads under an old name or with a warning (deprecated), and directives
// it recognises only to ignore them (removed). Both are facts about systemd, not opinions:
// - "removed": src/core/load-fragment-gperf.gperf.in maps them to config_parse_warn_compat with
//   DISABLED_LEGACY; systemd logs "Support for option X= has been removed and it is ignored".
//   `systemd --dump-configuration-items` leaves them out, so they are not in directives.json.
// - "deprecated": still in directives.json; the replacement is what systemd's man pages
//   (systemd.unit(5), systemd.service(5), systemd.exec(5), systemd.resource-control(5)) and NEWS
//   name. Verified against `systemd-analyze verify` of systemd 252 in lint/rules/unit/*.test.ts.

export interface DeprecatedDirective {
  /** Sections the old name is read in; '*' for every section that has it in directives.json. */
  sections: readonly string[] | '*';
  replacement: string;
  /** Where the fact comes from. */
  source: string;
}

/** Section groups as systemd's gperf macros define them. */
const EXEC = ['Service', 'Socket', 'Mount', 'Swap'];
const CGROUP = ['Service', 'Socket', 'Mount', 'Swap', 'Slice', 'Scope'];

export const DEPRECATED_DIRECTIVES: Record<string, DeprecatedDirective> = {
  // Old spellings kept as aliases (systemd.unit(5) documents only the new names).
  BindTo: { sections: ['Unit'], replacement: 'BindsTo=', source: 'systemd.unit(5); gperf alias of BindsTo' },
  PropagateReloadTo: { sections: ['Unit'], replacement: 'PropagatesReloadTo=', source: 'systemd.unit(5); gperf alias' },
  PropagateReloadFrom: { sections: ['Unit'], replacement: 'ReloadPropagatedFrom=', source: 'systemd.unit(5); gperf alias' },
  // "Unit dependency type RequiresOverridable= is obsolete, replacing by Requires=" (systemd 252).
  RequiresOverridable: { sections: ['Unit'], replacement: 'Requires=', source: 'NEWS v230: the *Overridable= dependencies were removed' },
  RequisiteOverridable: { sections: ['Unit'], replacement: 'Requisite=', source: 'NEWS v230: the *Overridable= dependencies were removed' },
  // "OnFailureIsolate is deprecated. Please use OnFailureJobMode= instead" (systemd 252).
  OnFailureIsolate: { sections: ['Unit'], replacement: 'OnFailureJobMode=isolate', source: 'systemd.unit(5), load-fragment.c' },
  StartLimitInterval: { sections: ['Unit'], replacement: 'StartLimitIntervalSec=', source: 'systemd.unit(5): StartLimitIntervalSec=' },
  PermissionsStartOnly: {
    sections: ['Service'],
    replacement: 'the "+" prefix on the Exec*= lines that need privileges',
    source: 'systemd.service(5): "This option is deprecated"',
  },
  // systemd.exec(5): the *Directories= names were renamed *Paths= (NEWS v231).
  ReadWriteDirectories: { sections: EXEC, replacement: 'ReadWritePaths=', source: 'NEWS v231' },
  ReadOnlyDirectories: { sections: EXEC, replacement: 'ReadOnlyPaths=', source: 'NEWS v231' },
  InaccessibleDirectories: { sections: EXEC, replacement: 'InaccessiblePaths=', source: 'NEWS v231' },
  // cgroup v1 settings (systemd.resource-control(5), "Deprecated Options"); systemd 252 warns
  // "Unit uses MemoryLimit=; please use MemoryMax= instead".
  MemoryLimit: { sections: CGROUP, replacement: 'MemoryMax=', source: 'systemd.resource-control(5)' },
  CPUShares: { sections: CGROUP, replacement: 'CPUWeight=', source: 'systemd.resource-control(5)' },
  StartupCPUShares: { sections: CGROUP, replacement: 'StartupCPUWeight=', source: 'systemd.resource-control(5)' },
  BlockIOAccounting: { sections: CGROUP, replacement: 'IOAccounting=', source: 'systemd.resource-control(5)' },
  BlockIOWeight: { sections: CGROUP, replacement: 'IOWeight=', source: 'systemd.resource-control(5)' },
  StartupBlockIOWeight: { sections: CGROUP, replacement: 'StartupIOWeight=', source: 'systemd.resource-control(5)' },
  BlockIODeviceWeight: { sections: CGROUP, replacement: 'IODeviceWeight=', source: 'systemd.resource-control(5)' },
  BlockIOReadBandwidth: { sections: CGROUP, replacement: 'IOReadBandwidthMax=', source: 'systemd.resource-control(5)' },
  BlockIOWriteBandwidth: { sections: CGROUP, replacement: 'IOWriteBandwidthMax=', source: 'systemd.resource-control(5)' },
};

/** [Service] settings that moved to [Unit] (NEWS v229); systemd still reads them in [Service]. */
export const MOVED_TO_UNIT: Record<string, string> = {
  StartLimitInterval: 'StartLimitIntervalSec=',
  StartLimitBurst: 'StartLimitBurst=',
  StartLimitAction: 'StartLimitAction=',
  FailureAction: 'FailureAction=',
  RebootArgument: 'RebootArgument=',
};

/** Values systemd accepts with an "obsolete"/"deprecated" warning, by directive. */
export const DEPRECATED_VALUES: Record<string, Record<string, string>> = {
  // "Unit uses KillMode=none. This is unsafe ... Support for KillMode=none is deprecated".
  KillMode: { none: 'mixed or control-group' },
  // "Standard output type syslog is obsolete, automatically updating to journal".
  StandardOutput: { syslog: 'journal', 'syslog+console': 'journal+console' },
  StandardError: { syslog: 'journal', 'syslog+console': 'journal+console' },
};

export interface RemovedDirective {
  sections: readonly string[];
  note: string;
}

/** Recognised and ignored by systemd 252 ("Support for option X= has been removed and it is ignored"). */
export const REMOVED_DIRECTIVES: Record<string, RemovedDirective> = {
  Capabilities: { sections: EXEC, note: 'use CapabilityBoundingSet= and AmbientCapabilities=' },
  NetClass: { sections: CGROUP, note: 'net_cls classes are not supported; use IPAddressAllow=/IPAddressDeny= or a BPF program' },
  SysVStartPriority: { sections: ['Service'], note: 'order units with After=/Before=' },
  BusPolicy: { sections: ['Service'], note: 'kdbus policies are gone; use a D-Bus policy file' },
  IgnoreOnSnapshot: { sections: ['Unit'], note: 'snapshot units no longer exist' },
};

export function isRemoved(section: string, key: string): RemovedDirective | undefined {
  const r = REMOVED_DIRECTIVES[key];
  return r?.sections.includes(section) ? r : undefined;
}

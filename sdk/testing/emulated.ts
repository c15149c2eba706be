// Which directives composable test emulates. Everything else that changes how a service runs
// (sandboxing, users, resource limits ...) is reported as a warning: the test passes or fails
// without it, and the team should know.
import type { UnitFile } from '../unit-file/types.ts';

/** Directives that are emulated, or that only describe or order the unit (no effect on one service run). */
const HANDLED: Record<string, readonly string[]> = {
  Unit: [
    'Description',
    'Documentation',
    'After',
    'Before',
    'Wants',
    'Requires',
    'Requisite',
    'BindsTo',
    'PartOf',
    'Upholds',
    'Conflicts',
    'OnFailure',
    'OnSuccess',
    'RequiresMountsFor',
    'WantsMountsFor',
    'DefaultDependencies',
    'StartLimitIntervalSec',
    'StartLimitBurst',
    'SourcePath',
    'StopWhenUnneeded',
    'RefuseManualStart',
    'RefuseManualStop',
    'AllowIsolate',
    'IgnoreOnIsolate',
    'CollectMode',
  ],
  Service: [
    'Type',
    'RemainAfterExit',
    'PIDFile',
    'ExecCondition',
    'ExecStartPre',
    'ExecStart',
    'ExecStartPost',
    'ExecReload',
    'ExecStop',
    'ExecStopPost',
    'Environment',
    'EnvironmentFile',
    'PassEnvironment',
    'UnsetEnvironment',
    'WorkingDirectory',
    'RuntimeDirectory',
    'StateDirectory',
    'CacheDirectory',
    'LogsDirectory',
    'ConfigurationDirectory',
    'RuntimeDirectoryPreserve',
    'LoadCredential',
    'TimeoutStartSec',
    'TimeoutStopSec',
    'TimeoutSec',
    'KillSignal',
    'KillMode',
    'SendSIGKILL',
    'SuccessExitStatus',
    'Restart',
    'RestartSec',
    'StandardOutput',
    'StandardError',
    'SyslogIdentifier',
    'LogExtraFields',
  ],
  Install: ['WantedBy', 'RequiredBy', 'Also', 'Alias', 'DefaultInstance'],
};

export function unemulatedDirectives(file: UnitFile): string[] {
  const seen = new Set<string>();
  for (const s of file.sections) {
    for (const n of s.nodes) {
      if (n.type !== 'entry') continue;
      if ((HANDLED[s.name] ?? []).includes(n.key) || n.key.startsWith('X-')) continue;
      seen.add(`${n.key}= [${s.name}]`);
    }
  }
  return [...seen].sort().map((d) => `${d} is not emulated by composable test; systemd applies it in production`);
}

// Which directives composable test emulates. Some always (HANDLED); the file-system sandbox and
// the user only when this run can (a mount namespace, root). Everything else that changes how a
// service runs (capabilities, system-call filters, resource limits ...) is listed once per run as
// not emulated: the test passes or fails without it, and the team should know.
import type { UnitFile } from '../unit-file/types.ts';
import { parseBoolean } from '../unit-file/values.ts';
import { VIEW_DIRECTIVES } from './sandbox-tool.ts';

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

/** What this run can apply beyond what is always emulated: a private mount namespace, a change of user. */
export interface Emulation {
  /** ProtectSystem=, ProtectHome=, PrivateTmp=, ReadOnlyPaths= ... in a private mount namespace. */
  namespace: boolean;
  /** User=, Group=, SupplementaryGroups= (the test runs as root). */
  user: boolean;
  /** DynamicUser= (a free uid, with the sandboxing it implies): needs both. */
  dynamicUser?: boolean;
}

const NAMESPACE_DIRECTIVES: readonly string[] = VIEW_DIRECTIVES;
const USER_DIRECTIVES = ['User', 'Group', 'SupplementaryGroups'];

/**
 * The directives of the unit this run does not apply, each named once, sorted: what the container
 * will do differently. PrivateTmp= without a namespace is only a private $TMPDIR and says so.
 */
export function notEmulatedDirectives(file: UnitFile, can: Emulation): string[] {
  const seen = new Set<string>();
  for (const s of file.sections) {
    for (const n of s.nodes) {
      if (n.type !== 'entry') continue;
      if ((HANDLED[s.name] ?? []).includes(n.key) || n.key.startsWith('X-')) continue;
      if (s.name === 'Service') {
        if (can.namespace && NAMESPACE_DIRECTIVES.includes(n.key)) continue;
        if (can.user && USER_DIRECTIVES.includes(n.key)) continue;
        if (n.key === 'DynamicUser' && (can.dynamicUser ?? (can.user && can.namespace))) continue;
        if (n.key === 'PrivateTmp') {
          if (parseBoolean(n.value) === true) seen.add('PrivateTmp (only $TMPDIR: no mount namespace)');
          continue;
        }
      }
      seen.add(n.key);
    }
  }
  return [...seen].sort();
}

/** The one line a run reports: `not emulated: A, B, C`; empty when everything is applied. */
export function notEmulatedLine(names: readonly string[]): string {
  return names.length === 0 ? '' : `not emulated: ${names.join(', ')}`;
}

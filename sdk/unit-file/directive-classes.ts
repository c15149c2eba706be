// What each directive of systemd 252's directive table makes the service manager (PID 1, as
// root) do, in one table, so that the generator (which refuses or neutralises a package's
// dangerous settings), the linter (which reports them) and docs/profiles.md (which shows them,
// rendered by scripts/directive-classes-doc.ts) agree. A unit file is read by PID 1, which does
// much of what it says itself, before any sandbox exists: it opens, creates, chmods and removes
// socket paths, log files and directories, follows other units, and runs actions on the whole
// system. The classes:
//
// - `harmless`: changes only how the service's own processes run, inside the sandbox it has.
// - `path`: PID 1 opens, creates, removes, binds, chmods or chowns a path as root; the path must
//   resolve (symlinks followed) inside the package or the service's own runtime, state, cache,
//   configuration and log directories. With `actsOn`, the paths are those of the directives
//   listed there (DirectoryMode= chmods what the Listen*= or Path*= lines name).
// - `unit-ref`: names another unit; allowed only for the package's own units and the documented
//   ordering targets.
// - `privileged`: runs code with more privilege, or acts on the whole system: trusted packages only.
//
// An entry's `class` is that of its dangerous values; its `valueRule` says which values those are
// (VALUE_RULES below); other values are `harmless`. classifyDirective() applies the rule.
// Callers pass values with specifiers expanded where they can: a value still starting with `%`
// counts as a path wherever a path may start. Each `why` is a paraphrase of systemd.unit(5),
// systemd.service(5), systemd.exec(5), systemd.socket(5), systemd.path(5), systemd.timer(5),
// systemd.resource-control(5) and systemd.kill(5) of systemd 252.
// test/sdk/unit-file/directive-classes.test.ts checks the table against lint/data/directives.json.
import { parseCommandLine } from './command-line.ts';
import { parseBoolean } from './values.ts';
import { TARGETS } from '../contract.ts';

export const DIRECTIVE_CLASS_IDS = ['harmless', 'path', 'unit-ref', 'privileged'] as const;
export type DirectiveClassId = (typeof DIRECTIVE_CLASS_IDS)[number];

/** Which values of a directive have its `class`; every other value is `harmless`. */
export const VALUE_RULES = {
  always: 'every value, including the empty reset',
  'unless-false': 'every value but the empty reset and a false boolean (no, 0, off ...): for yes, and for lists such as Delegate=cpu',
  'unless-true': 'every value but a true boolean (yes, 1, on ...): =no and the empty reset leave the default off',
  matches: 'values equal to one of `values` or starting with one of `prefixes` (after trimming; case-sensitive, as systemd reads them)',
  unless: 'every value except those equal to one of `values` or starting with one of `prefixes`',
  'exec-prefix': 'command lines with a `+`, `!` or `!!` prefix on a command (run without User=, the sandbox or the capability limits)',
} as const;
export type ValueRuleId = keyof typeof VALUE_RULES;
export const VALUE_RULE_IDS = Object.keys(VALUE_RULES) as ValueRuleId[];

export interface DirectiveClass {
  /** The class of the dangerous values (of every value when `valueRule` is `always`). */
  class: DirectiveClassId;
  valueRule: ValueRuleId;
  /** For `matches` and `unless`: whole values. */
  values?: readonly string[];
  /** For `matches` and `unless`: value prefixes. */
  prefixes?: readonly string[];
  /** For `path` entries whose value is not itself a path: the directives ("Section.Key") whose paths PID 1 acts on.
   *  `*.` in the group definitions below stands for the entry's own section. */
  actsOn?: readonly string[];
  /** What PID 1 does with it, in one line. */
  why: string;
}

type Entry = DirectiveClass;
type Group = Record<string, Entry>;
type Opts = Pick<DirectiveClass, 'values' | 'prefixes' | 'actsOn'>;

function harmless(why: string): Entry {
  return { class: 'harmless', valueRule: 'always', why };
}
function path(why: string, rule: ValueRuleId = 'always', opts: Opts = {}): Entry {
  return { class: 'path', valueRule: rule, ...opts, why };
}
function unitRef(why: string): Entry {
  return { class: 'unit-ref', valueRule: 'always', why };
}
function privileged(why: string, rule: ValueRuleId = 'always', opts: Opts = {}): Entry {
  return { class: 'privileged', valueRule: rule, ...opts, why };
}

/** Value prefixes that start a file-system path (a `%` specifier may expand to one). */
const PATH_START = ['/', '%'] as const;
const SOCKET_PATHS = ['ListenStream', 'ListenDatagram', 'ListenSequentialPacket', 'ListenFIFO', 'ListenSpecial', 'ListenUSBFunction'].map(
  (k) => `Socket.${k}`,
);
const WATCHED_PATHS = ['PathChanged', 'PathModified', 'DirectoryNotEmpty'].map((k) => `Path.${k}`);

const condition = (what: string): Entry =>
  harmless(`PID 1 checks ${what} before starting the unit and skips it (Condition*) or fails it (Assert*); nothing is changed`);
const pathCondition = (what: string): Entry =>
  harmless(
    `PID 1 looks at the path (${what}) as root before starting the unit; it only learns a fact, nothing is opened for the service or changed`,
  );

const CONDITIONS: Record<string, Entry> = {
  ACPower: condition('whether the machine is on AC power'),
  Architecture: condition('the CPU architecture'),
  CPUFeature: condition('a CPU feature flag'),
  CPUPressure: condition('the CPU pressure (PSI) of the system or a slice'),
  CPUs: condition('the number of CPUs'),
  Capability: condition('whether the manager has a capability in its bounding set'),
  ControlGroupController: condition('whether a cgroup controller is available'),
  Credential: condition('whether the manager was passed a system credential of that name'),
  DirectoryNotEmpty: pathCondition('is it a non-empty directory'),
  Environment: condition("a variable in the manager's environment"),
  FileIsExecutable: pathCondition('is it an executable file'),
  FileNotEmpty: pathCondition('is it a non-empty regular file'),
  FirstBoot: condition('whether this is the first boot (/etc not yet populated)'),
  Group: condition("the manager's group membership"),
  Host: condition('the host name or machine ID'),
  IOPressure: condition('the IO pressure (PSI) of the system or a slice'),
  KernelCommandLine: condition('the kernel command line'),
  KernelVersion: condition('the kernel release'),
  Memory: condition('the amount of physical memory'),
  MemoryPressure: condition('the memory pressure (PSI) of the system or a slice'),
  NeedsUpdate: condition('whether /etc or /var is older than /usr'),
  OSRelease: condition('a field of os-release'),
  PathExists: pathCondition('does it exist'),
  PathExistsGlob: pathCondition('does a glob match'),
  PathIsDirectory: pathCondition('is it a directory'),
  PathIsEncrypted: pathCondition('is its file system on an encrypted block device'),
  PathIsMountPoint: pathCondition('is it a mount point'),
  PathIsReadWrite: pathCondition('is it on a writable file system'),
  PathIsSymbolicLink: pathCondition('is it a symbolic link'),
  Security: condition('which security module (SELinux, AppArmor ...) is active'),
  User: condition("the manager's user"),
  Virtualization: condition('the kind of virtualization or container'),
};

const ON_JOB_MODE_DANGEROUS = ['isolate', 'flush', 'ignore-dependencies', 'ignore-requirements'];
const ACTION_NONE = { values: ['', 'none'] };

const UNIT: Group = {
  Description: harmless('a label shown by systemctl and in log messages'),
  Documentation: harmless('URLs shown by systemctl help'),
  SourcePath: harmless('the file the unit was generated from, shown by systemctl'),
  Requires: unitRef('PID 1 starts the named units with this one and stops this one when they stop'),
  RequiresOverridable: unitRef('obsolete spelling of Requires=: PID 1 starts the named units with this one'),
  Requisite: unitRef('PID 1 fails this unit unless the named units are already active'),
  RequisiteOverridable: unitRef('obsolete spelling of Requisite=: the named units must be active'),
  Wants: unitRef('PID 1 starts the named units along with this one'),
  BindsTo: unitRef('PID 1 starts the named units with this one, and stops this one whenever they stop'),
  BindTo: unitRef('old spelling of BindsTo=: this unit stops whenever the named units stop'),
  PartOf: unitRef('PID 1 stops and restarts this unit whenever the named units stop or restart'),
  Upholds: unitRef('PID 1 keeps (re)starting the named units for as long as this unit is active'),
  Conflicts: unitRef('PID 1 stops the named units when it starts this one (and the reverse)'),
  Before: unitRef('orders this unit before the named units in start-up and the reverse at shutdown'),
  After: unitRef('orders this unit after the named units in start-up and the reverse at shutdown'),
  OnFailure: unitRef('PID 1 starts the named units when this unit fails'),
  OnSuccess: unitRef('PID 1 starts the named units when this unit finishes successfully'),
  PropagatesReloadTo: unitRef('PID 1 reloads the named units when this unit is reloaded'),
  PropagateReloadTo: unitRef('old spelling of PropagatesReloadTo=: reloads the named units with this one'),
  ReloadPropagatedFrom: unitRef('PID 1 reloads this unit when the named units are reloaded'),
  PropagateReloadFrom: unitRef('old spelling of ReloadPropagatedFrom=: this unit reloads with the named units'),
  PropagatesStopTo: unitRef('PID 1 stops the named units when it stops this one'),
  StopPropagatedFrom: unitRef('PID 1 stops this unit when the named units stop'),
  JoinsNamespaceOf: unitRef("the service joins the named units' /tmp, IPC and network namespaces"),
  RequiresMountsFor: unitRef('PID 1 adds Requires= and After= on the mount units of the paths, starting (mounting) them with this unit'),
  OnFailureJobMode: privileged('the job mode for OnFailure=: isolate and flush stop or cancel everything else', 'matches', {
    values: ON_JOB_MODE_DANGEROUS,
  }),
  OnSuccessJobMode: privileged('the job mode for OnSuccess=: isolate and flush stop or cancel everything else', 'matches', {
    values: ON_JOB_MODE_DANGEROUS,
  }),
  OnFailureIsolate: privileged(
    'old form of OnFailureJobMode=isolate: on failure PID 1 stops every unit not needed by the OnFailure= one',
    'unless-false',
  ),
  AllowIsolate: privileged('lets this unit be the target of an isolate job, which stops every unit it does not need', 'unless-false'),
  IgnoreOnIsolate: harmless('this unit keeps running when another unit is isolated'),
  DefaultDependencies: harmless('=no drops the implicit ordering after basic.target and before shutdown.target for this unit only'),
  CollectMode: harmless('when PID 1 unloads the unit after it stopped or failed'),
  StopWhenUnneeded: harmless('PID 1 stops this unit when no active unit needs it any more'),
  RefuseManualStart: harmless('systemctl start of this unit is refused; dependencies still start it'),
  RefuseManualStop: harmless('systemctl stop of this unit is refused; dependencies still stop it'),
  JobTimeoutSec: harmless('how long a job on this unit may wait before PID 1 cancels it'),
  JobRunningTimeoutSec: harmless('how long a running job on this unit may take before PID 1 cancels it'),
  JobTimeoutAction: privileged(
    'what PID 1 does to the whole system when a job times out: reboot, poweroff, exit ...',
    'unless',
    ACTION_NONE,
  ),
  JobTimeoutRebootArgument: privileged('the argument PID 1 passes to reboot(2) for the job timeout action'),
  StartLimitIntervalSec: harmless('the window in which start attempts are counted for the start limit'),
  StartLimitInterval: harmless('old spelling of StartLimitIntervalSec='),
  StartLimitBurst: harmless('how many starts in the window before PID 1 refuses further ones'),
  StartLimitAction: privileged(
    'what PID 1 does to the whole system when the start limit is hit: reboot, poweroff ...',
    'unless',
    ACTION_NONE,
  ),
  FailureAction: privileged('what PID 1 does to the whole system when the unit fails: reboot, poweroff, exit ...', 'unless', ACTION_NONE),
  SuccessAction: privileged(
    'what PID 1 does to the whole system when the unit succeeds: reboot, poweroff, exit ...',
    'unless',
    ACTION_NONE,
  ),
  FailureActionExitStatus: harmless('the exit status for a FailureAction= of exit (checked there)'),
  SuccessActionExitStatus: harmless('the exit status for a SuccessAction= of exit (checked there)'),
  RebootArgument: privileged("the argument PID 1 passes to reboot(2) for the unit's reboot actions"),
};
for (const [name, entry] of Object.entries(CONDITIONS)) {
  UNIT[`Condition${name}`] = entry;
  UNIT[`Assert${name}`] = entry;
}
UNIT.ConditionFirmware = condition('the firmware (device tree compatible string, SMBIOS field)');

const INSTALL: Group = {
  Alias: unitRef('systemctl enable links the unit under these other names, which may shadow other units'),
  Also: unitRef('systemctl enable and disable also enable or disable the named units'),
  WantedBy: unitRef('systemctl enable adds this unit to the Wants= of the named units'),
  RequiredBy: unitRef('systemctl enable adds this unit to the Requires= of the named units'),
  DefaultInstance: harmless('the instance systemctl enable uses for this template'),
};

const NOT_FALSE = 'unless-false';
const NOT_TRUE = 'unless-true';

/** systemd.exec(5): every unit type that runs processes (service, socket, mount, swap). */
const EXEC: Group = {
  User: privileged("PID 1 runs the processes as this user (root, or another service's user)"),
  Group: privileged('PID 1 runs the processes with this primary group'),
  SupplementaryGroups: privileged('PID 1 adds these groups (disk, adm ...) to the processes'),
  DynamicUser: harmless(
    'PID 1 runs the processes as a transient unprivileged user; the state directories it moves are checked as the *Directory= names',
  ),
  PAMName: privileged('PID 1 opens a PAM session for the service, running the PAM modules of that stack as root'),
  AmbientCapabilities: privileged('PID 1 gives the processes these capabilities even as a non-root user', 'unless', { values: [''] }),
  CapabilityBoundingSet: privileged(
    'a list adds capabilities to the bounding set merged from earlier lines; only ~ lists remove',
    'unless',
    {
      values: [''],
      prefixes: ['~'],
    },
  ),
  SecureBits: privileged('PID 1 sets the securebits (keep-caps, no-setuid-fixup ...), changing how root privilege is kept'),
  NoNewPrivileges: privileged('=no lets setuid and file-capability programs gain privileges in the service', NOT_TRUE),
  PrivateDevices: privileged('=no leaves the real /dev, disks and all, to the service', NOT_TRUE),
  ProtectControlGroups: privileged("=no leaves /sys/fs/cgroup writable, so a root service can change any unit's limits", NOT_TRUE),
  ProtectKernelTunables: privileged(
    "=no leaves /proc/sys and /sys writable, which are the kernel's settings for the whole system",
    NOT_TRUE,
  ),
  ProtectKernelModules: privileged('=no lets the service load kernel modules', NOT_TRUE),
  ProtectKernelLogs: privileged('=no lets the service read and write the kernel log buffer', NOT_TRUE),
  ProtectClock: privileged('=no lets the service set the system clock', NOT_TRUE),
  ProtectHostname: privileged('=no lets the service change the host name of the whole system (container)', NOT_TRUE),
  Personality: privileged('PID 1 sets the execution domain (personality(2)) of the processes'),
  SELinuxContext: privileged('PID 1 runs the processes in this SELinux context'),
  AppArmorProfile: privileged('PID 1 runs the processes under this AppArmor profile'),
  SmackProcessLabel: privileged('PID 1 runs the processes with this SMACK label'),
  KeyringMode: privileged("inherit gives the service the manager's session keyring, shared links the user keyring into it", 'unless', {
    values: ['', 'private'],
  }),
  IOSchedulingClass: privileged('realtime IO scheduling lets the service starve every other process of disk IO', 'matches', {
    values: ['realtime', '1'],
  }),
  IOSchedulingPriority: harmless('the IO priority within the scheduling class'),
  CPUSchedulingPolicy: privileged(
    'fifo and rr are real-time policies that PID 1 sets as root; they preempt every normal process',
    'matches',
    {
      values: ['fifo', 'rr'],
    },
  ),
  CPUSchedulingPriority: harmless('the priority within a real-time policy (CPUSchedulingPolicy= is checked)'),
  CPUSchedulingResetOnFork: harmless('children of the service fall back to the normal policy'),
  Nice: privileged('a negative nice level, set by PID 1 as root, raises the service above other processes', 'matches', { prefixes: ['-'] }),
  OOMScoreAdjust: privileged('a negative adjustment, set by PID 1 as root, makes the kernel kill other processes first', 'matches', {
    prefixes: ['-'],
  }),
  CPUAffinity: harmless('the CPUs the processes may run on'),
  NUMAPolicy: harmless('the NUMA memory policy of the processes'),
  NUMAMask: harmless('the NUMA nodes of the memory policy'),
  TimerSlackNSec: harmless('the timer slack of the processes'),
  CoredumpFilter: harmless('which memory mappings go into core dumps of the processes'),
  UMask: harmless('the file mode creation mask of the processes'),
  WorkingDirectory: path("PID 1 changes into the directory before running the command (~ is the user's home)", 'unless', {
    values: ['', '~', '-~'],
  }),
  RootDirectory: path('PID 1 chroots the processes into this directory, found as root'),
  RootImage: path('PID 1 opens the disk image as root, sets up a loop device and mounts it as the root'),
  RootImageOptions: harmless('mount options for the partitions of RootImage= (checked there)'),
  RootHash: path('a path is a .roothash file PID 1 reads as root; hex is the dm-verity root hash itself', 'matches', {
    prefixes: PATH_START,
  }),
  RootHashSignature: path('a path is a signature file PID 1 reads as root; base64: is the signature itself', 'matches', {
    prefixes: PATH_START,
  }),
  RootVerity: path('PID 1 opens this dm-verity data file as root for RootImage='),
  MountAPIVFS: privileged(
    "PID 1 mounts /proc, /sys and /dev (the host's, unless PrivateDevices=) into RootDirectory=/RootImage=",
    NOT_FALSE,
  ),
  MountFlags: privileged("shared propagates mounts made in the service's namespace out to the whole system", 'matches', {
    values: ['shared'],
  }),
  BindPaths: path("PID 1 bind-mounts the source, found as root, into the service's namespace, writable"),
  BindReadOnlyPaths: path("PID 1 bind-mounts the source, found as root, into the service's namespace, read-only"),
  MountImages: path("PID 1 opens the disk image as root and mounts it into the service's namespace"),
  ExtensionImages: path('PID 1 opens the extension images as root and overlays them on /usr and /opt of the service'),
  ExtensionDirectories: path('PID 1 overlays these directories, found as root, on /usr and /opt of the service'),
  ReadWritePaths: path("PID 1 makes the path writable in the service's namespace, undoing ProtectSystem= for it"),
  ReadWriteDirectories: path('old spelling of ReadWritePaths=: the path is made writable despite ProtectSystem='),
  ReadOnlyPaths: harmless("the path becomes read-only in the service's namespace"),
  ReadOnlyDirectories: harmless('old spelling of ReadOnlyPaths=: the path becomes read-only for the service'),
  InaccessiblePaths: harmless('the path is hidden from the service'),
  InaccessibleDirectories: harmless('old spelling of InaccessiblePaths=: the path is hidden from the service'),
  ExecPaths: harmless('the paths stay executable under NoExecPaths='),
  NoExecPaths: harmless('the paths are mounted noexec for the service'),
  TemporaryFileSystem: harmless("PID 1 mounts an empty tmpfs over the path in the service's namespace"),
  PrivateTmp: harmless('the service gets its own /tmp and /var/tmp'),
  PrivateNetwork: harmless('the service gets a network namespace with only loopback'),
  PrivateIPC: harmless('the service gets its own IPC namespace'),
  PrivateUsers: harmless('the service gets a user namespace mapping only root and its user'),
  PrivateMounts: harmless('the service gets its own mount namespace, with propagation into it only'),
  ProtectSystem: harmless('/usr, /boot (and /etc, or everything) become read-only for the service'),
  ProtectHome: harmless('/home, /root and /run/user become read-only, empty or hidden for the service'),
  ProtectProc: harmless("other users' processes are hidden in the service's /proc"),
  ProcSubset: harmless("the service's /proc shows only processes"),
  LockPersonality: harmless('the service cannot change its execution domain'),
  MemoryDenyWriteExecute: harmless('the service cannot map memory writable and executable'),
  RestrictRealtime: harmless('the service cannot take a real-time scheduling policy'),
  RestrictSUIDSGID: harmless('the service cannot create setuid or setgid files'),
  RestrictNamespaces: harmless('the service cannot create the listed kinds of namespace'),
  RestrictAddressFamilies: harmless('the service cannot create sockets of other address families'),
  RestrictFileSystems: harmless('the service cannot open files on other kinds of file system (BPF LSM)'),
  RemoveIPC: harmless("PID 1 removes the service user's IPC objects when the service stops (never root's)"),
  SystemCallFilter: harmless("a seccomp filter on the service's system calls"),
  SystemCallErrorNumber: harmless('the error a filtered system call returns'),
  SystemCallArchitectures: harmless('system calls of other ABIs are refused'),
  SystemCallLog: harmless('the listed system calls are logged'),
  IgnoreSIGPIPE: harmless('whether SIGPIPE is ignored in the processes'),
  Environment: harmless('environment variables of the processes'),
  PassEnvironment: harmless("variables copied from the manager's environment to the processes"),
  UnsetEnvironment: harmless("variables removed from the processes' environment"),
  EnvironmentFile: path('PID 1 reads the file as root and sets its variables in the processes'),
  ExecSearchPath: harmless("where the service's commands are looked up (and $PATH); the service's own processes look"),
  LoadCredential: path(
    "PID 1 reads the source file (for a bare name, one of the system's credentials) as root and hands it to the service",
  ),
  LoadCredentialEncrypted: path('PID 1 reads the source file as root, decrypts it with the host key or TPM and hands it over'),
  SetCredential: harmless("an inline credential, written into the service's credential directory"),
  SetCredentialEncrypted: harmless('an inline encrypted credential; PID 1 decrypts it for the service only'),
  StandardInput: path('file: and tty* make PID 1 open the file or TTYPath= (default /dev/console) as root for stdin', 'matches', {
    values: ['tty', 'tty-force', 'tty-fail'],
    prefixes: ['file:'],
  }),
  StandardOutput: path('file:, append:, truncate: and tty make PID 1 open (and create or truncate) the file as root', 'matches', {
    values: ['tty'],
    prefixes: ['file:', 'append:', 'truncate:'],
  }),
  StandardError: path('file:, append:, truncate: and tty make PID 1 open (and create or truncate) the file as root', 'matches', {
    values: ['tty'],
    prefixes: ['file:', 'append:', 'truncate:'],
  }),
  StandardInputText: harmless("text PID 1 feeds to the service's stdin"),
  StandardInputData: harmless("base64 data PID 1 feeds to the service's stdin"),
  TTYPath: path('PID 1 opens this terminal as root for StandardInput=tty and the TTY* settings'),
  TTYReset: path('PID 1 resets the terminal at TTYPath= before and after the service', NOT_FALSE, { actsOn: ['*.TTYPath'] }),
  TTYVHangup: path('PID 1 hangs up every session on the terminal at TTYPath=', NOT_FALSE, { actsOn: ['*.TTYPath'] }),
  TTYVTDisallocate: path('PID 1 clears and deallocates the virtual console at TTYPath=', NOT_FALSE, { actsOn: ['*.TTYPath'] }),
  TTYRows: path('PID 1 sets the rows of the terminal at TTYPath=', 'always', { actsOn: ['*.TTYPath'] }),
  TTYColumns: path('PID 1 sets the columns of the terminal at TTYPath=', 'always', { actsOn: ['*.TTYPath'] }),
  SyslogIdentifier: harmless("the identifier of the service's log lines"),
  SyslogFacility: harmless("the syslog facility of the service's log lines"),
  SyslogLevel: harmless("the default level of the service's log lines"),
  SyslogLevelPrefix: harmless('whether <N> prefixes in the output set the level'),
  LogLevelMax: harmless('log lines above this level are dropped'),
  LogExtraFields: harmless("extra journal fields on the service's log lines"),
  LogRateLimitIntervalSec: harmless('the journal rate limit window for the service'),
  LogRateLimitBurst: harmless('how many lines the journal takes from the service in the window'),
  LogNamespace: privileged(
    'PID 1 pulls in and starts a systemd-journald@NAME instance, with its own journal files, for the service',
    'unless',
    {
      values: [''],
    },
  ),
  UtmpIdentifier: privileged("PID 1 writes utmp/wtmp login records, the whole system's, under this terminal id", 'unless', {
    values: [''],
  }),
  UtmpMode: harmless('which utmp record type UtmpIdentifier= writes (checked there)'),
  IPCNamespacePath: privileged('PID 1 opens the namespace file as root and puts the service into that IPC namespace'),
  NetworkNamespacePath: privileged('PID 1 opens the namespace file as root and puts the service into that network namespace'),
  TimeoutCleanSec: harmless('how long systemctl clean may take'),
  TimeoutSec: harmless('how long starting and stopping may take'),
};

const RESOURCE_DIRS: Record<string, string> = {
  RuntimeDirectory: '/run',
  StateDirectory: '/var/lib',
  CacheDirectory: '/var/cache',
  LogsDirectory: '/var/log',
  ConfigurationDirectory: '/etc',
};
for (const [key, base] of Object.entries(RESOURCE_DIRS)) {
  const removal = key === 'RuntimeDirectory' ? ', and removes it when the service stops' : '';
  EXEC[key] = path(
    `PID 1 creates the directories under ${base} as root and chowns them to User=${removal}; names must be the package's own`,
  );
  EXEC[`${key}Mode`] = path(`PID 1 chmods the ${key}= directories`, 'always', { actsOn: [`*.${key}`] });
}
EXEC.RuntimeDirectoryPreserve = harmless('whether PID 1 keeps RuntimeDirectory= after the service stops');

const LIMITS = [
  'AS',
  'CORE',
  'CPU',
  'DATA',
  'FSIZE',
  'LOCKS',
  'MEMLOCK',
  'MSGQUEUE',
  'NOFILE',
  'NPROC',
  'RSS',
  'RTTIME',
  'SIGPENDING',
  'STACK',
];
for (const l of LIMITS) EXEC[`Limit${l}`] = harmless(`the RLIMIT_${l} of the processes (cgroup limits still bound memory and tasks)`);
EXEC.LimitNICE = privileged('RLIMIT_NICE above 0 lets the service raise its own priority above other processes', 'unless', {
  values: ['', '0'],
});
EXEC.LimitRTPRIO = privileged('RLIMIT_RTPRIO above 0 lets the service make itself real-time', 'unless', { values: ['', '0'] });

/** systemd.resource-control(5): slices, scopes and every unit type that runs processes. */
const RESOURCES: Group = {
  Slice: unitRef("PID 1 places the unit's cgroup in the named slice, with that slice's limits"),
  Delegate: privileged('PID 1 hands the cgroup subtree (and its controllers) to the service to manage', NOT_FALSE),
  DeviceAllow: privileged('PID 1 lets the service open these device nodes (disks, /dev/mem ...) through the cgroup device filter'),
  DevicePolicy: harmless('strict and closed only narrow which device nodes the service may open'),
  BPFProgram: privileged("PID 1 attaches a pinned BPF program from bpffs, as root, to the unit's cgroup"),
  IPIngressFilterPath: privileged("PID 1 attaches a pinned BPF program from bpffs, as root, to filter the unit's ingress traffic"),
  IPEgressFilterPath: privileged("PID 1 attaches a pinned BPF program from bpffs, as root, to filter the unit's egress traffic"),
  ManagedOOMPreference: privileged('avoid and omit make systemd-oomd kill other units first', 'matches', { values: ['avoid', 'omit'] }),
  ManagedOOMSwap: harmless("whether systemd-oomd may kill this unit's cgroup on swap exhaustion"),
  ManagedOOMMemoryPressure: harmless("whether systemd-oomd may kill this unit's cgroup under memory pressure"),
  ManagedOOMMemoryPressureLimit: harmless("the pressure at which systemd-oomd kills this unit's cgroup"),
  DisableControllers: harmless('cgroup controllers PID 1 turns off for the unit and below it'),
  IPAddressAllow: harmless('addresses the unit may talk to despite IPAddressDeny='),
  IPAddressDeny: harmless('addresses the unit may not talk to'),
  IPAccounting: harmless("counts the unit's IP traffic"),
  SocketBindAllow: harmless('ports the service may bind to'),
  SocketBindDeny: harmless('ports the service may not bind to'),
  RestrictNetworkInterfaces: harmless('network interfaces the service may use'),
  TasksMax: harmless('the most tasks the unit may have'),
  TasksAccounting: harmless("counts the unit's tasks"),
  AllowedCPUs: harmless("the CPUs of the unit's cpuset"),
  StartupAllowedCPUs: harmless("the CPUs of the unit's cpuset during boot"),
  AllowedMemoryNodes: harmless("the memory nodes of the unit's cpuset"),
  StartupAllowedMemoryNodes: harmless("the memory nodes of the unit's cpuset during boot"),
};
const RESOURCE_HARMLESS: Record<string, string> = {
  CPUAccounting: "counts the unit's CPU time",
  CPUWeight: "the unit's share of CPU time among its siblings in the slice",
  StartupCPUWeight: 'CPUWeight= during boot',
  CPUShares: 'old cgroup-v1 form of CPUWeight=',
  StartupCPUShares: 'old cgroup-v1 form of StartupCPUWeight=',
  CPUQuota: "a cap on the unit's CPU time",
  CPUQuotaPeriodSec: 'the period of CPUQuota=',
  MemoryAccounting: "counts the unit's memory",
  MemoryMin: "memory protected from reclaim, bounded by the parent slice's protection",
  MemoryLow: "memory reclaimed last, bounded by the parent slice's protection",
  DefaultMemoryMin: "MemoryMin= for the unit's children",
  DefaultMemoryLow: "MemoryLow= for the unit's children",
  MemoryHigh: 'the unit is throttled above this much memory',
  MemoryMax: 'the unit is killed above this much memory',
  MemoryLimit: 'old cgroup-v1 form of MemoryMax=',
  MemorySwapMax: "a cap on the unit's swap",
  IOAccounting: "counts the unit's IO",
  IOWeight: "the unit's share of IO among its siblings in the slice",
  StartupIOWeight: 'IOWeight= during boot',
  IODeviceWeight: 'IOWeight= for one device',
  IOReadBandwidthMax: 'a cap on reads from a device',
  IOWriteBandwidthMax: 'a cap on writes to a device',
  IOReadIOPSMax: 'a cap on read operations on a device',
  IOWriteIOPSMax: 'a cap on write operations on a device',
  IODeviceLatencyTargetSec: 'the IO latency target of the unit on a device',
  BlockIOAccounting: 'old cgroup-v1 form of IOAccounting=',
  BlockIOWeight: 'old cgroup-v1 form of IOWeight=',
  StartupBlockIOWeight: 'old cgroup-v1 form of StartupIOWeight=',
  BlockIODeviceWeight: 'old cgroup-v1 form of IODeviceWeight=',
  BlockIOReadBandwidth: 'old cgroup-v1 form of IOReadBandwidthMax=',
  BlockIOWriteBandwidth: 'old cgroup-v1 form of IOWriteBandwidthMax=',
};
for (const [k, why] of Object.entries(RESOURCE_HARMLESS)) RESOURCES[k] = harmless(why);

/** systemd.kill(5): scopes and every unit type that runs processes. */
const KILL: Group = {
  KillMode: harmless("which of the unit's own processes PID 1 signals on stop"),
  KillSignal: harmless("the signal PID 1 sends the unit's processes to stop them"),
  RestartKillSignal: harmless("the signal PID 1 sends the unit's processes on restart"),
  FinalKillSignal: harmless('the signal PID 1 sends processes left after the stop timeout'),
  WatchdogSignal: harmless('the signal PID 1 sends on a watchdog timeout'),
  SendSIGHUP: harmless("PID 1 also sends SIGHUP to the unit's processes on stop"),
  SendSIGKILL: harmless("PID 1 kills the unit's remaining processes after the timeout"),
};

const EXEC_LINE = (when: string): Entry =>
  privileged(
    `runs the package's command ${when}; a + or ! prefix runs it without User=, the sandbox or the capability limits`,
    'exec-prefix',
  );

const SERVICE_ONLY: Group = {
  Type: harmless('how PID 1 decides that the service has started'),
  ExitType: harmless('whether the main process or the whole cgroup ending means the service ended'),
  RemainAfterExit: harmless('the service stays active after its processes exited'),
  GuessMainPID: harmless('whether PID 1 guesses the main process of a forking service'),
  PIDFile: path('PID 1 reads the main PID from this file as root and removes the file after the service stopped'),
  BusName: harmless('the D-Bus name whose appearance marks a Type=dbus service started'),
  ExecCondition: EXEC_LINE('to decide whether to start'),
  ExecStartPre: EXEC_LINE('before the main command'),
  ExecStart: EXEC_LINE('as the main process'),
  ExecStartPost: EXEC_LINE('after the main command started'),
  ExecReload: EXEC_LINE('to reload'),
  ExecStop: EXEC_LINE('to stop'),
  ExecStopPost: EXEC_LINE('after the service stopped'),
  PermissionsStartOnly: privileged('old setting: every command but ExecStart= runs as root without the sandbox', NOT_FALSE),
  RootDirectoryStartOnly: privileged('every command but ExecStart= runs outside RootDirectory=/RootImage=, in the real root', NOT_FALSE),
  RestartSec: harmless('how long PID 1 waits before restarting the service'),
  TimeoutStartSec: harmless('how long starting may take'),
  TimeoutStopSec: harmless('how long stopping may take'),
  TimeoutAbortSec: harmless('how long stopping may take after a watchdog abort'),
  TimeoutStartFailureMode: harmless('what PID 1 does to the service when starting times out'),
  TimeoutStopFailureMode: harmless('what PID 1 does to the service when stopping times out'),
  RuntimeMaxSec: harmless('PID 1 stops the service after it ran this long'),
  RuntimeRandomizedExtraSec: harmless('a random extra for RuntimeMaxSec='),
  WatchdogSec: harmless('how often the service must ping the watchdog'),
  Restart: harmless('when PID 1 restarts the service'),
  SuccessExitStatus: harmless('exit statuses that count as success'),
  RestartPreventExitStatus: harmless('exit statuses after which PID 1 does not restart'),
  RestartForceExitStatus: harmless('exit statuses after which PID 1 restarts anyway'),
  NonBlocking: harmless('passed file descriptors are set non-blocking'),
  NotifyAccess: harmless("which of the service's own processes may send sd_notify messages"),
  Sockets: unitRef('the service gets the file descriptors of the named socket units'),
  FileDescriptorStoreMax: harmless('how many file descriptors the service may park with PID 1'),
  USBFunctionDescriptors: path('PID 1 reads the USB descriptors file as root and writes it to the FunctionFS ep0'),
  USBFunctionStrings: path('PID 1 reads the USB strings file as root and writes it to the FunctionFS ep0'),
  OOMPolicy: harmless('what PID 1 does to the service when the kernel OOM killer hits one of its processes'),
  FailureAction: UNIT.FailureAction,
  StartLimitAction: UNIT.StartLimitAction,
  StartLimitBurst: UNIT.StartLimitBurst,
  StartLimitInterval: UNIT.StartLimitInterval,
  RebootArgument: UNIT.RebootArgument,
};

const SOCKET_PATH_RULE = { prefixes: PATH_START };
const SOCKET_ONLY: Group = {
  ListenStream: path(
    'a path makes PID 1 create the AF_UNIX socket file as root (and its parent directories); ports and @names do not',
    'matches',
    SOCKET_PATH_RULE,
  ),
  ListenDatagram: path(
    'a path makes PID 1 create the AF_UNIX socket file as root (and its parent directories)',
    'matches',
    SOCKET_PATH_RULE,
  ),
  ListenSequentialPacket: path(
    'a path makes PID 1 create the AF_UNIX socket file as root (and its parent directories)',
    'matches',
    SOCKET_PATH_RULE,
  ),
  ListenFIFO: path('PID 1 creates (mkfifo) and opens the FIFO as root'),
  ListenSpecial: path('PID 1 opens the file or device node as root (read-write with Writable=) and hands it to the service'),
  ListenUSBFunction: path('PID 1 opens the FunctionFS ep0 under this directory as root'),
  ListenMessageQueue: privileged('PID 1 creates the POSIX message queue as root, in the IPC namespace every service shares'),
  ListenNetlink: privileged(
    'PID 1 opens the netlink socket as root; the kernel checks permissions against the opener, so the service acts as root',
  ),
  Symlinks: path('PID 1 creates these symlinks to the socket as root and removes them on stop'),
  DirectoryMode: path('the mode PID 1 gives the parent directories it creates for socket paths', 'always', { actsOn: SOCKET_PATHS }),
  SocketMode: path('PID 1 chmods the socket files and FIFOs to this mode', 'always', { actsOn: SOCKET_PATHS }),
  SocketUser: path('PID 1 chowns the socket files and FIFOs to this user', 'always', { actsOn: SOCKET_PATHS }),
  SocketGroup: path('PID 1 chowns the socket files and FIFOs to this group', 'always', { actsOn: SOCKET_PATHS }),
  RemoveOnStop: path('PID 1 removes the socket files, FIFOs and Symlinks= when the socket stops', NOT_FALSE, {
    actsOn: [...SOCKET_PATHS, 'Socket.Symlinks'],
  }),
  Writable: path('PID 1 opens the ListenSpecial= file read-write', NOT_FALSE, { actsOn: ['Socket.ListenSpecial'] }),
  Service: unitRef('the service unit PID 1 starts for incoming traffic'),
  Accept: harmless('PID 1 starts one service instance per connection'),
  Backlog: harmless('the listen() backlog'),
  BindIPv6Only: harmless('whether an IPv6 socket also takes IPv4'),
  BindToDevice: harmless('the socket only takes traffic on this interface'),
  Broadcast: harmless('SO_BROADCAST on the datagram socket'),
  DeferAcceptSec: harmless('TCP_DEFER_ACCEPT on the socket'),
  FileDescriptorName: harmless('the name the service sees the descriptors under'),
  FlushPending: harmless('PID 1 drops pending data before starting the service'),
  FreeBind: harmless('the socket may bind an address not (yet) configured'),
  IPTOS: harmless('the IP type-of-service of the socket'),
  IPTTL: harmless('the IP TTL of the socket'),
  KeepAlive: harmless('TCP keep-alive on the socket'),
  KeepAliveTimeSec: harmless('TCP keep-alive time'),
  KeepAliveIntervalSec: harmless('TCP keep-alive interval'),
  KeepAliveProbes: harmless('TCP keep-alive probes'),
  Mark: privileged('PID 1 sets SO_MARK as root: the firewall mark that routing and filtering rules of the whole system match on'),
  MaxConnections: harmless('the most concurrent connections with Accept=yes'),
  MaxConnectionsPerSource: harmless('the most concurrent connections from one address with Accept=yes'),
  MessageQueueMaxMessages: harmless('the size of the ListenMessageQueue= queue (checked there)'),
  MessageQueueMessageSize: harmless('the message size of the ListenMessageQueue= queue (checked there)'),
  NoDelay: harmless('TCP_NODELAY on the socket'),
  PassCredentials: harmless('SO_PASSCRED on the socket'),
  PassPacketInfo: harmless('IP_PKTINFO on the socket'),
  PassSecurity: harmless('SO_PASSSEC on the socket'),
  PipeSize: harmless('the buffer size of the FIFO'),
  Priority: harmless("SO_PRIORITY of the socket's packets"),
  ReceiveBuffer: harmless('the receive buffer of the socket'),
  SendBuffer: harmless('the send buffer of the socket'),
  ReusePort: harmless('SO_REUSEPORT on the socket'),
  SocketProtocol: harmless('the protocol of the socket (udplite, sctp)'),
  TCPCongestion: harmless('the TCP congestion algorithm of the socket'),
  Timestamping: harmless('SO_TIMESTAMP on the socket'),
  Transparent: privileged("IP_TRANSPARENT, set as root, lets the socket take traffic for addresses that are not the system's", NOT_FALSE),
  SELinuxContextFromNet: privileged("PID 1 runs the service in the SELinux context of the peer's network label", NOT_FALSE),
  SmackLabel: privileged('PID 1 labels the socket or FIFO with this SMACK label'),
  SmackLabelIPIn: privileged("PID 1 labels the socket's incoming packets for SMACK"),
  SmackLabelIPOut: privileged("PID 1 labels the socket's outgoing packets for SMACK"),
  TriggerLimitIntervalSec: harmless('the window for the activation rate limit'),
  TriggerLimitBurst: harmless('how many activations in the window before the socket fails'),
  ExecStartPre: EXEC_LINE('before the socket is created'),
  ExecStartPost: EXEC_LINE('after the socket is created'),
  ExecStopPre: EXEC_LINE('before the socket is closed'),
  ExecStopPost: EXEC_LINE('after the socket is closed'),
};

const PATH_UNIT: Group = {
  PathExists: path('PID 1 watches the path as root (inotify) and starts the unit when it exists'),
  PathExistsGlob: path('PID 1 watches the glob as root and starts the unit when it matches'),
  PathChanged: path('PID 1 watches the path as root and starts the unit when it is closed after a write; MakeDirectory= creates it'),
  PathModified: path('PID 1 watches the path as root and starts the unit on each write; MakeDirectory= creates it'),
  DirectoryNotEmpty: path('PID 1 watches the directory as root and starts the unit when it has an entry; MakeDirectory= creates it'),
  MakeDirectory: path('PID 1 creates the watched directories as root before watching them', NOT_FALSE, { actsOn: WATCHED_PATHS }),
  DirectoryMode: path('the mode PID 1 gives the directories MakeDirectory= creates', 'always', { actsOn: WATCHED_PATHS }),
  Unit: unitRef('the unit PID 1 starts when the path triggers'),
  TriggerLimitIntervalSec: harmless('the window for the trigger rate limit'),
  TriggerLimitBurst: harmless('how many triggers in the window before the path unit fails'),
};

const TIMER: Group = {
  OnActiveSec: harmless('when the timer elapses, relative to its activation'),
  OnBootSec: harmless('when the timer elapses, relative to boot'),
  OnStartupSec: harmless("when the timer elapses, relative to the manager's start"),
  OnUnitActiveSec: harmless("when the timer elapses, relative to the unit's last activation"),
  OnUnitInactiveSec: harmless("when the timer elapses, relative to the unit's last deactivation"),
  OnCalendar: harmless('calendar times at which the timer elapses'),
  OnClockChange: harmless('the timer elapses when the clock jumps'),
  OnTimezoneChange: harmless('the timer elapses when the time zone changes'),
  AccuracySec: harmless('how late the timer may elapse, to batch wake-ups'),
  RandomizedDelaySec: harmless('a random delay for the timer'),
  FixedRandomDelay: harmless('the random delay is the same on each run'),
  Persistent: harmless('PID 1 keeps a stamp file named after this timer and catches up missed runs'),
  RemainAfterElapse: harmless('the elapsed timer stays loaded and active'),
  WakeSystem: privileged('PID 1 programs the real-time clock alarm to wake the machine from suspend', NOT_FALSE),
  Unit: unitRef('the unit PID 1 starts when the timer elapses'),
};

const SCOPE_ONLY: Group = {
  OOMPolicy: SERVICE_ONLY.OOMPolicy,
  RuntimeMaxSec: harmless('PID 1 stops the scope after it ran this long'),
  RuntimeRandomizedExtraSec: harmless('a random extra for RuntimeMaxSec='),
  TimeoutStopSec: harmless('how long stopping the scope may take'),
};

const MOUNT_ONLY = ['What', 'Where', 'Type', 'Options', 'SloppyOptions', 'LazyUnmount', 'ReadWriteOnly', 'ForceUnmount', 'DirectoryMode'];
const SWAP_ONLY = ['What', 'Priority', 'Options'];
const AUTOMOUNT_ONLY = ['Where', 'ExtraOptions', 'DirectoryMode', 'TimeoutIdleSec'];

/** Every directive of a unit type packages may not ship: privileged, whatever it says. */
function wholeType(keys: Iterable<string>, why: string): Group {
  return Object.fromEntries([...keys].map((k) => [k, privileged(why)]));
}
const EXEC_KINDS = [...Object.keys(EXEC), ...Object.keys(RESOURCES), ...Object.keys(KILL)];

function section(name: string, ...groups: Group[]): Record<string, DirectiveClass> {
  const out: Record<string, DirectiveClass> = {};
  for (const g of groups) {
    for (const [key, entry] of Object.entries(g)) {
      const actsOn = entry.actsOn?.map((a) => a.replace(/^\*\./, `${name}.`));
      out[`${name}.${key}`] = actsOn ? { ...entry, actsOn } : entry;
    }
  }
  return out;
}

/** Every directive of systemd 252's table, by "Section.Key". */
export const DIRECTIVE_CLASSES: Readonly<Record<string, DirectiveClass>> = Object.freeze({
  ...section('Unit', UNIT),
  ...section('Install', INSTALL),
  ...section('Service', EXEC, RESOURCES, KILL, SERVICE_ONLY),
  ...section('Socket', EXEC, RESOURCES, KILL, SOCKET_ONLY),
  ...section('Path', PATH_UNIT),
  ...section('Timer', TIMER),
  ...section('Slice', RESOURCES),
  ...section('Scope', RESOURCES, KILL, SCOPE_ONLY),
  ...section(
    'Mount',
    wholeType([...EXEC_KINDS, ...MOUNT_ONLY], 'a mount unit: PID 1 mounts What= on Where= for the whole system, as root'),
  ),
  ...section('Swap', wholeType([...EXEC_KINDS, ...SWAP_ONLY], 'a swap unit: PID 1 enables What= as swap for the whole system, as root')),
  ...section('Automount', wholeType(AUTOMOUNT_ONLY, 'an automount unit: PID 1 mounts an autofs on Where= for the whole system, as root')),
});

function matchesAny(value: string, entry: DirectiveClass): boolean {
  return (entry.values ?? []).includes(value) || (entry.prefixes ?? []).some((p) => value.startsWith(p));
}

function hasPrivilegedPrefix(value: string): boolean {
  const parsed = parseCommandLine(value);
  if (parsed.commands.some((c) => c.prefixes.fullPrivileges || c.prefixes.noUserChange || c.prefixes.ambientFallback)) return true;
  // A line systemd cannot read past its first word: look at that word's prefix characters.
  return !parsed.ok && /^[-@:]*[+!]/.test(value.trim());
}

/** Whether `value` is one of the values an entry's class applies to (VALUE_RULES). */
export function isDangerousValue(entry: DirectiveClass, value: string): boolean {
  const v = value.trim();
  switch (entry.valueRule) {
    case 'always':
      return true;
    case 'unless-false':
      return v !== '' && parseBoolean(v) !== false;
    case 'unless-true':
      return parseBoolean(v) !== true;
    case 'matches':
      return matchesAny(v, entry);
    case 'unless':
      return !matchesAny(v, entry);
    case 'exec-prefix':
      return hasPrivilegedPrefix(v);
  }
}

/**
 * The class of `section`.`key` with this value (the entry's class for its dangerous values,
 * `harmless` for the others), or, without a value, the class of its dangerous values. A directive
 * not in systemd 252's table: undefined.
 */
export function classifyDirective(section: string, key: string, value?: string): DirectiveClassId | undefined {
  const entry = Object.hasOwn(DIRECTIVE_CLASSES, `${section}.${key}`) ? DIRECTIVE_CLASSES[`${section}.${key}`] : undefined;
  if (entry === undefined) return undefined;
  if (value === undefined) return entry.class;
  return isDangerousValue(entry, value) ? entry.class : 'harmless';
}

/**
 * systemd.special(7)'s passive synchronisation targets: pulling one in (Wants=network-online.target)
 * or ordering after one starts nothing but what the system would start anyway.
 */
export const PASSIVE_SYSTEM_TARGETS: readonly string[] = [
  'network.target',
  'network-online.target',
  'network-pre.target',
  'nss-lookup.target',
  'nss-user-lookup.target',
  'remote-fs.target',
  'remote-fs-pre.target',
  'local-fs.target',
  'local-fs-pre.target',
  'time-set.target',
  'time-sync.target',
  'sysinit.target',
  'basic.target',
  'sockets.target',
  'timers.target',
  'paths.target',
  'slices.target',
];

const PULLS = ['Requires', 'RequiresOverridable', 'Requisite', 'RequisiteOverridable', 'Wants', 'BindsTo', 'BindTo', 'PartOf'];

/**
 * The units besides its own that a package's unit may name in the unit-ref directive
 * `section`.`key`. After= may name the passive targets, composable's ordering targets and
 * multi-user.target; the dependencies that pull a unit in (Wants=, Requires=, BindsTo=, PartOf= ...)
 * the passive targets and composable's (which the container starts anyway); Conflicts= and Before= only shutdown.target (the stop at shutdown that
 * DefaultDependencies= adds anyway; Before= on anything else can close an ordering cycle, which
 * systemd breaks by dropping some unit's job); Slice= only system.slice, the default. Every other
 * one (OnFailure=, PropagatesStopTo=, StopPropagatedFrom=, Upholds=, a timer's or path unit's
 * Unit=, Sockets=, Service= ...) only the package's own units. [Install] names are not listed: the
 * generator maps them onto the package's own target itself (systemctl enable never reads them).
 */
export function foreignUnitsAllowed(section: string, key: string): readonly string[] {
  if (key === 'Slice') return ['system.slice'];
  if (section !== 'Unit') return [];
  if (key === 'After') return [...PASSIVE_SYSTEM_TARGETS, ...Object.values(TARGETS), 'multi-user.target', 'default.target'];
  if (PULLS.includes(key)) return [...PASSIVE_SYSTEM_TARGETS, ...Object.values(TARGETS)];
  if (key === 'Conflicts' || key === 'Before') return ['shutdown.target'];
  return [];
}

/**
 * Whether `section`.`key` may name any mount unit (`*.mount`) besides the list above: After= a
 * mount only orders, starting nothing, and is what a sidecar writes to stay stopped before a volume
 * the engine bound in is unmounted (RequiresMountsFor= would also pull the mount in, noauto ones too).
 */
export function ordersAfterAnyMount(section: string, key: string): boolean {
  return section === 'Unit' && key === 'After';
}

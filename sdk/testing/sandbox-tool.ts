// The file-system view systemd builds for a service (ProtectSystem=, ProtectHome=, PrivateTmp=,
// ReadOnlyPaths=, ReadWritePaths=, InaccessiblePaths=, the package at its stable path, the user
// to become), built here with unshare(1) and mount(8) in a private mount namespace.
//
// Why unshare and not bubblewrap: bwrap always forks a monitor process that does not forward
// signals, so the process the test starts would not be the service: KillSignal= under
// KillMode=process/mixed, `$MAINPID` in ExecReload=/ExecStop= and WatchdogSignal= would hit bwrap
// (measured: SIGHUP to bwrap ends bwrap and orphans the service), and a service ended by SIGTERM
// would look like exit status 143. `unshare --mount` execs in place: the shell sets up the mounts
// and then execs the program, which keeps the PID systemd's main process would have.
//
// The script and argv are built by pure functions (tested directly); only detectSandboxTools
// looks at the machine, once per process.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { posix } from 'node:path';
import { getList, getValue } from '../unit-file/lookup.ts';
import { parseBoolean } from '../unit-file/values.ts';
import type { UnitFile } from '../unit-file/types.ts';

export type ProtectSystem = 'no' | 'yes' | 'full' | 'strict';
export type ProtectHome = 'no' | 'yes' | 'read-only' | 'tmpfs';

/** A path of ReadOnlyPaths= and the like; `optional` is the `-` prefix (a missing path is fine). */
export interface ViewPath {
  path: string;
  optional: boolean;
}

/** What the unit asks of the service's file-system view. */
export interface FileSystemView {
  protectSystem: ProtectSystem;
  protectHome: ProtectHome;
  privateTmp: boolean;
  readOnlyPaths: ViewPath[];
  readWritePaths: ViewPath[];
  inaccessiblePaths: ViewPath[];
}

/** The view of a `+` command (full privileges): no sandbox at all. */
export const UNSANDBOXED_VIEW: FileSystemView = {
  protectSystem: 'no',
  protectHome: 'no',
  privateTmp: false,
  readOnlyPaths: [],
  readWritePaths: [],
  inaccessiblePaths: [],
};

/** The directives a FileSystemView is read from (what the namespace emulates). */
export const VIEW_DIRECTIVES = [
  'ProtectSystem',
  'ProtectHome',
  'PrivateTmp',
  'ReadOnlyPaths',
  'ReadOnlyDirectories',
  'ReadWritePaths',
  'ReadWriteDirectories',
  'InaccessiblePaths',
  'InaccessibleDirectories',
] as const;

function protectSystem(value: string | undefined): ProtectSystem {
  if (value === 'full' || value === 'strict') return value;
  return parseBoolean(value ?? 'no') ? 'yes' : 'no';
}

function protectHome(value: string | undefined): ProtectHome {
  if (value === 'read-only' || value === 'tmpfs') return value;
  return parseBoolean(value ?? 'no') ? 'yes' : 'no';
}

function viewPaths(file: UnitFile, keys: string[], expand: (s: string) => string): ViewPath[] {
  const out: ViewPath[] = [];
  for (const key of keys) {
    for (const raw of getList(file, 'Service', key)) {
      // `-`: ignore a missing path; `+`: relative to RootDirectory=, which a test does not have.
      const optional = raw.replace(/^\+/, '').startsWith('-');
      out.push({ path: expand(raw.replace(/^[-+]+/, '')), optional });
    }
  }
  return out;
}

/**
 * The view the unit asks for. DynamicUser=yes raises ProtectSystem= to strict, ProtectHome= to
 * read-only and turns PrivateTmp= on, as systemd.exec(5) says it implies.
 */
export function fileSystemView(file: UnitFile, expand: (s: string) => string = (s) => s): FileSystemView {
  const dynamic = parseBoolean(getValue(file, 'Service', 'DynamicUser') ?? 'no') ?? false;
  let system = protectSystem(getValue(file, 'Service', 'ProtectSystem'));
  let home = protectHome(getValue(file, 'Service', 'ProtectHome'));
  if (dynamic && system === 'no') system = 'strict';
  if (dynamic && home === 'no') home = 'read-only';
  return {
    protectSystem: system,
    protectHome: home,
    privateTmp: dynamic || (parseBoolean(getValue(file, 'Service', 'PrivateTmp') ?? 'no') ?? false),
    readOnlyPaths: viewPaths(file, ['ReadOnlyPaths', 'ReadOnlyDirectories'], expand),
    readWritePaths: viewPaths(file, ['ReadWritePaths', 'ReadWriteDirectories'], expand),
    inaccessiblePaths: viewPaths(file, ['InaccessiblePaths', 'InaccessibleDirectories'], expand),
  };
}

/** Whether the view changes anything (a namespace is needed for it). */
export function viewIsEmpty(v: FileSystemView): boolean {
  return (
    v.protectSystem === 'no' &&
    v.protectHome === 'no' &&
    !v.privateTmp &&
    v.readOnlyPaths.length === 0 &&
    v.readWritePaths.length === 0 &&
    v.inaccessiblePaths.length === 0
  );
}

/** The identity to take after the mounts (setpriv(1)). */
export interface Identity {
  uid: number;
  gid: number;
  /** Supplementary groups; empty clears them. */
  groups: number[];
}

/** Everything one command's namespace is built from. */
export interface NamespacePlan {
  view: FileSystemView;
  /** The package bound read-only at its stable path (`path`, below /opt) from `hostDir`. */
  package?: { hostDir: string; path: string };
  /** Host directories standing in for the private /tmp and /var/tmp (PrivateTmp=). */
  privateTmp?: { tmp: string; varTmp: string };
  /**
   * Host paths the service must still see, writable, at the same place: the sandbox root with the
   * unit's *Directory= and the notification socket. systemd keeps the unit's directories writable
   * under ProtectSystem=strict too.
   */
  keepWritable: string[];
  /** An empty file with mode 000 bound over inaccessible files. */
  inaccessibleFile: string;
  /** The working directory, entered after the mounts. */
  cwd: string;
  /** Become this user after the mounts; undefined stays root. */
  identity?: Identity;
  /** Paths of the tools on this machine. */
  tools: { unshare: string; setpriv?: string };
}

/** `text` as one word for sh. */
export function shQuote(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Where `hostPath` appears inside the private /tmp or /var/tmp, when it lies below them. */
function underPrivateTmp(hostPath: string, priv: { tmp: string; varTmp: string }): string | undefined {
  for (const [mount, dir] of [
    ['/tmp', priv.tmp],
    ['/var/tmp', priv.varTmp],
  ] as const) {
    if (hostPath.startsWith(`${mount}/`)) return posix.join(dir, hostPath.slice(mount.length + 1));
  }
  return undefined;
}

/** Directories ProtectSystem= makes read-only (systemd.exec(5)); `strict` is every mount but the API file systems. */
const SYSTEM_DIRS: Record<Exclude<ProtectSystem, 'no' | 'strict'>, string[]> = {
  yes: ['/usr', '/boot', '/efi'],
  full: ['/usr', '/boot', '/efi', '/etc'],
};
const HOME_DIRS = ['/home', '/root', '/run/user'];

/**
 * The shell script that builds the namespace, in systemd's order: the package at its stable path,
 * the private /tmp, ProtectSystem=, ProtectHome=, the writable paths (ReadWritePaths=, the private
 * /tmp, the unit's directories), ReadOnlyPaths=, InaccessiblePaths=, then the working directory
 * and the user change. A path that must exist and does not fails as systemd does, with 226/NAMESPACE.
 * The program and its arguments follow as "$@".
 */
export function namespaceScript(plan: NamespacePlan): string {
  const q = shQuote;
  const { view } = plan;
  const lines = [
    'fail() { echo "composable test: $1 (systemd fails with 226/NAMESPACE)" >&2; exit 226; }',
    'ro() { mount --rbind "$1" "$1" && mount -o remount,bind,ro "$1" || fail "cannot make $1 read-only"; }',
    'rw() { mount --rbind "$1" "$1" && mount -o remount,bind,rw "$1" || fail "cannot make $1 writable"; }',
    `hide() { if [ -d "$1" ]; then mount -t tmpfs -o ro,mode=000 composable-test "$1"; else mount --bind ${q(plan.inaccessibleFile)} "$1"; fi || fail "cannot hide $1"; }`,
    // A path of ReadOnlyPaths= and the like: missing is an error unless `-` allowed it.
    'present() { [ -e "$1" ] && return 0; [ "$2" = optional ] && return 1; fail "$1: no such file or directory"; }',
  ];
  if (plan.package) {
    const { hostDir, path } = plan.package;
    // A tmpfs over /opt (the host's /opt is untouched), the package bound read-only at its path.
    lines.push(
      `mount -t tmpfs -o mode=0755 composable-test /opt && mkdir -p ${q(path)} && mount --bind ${q(hostDir)} ${q(path)} ` +
        `&& mount -o remount,bind,ro,nosuid,nodev ${q(path)} || fail "cannot mount the package at ${path}"`,
    );
  }
  const writable: string[] = [];
  if (view.privateTmp && plan.privateTmp) {
    const priv = plan.privateTmp;
    // What the test keeps below /tmp (its sandbox) is bound into the private /tmp first, at the same place.
    for (const keep of plan.keepWritable) {
      const inside = underPrivateTmp(keep, priv);
      if (inside) lines.push(`mkdir -p ${q(inside)} && mount --bind ${q(keep)} ${q(inside)} || fail "cannot keep ${keep}"`);
    }
    // /var/tmp first: its source may lie below /tmp, which is hidden next.
    lines.push(`mount --bind ${q(priv.varTmp)} /var/tmp || fail "cannot mount the private /var/tmp"`);
    lines.push(`mount --rbind ${q(priv.tmp)} /tmp || fail "cannot mount the private /tmp"`);
    writable.push('/tmp', '/var/tmp');
  }
  if (view.protectSystem === 'strict') {
    // Every mount but /dev, /proc and /sys (and what is below them), "/" included.
    lines.push(
      'for m in $(awk \'{print $5}\' /proc/self/mountinfo); do case "$m" in /dev|/dev/*|/proc|/proc/*|/sys|/sys/*) ;; ' +
        '*) mount -o remount,bind,ro "$m" 2>/dev/null || [ "$m" != / ] || fail "cannot make / read-only" ;; esac; done',
    );
  } else if (view.protectSystem !== 'no') {
    for (const d of SYSTEM_DIRS[view.protectSystem]) lines.push(`if [ -d ${d} ]; then ro ${d}; fi`);
  }
  if (view.protectHome !== 'no') {
    for (const d of HOME_DIRS) {
      const act =
        view.protectHome === 'read-only'
          ? `ro ${d}`
          : view.protectHome === 'tmpfs'
            ? `mount -t tmpfs -o ro,mode=0755 composable-test ${d} || fail "cannot mount a tmpfs on ${d}"`
            : `hide ${d}`;
      lines.push(`if [ -d ${d} ]; then ${act}; fi`);
    }
  }
  // ReadOnlyPaths=, ReadWritePaths= and what stays writable, the deeper path last, so the more
  // specific setting wins as in systemd (which sorts its mounts by path).
  const mounts: { path: string; act: string }[] = [];
  const check = (p: ViewPath, act: string): string =>
    `if present ${q(p.path)} ${p.optional ? 'optional' : 'required'}; then ${act} ${q(p.path)}; fi`;
  for (const p of view.readOnlyPaths) mounts.push({ path: p.path, act: check(p, 'ro') });
  for (const p of view.readWritePaths) mounts.push({ path: p.path, act: check(p, 'rw') });
  if (view.protectSystem !== 'no' || view.protectHome !== 'no' || view.readOnlyPaths.length > 0)
    for (const w of [...writable, ...plan.keepWritable]) mounts.push({ path: w, act: `rw ${q(w)}` });
  const depth = (p: string): number => p.split('/').filter(Boolean).length;
  for (const m of mounts.sort((a, b) => depth(a.path) - depth(b.path))) lines.push(m.act);
  for (const p of view.inaccessiblePaths) lines.push(check(p, 'hide'));
  // systemd changes to WorkingDirectory= inside the namespace, then drops privileges.
  lines.push(`cd ${q(plan.cwd)} || exit 200`, 'unset PWD OLDPWD');
  if (plan.identity && plan.tools.setpriv) {
    const { uid, gid, groups } = plan.identity;
    const groupArgs = groups.length > 0 ? `--groups ${groups.join(',')}` : '--clear-groups';
    lines.push(`exec ${q(plan.tools.setpriv)} --reuid ${uid} --regid ${gid} ${groupArgs} -- "$@"`);
  } else lines.push('exec "$@"');
  return lines.join('\n');
}

/** The program and arguments that run `cmd` in the namespace `plan` describes. */
export function namespaceCommand(plan: NamespacePlan, cmd: { path: string; argv: readonly string[] }): [string, string[]] {
  return [plan.tools.unshare, ['--mount', '--propagation', 'private', '/bin/sh', '-c', namespaceScript(plan), 'sh', cmd.path, ...cmd.argv]];
}

/** What this machine offers the test: a mount namespace (root and unshare that works), setpriv. */
export interface SandboxTools {
  /** unshare(1), when it can make a mount namespace here. */
  unshare?: string;
  /** setpriv(1), to become the unit's user after the mounts. */
  setpriv?: string;
  /** Whether the test runs as root (needed for a namespace and to change user). */
  root: boolean;
}

function executable(candidates: string[]): string | undefined {
  return candidates.find((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

let detected: SandboxTools | undefined;

/**
 * Look once per process: root, unshare(1) that can actually make a private mount namespace (a
 * container without CAP_SYS_ADMIN cannot), and setpriv(1). Both tools are util-linux's.
 */
export function detectSandboxTools(): SandboxTools {
  if (detected) return detected;
  const root = process.getuid?.() === 0;
  // /opt: the package is shown below it, on a tmpfs.
  let unshare = root && existsSync('/opt') ? executable(['/usr/bin/unshare', '/bin/unshare']) : undefined;
  if (unshare) {
    try {
      execFileSync(unshare, ['--mount', '--propagation', 'private', '/bin/sh', '-c', 'mount -t tmpfs composable-probe /opt'], {
        stdio: 'ignore',
        timeout: 5000,
      });
    } catch {
      unshare = undefined;
    }
  }
  detected = { root, unshare, setpriv: root ? executable(['/usr/bin/setpriv', '/bin/setpriv']) : undefined };
  return detected;
}

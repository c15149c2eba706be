// What the unit file says about running its service: which unit of the package runs, its Type=,
// the Exec*= command lines resolved to programs and arguments, the working directory, which exit
// statuses count as success, how an exit is judged, and whether Restart= starts it again.
// Separate from the ServiceHandle state machine because all of it is read from the (merged) unit
// file and the package: nothing here starts a process, waits or keeps state.
import { statSync, existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { ComposablePackage, PackageUnit } from '../package.ts';
import { getAssignments, getEntries, getList, getValue } from '../unit-file/lookup.ts';
import { parseTimeSpan } from '../unit-file/values.ts';
import { parseCommandLine } from '../unit-file/command-line.ts';
import type { UnitFile } from '../unit-file/types.ts';
import { packageExecutable } from '../unit-file/exec-search.ts';
import { expandArgv, expandSpecifiers, type Sandbox } from './environment.ts';
import type { Signal } from './signals.ts';

export type ServiceResult =
  | 'success'
  | 'exit-code'
  | 'signal'
  | 'core-dump'
  | 'timeout'
  | 'start-limit-hit'
  | 'resources'
  | 'protocol'
  | 'watchdog';

/** How a process ended: its exit code, or the signal that ended it. */
export interface ProcessExit {
  code: number | null;
  signal: Signal | null;
}

/** One command of an Exec*= directive, ready to spawn. */
export interface ExecCommand {
  /** The program, at the package path programs see when it is the package's. */
  path: string;
  /** Arguments after argv[0], with variables expanded (unless the `:` prefix). */
  argv: string[];
  /** argv[0] to show the program (the `@` prefix). */
  argv0?: string;
  /** The `-` prefix: a failure does not fail the unit. */
  ignoreFailure: boolean;
  /**
   * `full`: the `+` prefix (no sandbox, no user change); `keep-user`: `!` (sandboxed, no user
   * change). `!!` acts as no prefix, since the kernel has ambient capabilities.
   */
  privileges?: 'full' | 'keep-user';
  /** The directive's value as written. */
  line: string;
}

/** Where the package's programs are found and seen, for resolving Exec*= paths. */
export interface PackageLocation {
  /** The package directory on the host. */
  pkgDir: string;
  /** Where programs see the package: /opt/composable/<name> in a namespace, else `pkgDir`. */
  packagePath: string;
  /** Whether programs run in a private mount namespace. */
  namespaced: boolean;
  /** Whether programs take the unit's user (the test runs as root). */
  changesUser?: boolean;
}

const CLEAN_SIGNALS = new Set(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGPIPE']);
const CORE_SIGNALS = new Set(['SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGSEGV', 'SIGSYS', 'SIGXCPU', 'SIGXFSZ']);
/** Types with their own start-up rules; any other runs as Type=simple. */
export const EMULATED_TYPES = ['simple', 'exec', 'oneshot', 'forking', 'notify'];

/** A time span setting in milliseconds; `fallbackMs` when unset or unparsable. */
export function timeSpanMs(value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const usec = parseTimeSpan(value);
  return usec === undefined ? fallbackMs : usec / 1000;
}

/** A signal setting (KillSignal=, WatchdogSignal=) as node names it: `TERM` and `SIGTERM` alike. */
export function signalName(value: string): Signal {
  return (value.startsWith('SIG') ? value : `SIG${value}`) as Signal;
}

/** The unit to run: `wanted`, else the enabled service, else `<name>.service`, else the first service. */
export function pickUnit(pkg: ComposablePackage, wanted?: string): PackageUnit {
  if (wanted) {
    const u = pkg.units.find((x) => x.name === wanted);
    if (!u) throw new Error(`${wanted} is not in the package; it has ${pkg.units.map((x) => x.name).join(', ')}`);
    return u;
  }
  const services = pkg.units.filter((u) => u.name.endsWith('.service') && !u.name.includes('@'));
  const enabled = services.find(
    (u) => getList(u.file, 'Install', 'WantedBy').length > 0 || getList(u.file, 'Install', 'RequiredBy').length > 0,
  );
  const chosen = enabled ?? services.find((u) => u.name === `${pkg.manifest.name}.service`) ?? services[0];
  if (!chosen) throw new Error('the package has no service unit; pass --unit');
  return chosen;
}

/** Type=, defaulting as systemd does: `dbus` with BusName=, else `simple`. */
export function serviceType(file: UnitFile): string {
  return getValue(file, 'Service', 'Type') ?? (getEntries(file, 'Service', 'BusName').length > 0 ? 'dbus' : 'simple');
}

/** WorkingDirectory= in the sandbox (`-` when it may be missing, `~` for the home); `/` when unset. */
export function workingDirectory(file: UnitFile, unitName: string, sandbox: Sandbox): string {
  const wd = getValue(file, 'Service', 'WorkingDirectory');
  if (!wd) return '/';
  const optional = wd.startsWith('-');
  const raw = expandSpecifiers(optional ? wd.slice(1) : wd, unitName, sandbox);
  const dir = raw === '~' ? sandbox.home : raw;
  if (!existsSync(dir)) {
    if (optional) return '/';
    throw new Error(`WorkingDirectory=${dir} does not exist (systemd fails with 200/CHDIR)`);
  }
  return dir;
}

/**
 * The commands of an Exec*= directive, with package paths and variables resolved. Prefixes that
 * are not emulated add to `warnings`.
 */
export function execCommands(
  file: UnitFile,
  key: string,
  unitName: string,
  sandbox: Sandbox,
  env: Record<string, string>,
  where: PackageLocation,
  warnings: string[],
): ExecCommand[] {
  const out = [];
  const hasFile = (rel: string): boolean => statSync(join(where.pkgDir, rel), { throwIfNoEntry: false })?.isFile() ?? false;
  for (const e of getAssignments(file, 'Service', key)) {
    const parsed = parseCommandLine(expandSpecifiers(e.value, unitName, sandbox));
    if (!parsed.ok) throw new Error(`${key}=${e.value}: ${parsed.message}`);
    for (const c of parsed.commands) {
      if ((c.prefixes.fullPrivileges || c.prefixes.noUserChange) && !where.changesUser) {
        warnings.push(`${key}= prefix "${c.rawPrefix}" (privileged execution) is not emulated; it runs as the test's user`);
      }
      if (c.prefixes.argv0Override && where.namespaced)
        warnings.push(`${key}= prefix "@" (argv[0]) is not applied inside the mount namespace; pass mountNamespace: false to test it`);
      const rel = packageExecutable(c.path, hasFile);
      const path = rel !== undefined ? posix.join(where.packagePath, rel) : c.path;
      const args = c.prefixes.noEnvExpand ? c.argv.slice(1) : expandArgv(c.argv.slice(1), env);
      out.push({
        path,
        argv: args,
        argv0: c.prefixes.argv0Override ? c.argv[0] : undefined,
        ignoreFailure: c.prefixes.ignoreFailure,
        privileges: c.prefixes.fullPrivileges ? ('full' as const) : c.prefixes.noUserChange ? ('keep-user' as const) : undefined,
        line: e.value,
      });
    }
  }
  return out;
}

/** Exit codes and signals that count as success: 0 and SuccessExitStatus=. */
export function successStatuses(file: UnitFile): { codes: Set<number>; signals: Set<string> } {
  const codes = new Set([0]);
  const signals = new Set<string>();
  for (const w of getList(file, 'Service', 'SuccessExitStatus')) {
    if (/^\d+$/.test(w)) codes.add(Number(w));
    else signals.add(signalName(w));
  }
  return { codes, signals };
}

/** The result an exit gives; while stopping, the clean signals (SIGTERM ...) are a success. */
export function judgeExit(file: UnitFile, exit: ProcessExit, stopping: boolean): ServiceResult {
  const ok = successStatuses(file);
  if (exit.signal) {
    if (ok.signals.has(exit.signal) || (stopping && CLEAN_SIGNALS.has(exit.signal))) return 'success';
    return CORE_SIGNALS.has(exit.signal) ? 'core-dump' : 'signal';
  }
  return exit.code !== null && ok.codes.has(exit.code) ? 'success' : 'exit-code';
}

/** Whether Restart= starts the service again after its main process ended with `result`. */
export function restartWanted(file: UnitFile, result: ServiceResult): boolean {
  const policy = getValue(file, 'Service', 'Restart') ?? 'no';
  const clean = result === 'success';
  return (
    policy === 'always' ||
    (policy === 'on-success' && clean) ||
    (policy === 'on-failure' && !clean) ||
    (policy === 'on-abnormal' && (result === 'signal' || result === 'core-dump' || result === 'timeout' || result === 'watchdog')) ||
    (policy === 'on-watchdog' && result === 'watchdog') ||
    (policy === 'on-abort' && (result === 'signal' || result === 'core-dump'))
  );
}

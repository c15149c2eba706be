// startService: run a packaged service outside any container, the way systemd would run it, so a
// sidecar team's CI sees the outcome production will see. The unit file decides: Type=,
// Exec*= with their prefixes, environment, directories, credentials, timeouts, kill settings,
// success statuses and Restart=; as root also the user and the file-system sandbox. Directives
// this run does not apply are named in `notEmulated`, other differences in `warnings`, never
// ignored. ServiceHandle is the unit's state machine (activating, active, deactivating,
// inactive, failed): it ties together what the unit says (service-unit.ts), its user
// (service-user.ts), its directories (service-sandbox.ts), its mount namespace
// (sandbox-tool.ts), its processes (process-group.ts), sd_notify and the watchdog
// (notify-socket.ts) and its output (service-log.ts).
import { readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { loadPackage, type ComposablePackage, type PackageUnit } from '../package.ts';
import { getAssignments, getValue } from '../unit-file/lookup.ts';
import { mergeDropIns } from '../unit-file/dropins.ts';
import { parseBoolean, parseTimeSpan } from '../unit-file/values.ts';
import type { UnitFile } from '../unit-file/types.ts';
import { MOUNT_PREFIX } from '../contract.ts';
import { expandSpecifiers, parseEnvironmentFile } from './environment.ts';
import { notEmulatedDirectives } from './emulated.ts';
import { detectSandboxTools, fileSystemView, UNSANDBOXED_VIEW, type FileSystemView, type NamespacePlan } from './sandbox-tool.ts';
import { decideServiceUser, readAccounts, type ServiceUser } from './service-user.ts';
import {
  EMULATED_TYPES,
  execCommands,
  judgeExit,
  pickUnit,
  restartWanted,
  serviceType,
  signalName,
  timeSpanMs,
  workingDirectory,
  type ExecCommand,
  type PackageLocation,
  type ProcessExit,
  type ServiceResult,
} from './service-unit.ts';
import { createSandbox, populateSandbox, removeRuntimeDirectories, removeSandbox, type ServiceSandbox } from './service-sandbox.ts';
import { isExecutable, killGroup, spawnCommand, watchPid, type SpawnedCommand } from './process-group.ts';
import { NotifySocket, Watchdog } from './notify-socket.ts';
import { ServiceLog, type LogLine } from './service-log.ts';
import type { Signal } from './signals.ts';

export type ServiceState = 'activating' | 'active' | 'deactivating' | 'inactive' | 'failed';

export interface StartOptions {
  /** Unit to run (default: the package's enabled service, else `<name>.service`). */
  unit?: string;
  /** Extra environment, applied last (as the agent's metadata would). */
  env?: Record<string, string>;
  /**
   * Files in EnvironmentFile= syntax (KEY=VALUE lines, `#` comments, quotes), read at start and
   * applied after the unit's environment and before `env`. A file that cannot be read fails the start.
   */
  envFile?: string | string[];
  /**
   * The host metadata's `user`: the generated drop-in sets it as User= and empties Group= and
   * SupplementaryGroups=. Applied when the test runs as root, like the unit's own User=.
   */
  user?: string;
  /**
   * Host paths the service sees at the same place and may write, whatever PrivateTmp=,
   * ProtectSystem= or ProtectHome= hide (as BindPaths= in the host's drop-in would): the test's own
   * files a service reads or writes, typically made below the host's /tmp. Their permissions
   * still apply: a service with User= or DynamicUser= needs them readable or writable.
   */
  bindPaths?: string[];
  /** Called with each line the service writes (and systemd's own messages), as it is written. */
  onOutput?: (line: LogLine) => void;
  /** Credentials by name, made available in $CREDENTIALS_DIRECTORY. */
  credentials?: Record<string, string | Uint8Array>;
  /** Upper bound for start-up, overriding a longer or infinite TimeoutStartSec=. */
  timeoutMs?: number;
  /**
   * Show the package at its stable path /opt/composable/<name> in a private mount namespace, as
   * in a container, and apply the unit's file-system sandboxing there (ProtectSystem=,
   * ProtectHome=, PrivateTmp=, ReadOnlyPaths=, ReadWritePaths=, InaccessiblePaths=). Default:
   * when running as root with an unshare(1) that works here; otherwise programs run from the
   * package directory through the generator's executable-path rewrite, and those directives are
   * in `notEmulated`.
   */
  mountNamespace?: boolean;
}

export class ServiceHandle {
  readonly unit: string;
  readonly type: string;
  private readonly output: ServiceLog;
  readonly logs: LogLine[];
  readonly warnings: string[];
  /**
   * The unit's directives this run does not apply, each named once (`ProtectKernelTunables`,
   * `NoNewPrivileges` ...): what the container will do differently. Which ones depends on the
   * machine: the file-system sandbox needs root and unshare(1), User= needs root.
   */
  readonly notEmulated: string[];
  /** The user the service's processes run as; undefined: the test's own user. */
  readonly user: ServiceUser | undefined;
  readonly sandbox: ServiceSandbox;
  env: Record<string, string> = {};
  state: ServiceState = 'activating';
  result: ServiceResult | undefined;
  /** Exit status of the main process (or of the last command that decided the result). */
  exitCode: number | null | undefined;
  exitSignal: Signal | null | undefined;
  nRestarts = 0;
  startLatencyMs: number | undefined;
  stopLatencyMs: number | undefined;

  private readonly file: UnitFile;
  private readonly pkgDir: string;
  private readonly opts: StartOptions;
  private mainPid: number | undefined;
  /** The process group of ExecStart= (the stand-in for the unit's cgroup). */
  private groupPid: number | undefined;
  private mainExit: Promise<ProcessExit> | undefined;
  private stopping = false;
  private readyWaiters: (() => void)[] = [];
  private startTimes: number[] = [];
  /** Where programs see the package: /opt/composable/<name> in a namespace, else the directory. */
  readonly packagePath: string;
  readonly namespaced: boolean;
  /** The file-system view the unit asks for, applied in the namespace. */
  private readonly view: FileSystemView;
  /** Whether the processes can take the unit's user (the test runs as root). */
  private readonly changesUser: boolean;
  private readonly tools = detectSandboxTools();
  private readonly notify: NotifySocket;
  private readonly watchdog: Watchdog;
  private watchdogFired = false;
  /** Status text the service last sent with STATUS=. */
  statusText: string | undefined;

  constructor(pkgDir: string, pkg: ComposablePackage, unit: PackageUnit, opts: StartOptions) {
    this.pkgDir = pkgDir;
    this.opts = opts;
    this.unit = unit.name;
    this.file =
      unit.dropIns.length > 0
        ? mergeDropIns(
            unit.file,
            unit.dropIns.map((d) => d.file),
          )
        : unit.file;
    this.output = new ServiceLog(opts.onOutput);
    this.logs = this.output.lines;
    this.type = serviceType(this.file);
    const canNamespace = this.tools.unshare !== undefined;
    this.namespaced = opts.mountNamespace ?? canNamespace;
    if (this.namespaced && !canNamespace) throw new Error('a private mount namespace needs root, a working unshare(1) and /opt');
    // Inside the namespace the user is taken with setpriv(1) after the mounts; without one, node sets it.
    this.changesUser = this.tools.root && (!this.namespaced || this.tools.setpriv !== undefined);
    const decided = this.changesUser
      ? decideServiceUser(this.file, unit.name, readAccounts(), { metadataUser: opts.user, dynamicUsers: this.namespaced })
      : ({ ok: true, user: undefined } as const);
    if (!decided.ok) throw new Error(decided.message);
    this.user = decided.user;
    this.sandbox = createSandbox(pkg.manifest.name, unit.name);
    this.view = fileSystemView(this.file, (s) => expandSpecifiers(s, unit.name, this.sandbox));
    this.warnings = [];
    this.notEmulated = notEmulatedDirectives(this.file, {
      namespace: this.namespaced,
      user: this.changesUser,
      dynamicUser: this.changesUser && this.namespaced,
    });
    if (opts.user !== undefined && !this.changesUser && !this.notEmulated.includes('User')) this.notEmulated.push('User');
    this.packagePath = this.namespaced ? posix.join(MOUNT_PREFIX, pkg.manifest.name) : pkgDir;
    if (!EMULATED_TYPES.includes(this.type)) this.warnings.push(`Type=${this.type} is not emulated; it runs as Type=simple`);
    this.notify = new NotifySocket(join(this.sandbox.root, 'notify'), {
      watchdog: () => this.armWatchdog(),
      status: (text) => {
        this.statusText = text;
      },
      mainPid: (pid) => {
        this.mainPid = pid;
      },
    });
    this.watchdog = new Watchdog(parseTimeSpan(getValue(this.file, 'Service', 'WatchdogSec') ?? '0'), () => this.onWatchdogTimeout());
  }

  get pid(): number | undefined {
    return this.mainPid;
  }

  private log(stream: 'stdout' | 'stderr', text: string): void {
    this.output.append(stream, text);
  }

  private setState(state: ServiceState): void {
    this.state = state;
    if (state !== 'activating') for (const r of this.readyWaiters.splice(0)) r();
  }

  /** Directories, credentials and the environment, made once before the first start. */
  private prepare(): void {
    const fromFiles: Record<string, string> = {};
    for (const f of [this.opts.envFile ?? []].flat()) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch (e) {
        throw new Error(`envFile ${f} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      Object.assign(fromFiles, parseEnvironmentFile(text));
    }
    this.env = populateSandbox(
      this.file,
      this.unit,
      this.sandbox,
      {
        packagePath: this.packagePath,
        credentials: this.opts.credentials,
        env: { ...fromFiles, ...this.opts.env },
        user: this.user,
        privateTmp: this.view.privateTmp ? (this.namespaced ? 'namespace' : 'tmpdir') : undefined,
      },
      this.warnings,
    );
  }

  private location(): PackageLocation {
    return { pkgDir: this.pkgDir, packagePath: this.packagePath, namespaced: this.namespaced, changesUser: this.changesUser };
  }

  /**
   * The namespace one command runs in. A `+` command gets no sandbox and stays root, a `!` one
   * gets the sandbox but stays root (systemd.service(5), "Command lines").
   */
  private namespacePlan(cmd: ExecCommand): Omit<NamespacePlan, 'cwd'> {
    const full = cmd.privileges === 'full';
    const identity = this.user && cmd.privileges === undefined && (this.user.uid !== 0 || this.user.gid !== 0) ? this.user : undefined;
    return {
      view: full ? UNSANDBOXED_VIEW : this.view,
      package: { hostDir: this.pkgDir, path: this.packagePath },
      privateTmp: { tmp: this.sandbox.tmp, varTmp: this.sandbox.varTmp },
      keepWritable: [this.sandbox.root, ...(this.opts.bindPaths ?? []).map((p) => resolve(p))],
      inaccessibleFile: this.sandbox.inaccessible,
      identity: identity && { uid: identity.uid, gid: identity.gid, groups: identity.groups },
      tools: { unshare: this.tools.unshare!, setpriv: this.tools.setpriv },
    };
  }

  /** The commands of an Exec*= directive, with package paths and variables resolved. */
  private commands(key: string): ExecCommand[] {
    return execCommands(this.file, key, this.unit, this.sandbox, this.env, this.location(), this.warnings);
  }

  /** Start one command in its own process group, with the service's environment and working directory. */
  private spawn(cmd: ExecCommand, extraEnv: Record<string, string> = {}): SpawnedCommand {
    return spawnCommand(cmd, {
      ...this.location(),
      cwd: workingDirectory(this.file, this.unit, this.sandbox),
      namespace: this.namespaced ? this.namespacePlan(cmd) : undefined,
      identity: !this.namespaced && this.user && cmd.privileges === undefined ? { uid: this.user.uid, gid: this.user.gid } : undefined,
      env: { ...this.env, ...extraEnv },
      log: (stream, text) => this.log(stream, text),
    });
  }

  private judge(exit: ProcessExit, stopping: boolean): ServiceResult {
    return judgeExit(this.file, exit, stopping);
  }

  /** Run an Exec*= directive's commands one after another; false when one failed (not `-`). */
  private async runSequence(key: string, extraEnv: Record<string, string> = {}, timeoutMs = Infinity): Promise<boolean | 'timeout'> {
    for (const cmd of this.commands(key)) {
      const { child, exit } = this.spawn(cmd, extraEnv);
      const r = await Promise.race([
        exit,
        new Promise<'timeout'>((res) => (timeoutMs < Infinity ? setTimeout(() => res('timeout'), timeoutMs).unref() : undefined)),
      ]);
      if (r === 'timeout') {
        killGroup(child.pid, 'SIGKILL');
        return 'timeout';
      }
      if (this.judge(r, false) !== 'success' && !cmd.ignoreFailure) {
        this.exitCode = r.code;
        this.exitSignal = r.signal;
        return false;
      }
    }
    return true;
  }

  private fail(result: ServiceResult): void {
    this.result = result;
    this.setState('failed');
  }

  /** One activation: ExecStartPre, ExecStart per Type=, ExecStartPost. */
  async activate(): Promise<void> {
    const t0 = Date.now();
    this.setState('activating');
    this.startTimes.push(t0);
    const interval = timeSpanMs(getValue(this.file, 'Unit', 'StartLimitIntervalSec'), 10_000);
    const burst = Number(getValue(this.file, 'Unit', 'StartLimitBurst') ?? 5);
    if (this.startTimes.filter((t) => t > t0 - interval).length > burst) {
      this.fail('start-limit-hit');
      return;
    }
    let timeout = timeSpanMs(
      getValue(this.file, 'Service', 'TimeoutStartSec') ?? getValue(this.file, 'Service', 'TimeoutSec'),
      this.type === 'oneshot' ? Infinity : 90_000,
    );
    if (this.opts.timeoutMs !== undefined) timeout = Math.min(timeout, this.opts.timeoutMs);

    const cond = await this.runSequence('ExecCondition');
    if (cond !== true) {
      // Exit 1-254 of ExecCondition= skips the unit without failing it.
      this.result = 'success';
      this.setState('inactive');
      return;
    }
    const pre = await this.runSequence('ExecStartPre', {}, timeout);
    if (pre !== true) return this.fail(pre === 'timeout' ? 'timeout' : 'exit-code');

    if (this.type === 'oneshot') {
      const r = await this.runSequence('ExecStart', {}, timeout);
      if (r !== true) return this.fail(r === 'timeout' ? 'timeout' : 'exit-code');
      this.exitCode = 0;
      this.result = 'success';
    } else {
      const [cmd, ...rest] = this.commands('ExecStart');
      if (!cmd) throw new Error(`${this.unit} has no ExecStart=`);
      if (rest.length > 0) this.warnings.push('more than one ExecStart= command is only allowed for Type=oneshot; the first one runs');
      let extraEnv: Record<string, string> = {};
      if (this.type === 'notify' || getValue(this.file, 'Service', 'WatchdogSec')) {
        extraEnv = { NOTIFY_SOCKET: await this.notify.open() };
        if (this.watchdog.enabled) extraEnv.WATCHDOG_USEC = String(this.watchdog.usec);
      }
      const { child, exit, spawned } = this.spawn(cmd, extraEnv);
      this.mainPid = child.pid;
      this.groupPid = child.pid;
      this.mainExit = exit;
      const spawnError = await spawned;
      if (this.type === 'exec' && (spawnError || !isExecutable(cmd.path, this.location()))) {
        // Type=exec is active only once the program was executed; systemd reports 203/EXEC.
        killGroup(child.pid, 'SIGKILL');
        this.exitCode = 203;
        return this.fail('exit-code');
      }
      if (this.type === 'forking') {
        const r = await Promise.race([exit, new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), timeout).unref())]);
        if (r === 'timeout') return this.fail('timeout');
        if (this.judge(r, false) !== 'success') return this.fail('exit-code');
        const pidFile = getValue(this.file, 'Service', 'PIDFile');
        if (pidFile) {
          const pid = Number(readFileSync(expandSpecifiers(pidFile, this.unit, this.sandbox), 'utf8').trim());
          this.mainPid = pid;
          this.mainExit = watchPid(pid);
        } else {
          this.warnings.push('Type=forking without PIDFile=: the main process cannot be known; stop() kills the process group');
          this.mainExit = new Promise(() => {});
        }
      } else if (this.type === 'notify') {
        const ready = await Promise.race([
          this.notify.waitForReady(),
          exit.then(() => 'exited' as const),
          new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), timeout).unref()),
        ]);
        if (ready === 'timeout') {
          killGroup(child.pid, 'SIGKILL');
          return this.fail('timeout');
        }
        if (ready === 'exited') return this.fail(this.judge(await exit, false) === 'success' ? 'protocol' : 'exit-code');
      }
      void this.mainExit.then((e) => this.onMainExit(e));
    }
    const post = await this.runSequence('ExecStartPost', { ...(this.mainPid ? { MAINPID: String(this.mainPid) } : {}) }, timeout);
    if (post !== true) return this.fail(post === 'timeout' ? 'timeout' : 'exit-code');
    this.startLatencyMs = Date.now() - t0;
    if (this.mainPid) this.armWatchdog();
    const remain = parseBoolean(getValue(this.file, 'Service', 'RemainAfterExit') ?? 'no') ?? false;
    this.setState(this.type === 'oneshot' && !remain ? 'inactive' : 'active');
    if (this.type === 'oneshot')
      await this.runSequence('ExecStopPost', { SERVICE_RESULT: 'success', EXIT_CODE: 'exited', EXIT_STATUS: '0' });
  }

  /** WatchdogSec=: the service must send WATCHDOG=1 within the interval, or it is aborted. */
  private armWatchdog(): void {
    if (this.stopping) return;
    this.watchdog.arm();
  }

  /** The watchdog ran out: WatchdogSignal= (default SIGABRT) to the main process. */
  private onWatchdogTimeout(): void {
    if (this.state !== 'active' || this.stopping) return;
    this.log('stderr', `Watchdog timeout (limit ${this.watchdog.usec! / 1000}ms)!`);
    this.watchdogFired = true;
    killGroup(this.mainPid, signalName(getValue(this.file, 'Service', 'WatchdogSignal') ?? 'SIGABRT'), false);
  }

  private async onMainExit(exit: ProcessExit): Promise<void> {
    if (this.stopping) return;
    this.exitCode = exit.code;
    this.exitSignal = exit.signal;
    const result: ServiceResult = this.watchdogFired ? 'watchdog' : this.judge(exit, false);
    this.watchdogFired = false;
    this.watchdog.disarm();
    this.result = result;
    this.setState(result === 'success' ? 'inactive' : 'failed');
    await this.runSequence('ExecStopPost', { SERVICE_RESULT: result, EXIT_STATUS: String(exit.code ?? exit.signal ?? '') });
    if (!restartWanted(this.file, result) || this.stopping) return;
    await new Promise((r) => setTimeout(r, timeSpanMs(getValue(this.file, 'Service', 'RestartSec'), 100)));
    if (this.stopping) return;
    this.nRestarts++;
    await this.activate();
  }

  /** Resolves when start-up finished: active, or (oneshot) done, or failed. */
  waitForReady(): Promise<void> {
    if (this.state !== 'activating') return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Resolves with the first log line (past or future) matching `re`. */
  waitForLog(re: RegExp, timeoutMs = 10_000): Promise<LogLine> {
    return this.output.waitFor(re, timeoutMs);
  }

  /** `systemctl reload`: run ExecReload= with $MAINPID; false when it failed or there is none. */
  async reload(): Promise<boolean> {
    if (this.state !== 'active') throw new Error(`cannot reload ${this.unit}: it is ${this.state}`);
    if (getAssignments(this.file, 'Service', 'ExecReload').length === 0) return false;
    return (await this.runSequence('ExecReload', this.mainPid ? { MAINPID: String(this.mainPid) } : {})) === true;
  }

  /** Stop as systemd does: ExecStop=, KillSignal= to the group, SIGKILL after TimeoutStopSec=, ExecStopPost=. */
  async stop(): Promise<void> {
    const t0 = Date.now();
    this.stopping = true;
    this.watchdog.disarm();
    const running = this.state === 'active' || this.state === 'activating';
    if (running) this.setState('deactivating');
    const pid = this.mainPid;
    const exit = this.mainExit;
    const timeout = timeSpanMs(getValue(this.file, 'Service', 'TimeoutStopSec') ?? getValue(this.file, 'Service', 'TimeoutSec'), 90_000);
    if (running && pid) {
      await this.runSequence('ExecStop', { MAINPID: String(pid) }, timeout);
      const killMode = getValue(this.file, 'Service', 'KillMode') ?? 'control-group';
      const sig = signalName(getValue(this.file, 'Service', 'KillSignal') ?? 'SIGTERM');
      if (killMode === 'control-group') killGroup(this.groupPid ?? pid, sig);
      else if (killMode !== 'none') killGroup(pid, sig, false);
      const r = exit
        ? await Promise.race([exit, new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), timeout).unref())])
        : 'timeout';
      if (r === 'timeout') {
        if (parseBoolean(getValue(this.file, 'Service', 'SendSIGKILL') ?? 'yes') !== false) {
          killGroup(this.groupPid ?? pid, 'SIGKILL');
          killGroup(pid, 'SIGKILL', false);
        }
        this.result = 'timeout';
        if (exit) await exit;
      } else {
        this.exitCode = r.code;
        this.exitSignal = r.signal;
        this.result ??= this.judge(r, true);
        if (this.result === 'success') this.result = this.judge(r, true);
      }
      // What is left of the group after the main process went (control-group, mixed) is killed.
      if (killMode === 'control-group' || killMode === 'mixed') killGroup(this.groupPid ?? pid, 'SIGKILL');
      await this.runSequence('ExecStopPost', { SERVICE_RESULT: this.result ?? 'success' });
    } else if (this.state === 'active') {
      // Type=oneshot with RemainAfterExit=yes: only the stop commands run.
      await this.runSequence('ExecStop');
      await this.runSequence('ExecStopPost', { SERVICE_RESULT: this.result ?? 'success' });
    }
    this.notify.close();
    this.setState(this.result === 'success' || this.result === undefined ? 'inactive' : 'failed');
    this.stopLatencyMs = Date.now() - t0;
    removeRuntimeDirectories(this.file, this.env);
  }

  /** Remove the sandbox (directories and credentials); a service still running is killed first. */
  cleanup(): void {
    this.stopping = true;
    this.watchdog.disarm();
    this.notify.close();
    if (this.state === 'active' || this.state === 'activating' || this.state === 'deactivating') {
      killGroup(this.groupPid ?? this.mainPid, 'SIGKILL');
      killGroup(this.mainPid, 'SIGKILL', false);
    }
    removeSandbox(this.sandbox);
  }

  /** Internal: prepare and run the first activation. */
  async begin(): Promise<void> {
    this.prepare();
    await this.activate();
  }
}

/** Start the package's service (or `opts.unit`) and resolve once start-up finished or failed. */
export async function startService(dir: string, opts: StartOptions = {}): Promise<ServiceHandle> {
  // Absolute: programs run with WorkingDirectory= (default /), not the caller's directory.
  const pkgDir = resolve(dir);
  const { package: pkg, problems } = loadPackage(pkgDir);
  if (!pkg)
    throw new Error(
      `${pkgDir} is not a usable package:\n${problems.map((p) => `  ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`).join('\n')}`,
    );
  const handle = new ServiceHandle(pkgDir, pkg, pickUnit(pkg, opts.unit), opts);
  try {
    await handle.begin();
  } catch (e) {
    handle.cleanup();
    throw e;
  }
  return handle;
}

/** Run a timer's service once (its Unit=, else the service of the same name) and wait for it to finish. */
export async function runTimer(pkgDir: string, timerUnit: string, opts: Omit<StartOptions, 'unit'> = {}): Promise<ServiceHandle> {
  const { package: pkg, problems } = loadPackage(pkgDir);
  if (!pkg) throw new Error(`${pkgDir} is not a usable package: ${problems.map((p) => p.message).join('; ')}`);
  const timer = pkg.units.find((u) => u.name === timerUnit);
  if (!timer) throw new Error(`${timerUnit} is not in the package`);
  const service = getValue(timer.file, 'Timer', 'Unit') ?? timerUnit.replace(/\.timer$/, '.service');
  const handle = await startService(pkgDir, { ...opts, unit: service });
  if (handle.state === 'active' && handle.type !== 'oneshot') await handle.stop();
  return handle;
}

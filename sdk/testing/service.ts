// startService: run a packaged service outside any container, the way systemd would run it, so a
// sidecar team's CI sees the outcome production will see. The unit file decides: Type=,
// Exec*= with their prefixes, environment, directories, credentials, timeouts, kill settings,
// success statuses and Restart=. What is not emulated is listed in `warnings`, never ignored.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { loadPackage, type ComposablePackage, type PackageUnit } from '../package.ts';
import { getAssignments, getEntries, getList, getValue } from '../unit-file/lookup.ts';
import { mergeDropIns } from '../unit-file/dropins.ts';
import { parseBoolean, parseTimeSpan } from '../unit-file/values.ts';
import { parseCommandLine } from '../unit-file/command-line.ts';
import type { UnitFile } from '../unit-file/types.ts';
import { packageExecutable } from '../unit-file/exec-search.ts';
import { MOUNT_PREFIX } from '../contract.ts';
import { expandArgv, expandSpecifiers, serviceEnvironment, type Sandbox } from './environment.ts';
import { unemulatedDirectives } from './emulated.ts';

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
export type ServiceState = 'activating' | 'active' | 'deactivating' | 'inactive' | 'failed';

export interface StartOptions {
  /** Unit to run (default: the package's enabled service, else `<name>.service`). */
  unit?: string;
  /** Extra environment, applied last (as the agent's metadata would). */
  env?: Record<string, string>;
  /** Credentials by name, made available in $CREDENTIALS_DIRECTORY. */
  credentials?: Record<string, string | Uint8Array>;
  /** Upper bound for start-up, overriding a longer or infinite TimeoutStartSec=. */
  timeoutMs?: number;
  /**
   * Show the package at its stable path /opt/composable/<name> in a private mount namespace, as
   * in a container. Default: when running as root with unshare(1) available; otherwise programs
   * run from the package directory through the generator's executable-path rewrite.
   */
  mountNamespace?: boolean;
}

export interface LogLine {
  /** Milliseconds since the handle was created. */
  time: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const CLEAN_SIGNALS = new Set(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGPIPE']);
const CORE_SIGNALS = new Set(['SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGSEGV', 'SIGSYS', 'SIGXCPU', 'SIGXFSZ']);
const DIRECTORY_KINDS = [
  ['RuntimeDirectory', 'RUNTIME_DIRECTORY', 'runtime'],
  ['StateDirectory', 'STATE_DIRECTORY', 'state'],
  ['CacheDirectory', 'CACHE_DIRECTORY', 'cache'],
  ['LogsDirectory', 'LOGS_DIRECTORY', 'logs'],
  ['ConfigurationDirectory', 'CONFIGURATION_DIRECTORY', 'config'],
] as const;

function ms(value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const usec = parseTimeSpan(value);
  return usec === undefined ? fallbackMs : usec / 1000;
}

function pickUnit(pkg: ComposablePackage, wanted?: string): PackageUnit {
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

export class ServiceHandle {
  readonly unit: string;
  readonly type: string;
  readonly logs: LogLine[] = [];
  readonly warnings: string[];
  readonly sandbox: Sandbox & { root: string; credentials: string };
  env: Record<string, string> = {};
  state: ServiceState = 'activating';
  result: ServiceResult | undefined;
  /** Exit status of the main process (or of the last command that decided the result). */
  exitCode: number | null | undefined;
  exitSignal: NodeJS.Signals | null | undefined;
  nRestarts = 0;
  startLatencyMs: number | undefined;
  stopLatencyMs: number | undefined;

  private readonly file: UnitFile;
  private readonly pkgDir: string;
  private readonly opts: StartOptions;
  private readonly created = Date.now();
  private mainPid: number | undefined;
  /** The process group of ExecStart= (the stand-in for the unit's cgroup). */
  private groupPid: number | undefined;
  private mainExit: Promise<Exit> | undefined;
  private stopping = false;
  private readyWaiters: (() => void)[] = [];
  private logWaiters: { re: RegExp; resolve: (l: LogLine) => void }[] = [];
  private startTimes: number[] = [];
  private notifyHelper: ChildProcess | undefined;
  /** Where programs see the package: /opt/composable/<name> in a namespace, else the directory. */
  readonly packagePath: string;
  readonly namespaced: boolean;
  private watchdogTimer: NodeJS.Timeout | undefined;

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
    this.type = getValue(this.file, 'Service', 'Type') ?? (getEntries(this.file, 'Service', 'BusName').length > 0 ? 'dbus' : 'simple');
    const root = mkdtempSync(join(tmpdir(), `composable-test-${pkg.manifest.name}-`));
    this.sandbox = {
      root,
      runtime: join(root, 'run'),
      state: join(root, 'var/lib'),
      cache: join(root, 'var/cache'),
      logs: join(root, 'var/log'),
      config: join(root, 'etc'),
      home: join(root, 'root'),
      credentials: join(root, 'credentials', unit.name),
    };
    this.warnings = unemulatedDirectives(this.file);
    const canNamespace = process.getuid?.() === 0 && existsSync('/usr/bin/unshare') && existsSync('/opt');
    this.namespaced = opts.mountNamespace ?? canNamespace;
    if (this.namespaced && !canNamespace) throw new Error('a private mount namespace needs root, unshare(1) and /opt');
    this.packagePath = this.namespaced ? posix.join(MOUNT_PREFIX, pkg.manifest.name) : pkgDir;
    if (!['simple', 'exec', 'oneshot', 'forking', 'notify'].includes(this.type))
      this.warnings.push(`Type=${this.type} is not emulated; it runs as Type=simple`);
  }

  get pid(): number | undefined {
    return this.mainPid;
  }

  private log(stream: 'stdout' | 'stderr', text: string): void {
    const line = { time: Date.now() - this.created, stream, text };
    this.logs.push(line);
    for (const w of [...this.logWaiters]) {
      if (w.re.test(text)) {
        this.logWaiters.splice(this.logWaiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  }

  private setState(state: ServiceState): void {
    this.state = state;
    if (state !== 'activating') for (const r of this.readyWaiters.splice(0)) r();
  }

  /** Directories, credentials and the environment, made once before the first start. */
  private prepare(): void {
    const env: Record<string, string> = {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      LANG: process.env.LANG ?? 'C.UTF-8',
      INVOCATION_ID: Math.random().toString(16).slice(2).padEnd(32, '0'),
      COMPOSABLE_PACKAGE_DIR: this.packagePath,
    };
    for (const [key, variable, kind] of DIRECTORY_KINDS) {
      const names = getList(this.file, 'Service', key);
      if (names.length === 0) continue;
      const paths = names.map((n) => join(this.sandbox[kind], expandSpecifiers(n, this.unit, this.sandbox)));
      for (const p of paths) mkdirSync(p, { recursive: true, mode: 0o755 });
      env[variable] = paths.join(':');
    }
    const creds: [string, Uint8Array | string][] = Object.entries(this.opts.credentials ?? {});
    for (const e of getEntries(this.file, 'Service', 'LoadCredential')) {
      const colon = e.value.indexOf(':');
      const id = colon < 0 ? e.value : e.value.slice(0, colon);
      const path = colon < 0 ? '' : e.value.slice(colon + 1);
      if (this.opts.credentials?.[id] !== undefined) continue;
      if (path && existsSync(path)) creds.push([id, readFileSync(path)]);
      else this.warnings.push(`LoadCredential=${e.value}: ${path || id} is not available here; pass it with the credentials option`);
    }
    if (creds.length > 0) {
      mkdirSync(this.sandbox.credentials, { recursive: true, mode: 0o700 });
      for (const [id, content] of creds) {
        writeFileSync(join(this.sandbox.credentials, id), content, { mode: 0o400 });
      }
      chmodSync(this.sandbox.credentials, 0o500);
      env.CREDENTIALS_DIRECTORY = this.sandbox.credentials;
    }
    this.env = { ...serviceEnvironment(this.file, this.unit, this.sandbox, env), ...(this.opts.env ?? {}) };
  }

  private cwd(): string {
    const wd = getValue(this.file, 'Service', 'WorkingDirectory');
    if (!wd) return '/';
    const optional = wd.startsWith('-');
    const raw = expandSpecifiers(optional ? wd.slice(1) : wd, this.unit, this.sandbox);
    const dir = raw === '~' ? this.sandbox.home : raw;
    if (!existsSync(dir)) {
      if (optional) return '/';
      throw new Error(`WorkingDirectory=${dir} does not exist (systemd fails with 200/CHDIR)`);
    }
    return dir;
  }

  /** The commands of an Exec*= directive, with package paths and variables resolved. */
  private commands(key: string): { argv: string[]; path: string; argv0?: string; ignoreFailure: boolean; line: string }[] {
    const out = [];
    const hasFile = (rel: string): boolean => statSync(join(this.pkgDir, rel), { throwIfNoEntry: false })?.isFile() ?? false;
    for (const e of getAssignments(this.file, 'Service', key)) {
      const parsed = parseCommandLine(expandSpecifiers(e.value, this.unit, this.sandbox));
      if (!parsed.ok) throw new Error(`${key}=${e.value}: ${parsed.message}`);
      for (const c of parsed.commands) {
        if (c.prefixes.fullPrivileges || c.prefixes.noUserChange || c.prefixes.ambientFallback) {
          this.warnings.push(`${key}= prefix "${c.rawPrefix}" (privileged execution) is not emulated; it runs as the test's user`);
        }
        if (c.prefixes.argv0Override && this.namespaced)
          this.warnings.push(
            `${key}= prefix "@" (argv[0]) is not applied inside the mount namespace; pass mountNamespace: false to test it`,
          );
        const rel = packageExecutable(c.path, hasFile);
        const path = rel !== undefined ? posix.join(this.packagePath, rel) : c.path;
        const args = c.prefixes.noEnvExpand ? c.argv.slice(1) : expandArgv(c.argv.slice(1), this.env);
        out.push({
          path,
          argv: args,
          argv0: c.prefixes.argv0Override ? c.argv[0] : undefined,
          ignoreFailure: c.prefixes.ignoreFailure,
          line: e.value,
        });
      }
    }
    return out;
  }

  private spawnCommand(
    cmd: { path: string; argv: string[]; argv0?: string },
    extraEnv: Record<string, string> = {},
  ): { child: ChildProcess; exit: Promise<Exit>; spawned: Promise<Error | undefined> } {
    // In a private mount namespace: a tmpfs over /opt (the host's /opt is untouched), the package
    // bound read-only at its stable path, then exec the program in the same process.
    const [file, args] = this.namespaced
      ? [
          '/usr/bin/unshare',
          [
            '--mount',
            '--propagation',
            'private',
            '/bin/sh',
            '-c',
            'mount -t tmpfs -o mode=0755 composable-test /opt && mkdir -p "$1" && mount --bind "$2" "$1" ' +
              '&& mount -o remount,bind,ro,nosuid,nodev "$1" && shift 2 && unset PWD OLDPWD && exec "$@"',
            'sh',
            this.packagePath,
            this.pkgDir,
            cmd.path,
            ...cmd.argv,
          ],
        ]
      : [cmd.path, cmd.argv];
    const child = spawn(file, args as string[], {
      argv0: this.namespaced ? undefined : cmd.argv0,
      cwd: this.cwd(),
      env: { ...this.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: the "control group" KillMode= acts on
    });
    const spawned = new Promise<Error | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (e) => resolve(e));
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[stream]! }).on('line', (l) => this.log(stream, l));
    }
    const exit = new Promise<Exit>((resolve) => {
      // On 'exit', then give the output pipes a moment to drain ('close'); not longer, because
      // a daemon's children may keep them open after it exited.
      child.once('exit', (code, signal) => {
        const done = (): void => resolve({ code, signal });
        const t = setTimeout(done, 250);
        child.once('close', () => {
          clearTimeout(t);
          done();
        });
      });
      child.once('error', (e) => {
        // 203/EXEC, with the message systemd logs.
        this.log('stderr', `Failed to execute ${cmd.path}: ${e.message}`);
        resolve({ code: 203, signal: null });
      });
    });
    return { child, exit, spawned };
  }

  private successStatuses(): { codes: Set<number>; signals: Set<string> } {
    const codes = new Set([0]);
    const signals = new Set<string>();
    for (const w of getList(this.file, 'Service', 'SuccessExitStatus')) {
      if (/^\d+$/.test(w)) codes.add(Number(w));
      else signals.add(w.startsWith('SIG') ? w : `SIG${w}`);
    }
    return { codes, signals };
  }

  private judge(exit: Exit, stopping: boolean): ServiceResult {
    const ok = this.successStatuses();
    if (exit.signal) {
      if (ok.signals.has(exit.signal) || (stopping && CLEAN_SIGNALS.has(exit.signal))) return 'success';
      return CORE_SIGNALS.has(exit.signal) ? 'core-dump' : 'signal';
    }
    return exit.code !== null && ok.codes.has(exit.code) ? 'success' : 'exit-code';
  }

  /** Run an Exec*= directive's commands one after another; false when one failed (not `-`). */
  private async runSequence(key: string, extraEnv: Record<string, string> = {}, timeoutMs = Infinity): Promise<boolean | 'timeout'> {
    for (const cmd of this.commands(key)) {
      const { child, exit } = this.spawnCommand(cmd, extraEnv);
      const r = await Promise.race([
        exit,
        new Promise<'timeout'>((res) => (timeoutMs < Infinity ? setTimeout(() => res('timeout'), timeoutMs).unref() : undefined)),
      ]);
      if (r === 'timeout') {
        this.killGroup(child.pid, 'SIGKILL');
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

  private killGroup(pid: number | undefined, signal: NodeJS.Signals, groupWide = true): void {
    if (!pid) return;
    try {
      process.kill(groupWide ? -pid : pid, signal);
    } catch {
      /* already gone */
    }
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
    const interval = ms(getValue(this.file, 'Unit', 'StartLimitIntervalSec'), 10_000);
    const burst = Number(getValue(this.file, 'Unit', 'StartLimitBurst') ?? 5);
    if (this.startTimes.filter((t) => t > t0 - interval).length > burst) {
      this.fail('start-limit-hit');
      return;
    }
    let timeout = ms(
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
        extraEnv = { NOTIFY_SOCKET: await this.startNotifySocket() };
        const wd = parseTimeSpan(getValue(this.file, 'Service', 'WatchdogSec') ?? '0');
        if (wd && wd !== Infinity) extraEnv.WATCHDOG_USEC = String(wd);
      }
      const { child, exit, spawned } = this.spawnCommand(cmd, extraEnv);
      this.mainPid = child.pid;
      this.groupPid = child.pid;
      this.mainExit = exit;
      const spawnError = await spawned;
      if (this.type === 'exec' && (spawnError || !this.executable(cmd.path))) {
        // Type=exec is active only once the program was executed; systemd reports 203/EXEC.
        this.killGroup(child.pid, 'SIGKILL');
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
          this.mainExit = this.watchPid(pid);
        } else {
          this.warnings.push('Type=forking without PIDFile=: the main process cannot be known; stop() kills the process group');
          this.mainExit = new Promise(() => {});
        }
      } else if (this.type === 'notify') {
        const ready = await Promise.race([
          this.waitForNotify(),
          exit.then(() => 'exited' as const),
          new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), timeout).unref()),
        ]);
        if (ready === 'timeout') {
          this.killGroup(child.pid, 'SIGKILL');
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

  /** Whether the program exists and is executable (seen from the host, also in namespace mode). */
  private executable(path: string): boolean {
    const host = path.startsWith(`${this.packagePath}/`) ? join(this.pkgDir, path.slice(this.packagePath.length)) : path;
    try {
      accessSync(host, constants.X_OK);
      return statSync(host).isFile();
    } catch {
      return !path.includes('/'); // a bare name is looked up in PATH by the program loader
    }
  }

  private watchPid(pid: number): Promise<Exit> {
    return new Promise((resolve) => {
      const t = setInterval(() => {
        try {
          process.kill(pid, 0);
        } catch {
          clearInterval(t);
          resolve({ code: 0, signal: null }); // the status of a non-child is not known
        }
      }, 100);
    });
  }

  private notifyMessages: string[] = [];
  private notifyWaiters: (() => void)[] = [];
  /** Status text the service last sent with STATUS=. */
  statusText: string | undefined;

  /** A unix datagram socket for sd_notify(3). node has none built in; python3's is used. */
  private async startNotifySocket(): Promise<string> {
    const path = join(this.sandbox.root, 'notify');
    const script =
      'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\n' +
      'print("bound",flush=True)\nwhile True:\n  d=s.recv(65536).decode("utf-8","replace")\n  print(d.replace("\\n","\\t"),flush=True)\n';
    const helper = spawn('python3', ['-c', script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.notifyHelper = helper;
    await new Promise<void>((resolve, reject) => {
      helper.once('error', () =>
        reject(new Error('Type=notify needs python3 for the notification socket in composable test; install python3')),
      );
      const rl = createInterface({ input: helper.stdout! });
      rl.once('line', () => {
        rl.on('line', (l) => this.onNotify(l.split('\t')));
        resolve();
      });
    });
    return path;
  }

  /** WatchdogSec=: the service must send WATCHDOG=1 within the interval, or it is aborted. */
  private armWatchdog(): void {
    const usec = parseTimeSpan(getValue(this.file, 'Service', 'WatchdogSec') ?? '0');
    if (!usec || usec === Infinity || this.stopping) return;
    clearTimeout(this.watchdogTimer);
    this.watchdogTimer = setTimeout(() => {
      if (this.state !== 'active' || this.stopping) return;
      this.log('stderr', `Watchdog timeout (limit ${usec / 1000}ms)!`);
      this.watchdogFired = true;
      const signal = (getValue(this.file, 'Service', 'WatchdogSignal') ?? 'SIGABRT') as NodeJS.Signals;
      this.killGroup(this.mainPid, (signal.startsWith('SIG') ? signal : `SIG${signal}`) as NodeJS.Signals, false);
    }, usec / 1000);
    this.watchdogTimer.unref();
  }

  private watchdogFired = false;

  private onNotify(fields: string[]): void {
    for (const f of fields) {
      if (f === 'WATCHDOG=1') this.armWatchdog();
      if (f === 'READY=1') {
        this.notifyMessages.push(f);
        for (const w of this.notifyWaiters.splice(0)) w();
      } else if (f.startsWith('STATUS=')) this.statusText = f.slice(7);
      else if (f.startsWith('MAINPID=')) this.mainPid = Number(f.slice(8));
    }
  }

  private waitForNotify(): Promise<'ready'> {
    if (this.notifyMessages.includes('READY=1')) return Promise.resolve('ready');
    return new Promise((resolve) => this.notifyWaiters.push(() => resolve('ready')));
  }

  private async onMainExit(exit: Exit): Promise<void> {
    if (this.stopping) return;
    this.exitCode = exit.code;
    this.exitSignal = exit.signal;
    const result: ServiceResult = this.watchdogFired ? 'watchdog' : this.judge(exit, false);
    this.watchdogFired = false;
    clearTimeout(this.watchdogTimer);
    this.result = result;
    this.setState(result === 'success' ? 'inactive' : 'failed');
    await this.runSequence('ExecStopPost', { SERVICE_RESULT: result, EXIT_STATUS: String(exit.code ?? exit.signal ?? '') });
    const policy = getValue(this.file, 'Service', 'Restart') ?? 'no';
    const clean = result === 'success';
    const restart =
      policy === 'always' ||
      (policy === 'on-success' && clean) ||
      (policy === 'on-failure' && !clean) ||
      (policy === 'on-abnormal' && (result === 'signal' || result === 'core-dump' || result === 'timeout' || result === 'watchdog')) ||
      (policy === 'on-watchdog' && result === 'watchdog') ||
      (policy === 'on-abort' && (result === 'signal' || result === 'core-dump'));
    if (!restart || this.stopping) return;
    await new Promise((r) => setTimeout(r, ms(getValue(this.file, 'Service', 'RestartSec'), 100)));
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
    const seen = this.logs.find((l) => re.test(l.text));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = { re, resolve };
      this.logWaiters.push(w);
      setTimeout(() => {
        const i = this.logWaiters.indexOf(w);
        if (i >= 0) {
          this.logWaiters.splice(i, 1);
          reject(
            new Error(
              `no log line matching ${re} within ${timeoutMs} ms; last lines:\n${this.logs
                .slice(-10)
                .map((l) => l.text)
                .join('\n')}`,
            ),
          );
        }
      }, timeoutMs).unref();
    });
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
    clearTimeout(this.watchdogTimer);
    const running = this.state === 'active' || this.state === 'activating';
    if (running) this.setState('deactivating');
    const pid = this.mainPid;
    const exit = this.mainExit;
    const timeout = ms(getValue(this.file, 'Service', 'TimeoutStopSec') ?? getValue(this.file, 'Service', 'TimeoutSec'), 90_000);
    if (running && pid) {
      await this.runSequence('ExecStop', { MAINPID: String(pid) }, timeout);
      const killMode = getValue(this.file, 'Service', 'KillMode') ?? 'control-group';
      const signal = (getValue(this.file, 'Service', 'KillSignal') ?? 'SIGTERM') as NodeJS.Signals;
      const sig = (signal.startsWith('SIG') ? signal : `SIG${signal}`) as NodeJS.Signals;
      if (killMode === 'control-group') this.killGroup(this.groupPid ?? pid, sig);
      else if (killMode !== 'none') this.killGroup(pid, sig, false);
      const r = exit
        ? await Promise.race([exit, new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), timeout).unref())])
        : 'timeout';
      if (r === 'timeout') {
        if (parseBoolean(getValue(this.file, 'Service', 'SendSIGKILL') ?? 'yes') !== false) {
          this.killGroup(this.groupPid ?? pid, 'SIGKILL');
          this.killGroup(pid, 'SIGKILL', false);
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
      if (killMode === 'control-group' || killMode === 'mixed') this.killGroup(this.groupPid ?? pid, 'SIGKILL');
      await this.runSequence('ExecStopPost', { SERVICE_RESULT: this.result ?? 'success' });
    } else if (this.state === 'active') {
      // Type=oneshot with RemainAfterExit=yes: only the stop commands run.
      await this.runSequence('ExecStop');
      await this.runSequence('ExecStopPost', { SERVICE_RESULT: this.result ?? 'success' });
    }
    this.notifyHelper?.kill('SIGKILL');
    this.setState(this.result === 'success' || this.result === undefined ? 'inactive' : 'failed');
    this.stopLatencyMs = Date.now() - t0;
    if (!(parseBoolean(getValue(this.file, 'Service', 'RuntimeDirectoryPreserve') ?? 'no') ?? false) && this.env.RUNTIME_DIRECTORY) {
      for (const d of this.env.RUNTIME_DIRECTORY.split(':')) rmSync(d, { recursive: true, force: true });
    }
  }

  /** Remove the sandbox (directories and credentials); a service still running is killed first. */
  cleanup(): void {
    this.stopping = true;
    clearTimeout(this.watchdogTimer);
    this.notifyHelper?.kill('SIGKILL');
    if (this.state === 'active' || this.state === 'activating' || this.state === 'deactivating') {
      this.killGroup(this.groupPid ?? this.mainPid, 'SIGKILL');
      this.killGroup(this.mainPid, 'SIGKILL', false);
    }
    try {
      chmodSync(this.sandbox.credentials, 0o700);
    } catch {
      /* none */
    }
    rmSync(this.sandbox.root, { recursive: true, force: true });
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
  await handle.begin();
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

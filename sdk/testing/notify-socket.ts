// The sd_notify(3) side of a service: the $NOTIFY_SOCKET it sends READY=1, STATUS=, MAINPID= and
// WATCHDOG=1 to, and the WatchdogSec= timer those keep-alives reset. Separate because it is its
// own channel with its own helper process (node has no unix datagram sockets; python3 binds
// one); what a message means for the unit's state is the ServiceHandle's, passed in as handlers.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** What the service told us, besides READY=1 (which `waitForReady` reports). */
export interface NotifyHandlers {
  /** WATCHDOG=1: the service is alive. */
  watchdog(): void;
  /** STATUS=: free-form status text. */
  status(text: string): void;
  /** MAINPID=: the service's main process is now this one. */
  mainPid(pid: number): void;
}

/** The notification socket at `path`; opened per activation, READY=1 remembered for the handle's life. */
export class NotifySocket {
  private readonly path: string;
  private readonly handlers: NotifyHandlers;
  private helper: ChildProcess | undefined;
  private readonly messages: string[] = [];
  private readonly readyWaiters: (() => void)[] = [];

  constructor(path: string, handlers: NotifyHandlers) {
    this.path = path;
    this.handlers = handlers;
  }

  /** Bind the socket (a python3 helper prints each datagram as a line); resolves with its path. */
  async open(): Promise<string> {
    const script =
      // Mode 0666: a service running as its User= must be able to send to it, as to systemd's.
      'import os,socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nos.chmod(sys.argv[1],0o666)\n' +
      'print("bound",flush=True)\nwhile True:\n  d=s.recv(65536).decode("utf-8","replace")\n  print(d.replace("\\n","\\t"),flush=True)\n';
    const helper = spawn('python3', ['-c', script, this.path], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.helper = helper;
    await new Promise<void>((resolve, reject) => {
      helper.once('error', () =>
        reject(new Error('Type=notify needs python3 for the notification socket in composable test; install python3')),
      );
      const rl = createInterface({ input: helper.stdout! });
      rl.once('line', () => {
        rl.on('line', (l) => this.receive(l.split('\t')));
        resolve();
      });
    });
    return this.path;
  }

  /** Resolves once the service sent READY=1 (at once if it already did). */
  waitForReady(): Promise<'ready'> {
    if (this.messages.includes('READY=1')) return Promise.resolve('ready');
    return new Promise((resolve) => this.readyWaiters.push(() => resolve('ready')));
  }

  /** End the helper of the last `open`. */
  close(): void {
    this.helper?.kill('SIGKILL');
  }

  private receive(fields: string[]): void {
    for (const f of fields) {
      if (f === 'WATCHDOG=1') this.handlers.watchdog();
      if (f === 'READY=1') {
        this.messages.push(f);
        for (const w of this.readyWaiters.splice(0)) w();
      } else if (f.startsWith('STATUS=')) this.handlers.status(f.slice(7));
      else if (f.startsWith('MAINPID=')) this.handlers.mainPid(Number(f.slice(8)));
    }
  }
}

/** WatchdogSec=: a timer the service must reset (WATCHDOG=1) within `usec`, else `expire` runs. */
export class Watchdog {
  /** The interval in microseconds; undefined, 0 or Infinity when there is no watchdog. */
  readonly usec: number | undefined;
  private readonly expire: () => void;
  private timer: NodeJS.Timeout | undefined;

  constructor(usec: number | undefined, expire: () => void) {
    this.usec = usec;
    this.expire = expire;
  }

  /** Whether WatchdogSec= asks for a watchdog at all. */
  get enabled(): boolean {
    return !!this.usec && this.usec !== Infinity;
  }

  /** Start the interval again from now (no-op without a watchdog). */
  arm(): void {
    if (!this.enabled) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(this.expire, this.usec! / 1000);
    this.timer.unref();
  }

  disarm(): void {
    clearTimeout(this.timer);
  }
}

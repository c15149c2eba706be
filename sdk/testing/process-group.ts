// Starting a service's programs and signalling them, as systemd does with a unit's processes:
// each command in its own process group (the stand-in for the unit's cgroup, which KillMode= acts
// on), optionally inside a private mount namespace that shows the package at its stable path and
// applies the unit's file-system sandbox, as the unit's user;
// exit statuses collected, a non-child main process (Type=forking's PIDFile=) watched by polling.
// Separate because this is the only part that touches child_process and signals; it knows
// nothing about the unit's state, only how to run one command line and end a group.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ExecCommand, PackageLocation, ProcessExit } from './service-unit.ts';
import { namespaceCommand, type NamespacePlan } from './sandbox-tool.ts';

/** How and where one command runs. */
export interface SpawnSettings extends PackageLocation {
  /** The working directory (WorkingDirectory=). */
  cwd: string;
  /** The whole environment of the process. */
  env: Record<string, string>;
  /** Receives each line the process writes, and systemd's message when it cannot be executed. */
  log: (stream: 'stdout' | 'stderr', text: string) => void;
  /** The private mount namespace to run in (and the user it takes there); `cwd` is entered inside. */
  namespace?: Omit<NamespacePlan, 'cwd'>;
  /** Without a namespace: the user and group node sets for the child (the test runs as root). */
  identity?: { uid: number; gid: number };
}

/** A started command: the child, when it ended, and whether it could be started at all. */
export interface SpawnedCommand {
  child: ChildProcess;
  exit: Promise<ProcessExit>;
  /** Resolves once the child runs (undefined) or could not be spawned (the error). */
  spawned: Promise<Error | undefined>;
}

/** Start one command detached (its own process group), its output lines to `settings.log`. */
export function spawnCommand(cmd: Pick<ExecCommand, 'path' | 'argv' | 'argv0'>, settings: SpawnSettings): SpawnedCommand {
  // In a private mount namespace (sandbox-tool.ts): the shell builds the view, enters the working
  // directory, takes the user and execs the program in the same process, so its PID is the child's.
  const [file, args] = settings.namespace ? namespaceCommand({ ...settings.namespace, cwd: settings.cwd }, cmd) : [cmd.path, cmd.argv];
  const child = spawn(file, args, {
    argv0: settings.namespace ? undefined : cmd.argv0,
    // The working directory may exist only inside the namespace; the script changes to it there.
    cwd: settings.namespace ? '/' : settings.cwd,
    env: settings.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: the "control group" KillMode= acts on
    ...(settings.identity ?? {}),
  });
  const spawned = new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (e) => resolve(e));
  });
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream]! }).on('line', (l) => settings.log(stream, l));
  }
  const exit = new Promise<ProcessExit>((resolve) => {
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
      settings.log('stderr', `Failed to execute ${cmd.path}: ${e.message}`);
      resolve({ code: 203, signal: null });
    });
  });
  return { child, exit, spawned };
}

/** Signal the process group led by `pid` (or, not `groupWide`, the process alone); gone is fine. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals, groupWide = true): void {
  if (!pid) return;
  try {
    process.kill(groupWide ? -pid : pid, signal);
  } catch {
    /* already gone */
  }
}

/** Resolves when a process that is not our child has gone (polled; its status is not known). */
export function watchPid(pid: number): Promise<ProcessExit> {
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

/** Whether the program exists and is executable (seen from the host, also in namespace mode). */
export function isExecutable(path: string, where: Pick<PackageLocation, 'pkgDir' | 'packagePath'>): boolean {
  const host = path.startsWith(`${where.packagePath}/`) ? join(where.pkgDir, path.slice(where.packagePath.length)) : path;
  try {
    accessSync(host, constants.X_OK);
    return statSync(host).isFile();
  } catch {
    return !path.includes('/'); // a bare name is looked up in PATH by the program loader
  }
}

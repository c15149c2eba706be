// The hook's log. podman 4.3 throws a hook's stderr away and a hook has no journal stream of its
// own, so every line goes to syslog (/dev/log, through logger(1): node has no datagram unix
// sockets) or, without a syslog socket, to the kernel log (/dev/kmsg), where the journal reads it
// with the identifier composable-oci-hook. Lines also go to stderr (CRI-O and runc show it when a
// hook fails) and, when configured, to a file. Never log secrets: no environment values, no
// credential content.
import { existsSync, openSync, writeSync, closeSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';

export type Priority = 'err' | 'warning' | 'notice' | 'info';
const LEVEL: Record<Priority, number> = { err: 3, warning: 4, notice: 5, info: 6 };
const FACILITY_DAEMON = 3 * 8;
export const LOG_IDENT = 'composable-oci-hook';

export interface HookLog {
  log(priority: Priority, message: string): void;
  lines(): { priority: Priority; message: string }[];
  /** Also append the lines to this file (the config's logFile, once it is known). */
  logFile?: string;
  /** Send everything logged to syslog or the kernel log (and the log file); called once at exit. */
  flush(systemLog?: boolean): void;
}

/** Messages carry names from annotations: keep each on one line and of bounded length. */
export function oneLine(message: string): string {
  const flat = message.replace(/[\0-\x1f\x7f]+/g, ' ');
  return flat.length > 2000 ? `${flat.slice(0, 2000)}...` : flat;
}

export function createHookLog(stage: string, toStderr = true): HookLog {
  const lines: { priority: Priority; message: string }[] = [];
  const hookLog: HookLog = {
    log(priority, message) {
      const m = oneLine(`${stage}: ${message}`);
      lines.push({ priority, message: m });
      if (toStderr) process.stderr.write(`${LOG_IDENT}: ${m}\n`);
    },
    lines: () => lines,
    flush(systemLog = true) {
      if (lines.length === 0) return;
      const logFile = hookLog.logFile;
      if (logFile) {
        let lf: number | undefined;
        try {
          // Never through a link: root appending to a name someone else planted would write anywhere.
          lf = openSync(
            logFile,
            constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK,
            0o600,
          );
          writeSync(
            lf,
            lines.map((l) => `${new Date().toISOString()} ${LOG_IDENT}[${process.pid}] ${l.priority}: ${l.message}\n`).join(''),
          );
        } catch {
          // The system log below still gets the lines.
        } finally {
          if (lf !== undefined) closeSync(lf);
        }
      }
      if (!systemLog) return;
      if (existsSync('/dev/log') && existsSync('/usr/bin/logger')) {
        const input = lines.map((l) => `<${FACILITY_DAEMON + LEVEL[l.priority]}>${l.message}\n`).join('');
        const r = spawnSync('/usr/bin/logger', [`--id=${process.pid}`, '-t', LOG_IDENT, '--prio-prefix'], {
          input,
          timeout: 2000,
          stdio: ['pipe', 'ignore', 'ignore'],
        });
        if (r.status === 0) return;
      }
      let fd: number | undefined;
      try {
        fd = openSync('/dev/kmsg', constants.O_WRONLY | constants.O_NOCTTY);
        for (const l of lines) writeSync(fd, `<${FACILITY_DAEMON + LEVEL[l.priority]}>${LOG_IDENT}[${process.pid}]: ${l.message}\n`);
      } catch {
        // Nowhere left to log: stderr got the lines.
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    },
  };
  return hookLog;
}

// Generator logging per systemd.generator(7): generators cannot use the journal (it may not run
// yet), so messages go to /dev/kmsg with a syslog priority prefix, which the journal picks up
// later. Outside systemd (tests, `composable generate`) they go to stderr.
import { openSync, writeSync } from 'node:fs';

export type Priority = 'err' | 'warning' | 'notice' | 'info' | 'debug';
const LEVEL: Record<Priority, number> = { err: 3, warning: 4, notice: 5, info: 6, debug: 7 };

export interface Logger {
  log(priority: Priority, message: string): void;
}

export function createLogger(ident = 'composable-generator'): Logger {
  let kmsg: number | undefined;
  // systemd sets SYSTEMD_SCOPE for the generators it runs (systemd >= 251); run by hand, we log to stderr.
  if (process.env.SYSTEMD_SCOPE && !process.env.COMPOSABLE_ROOT) {
    try {
      kmsg = openSync('/dev/kmsg', 'w');
    } catch {
      kmsg = undefined;
    }
  }
  const debug = /^(debug|7)$/.test(process.env.SYSTEMD_LOG_LEVEL ?? '') || process.env.COMPOSABLE_DEBUG === '1';
  return {
    log(priority, message) {
      if (priority === 'debug' && !debug && kmsg === undefined) return;
      const line = `${ident}[${process.pid}]: ${message}\n`;
      if (kmsg !== undefined) {
        try {
          writeSync(kmsg, `<${LEVEL[priority]}>${line}`);
          return;
        } catch {
          /* fall through to stderr */
        }
      }
      process.stderr.write(line);
    },
  };
}

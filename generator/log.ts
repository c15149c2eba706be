// Generator logging per systemd.generator(7): generators run before the journal and with stdout
// and stderr on /dev/null, so messages go to /dev/kmsg with a syslog priority prefix (the journal
// picks them up later), or, where a container has no /dev/kmsg, to /dev/console as systemd's own
// generators do. Run by hand (tests, `composable generate`) they go to stderr.
import { constants, openSync, writeSync } from 'node:fs';

export type Priority = 'err' | 'warning' | 'notice' | 'info' | 'debug';
const LEVEL: Record<Priority, number> = { err: 3, warning: 4, notice: 5, info: 6, debug: 7 };

export interface Logger {
  log(priority: Priority, message: string): void;
}

function openDevice(path: string): number | undefined {
  try {
    // Never O_CREAT: where the device is missing a plain file must not appear in its place.
    // (libuv opens every file close-on-exec.)
    return openSync(path, constants.O_WRONLY | constants.O_NOCTTY);
  } catch {
    return undefined;
  }
}

export function createLogger(ident = 'composable-generator'): Logger {
  // systemd sets SYSTEMD_SCOPE for the generators it runs (systemd >= 251).
  const underSystemd = Boolean(process.env.SYSTEMD_SCOPE) && !process.env.COMPOSABLE_ROOT;
  const kmsg = underSystemd ? openDevice('/dev/kmsg') : undefined;
  const consoleFd = underSystemd && kmsg === undefined ? openDevice('/dev/console') : undefined;
  const debug = /^(debug|7)$/.test(process.env.SYSTEMD_LOG_LEVEL ?? '') || process.env.COMPOSABLE_DEBUG === '1';
  return {
    log(priority, message) {
      // Debug lines only when asked for (SYSTEMD_LOG_LEVEL=debug): one per service at every boot
      // would flood the kernel log.
      if (priority === 'debug' && !debug) return;
      const line = `${ident}[${process.pid}]: ${message}\n`;
      if (kmsg !== undefined) {
        try {
          writeSync(kmsg, `<${LEVEL[priority]}>${line}`);
          return;
        } catch {
          /* fall through */
        }
      }
      try {
        writeSync(consoleFd ?? 2, line);
      } catch {
        /* nowhere left to log; the status file still records everything */
      }
    },
  };
}

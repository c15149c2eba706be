// The one place composable talks to systemd: every systemctl and journalctl call goes through
// execa with a timeout, so a hung manager cannot hang the CLI.
import { execa } from 'execa';

export const SYSTEMCTL_TIMEOUT_MS = 90_000;

export interface CommandResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function systemctl(args: string[], timeoutMs = SYSTEMCTL_TIMEOUT_MS): Promise<CommandResult> {
  const r = await execa('systemctl', args, { reject: false, timeout: timeoutMs, env: { SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0' } });
  if (r.timedOut) throw new Error(`systemctl ${args.join(' ')} did not finish within ${timeoutMs / 1000} s`);
  return { command: `systemctl ${args.join(' ')}`, exitCode: r.exitCode ?? 1, stdout: r.stdout, stderr: r.stderr };
}

export async function journalTail(unit: string, lines = 20): Promise<string> {
  const r = await execa('journalctl', ['-u', unit, '-n', String(lines), '--no-pager', '-o', 'short-monotonic'], {
    reject: false,
    timeout: 30_000,
    env: { SYSTEMD_PAGER: '' },
  });
  return r.stdout;
}

export interface UnitState {
  id: string;
  activeState: string;
  subState: string;
  result: string;
  loadState: string;
  mainPid: string;
}

/** `systemctl show` for many units in one call. */
export async function showUnits(units: readonly string[]): Promise<Map<string, UnitState>> {
  const out = new Map<string, UnitState>();
  if (units.length === 0) return out;
  const r = await systemctl(['show', '-p', 'Id,ActiveState,SubState,Result,LoadState,MainPID', '--', ...units]);
  for (const block of r.stdout.split(/\n\n+/)) {
    const kv: Record<string, string> = {};
    for (const line of block.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) kv[line.slice(0, eq)] = line.slice(eq + 1);
    }
    if (kv.Id)
      out.set(kv.Id, {
        id: kv.Id,
        activeState: kv.ActiveState ?? '',
        subState: kv.SubState ?? '',
        result: kv.Result ?? '',
        loadState: kv.LoadState ?? '',
        mainPid: kv.MainPID ?? '',
      });
  }
  return out;
}

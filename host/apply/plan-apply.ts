// planApply: what `composable apply` does to go from the generated set systemd runs now to the
// one the changed metadata gives. Pure, so every case is a unit test.
import { TARGETS } from '../../sdk/contract.ts';
import type { GeneratedSet } from './generated-set.ts';

export interface ApplyPlan {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: string[];
  /** Units to stop before the reload, while systemd still knows their order (reverse start order). */
  stop: string[];
  /** Changed units to restart if they run (systemctl try-restart; a changed mount restarts its users). */
  restart: string[];
  /** Added units to start, in one transaction so systemd orders them by their dependencies. */
  start: string[];
}

const TARGET_RANK: Record<string, number> = { [TARGETS.early]: 0, [TARGETS.default]: 1, [TARGETS.late]: 2 };
const BASE_UNITS = new Set<string>([TARGETS.early, TARGETS.default, TARGETS.late]);

function sorted(xs: Iterable<string>): string[] {
  return [...xs].sort();
}

export function planApply(before: GeneratedSet, after: GeneratedSet): ApplyPlan {
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  const unchanged: string[] = [];
  for (const [name, unit] of after.units) {
    const prev = before.units.get(name);
    if (!prev) added.push(name);
    else if (prev.fingerprint !== unit.fingerprint) changed.push(name);
    else unchanged.push(name);
  }
  for (const name of before.units.keys()) if (!after.units.has(name)) removed.push(name);

  // Enablement counts as a change too: a unit newly linked into a target must be started, one
  // unlinked must be stopped, even when its file stayed the same.
  const enabledAdded = [...after.enabledIn.keys()].filter((u) => !before.enabledIn.has(u));
  const enabledRemoved = [...before.enabledIn.keys()].filter((u) => !after.enabledIn.has(u));

  // Stop late before default before early, services before mounts (mounts are last to go).
  const stopRank = (u: string): number => (u.endsWith('.mount') ? 3 : 2 - (TARGET_RANK[before.enabledIn.get(u) ?? ''] ?? 1));
  const stop = [...new Set([...removed, ...enabledRemoved])]
    .filter((u) => !BASE_UNITS.has(u))
    .sort((a, b) => stopRank(a) - stopRank(b) || (a < b ? -1 : 1));

  const restart = sorted(changed.filter((u) => !BASE_UNITS.has(u)));
  // Starting a unit that already runs is a no-op, so every newly enabled unit is started.
  const start = sorted(new Set(enabledAdded));
  return { added: sorted(added), removed: sorted(removed), changed: sorted(changed), unchanged: sorted(unchanged), stop, restart, start };
}

// composable apply, step by step: compute the new generated set offline with the generator's own
// code, stop what goes away while systemd still knows its order, reload (the generator runs
// again), then restart what changed and start what is new. Unchanged units are never touched.
import { planGeneration } from '../../generator/plan/plan-generation.ts';
import { readGeneratorInput } from '../../generator/input/read-input.ts';
import { planApply, type ApplyPlan } from './plan-apply.ts';
import { readGeneratedSet, setFromFiles } from './generated-set.ts';
import { journalTail, showUnits, systemctl, type CommandResult, type UnitState } from './systemctl.ts';

export interface ApplyOptions {
  /** Container root for metadata and store (COMPOSABLE_ROOT, default /). */
  root: string;
  /** Where systemd's generators write (default /run/systemd/generator below root). */
  generatorDir: string;
  dryRun: boolean;
  /** How long started units get before their state is judged (a crash right after start). */
  settleMs?: number;
}

export interface FailedUnit {
  unit: string;
  state: string;
  journal: string;
}

export interface ApplyOutcome {
  plan: ApplyPlan;
  commands: CommandResult[];
  states: UnitState[];
  failed: FailedUnit[];
  ok: boolean;
}

function judge(state: UnitState | undefined): string | undefined {
  if (!state) return 'unknown to systemd';
  if (state.activeState === 'failed') return `failed (${state.result})`;
  if (state.activeState === 'inactive' && state.result !== 'success') return `inactive (${state.result})`;
  if (state.loadState !== 'loaded') return `load state ${state.loadState}`;
  return undefined;
}

export async function runApply(opts: ApplyOptions): Promise<ApplyOutcome> {
  const before = readGeneratedSet(opts.generatorDir);
  const planned = planApply(before, setFromFiles(planGeneration(readGeneratorInput(opts.root)).files));
  if (opts.dryRun) return { plan: planned, commands: [], states: [], failed: [], ok: true };

  const commands: CommandResult[] = [];
  const run = async (args: string[]): Promise<CommandResult> => {
    const r = await systemctl(args);
    commands.push(r);
    return r;
  };
  if (planned.stop.length > 0) await run(['stop', '--', ...planned.stop]);
  const reload = await run(['daemon-reload']);
  if (reload.exitCode !== 0) throw new Error(`systemctl daemon-reload failed: ${reload.stderr.trim()}`);

  // What the generator really wrote now decides the rest (it should equal the offline plan).
  const plan = planApply(before, readGeneratedSet(opts.generatorDir));
  const lateStops = plan.stop.filter((u) => !planned.stop.includes(u));
  if (lateStops.length > 0) await run(['stop', '--', ...lateStops]);
  if (plan.restart.length > 0) await run(['try-restart', '--', ...plan.restart]);
  if (plan.start.length > 0) await run(['start', '--', ...plan.start]);

  const touched = [...new Set([...plan.restart, ...plan.start])];
  if (touched.length > 0 && (opts.settleMs ?? 0) > 0) await new Promise((r) => setTimeout(r, opts.settleMs));
  const states = await showUnits(touched);
  const failed: FailedUnit[] = [];
  for (const unit of touched) {
    const verdict = judge(states.get(unit));
    if (verdict) failed.push({ unit, state: verdict, journal: await journalTail(unit) });
  }
  return {
    plan: { ...plan, stop: [...planned.stop, ...lateStops] },
    commands,
    states: [...states.values()],
    failed,
    ok: failed.length === 0,
  };
}

// composable apply [--dry-run] [--json] — reconcile a running container with changed metadata.
import type { Command } from 'commander';
import { hostPath } from '../../sdk/contract.ts';
import { runApply, type ApplyOutcome } from '../../host/apply/apply-changes.ts';
import type { ApplyPlan } from '../../host/apply/plan-apply.ts';
import { readableDirectory } from '../input-error.ts';

export function renderPlan(plan: ApplyPlan): string {
  const line = (label: string, units: string[]): string => `  ${label.padEnd(10)} ${units.length > 0 ? units.join(' ') : '-'}`;
  return [
    'plan:',
    line('stop', plan.stop),
    line('restart', plan.restart),
    line('start', plan.start),
    line('unchanged', plan.unchanged),
  ].join('\n');
}

function renderOutcome(o: ApplyOutcome): string {
  const out = [renderPlan(o.plan), 'ran:'];
  for (const c of o.commands) out.push(`  ${c.command}${c.exitCode === 0 ? '' : `  (exit ${c.exitCode}: ${c.stderr.trim()})`}`);
  if (o.commands.length === 0) out.push('  nothing');
  if (o.failed.length === 0) out.push('ok: every started or restarted unit is running');
  for (const f of o.failed)
    out.push(
      `FAILED ${f.unit}: ${f.state}\n  last journal lines:\n${f.journal
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n')}`,
    );
  return out.join('\n');
}

export function register(program: Command): void {
  program
    .command('apply')
    .description('inside the container, after the metadata changed: reload, stop removed, restart changed and start added sidecars')
    .option('--dry-run', 'print the plan only; change nothing')
    .option('--json', 'print the plan and outcome as JSON')
    .option('--root <dir>', 'container root for metadata and store (default: $COMPOSABLE_ROOT or /)')
    .option('--generator-dir <dir>', 'where systemd writes generated units (default: /run/systemd/generator)')
    .action(async (opts: { dryRun?: boolean; json?: boolean; root?: string; generatorDir?: string }) => {
      const root = opts.root ?? process.env.COMPOSABLE_ROOT ?? '/';
      readableDirectory(root);
      let outcome: ApplyOutcome;
      try {
        outcome = await runApply({
          root,
          generatorDir: opts.generatorDir ?? hostPath('/run/systemd/generator', root),
          dryRun: Boolean(opts.dryRun),
          settleMs: 500,
        });
      } catch (e) {
        process.stderr.write(`composable apply: ${(e as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(
        opts.json ? `${JSON.stringify(outcome, null, 2)}\n` : `${opts.dryRun ? renderPlan(outcome.plan) : renderOutcome(outcome)}\n`,
      );
      process.exitCode = outcome.ok ? 0 : 1;
    });
}

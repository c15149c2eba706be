// composable status [--json] — each composable service: package, version, target, mode, its
// units with their live state, and why a service was skipped.
import type { Command } from 'commander';
import { RUN_DIR, hostPath } from '../../sdk/contract.ts';
import { readStatus } from '../../host/agent.ts';
import { showUnits, type UnitState } from '../../host/apply/systemctl.ts';
import type { Status } from '../../sdk/schema/status.ts';
import { readableDirectory } from '../input-error.ts';

const useColor = (): boolean => Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
function paint(text: string, state: string): string {
  if (!useColor()) return text;
  const code = state === 'active' ? 32 : state === 'failed' || state === 'skipped' ? 31 : 33;
  return `\x1b[${code}m${text}\x1b[0m`;
}

export interface ServiceReport {
  name: string;
  state: 'enabled' | 'skipped';
  version?: string;
  target?: string;
  mode?: string;
  units: { unit: string; activeState: string; subState: string }[];
  reasons: string[];
  /** Why the service runs with less sandboxing than its units and profile say (no CAP_SYS_ADMIN). */
  sandbox?: string;
}

export function buildReport(status: Status, states: Map<string, UnitState>): ServiceReport[] {
  return status.services.map((s) => ({
    name: s.name,
    state: s.state,
    version: s.version,
    target: s.target,
    mode: s.mode,
    units: [...(s.units ?? []), ...(s.mount ? [s.mount] : [])].map((unit) => ({
      unit,
      activeState: states.get(unit)?.activeState ?? 'unknown',
      subState: states.get(unit)?.subState ?? '',
    })),
    reasons: (s.reasons ?? []).map((r) => `${r.file ? `${r.file}${r.line ? `:${r.line}` : ''}: ` : ''}${r.message} [${r.code}]`),
    ...(s.sandbox ? { sandbox: s.sandbox.message } : {}),
  }));
}

export function renderReport(report: ServiceReport[]): string {
  const lines: string[] = [];
  for (const s of report) {
    if (s.state === 'skipped') {
      lines.push(`${paint('✗', 'skipped')} ${s.name}  skipped`);
      for (const r of s.reasons) lines.push(`    ${r}`);
      continue;
    }
    lines.push(`● ${s.name} ${s.version ?? ''}  ${s.target ?? ''}  mode=${s.mode ?? 'host'}`);
    for (const u of s.units)
      lines.push(`    ${u.unit.padEnd(40)} ${paint(`${u.activeState}${u.subState ? ` (${u.subState})` : ''}`, u.activeState)}`);
    if (s.sandbox) lines.push(`    sandbox: ${s.sandbox}`);
  }
  return lines.length > 0 ? lines.join('\n') : 'no composable services in the metadata';
}

export function register(program: Command): void {
  program
    .command('status')
    .description('show each composable service: version, target, mode, unit states, skip reasons')
    .option('--json', 'machine-readable output')
    .option('--root <dir>', 'container root (default: $COMPOSABLE_ROOT or /)')
    .action(async (opts: { json?: boolean; root?: string }) => {
      const root = opts.root ?? process.env.COMPOSABLE_ROOT ?? '/';
      readableDirectory(root);
      let status: Status | undefined;
      try {
        status = readStatus(hostPath(RUN_DIR, root));
      } catch (e) {
        process.stderr.write(`composable status: ${(e as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      if (!status) {
        process.stderr.write(
          `composable status: no ${RUN_DIR}/status.json; the generator has not run (is composable-generator installed?)\n`,
        );
        process.exitCode = 1;
        return;
      }
      const units = status.services.flatMap((s) => [...(s.units ?? []), ...(s.mount ? [s.mount] : [])]);
      const states = await showUnits(units);
      const report = buildReport(status, states);
      if (opts.json) process.stdout.write(`${JSON.stringify({ metadata: status.metadata, services: report }, null, 2)}\n`);
      else process.stdout.write(`${status.metadata.state !== 'ok' ? `metadata: ${status.metadata.state}\n` : ''}${renderReport(report)}\n`);
      process.exitCode = report.some((s) => s.state === 'skipped' || s.units.some((u) => u.activeState === 'failed')) ? 1 : 0;
    });
}

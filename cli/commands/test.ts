// composable test DIR [--unit U] [--for SECONDS] [--json] — run the service outside any container
// as systemd would, keep it up for a while, stop it, and say whether it behaved.
import type { Command } from 'commander';
import { startService, type ServiceHandle } from '../../sdk/testing/index.ts';
import { readableDirectory } from '../input-error.ts';

export interface TestReport {
  unit: string;
  type: string;
  behaved: boolean;
  problem?: string;
  result?: string;
  state: string;
  startLatencyMs?: number;
  stopLatencyMs?: number;
  restarts: number;
  warnings: string[];
  lastLines: string[];
}

export async function testService(dir: string, opts: { unit?: string; forSeconds: number }): Promise<TestReport> {
  const h: ServiceHandle = await startService(dir, { unit: opts.unit });
  let problem: string | undefined;
  try {
    const oneshotDone = h.type === 'oneshot' && h.state === 'inactive' && h.result === 'success';
    if (h.state === 'failed')
      problem = `failed to start (${h.result}${h.exitCode !== undefined && h.exitCode !== null ? `, status ${h.exitCode}` : ''})`;
    else if (!oneshotDone && h.state !== 'active') problem = `did not become active (state ${h.state})`;
    if (!problem && h.state === 'active') {
      await new Promise((r) => setTimeout(r, opts.forSeconds * 1000));
      if (h.state !== 'active')
        problem = `stopped by itself after start (${h.result ?? h.state}${h.exitCode != null ? `, status ${h.exitCode}` : ''})`;
      else if (h.nRestarts > 0) problem = `restarted ${h.nRestarts} time(s)`;
    }
    if (h.state === 'active') {
      await h.stop();
      if (!problem && h.result !== 'success') problem = `did not stop cleanly (${h.result})`;
    }
  } finally {
    h.cleanup();
  }
  return {
    unit: h.unit,
    type: h.type,
    behaved: problem === undefined,
    problem,
    result: h.result,
    state: h.state,
    startLatencyMs: h.startLatencyMs,
    stopLatencyMs: h.stopLatencyMs,
    restarts: h.nRestarts,
    warnings: h.warnings,
    lastLines: h.logs.slice(-10).map((l) => `${l.stream === 'stderr' ? '! ' : '  '}${l.text}`),
  };
}

export function register(program: Command): void {
  program
    .command('test')
    .description("run a package's service outside any container, keep it up, stop it, and report whether it behaved")
    .argument('<dir>', 'package directory')
    .option('--unit <unit>', 'service to run (default: the enabled one)')
    .option('--for <seconds>', 'how long it must stay up', '1')
    .option('--json', 'machine-readable report')
    .action(async (dir: string, opts: { unit?: string; for: string; json?: boolean }) => {
      const forSeconds = Number(opts.for);
      if (!Number.isFinite(forSeconds) || forSeconds < 0) {
        process.stderr.write(`composable test: --for takes a number of seconds, not "${opts.for}"\n`);
        process.exitCode = 2;
        return;
      }
      readableDirectory(dir);
      let report: TestReport;
      try {
        report = await testService(dir, { unit: opts.unit, forSeconds });
      } catch (e) {
        process.stderr.write(`composable test: ${(e as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        const out = [
          `${report.behaved ? 'ok' : 'FAILED'} ${report.unit} (Type=${report.type})${report.problem ? `: ${report.problem}` : ''}`,
          `  start ${report.startLatencyMs ?? '-'} ms, stop ${report.stopLatencyMs ?? '-'} ms, result ${report.result ?? '-'}`,
          ...report.warnings.map((w) => `  warning: ${w}`),
          ...(report.behaved ? [] : ['  last output:', ...report.lastLines.map((l) => `  ${l}`)]),
        ];
        process.stdout.write(`${out.join('\n')}\n`);
      }
      process.exitCode = report.behaved ? 0 : 1;
    });
}

// composable test DIR [--unit U] [--for SECONDS] [--env K=V]... [--env-file FILE]... [--user NAME]
// [--quiet] [--json] — run the service outside any container as systemd would, keep it up for a
// while, stop it, and say whether it behaved. Exit 0 behaved, 1 misbehaved, 2 usage or input error.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EXIT, InputError, readableDirectory, readableFile } from '../input-error.ts';
import { loadPackage } from '../../sdk/package.ts';
import { pickUnit } from '../../sdk/testing/service-unit.ts';
import { notEmulatedLine, parseEnvironmentFile, startService, type LogLine, type ServiceHandle } from '../../sdk/testing/index.ts';

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
  /** The unit's directives this run did not apply (sdk/testing/emulated.ts). */
  notEmulated: string[];
  lastLines: string[];
}

export interface TestOptions {
  unit?: string;
  forSeconds: number;
  /** The service's extra environment (the metadata's `environment`). */
  env?: Record<string, string>;
  /** The metadata's `user`. */
  user?: string;
  /** Each line the service writes, as it is written. */
  onOutput?: (line: LogLine) => void;
}

export async function testService(dir: string, opts: TestOptions): Promise<TestReport> {
  const h: ServiceHandle = await startService(dir, { unit: opts.unit, env: opts.env, user: opts.user, onOutput: opts.onOutput });
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
    notEmulated: h.notEmulated,
    lastLines: h.logs.slice(-10).map((l) => `${l.stream === 'stderr' ? '! ' : '  '}${l.text}`),
  };
}

/** A usage or input error: exit status 2, the message after `who: `. */
/** A bad option value or package of this command: `composable test: MESSAGE`, exit 2 (a path
 * that cannot be read is cli/input-error.ts's InputError, in the shape every command shares). */
class TestInputError extends Error {}

/** `--env KEY=VALUE` values as an environment; a value without a valid `KEY=` is an input error naming it. */
export function parseEnvOptions(values: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of values) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(v);
    if (!m) throw new TestInputError(`--env takes KEY=VALUE (KEY of letters, digits and _), not "${v}"`);
    env[m[1]!] = m[2]!;
  }
  return env;
}

/** How a line of the service's output is shown while it runs: `unit | text`, `unit ! text` for stderr. */
export function outputLine(unit: string, line: LogLine): string {
  return `${unit} ${line.stream === 'stderr' ? '!' : '|'} ${line.text}`;
}

/** The human-readable report. */
export function formatReport(report: TestReport): string {
  const notEmulated = notEmulatedLine(report.notEmulated);
  return [
    `${report.behaved ? 'ok' : 'FAILED'} ${report.unit} (Type=${report.type})${report.problem ? `: ${report.problem}` : ''}`,
    `  start ${report.startLatencyMs ?? '-'} ms, stop ${report.stopLatencyMs ?? '-'} ms, result ${report.result ?? '-'}`,
    ...(notEmulated ? [`  ${notEmulated}`] : []),
    ...report.warnings.map((w) => `  warning: ${w}`),
    ...(report.behaved ? [] : ['  last output:', ...report.lastLines.map((l) => `  ${l}`)]),
  ].join('\n');
}

interface TestFlags {
  unit?: string;
  for: string;
  env: string[];
  envFile: string[];
  user?: string;
  quiet?: boolean;
  json?: boolean;
}

const collect = (v: string, all: string[]): string[] => [...all, v];

/** The run's inputs from the flags, or an InputError. */
function inputs(dir: string, flags: TestFlags): { forSeconds: number; env: Record<string, string>; unit: string } {
  const forSeconds = Number(flags.for);
  if (!Number.isFinite(forSeconds) || forSeconds < 0) throw new TestInputError(`--for takes a number of seconds, not "${flags.for}"`);
  // --env-file first, in order, then --env: the command line wins.
  const env: Record<string, string> = {};
  for (const f of flags.envFile) {
    readableFile(f);
    Object.assign(env, parseEnvironmentFile(readFileSync(f, 'utf8')));
  }
  Object.assign(env, parseEnvOptions(flags.env));
  readableDirectory(dir);
  const { package: pkg, problems } = loadPackage(dir);
  if (!pkg)
    throw new TestInputError(
      `${dir} is not a usable package:\n${problems.map((p) => `  ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`).join('\n')}`,
    );
  let unit: string;
  try {
    unit = pickUnit(pkg, flags.unit).name;
  } catch (e) {
    throw new TestInputError((e as Error).message);
  }
  return { forSeconds, env, unit };
}

export async function testCommand(dir: string, flags: TestFlags): Promise<number> {
  let run: ReturnType<typeof inputs>;
  try {
    run = inputs(dir, flags);
  } catch (e) {
    if (e instanceof InputError) process.stderr.write(`composable: ${e.message}\n`);
    else if (e instanceof TestInputError) process.stderr.write(`composable test: ${e.message}\n`);
    else throw e;
    return EXIT.usage;
  }
  let report: TestReport;
  try {
    report = await testService(dir, {
      unit: run.unit,
      forSeconds: run.forSeconds,
      env: run.env,
      user: flags.user,
      // Live, on stderr: stdout stays the report (and valid JSON with --json).
      onOutput: flags.quiet ? undefined : (line) => process.stderr.write(`${outputLine(run.unit, line)}\n`),
    });
  } catch (e) {
    process.stderr.write(`composable test: ${(e as Error).message}\n`);
    return 1;
  }
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
  return report.behaved ? 0 : 1;
}

export function register(program: Command): void {
  program
    .command('test')
    .description("run a package's service outside any container, keep it up, stop it, and report whether it behaved")
    .argument('<dir>', 'package directory')
    .option('--unit <unit>', 'service to run (default: the enabled one)')
    .option('--for <seconds>', 'how long it must stay up', '1')
    .option('--env <KEY=VALUE>', "extra environment for the service, as the metadata's environment; repeatable", collect, [])
    .option('--env-file <file>', 'extra environment from a file in EnvironmentFile= syntax (before --env); repeatable', collect, [])
    .option('--user <name>', "run as this user, as the metadata's user would (needs root)")
    .option('-q, --quiet', "do not stream the service's output")
    .option('--json', 'machine-readable report')
    .action(async (dir: string, flags: TestFlags) => {
      process.exitCode = await testCommand(dir, flags);
    });
}

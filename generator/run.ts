// One generator run: read, plan, write, report. Shared by the systemd entry point and
// `composable generate`, so both produce the same files.
import { readGeneratorInput } from '../sdk/io/generator-input.ts';
import { writePlanFiles, writeStatus } from '../sdk/io/write-plan.ts';
import { planGeneration } from '../sdk/plan/generate.ts';
import type { GeneratorPlan } from '../sdk/plan/types.ts';
import type { Reason } from '../sdk/schema/status.ts';
import type { Logger } from './log.ts';

export interface RunOptions {
  root: string;
  /** Output directory; omitted for a dry run. */
  outDir?: string;
  logger: Logger;
  /** Write status.json below root (the generator does; a dry run does not). */
  writeStatusFile: boolean;
}

export function describeReason(r: Reason): string {
  const where = r.file ? `${r.file}${r.line ? `:${r.line}${r.column ? `:${r.column}` : ''}` : ''}: ` : '';
  return `${where}${r.message} [${r.code}]`;
}

/** Returns the plan and whether everything was generated (exit 0) or something was skipped. */
export function runGenerator(opts: RunOptions): { plan: GeneratorPlan; ok: boolean } {
  const { logger } = opts;
  const plan = planGeneration(readGeneratorInput(opts.root));
  const { status } = plan;
  let ok = true;
  if (status.metadata.state === 'absent') {
    logger.log('debug', `no ${status.metadata.path}; only the composable targets are generated`);
  } else if (status.metadata.state === 'invalid') {
    ok = false;
    for (const r of status.metadata.reasons ?? []) logger.log('err', `metadata skipped: ${describeReason(r)}`);
  }
  for (const s of status.services) {
    if (s.state === 'skipped') {
      ok = false;
      for (const r of s.reasons ?? []) logger.log('err', `${s.name} skipped: ${describeReason(r)}`);
    } else {
      logger.log('debug', `${s.name} ${s.version ?? ''} enabled in ${s.target}: ${(s.enabled ?? []).join(' ')}`);
    }
  }
  if (status.metadata.state === 'ok') {
    const enabled = status.services.filter((s) => s.state === 'enabled').length;
    logger.log(enabled === status.services.length ? 'info' : 'warning', `${enabled} of ${status.services.length} services generated`);
  }
  if (opts.outDir !== undefined) {
    for (const e of writePlanFiles(opts.outDir, plan.files)) {
      ok = false;
      logger.log('err', e.message);
    }
  }
  if (opts.writeStatusFile) {
    try {
      writeStatus(status, opts.root);
    } catch (e) {
      ok = false;
      logger.log('err', `cannot write status: ${(e as Error).message}`);
    }
  }
  return { plan, ok };
}

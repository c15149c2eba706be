// One generator run: read, plan, write, report. Shared by the systemd entry point and
// `composable generate`, so both produce the same files.
// A run never throws and always leaves a fresh status.json: a stale one saying "enabled" must
// never outlive the run that found the package broken.
import { rmSync } from 'node:fs';
import { GENERATOR_NAME, METADATA_PATH, STATUS_PATH, hostPath } from '../sdk/contract.ts';
import { readGeneratorInput } from './input/read-input.ts';
import type { PackageLimits } from '../sdk/fs/safe-read.ts';
import { writePlanFiles, writeStatus } from './output/write-tree.ts';
import { planGeneration } from './plan/plan-generation.ts';
import { planTargets } from './plan/targets.ts';
import type { GeneratorPlan } from './plan/types.ts';
import type { Reason, Status } from '../sdk/schema/status.ts';
import { VERSION } from '../sdk/version.ts';
import type { Logger } from './log.ts';

export interface RunOptions {
  root: string;
  /** Output directory; omitted for a dry run. */
  outDir?: string;
  logger: Logger;
  /** Write status.json below root (the generator does; a dry run does not). */
  writeStatusFile: boolean;
  /** Override the package reading limits (tests); default PACKAGE_LIMITS. */
  limits?: Partial<PackageLimits>;
}

/** The status of a run that failed before it could plan: only the ordering targets are generated. */
export function failedRunStatus(message: string): Status {
  return {
    schemaVersion: 1,
    generator: { name: GENERATOR_NAME, version: VERSION },
    metadata: { path: METADATA_PATH, state: 'invalid', reasons: [{ code: 'generator-error', message }] },
    services: [],
  };
}

/**
 * Write the status; when that fails, remove the old one, so nobody reads a stale "enabled".
 * Returns the error message, if any.
 */
export function writeFreshStatus(status: Status, root: string): string | undefined {
  try {
    writeStatus(status, root);
    return undefined;
  } catch (e) {
    try {
      rmSync(hostPath(STATUS_PATH, root), { force: true });
    } catch {
      /* nothing more to do; the error is reported */
    }
    return (e as Error).message;
  }
}

export function describeReason(r: Reason): string {
  const where = r.file ? `${r.file}${r.line ? `:${r.line}${r.column ? `:${r.column}` : ''}` : ''}: ` : '';
  return `${where}${r.message} [${r.code}]`;
}

/** Returns the plan and whether everything was generated (exit 0) or something was skipped. */
export function runGenerator(opts: RunOptions): { plan: GeneratorPlan; ok: boolean } {
  const { logger } = opts;
  let plan: GeneratorPlan;
  let ok = true;
  try {
    plan = planGeneration(readGeneratorInput(opts.root, opts.limits));
  } catch (e) {
    // A bug must not cost the container its status or its ordering targets.
    ok = false;
    const message = `internal error: ${(e as Error).name}; only the composable targets are generated`;
    logger.log('err', `${message}: ${(e as Error).stack ?? String(e)}`);
    plan = { files: planTargets(), status: failedRunStatus(message) };
  }
  const { status } = plan;
  if (status.metadata.state === 'absent') {
    logger.log('debug', `no ${status.metadata.path}; only the composable targets are generated`);
  } else if (status.metadata.state === 'invalid') {
    ok = false;
    for (const r of status.metadata.reasons ?? []) logger.log('err', `metadata skipped: ${describeReason(r)}`);
  } else {
    for (const r of status.metadata.reasons ?? []) logger.log('warning', `metadata: ${describeReason(r)}`);
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
    const error = writeFreshStatus(status, opts.root);
    if (error !== undefined) {
      ok = false;
      logger.log('err', `cannot write status: ${error}`);
    }
  }
  return { plan, ok };
}

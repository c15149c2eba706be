// composable-generator NORMAL [EARLY LATE] — systemd.generator(7) entry point.
// Writes only into NORMAL. Never mounts, never calls systemctl, never waits; a bad package is
// skipped and recorded in /run/composable/status.json, and the others are still generated.
import { existsSync } from 'node:fs';
import { RENDER_DIR, hostPath } from '../sdk/contract.ts';
import { createLogger } from './log.ts';
import { failedRunStatus, runGenerator, writeFreshStatus } from './run-generator.ts';
import { planTargets } from './plan/targets.ts';
import { writePlanFiles } from './output/write-tree.ts';

function main(argv: string[]): number {
  const logger = createLogger();
  if (argv.length !== 1 && argv.length !== 3) {
    logger.log('err', 'usage: composable-generator NORMAL [EARLY LATE]');
    return 2;
  }
  const root = process.env.COMPOSABLE_ROOT ?? '/';
  // A render from the host is put in place by the node-free generator (generator/sh/), which the
  // engine installs under this name in /run/systemd/system-generators, where it masks this one; if
  // both run anyway, only one of them acts.
  if (existsSync(hostPath(`${RENDER_DIR}/render.json`, root))) {
    logger.log('info', `${RENDER_DIR} holds a render from the host; the rendered generator puts it in place, this one does nothing`);
    return 0;
  }
  try {
    const { ok } = runGenerator({ root, outDir: argv[0]!, logger, writeStatusFile: true });
    return ok ? 0 : 1;
  } catch (e) {
    // A bug must not take the boot down with a stack trace: report it and exit non-zero.
    logger.log('err', `internal error: ${(e as Error).stack ?? String(e)}`);
    // Still give the container its ordering targets, so units that name them keep working, and a
    // fresh status, so a stale "enabled" does not survive.
    try {
      writePlanFiles(argv[0]!, planTargets());
    } finally {
      writeFreshStatus(failedRunStatus('internal error; only the composable targets are generated'), root);
    }
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));

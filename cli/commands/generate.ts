// composable generate [--root DIR] [--out DIR | --dry-run] — the generator, offline.
import type { Command } from 'commander';
import { renderDryRun } from '../../generator/output/write-tree.ts';
import { createLogger } from '../../generator/log.ts';
import { runGenerator } from '../../generator/run-generator.ts';
import { readableDirectory } from '../input-error.ts';

export function register(program: Command): void {
  program
    .command('generate')
    .description('run the generator offline: read metadata and store below --root, write units to --out or print them')
    .option('--root <dir>', 'container root to read metadata and store from (default: $COMPOSABLE_ROOT or /)')
    .option('--out <dir>', 'directory to write the generated units into')
    .option('--dry-run', 'print every generated file as ---path--- and its content, then the status')
    .action((opts: { root?: string; out?: string; dryRun?: boolean }) => {
      if (!opts.out && !opts.dryRun) {
        process.stderr.write('composable generate: give --out DIR or --dry-run\n');
        process.exitCode = 2;
        return;
      }
      if (opts.out && opts.dryRun) {
        process.stderr.write('composable generate: --out and --dry-run exclude each other\n');
        process.exitCode = 2;
        return;
      }
      const root = opts.root ?? process.env.COMPOSABLE_ROOT ?? '/';
      // A root that is not there is a typo, not a container without metadata (which the
      // generator, at boot, answers with the targets alone).
      readableDirectory(root);
      const { plan, ok } = runGenerator({
        root,
        outDir: opts.out,
        logger: createLogger('composable generate'),
        writeStatusFile: !opts.dryRun,
      });
      if (opts.dryRun) process.stdout.write(renderDryRun(plan.files, plan.status));
      process.exitCode = ok ? 0 : 1;
    });
}

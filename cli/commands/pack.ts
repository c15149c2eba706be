// composable pack DIR [-o OUT] [--format tar|tar.gz|squashfs] — lint, then a reproducible artifact.
import type { Command } from 'commander';
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lint } from '../../lint/engine.ts';
import { format as formatDiagnostics } from '../../lint/formatters/index.ts';
import { loadPackage } from '../../sdk/package.ts';
import { PackageReadError } from '../../sdk/io/safe-read.ts';
import { ARTIFACT_FORMATS, PackError, packPackage, type ArtifactFormat } from '../../sdk/artifact/pack.ts';

export function register(program: Command): void {
  program
    .command('pack')
    .description('lint a package directory, then write a reproducible artifact and its .sha256')
    .argument('<dir>', 'package directory')
    .option('-o, --output <path>', 'artifact path, or a directory to write <name>-<version>.<format> into (default: the current directory)')
    .option('--format <format>', `one of ${ARTIFACT_FORMATS.join(', ')}`, 'tar.gz')
    .action(async (dir: string, opts: { output?: string; format: string }) => {
      if (!(ARTIFACT_FORMATS as readonly string[]).includes(opts.format)) {
        process.stderr.write(`composable pack: --format must be one of ${ARTIFACT_FORMATS.join(', ')}\n`);
        process.exitCode = 2;
        return;
      }
      const { package: pkg, problems } = loadPackage(dir);
      const result = await lint([dir]);
      if (result.errorCount > 0 || !pkg) {
        process.stderr.write(formatDiagnostics(result, 'stylish', { color: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR }));
        for (const p of pkg ? [] : problems) process.stderr.write(`${join(dir, p.file)}${p.line ? `:${p.line}` : ''}: ${p.message}\n`);
        process.stderr.write('composable pack: not packed; fix the errors above\n');
        process.exitCode = 1;
        return;
      }
      const fmt = opts.format as ArtifactFormat;
      const defaultName = `${pkg.manifest.name}-${pkg.manifest.version}.${fmt}`;
      // `-o DIR` or `-o DIR/` means "write the artifact into DIR" under its default name.
      const given = opts.output;
      const intoDir = given !== undefined && (given.endsWith('/') || statSync(given, { throwIfNoEntry: false })?.isDirectory() === true);
      const out = resolve(given === undefined ? defaultName : intoDir ? join(given, defaultName) : given);
      if (intoDir) mkdirSync(given!, { recursive: true });
      const epoch = process.env.SOURCE_DATE_EPOCH ? Number(process.env.SOURCE_DATE_EPOCH) : 0;
      if (process.stderr.isTTY) process.stderr.write(`packing ${pkg.manifest.name} ${pkg.manifest.version} as ${fmt}...\n`);
      try {
        const r = await packPackage(dir, out, fmt, { mtime: Number.isInteger(epoch) && epoch >= 0 ? epoch : 0 });
        process.stdout.write(`${r.artifact}\n  ${r.entries} entries, ${r.bytes} bytes\n  sha256 ${r.sha256} (${r.checksumFile})\n`);
        if (result.warningCount > 0) process.stderr.write(`composable pack: packed with ${result.warningCount} lint warning(s); run composable lint ${dir}\n`);
      } catch (e) {
        if (!(e instanceof PackError) && !(e instanceof PackageReadError)) throw e;
        process.stderr.write(`composable pack: ${e.message}\n`);
        process.exitCode = 1;
      }
    });
}

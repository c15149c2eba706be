// composable pack DIR [-o OUT] [--format tar|tar.gz|squashfs|raw|oci|oci-archive] — lint, then a
// reproducible artifact.
import type { Command } from 'commander';
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lint } from '../../lint/engine.ts';
import { format as formatDiagnostics } from '../../lint/formatters/index.ts';
import { loadPackage } from '../../sdk/package.ts';
import { PackageReadError } from '../../sdk/fs/safe-read.ts';
import { ARTIFACT_FORMATS, PackError, defaultArtifactName, packPackage, type ArtifactFormat } from '../../sdk/artifact/pack.ts';
import { OCI_FORMATS, OciError, packOci, type OciFormat } from '../../sdk/artifact/oci-pack.ts';
import { ociArchitectureOfElf, hostOciArchitecture, OCI_ARCHITECTURES } from '../../sdk/artifact/oci-pack.ts';
import { walkTree } from '../../sdk/digest.ts';
import { readElf } from '../../sdk/artifact/elf.ts';
import { isOciLayoutDir } from '../../sdk/artifact/sniff.ts';

const FORMATS: readonly string[] = [...ARTIFACT_FORMATS, ...OCI_FORMATS];
/** Default file name suffix per format (an OCI layout is a directory, its archive a tar). */
const SUFFIX: Record<string, string> = { oci: 'oci', 'oci-archive': 'oci.tar' };

/**
 * The architecture an OCI image of `dir` declares: that of its ELF executables (they must agree:
 * an image has one), else, for a package of scripts only, this machine's.
 */
export function ociArchitectureOf(dir: string): string {
  const found = new Map<string, string>();
  for (const e of walkTree(dir)) {
    if (e.type !== 'file' || (e.mode & 0o111) === 0) continue;
    const elf = readElf(join(dir, e.relPath));
    if (!elf) continue;
    const arch = ociArchitectureOfElf(elf.machine, elf.bits, elf.littleEndian) ?? `elf-machine-${elf.machine}`;
    if (!found.has(arch)) found.set(arch, e.relPath);
  }
  if (found.size > 1) {
    const list = [...found].map(([arch, path]) => `${path} (${arch})`).join(', ');
    throw new OciError(
      `${dir}: binaries for more than one architecture: ${list}; an OCI image has one, pack one image per architecture (--arch)`,
    );
  }
  return [...found.keys()][0] ?? hostOciArchitecture();
}

export function register(program: Command): void {
  program
    .command('pack')
    .description('lint a package directory, then write a reproducible artifact and its .sha256')
    .argument('<dir>', 'package directory')
    .option(
      '-o, --output <path>',
      'artifact path, or a directory to write <name>-<version>.<format> (for raw <name>_<version>.raw) ' +
        'into (default: the current directory; the OCI formats end in .oci and .oci.tar)',
    )
    .option('--format <format>', `one of ${FORMATS.join(', ')}`, 'tar.gz')
    .option('--arch <arch>', "oci, oci-archive: the image architecture (default: that of the package's ELF binaries, else this machine's)")
    .action(async (dir: string, opts: { output?: string; format: string; arch?: string }) => {
      if (!FORMATS.includes(opts.format)) {
        process.stderr.write(`composable pack: --format must be one of ${FORMATS.join(', ')}\n`);
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
      const fmt = opts.format as ArtifactFormat | OciFormat;
      const defaultName =
        fmt === 'oci' || fmt === 'oci-archive'
          ? `${pkg.manifest.name}-${pkg.manifest.version}.${SUFFIX[fmt]}`
          : defaultArtifactName(pkg.manifest.name, pkg.manifest.version, fmt);
      // `-o DIR` or `-o DIR/` means "write the artifact into DIR" under its default name; an
      // existing OCI layout given with --format oci is the artifact itself, packed again.
      const given = opts.output;
      const repack = fmt === 'oci' && given !== undefined && !given.endsWith('/') && isOciLayoutDir(given);
      const intoDir =
        given !== undefined && !repack && (given.endsWith('/') || statSync(given, { throwIfNoEntry: false })?.isDirectory() === true);
      const out = resolve(given === undefined ? defaultName : intoDir ? join(given, defaultName) : given);
      if (intoDir) mkdirSync(given!, { recursive: true });
      const epoch = process.env.SOURCE_DATE_EPOCH ? Number(process.env.SOURCE_DATE_EPOCH) : 0;
      if (process.stderr.isTTY) process.stderr.write(`packing ${pkg.manifest.name} ${pkg.manifest.version} as ${fmt}...\n`);
      if ((OCI_FORMATS as readonly string[]).includes(fmt)) {
        try {
          if (opts.arch !== undefined && !(OCI_ARCHITECTURES as readonly string[]).includes(opts.arch)) {
            throw new OciError(`--arch ${opts.arch}: not an OCI architecture; use one of ${OCI_ARCHITECTURES.join(', ')}`);
          }
          const architecture = opts.arch ?? ociArchitectureOf(dir);
          const r = packOci(dir, out, fmt as OciFormat, {
            name: pkg.manifest.name,
            version: pkg.manifest.version,
            architecture,
            description: pkg.osRelease.fields.PRETTY_NAME,
            mtime: Number.isInteger(epoch) && epoch >= 0 ? epoch : 0,
          });
          process.stdout.write(
            `${r.artifact}\n  ${r.entries} entries, ${r.bytes} bytes, ${architecture}\n  manifest ${r.manifestDigest}\n  package  ${r.treeDigest}\n`,
          );
          if (r.checksumFile) process.stdout.write(`  sha256 ${r.sha256} (${r.checksumFile})\n`);
          if (result.warningCount > 0)
            process.stderr.write(`composable pack: packed with ${result.warningCount} lint warning(s); run composable lint ${dir}\n`);
        } catch (e) {
          if (!(e instanceof OciError) && !(e instanceof PackageReadError)) throw e;
          process.stderr.write(`composable pack: ${e.message}\n`);
          process.exitCode = 1;
        }
        return;
      }
      try {
        const r = await packPackage(dir, out, fmt as ArtifactFormat, { mtime: Number.isInteger(epoch) && epoch >= 0 ? epoch : 0 });
        process.stdout.write(`${r.artifact}\n  ${r.entries} entries, ${r.bytes} bytes\n  sha256 ${r.sha256} (${r.checksumFile})\n`);
        if (result.warningCount > 0)
          process.stderr.write(`composable pack: packed with ${result.warningCount} lint warning(s); run composable lint ${dir}\n`);
      } catch (e) {
        if (!(e instanceof PackError) && !(e instanceof PackageReadError)) throw e;
        process.stderr.write(`composable pack: ${e.message}\n`);
        process.exitCode = 1;
      }
    });
}

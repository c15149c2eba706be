// composable pack DIR [-o OUT] [--format tar|tar.gz|squashfs|raw|oci|oci-archive] [--list] — ships
// the package and nothing else (sdk/artifact/pack-selection.ts), refuses secret-looking files,
// lints, then writes a reproducible artifact.
import type { Command } from 'commander';
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONFIG_FILE_NAME, findConfigFile, LintConfigError, loadConfigFile, type LintConfig } from '../../lint/config.ts';
import { lint } from '../../lint/engine.ts';
import { format as formatDiagnostics } from '../../lint/formatters/index.ts';
import { RULE_IDS } from '../../lint/rules/index.ts';
import { loadPackage } from '../../sdk/package.ts';
import { PackageReadError } from '../../sdk/fs/safe-read.ts';
import { ARTIFACT_FORMATS, PackError, defaultArtifactName, packPackage, type ArtifactFormat } from '../../sdk/artifact/pack.ts';
import { OCI_FORMATS, OciError, packOci, type OciFormat } from '../../sdk/artifact/oci-pack.ts';
import { ociArchitectureOfElf, hostOciArchitecture, OCI_ARCHITECTURES } from '../../sdk/artifact/oci-pack.ts';
import { PackConfigError, selectPackage, type PackSelection } from '../../sdk/artifact/pack-selection.ts';
import { walkTree, type TreeEntry } from '../../sdk/digest.ts';
import { readElf } from '../../sdk/artifact/elf.ts';
import { isOciLayoutDir } from '../../sdk/artifact/sniff.ts';
import { readablePath, readableFile } from '../input-error.ts';

const FORMATS: readonly string[] = [...ARTIFACT_FORMATS, ...OCI_FORMATS];
/** Default file name suffix per format (an OCI layout is a directory, its archive a tar). */
const SUFFIX: Record<string, string> = { oci: 'oci', 'oci-archive': 'oci.tar' };

/**
 * The architecture an OCI image of `dir` declares: that of its ELF executables (they must agree:
 * an image has one), else, for a package of scripts only, this machine's.
 */
export function ociArchitectureOf(dir: string, entries: readonly TreeEntry[] = walkTree(dir)): string {
  const found = new Map<string, string>();
  for (const e of entries) {
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

/** Display path of a package-relative path (`DIR/rel`, a directory with a trailing `/`). */
function shown(dir: string, rel: string, type?: string): string {
  return `${join(dir, rel)}${type === 'dir' ? '/' : ''}`;
}

/** `--list`: what ships with sizes, what is left out and why, what is refused. */
export function renderSelection(dir: string, sel: PackSelection): string {
  const lines: string[] = [];
  let bytes = 0;
  for (const e of sel.entries) {
    bytes += e.type === 'file' ? e.size : 0;
    const size = e.type === 'file' ? String(e.size) : '-';
    lines.push(`${size.padStart(10)}  ${e.relPath}${e.type === 'dir' ? '/' : ''}${e.type === 'symlink' ? ` -> ${e.linkTarget}` : ''}`);
  }
  lines.push(`${sel.entries.length} entries, ${bytes} bytes would be packed from ${dir}`);
  if (sel.leftOut.length > 0) {
    lines.push('left out:');
    for (const l of sel.leftOut) {
      const below = l.entries !== undefined ? ` (${l.entries} entries, ${l.bytes ?? 0} bytes)` : '';
      lines.push(`  ${l.relPath}${l.type === 'dir' ? '/' : ''}${below}  ${l.detail}`);
    }
  }
  if (sel.secrets.length > 0) {
    lines.push('refused (look like secrets):');
    for (const f of sel.secrets) lines.push(`  ${f.relPath}  ${f.looksLike}`);
  }
  return `${lines.join('\n')}\n`;
}

export function selectionJson(dir: string, sel: PackSelection): unknown {
  return {
    dir,
    entries: sel.entries.length,
    bytes: sel.entries.reduce((n, e) => n + (e.type === 'file' ? e.size : 0), 0),
    packed: sel.entries.map((e) => ({
      path: e.relPath,
      type: e.type,
      ...(e.type === 'file' ? { size: e.size } : {}),
      ...(e.linkTarget !== undefined ? { linkTarget: e.linkTarget } : {}),
      mode: e.mode.toString(8).padStart(4, '0'),
    })),
    leftOut: sel.leftOut.map((l) => ({
      path: l.relPath,
      type: l.type,
      reason: l.reason,
      detail: l.detail,
      entries: l.entries,
      bytes: l.bytes,
    })),
    refused: sel.secrets.map((f) => ({ path: f.relPath, kind: f.kind, looksLike: f.looksLike })),
  };
}

/** The refusal: each secret-looking file, what it looks like, and how to keep it out or declare it. */
export function renderRefusal(dir: string, sel: PackSelection, configFile: string): string {
  const shipped = new Set(sel.entries.map((e) => e.relPath));
  const lines = [`composable pack: ${dir}: not packed, ${sel.secrets.length} file(s) look like secrets:`];
  for (const f of sel.secrets) {
    const ships = shipped.has(f.relPath);
    const declare = ships
      ? `if it is meant to ship, declare it with "pack": { "allowSecrets": ["${f.relPath}"] } in ${configFile}`
      : `it would not ship (outside the package trees); move it out of ${dir}, or declare it with "pack": { "exclude": ["${f.relPath}"] } in ${configFile}`;
    lines.push(`  ${shown(dir, f.relPath)}: ${f.looksLike}; ${declare}`);
  }
  lines.push('composable pack: nothing was written');
  return `${lines.join('\n')}\n`;
}

interface PackOpts {
  output?: string;
  format: string;
  arch?: string;
  config?: string | false;
  list?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('pack')
    .description('lint a package directory, then write a reproducible artifact of the package (and nothing else) and its .sha256')
    .argument('<dir>', 'package directory')
    .option(
      '-o, --output <path>',
      'artifact path, or a directory to write <name>-<version>.<format> (for raw <name>_<version>.raw) ' +
        'into (default: the current directory; the OCI formats end in .oci and .oci.tar)',
    )
    .option('--format <format>', `one of ${FORMATS.join(', ')}`, 'tar.gz')
    .option('--arch <arch>', "oci, oci-archive: the image architecture (default: that of the package's ELF binaries, else this machine's)")
    .option('--list', 'print what would be packed (with sizes), what is left out and why; write nothing')
    .option('--dry-run', 'the same as --list')
    .option('--json', 'with --list: the same as JSON')
    .option('-c, --config <file>', `configuration file, the one lint reads (default: ./${CONFIG_FILE_NAME} if present)`)
    .option('--no-config', `ignore ./${CONFIG_FILE_NAME}`)
    .action(async (dir: string, opts: PackOpts) => {
      process.exitCode = await packCommand(dir, opts);
    });
}

async function packCommand(dir: string, opts: PackOpts): Promise<number> {
  const fail = (message: string, code: number): number => {
    process.stderr.write(`composable pack: ${message}\n`);
    return code;
  };
  if (!FORMATS.includes(opts.format)) return fail(`--format must be one of ${FORMATS.join(', ')}`, 2);
  const list = opts.list === true || opts.dryRun === true;
  if (opts.json && !list) return fail('--json goes with --list (or --dry-run)', 2);
  const st = readablePath(dir);
  if (opts.config !== undefined && opts.config !== false) readableFile(opts.config);
  if (!st.isDirectory()) return fail(`${dir} is not a directory; pack takes a package directory`, 2);

  let config: LintConfig = {};
  let configFile = CONFIG_FILE_NAME;
  try {
    if (opts.config !== false) {
      const file = opts.config ?? findConfigFile(process.cwd());
      if (file) {
        config = loadConfigFile(file, RULE_IDS);
        configFile = file;
      }
    }
  } catch (e) {
    if (e instanceof LintConfigError) return fail(e.message, 2);
    throw e;
  }

  let selection: PackSelection;
  try {
    selection = selectPackage(dir, config.pack ?? {});
  } catch (e) {
    if (e instanceof PackConfigError) return fail(`${configFile}: ${e.message}`, 2);
    if (e instanceof PackageReadError) return fail(`${dir}: ${e.message}`, 2);
    throw e;
  }
  if (list) {
    process.stdout.write(opts.json ? `${JSON.stringify(selectionJson(dir, selection), null, 2)}\n` : renderSelection(dir, selection));
    if (selection.secrets.length > 0) {
      if (!opts.json) process.stderr.write(renderRefusal(dir, selection, configFile));
      return 2;
    }
    return 0;
  }
  if (selection.secrets.length > 0) {
    process.stderr.write(renderRefusal(dir, selection, configFile));
    return 2;
  }

  const { package: pkg, problems } = loadPackage(dir);
  // Lint what ships: a binary left out by pack.exclude is missing for the rules too.
  const result = await lint([dir], { config, only: new Set(selection.entries.map((e) => e.relPath)) });
  if (result.errorCount > 0 || !pkg) {
    process.stderr.write(formatDiagnostics(result, 'stylish', { color: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR }));
    for (const p of pkg ? [] : problems) process.stderr.write(`${join(dir, p.file)}${p.line ? `:${p.line}` : ''}: ${p.message}\n`);
    process.stderr.write('composable pack: not packed; fix the errors above\n');
    return 1;
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
  const mtime = Number.isInteger(epoch) && epoch >= 0 ? epoch : 0;
  const entries = selection.entries;
  if (process.stderr.isTTY) process.stderr.write(`packing ${pkg.manifest.name} ${pkg.manifest.version} as ${fmt}...\n`);
  const afterwards = (): void => {
    if (selection.leftOut.length > 0) {
      const names = selection.leftOut.map((l) => `${l.relPath}${l.type === 'dir' ? '/' : ''}`);
      const some = names.length > 4 ? `${names.slice(0, 4).join(', ')}, ...` : names.join(', ');
      process.stderr.write(`composable pack: left out ${names.length} path(s) that are not the package: ${some}; --list shows why\n`);
    }
    if (result.warningCount > 0)
      process.stderr.write(`composable pack: packed with ${result.warningCount} lint warning(s); run composable lint ${dir}\n`);
  };
  try {
    if ((OCI_FORMATS as readonly string[]).includes(fmt)) {
      if (opts.arch !== undefined && !(OCI_ARCHITECTURES as readonly string[]).includes(opts.arch)) {
        throw new OciError(`--arch ${opts.arch}: not an OCI architecture; use one of ${OCI_ARCHITECTURES.join(', ')}`);
      }
      const architecture = opts.arch ?? ociArchitectureOf(dir, entries);
      const r = packOci(dir, out, fmt as OciFormat, {
        name: pkg.manifest.name,
        version: pkg.manifest.version,
        architecture,
        description: pkg.osRelease.fields.PRETTY_NAME,
        mtime,
        entries,
      });
      process.stdout.write(
        `${r.artifact}\n  ${r.entries} entries, ${r.bytes} bytes, ${architecture}\n  manifest ${r.manifestDigest}\n  package  ${r.treeDigest}\n`,
      );
      if (r.checksumFile) process.stdout.write(`  sha256 ${r.sha256} (${r.checksumFile})\n`);
    } else {
      const r = await packPackage(dir, out, fmt as ArtifactFormat, { mtime, entries });
      process.stdout.write(
        `${r.artifact}\n  ${r.entries} entries, ${r.bytes} bytes\n  package ${r.treeDigest}\n  sha256 ${r.sha256} (${r.checksumFile})\n`,
      );
    }
    afterwards();
    return 0;
  } catch (e) {
    if (!(e instanceof PackError) && !(e instanceof OciError) && !(e instanceof PackageReadError)) throw e;
    return fail(e.message, 1);
  }
}

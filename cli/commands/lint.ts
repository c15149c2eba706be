// composable lint PATH... — check packages, artifacts, unit files and metadata before they ship.
// Exit status: 0 clean, 1 errors (or more warnings than --max-warnings), 2 usage, input or internal error.
import { atomicWriteFile } from '../../sdk/fs/atomic-write.ts';
import { existsSync, readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { discoverConfigFile, loadConfigFile, LintConfigError, type LintConfig } from '../../lint/config.ts';
import { lint, lintUnitSource, mergeResults, type LintResult } from '../../lint/engine.ts';
import { useColor } from '../../lint/formatters/color.ts';
import { format, FORMATS, type Format } from '../../lint/formatters/index.ts';
import { LintInputError } from '../../lint/inputs/index.ts';
import { RULES, RULE_IDS } from '../../lint/rules/index.ts';
import type { SeveritySetting } from '../../lint/types.ts';
import { isFileSystemError, readableDirectory, readableFile, readablePath } from '../input-error.ts';

interface LintCliOptions {
  format: Format;
  config?: string | false;
  root?: string;
  maxWarnings?: string;
  outputFile?: string;
  color?: boolean;
  quiet?: boolean;
  listRules?: boolean;
  verbose?: boolean;
  stdinFilename?: string;
  /** `true` (a bare flag), a severity, or (see resolveUnusedDirectives) the first path. */
  reportUnusedDisableDirectives?: boolean | string;
}

const UNUSED_DISABLE_RULE = 'comment/unused-disable';
const SEVERITY_WORDS: Record<string, SeveritySetting> = { error: 'error', warning: 'warning', warn: 'warning', info: 'info', off: 'off' };

/**
 * `--report-unused-disable-directives`'s value is optional, so in
 * `--report-unused-disable-directives pkg/` commander takes the path for the value: a value that is
 * no severity but names something that exists goes back to the front of the paths.
 */
function takePathFromUnusedDirectives(opts: LintCliOptions, paths: string[]): void {
  const value = opts.reportUnusedDisableDirectives;
  if (typeof value !== 'string' || SEVERITY_WORDS[value] || (value !== '-' && !existsSync(value))) return;
  paths.unshift(value);
  opts.reportUnusedDisableDirectives = true;
}

/** The severity `--report-unused-disable-directives[=SEVERITY]` asks for (warning when bare). */
function unusedDirectivesSeverity(value: boolean | string | undefined): SeveritySetting | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return 'warning';
  const severity = SEVERITY_WORDS[value];
  if (!severity) throw new LintInputError(`--report-unused-disable-directives takes error, warning, info or off, not "${value}"`);
  return severity;
}

export function listRules(): string {
  const width = Math.max(...RULES.map((r) => r.meta.id.length));
  return `${RULES.map((r) => `${r.meta.id.padEnd(width)}  ${(r.meta.offByDefault ? 'off' : r.meta.severity).padEnd(7)}  ${r.meta.description}`).join('\n')}\n`;
}

interface ConfigGroup {
  /** The configuration file, if any. */
  file?: string;
  config: LintConfig;
  paths: string[];
}

/**
 * Which configuration each path is linted with: `--config FILE` for all, none with `--no-config`,
 * else the nearest composable-lint.json above each path, up to the repository root. Paths with
 * the same configuration are linted together, in the order given.
 */
function configGroups(paths: readonly string[], option: string | false | undefined): ConfigGroup[] {
  if (option === false) return [{ config: {}, paths: [...paths] }];
  if (option !== undefined) return [{ file: option, config: loadConfigFile(option, RULE_IDS), paths: [...paths] }];
  const groups = new Map<string, ConfigGroup>();
  for (const path of paths) {
    const file = discoverConfigFile(path);
    const key = file ?? '';
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { file, config: file ? loadConfigFile(file, RULE_IDS) : {}, paths: [] }));
    group.paths.push(path);
  }
  return [...groups.values()];
}

/** --verbose: the configuration a group of paths was linted with, and every file read. */
function describeRun(group: ConfigGroup, result: LintResult): string {
  const lines = [
    `composable lint: ${group.paths.join(', ')}: ${group.file ? `configuration ${group.file}` : 'no configuration file'}`,
    ...[...result.sources.keys()].map((file) => `composable lint:   linted ${file}`),
  ];
  return `${lines.join('\n')}\n`;
}

export async function runLint(paths: string[], opts: LintCliOptions): Promise<number> {
  if (opts.listRules) {
    process.stdout.write(listRules());
    return 0;
  }
  let maxWarnings: number | undefined;
  if (opts.maxWarnings !== undefined) {
    maxWarnings = Number(opts.maxWarnings);
    if (!Number.isInteger(maxWarnings) || maxWarnings < -1) {
      process.stderr.write(`composable lint: --max-warnings takes a whole number, not "${opts.maxWarnings}"\n`);
      return 2;
    }
  }
  // Every path given is checked before anything is linted, so a typo is the one shape
  // (cli/input-error.ts) and not a report of the paths before it.
  for (const path of paths) if (path !== '-') readablePath(path);
  if (typeof opts.config === 'string') readableFile(opts.config);
  if (opts.root !== undefined) readableDirectory(opts.root);
  try {
    const unused = unusedDirectivesSeverity(opts.reportUnusedDisableDirectives);
    const stdin = paths.includes('-');
    if (stdin && paths.length > 1) throw new LintInputError('- (standard input) cannot be linted with other paths');
    if (!stdin && opts.stdinFilename !== undefined) throw new LintInputError('--stdin-filename goes with - (standard input)');
    const stdinName = opts.stdinFilename ?? 'stdin.service';
    const results: LintResult[] = [];
    // Standard input is found a configuration as a file at its --stdin-filename would be.
    for (const group of configGroups(stdin ? [stdinName] : paths, opts.config)) {
      let config = group.config;
      if (unused) config = { ...config, rules: { ...config.rules, [UNUSED_DISABLE_RULE]: unused } };
      const result = stdin
        ? lintUnitSource(readFileSync(0, 'utf8'), stdinName, { config })
        : await lint(group.paths, { config, root: opts.root });
      if (opts.verbose) process.stderr.write(describeRun(group, result));
      results.push(result);
    }
    const result = mergeResults(results);
    if (opts.quiet) {
      result.diagnostics = result.diagnostics.filter((d) => d.severity === 'error');
      result.warningCount = 0;
      result.infoCount = 0;
    }
    const color = useColor({ flag: opts.color, env: process.env, isTTY: opts.outputFile === undefined && process.stdout.isTTY === true });
    const text = format(result, opts.format, { color });
    if (opts.outputFile) atomicWriteFile(opts.outputFile, text);
    else process.stdout.write(text);
    if (result.errorCount > 0) return 1;
    if (maxWarnings !== undefined && maxWarnings >= 0 && result.warningCount > maxWarnings) {
      process.stderr.write(`composable lint: ${result.warningCount} warnings, more than --max-warnings ${maxWarnings}\n`);
      return 1;
    }
    return 0;
  } catch (e) {
    if (e instanceof LintInputError || e instanceof LintConfigError) {
      process.stderr.write(`composable lint: ${e.message}\n`);
      return 2;
    }
    // A path that cannot be read or written (-o in a directory that is not there) is no internal
    // error: the top level prints it in the one shape.
    if (isFileSystemError(e)) throw e;
    process.stderr.write(`composable lint: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}

export function register(program: Command): void {
  program
    .command('lint')
    .description('check package directories, tar/tar.gz/squashfs artifacts, OCI images, unit files and metadata files')
    .argument(
      '[paths...]',
      'package directories, artifacts (tar, tar.gz, squashfs, .raw), OCI images, unit files (*.service ...), directories of unit files, metadata .json files; - reads a unit file from standard input',
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('stylish'))
    .option(
      '-c, --config <file>',
      'configuration file for every path (default: the nearest composable-lint.json above each path, up to the repository root)',
    )
    .option('--no-config', 'use no configuration file')
    .option(
      '--root <dir>',
      'container root that metadata paths resolve against (default: implied by the metadata path, $COMPOSABLE_ROOT or /)',
    )
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this')
    .option('-o, --output-file <file>', 'write the report to a file instead of standard output')
    .option('--color', 'force colors in stylish output (default: on a terminal, unless NO_COLOR is set; FORCE_COLOR=1/0 forces)')
    .option('--no-color', 'no colors in stylish output')
    .option(
      '--stdin-filename <name>',
      'the name (and path, for its configuration and siblings) of the unit file read from - (default: stdin.service)',
    )
    .option('-v, --verbose', 'print the configuration used and every file linted, to standard error')
    .option('-q, --quiet', 'report errors only')
    .option(
      '--report-unused-disable-directives [severity]',
      'report composable-lint-disable comments that suppressed nothing (warning; =error, =info or =off to choose)',
    )
    .option('--list-rules', 'list every rule with its default severity and exit')
    // Usage errors (bad option, bad --format) are exit 2, whatever the parent program set up.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (paths: string[], opts: LintCliOptions) => {
      takePathFromUnusedDirectives(opts, paths);
      if (!opts.listRules && paths.length === 0) {
        process.stderr.write('composable lint: give at least one path (a package directory, artifact, unit file or metadata file)\n');
        process.exitCode = 2;
        return;
      }
      process.exitCode = await runLint(paths, opts);
    });
}

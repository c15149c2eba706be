// Runs rules over packages, unit files and metadata, and turns their reports into diagnostics:
// severity from the configuration, inline suppressions, one deterministic order.
import { basename, dirname, resolve } from 'node:path';
import { readdirSync } from 'node:fs';
import type { EntryNode, SourceRange } from '../sdk/unit-file/types.ts';
import { parseUnitFile } from '../sdk/unit-file/parse.ts';
import { METADATA_PATH, PACKAGE_UNIT_DIR } from '../sdk/contract.ts';
import type { LintConfig } from './config.ts';
import { unitTypeOf } from './directives.ts';
import {
  classifyInput,
  extractArtifact,
  isUnitFilePath,
  LintInputError,
  readTextFile,
  unitFilesIn,
  type LintInput,
} from './inputs/index.ts';
import { readPackage, stripArtifactSuffix } from './inputs/package.ts';
import { extractOciPackage, OciReadError, type ExtractedOciPackage } from '../sdk/artifact/oci-read.ts';
import { ANNOTATION_NAME } from '../sdk/artifact/oci-pack.ts';
import { RULES } from './rules/index.ts';
import type {
  Diagnostic,
  LintMetadata,
  LintPackage,
  LintPolicy,
  LintUnit,
  ReportDescriptor,
  Rule,
  RuleMeta,
  Severity,
  SeveritySetting,
} from './types.ts';
import { isSuppressed, parseSuppressions, type Suppressions } from './util/disable.ts';
import { maskRange } from './util/redact.ts';
import { interpolate } from './util/template.ts';

export interface LintOptions {
  /** Directory relative input paths resolve against (default: process.cwd()). */
  cwd?: string;
  config?: LintConfig;
  /** Root that metadata's container paths (`source`) resolve against. Default: `--root`, then a
   *  root inferred from a `<root>/run/composable/metadata.json` path, then $COMPOSABLE_ROOT, then `/`. */
  root?: string;
  /** Rules to run (default: all registered rules). */
  rules?: readonly Rule[];
  /**
   * For a package directory: the paths (relative to it) that make the package; the rest is not
   * read, as if absent. `composable pack` lints what it ships (`selectPackage(dir).entries`).
   */
  only?: ReadonlySet<string>;
}

export interface LintResult {
  /** Sorted by file, line, column, rule id, message. */
  diagnostics: Diagnostic[];
  /** Text of each linted file by display path, for code frames. */
  sources: Map<string, string>;
  /** How many files were read. */
  fileCount: number;
  errorCount: number;
  warningCount: number;
  infoCount: number;
}

const WHOLE_FILE: SourceRange = { line: 1, column: 1, endLine: 1, endColumn: 1 };

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  if (a.message !== b.message) return a.message < b.message ? -1 : 1;
  return 0;
}

/** Collects diagnostics from rule runs. One Runner per lint run. */
export class Runner {
  readonly diagnostics: Diagnostic[] = [];
  readonly sources = new Map<string, string>();
  private readonly suppressions = new Map<string, Suppressions | undefined>();
  private readonly pendingRedactions = new Map<string, SourceRange[]>();
  private readonly active: { rule: Rule; severity: Severity }[];
  /** Every registered rule id and those of the rules given: what a suppression comment may name. */
  private readonly knownRules: ReadonlySet<string>;
  private commentsChecked = false;
  readonly policy: LintPolicy;
  fileCount = 0;

  constructor(rules: readonly Rule[] = RULES, config: LintConfig = {}) {
    this.policy = config.policy ?? {};
    this.active = [];
    for (const rule of rules) {
      const setting = severitySetting(rule.meta, config);
      if (setting !== 'off') this.active.push({ rule, severity: setting });
    }
    this.knownRules = new Set([...RULES, ...rules].map((r) => r.meta.id));
  }

  /** Remember a file's text for code frames and inline suppressions. */
  addSource(file: string, text: string, suppressible: boolean): void {
    if (this.sources.has(file)) return;
    this.fileCount++;
    this.suppressions.set(file, suppressible ? parseSuppressions(text) : undefined);
    let shown = text;
    for (const range of this.pendingRedactions.get(file) ?? []) shown = maskRange(shown, range);
    this.pendingRedactions.delete(file);
    this.sources.set(file, shown);
  }

  /** Mask `range` of a file's text kept for code frames (secrets; see maskRange); for a file not
   *  read yet (a package rule's finding in a unit file), once it is. */
  redact(file: string, range: SourceRange): void {
    const text = this.sources.get(file);
    if (text !== undefined) this.sources.set(file, maskRange(text, range));
    else this.pendingRedactions.set(file, [...(this.pendingRedactions.get(file) ?? []), range]);
  }

  private emit(rule: Rule, severity: Severity, defaultFile: string, d: ReportDescriptor): void {
    const meta = rule.meta;
    const template = meta.messages[d.messageId];
    if (template === undefined) throw new Error(`rule ${meta.id} reported unknown message id "${d.messageId}"`);
    const hintTemplate = typeof meta.hint === 'string' ? meta.hint : (meta.hint[d.messageId] ?? '');
    const range = d.range ?? WHOLE_FILE;
    const file = d.file ?? defaultFile;
    if (isSuppressed(this.suppressions.get(file), meta.id, range.line)) return;
    this.diagnostics.push({
      file,
      line: range.line,
      column: range.column,
      endLine: range.endLine,
      endColumn: range.endColumn,
      ruleId: meta.id,
      severity,
      message: interpolate(template, d.data),
      hint: interpolate(hintTemplate, d.data),
    });
  }

  lintUnit(unit: LintUnit, pkg?: LintPackage, availableUnits?: ReadonlySet<string>): void {
    this.addSource(unit.file, unit.text, true);
    const available = availableUnits ?? new Set(pkg ? pkg.units.filter((u) => !u.dropIn).map((u) => u.name) : [unit.name]);
    // One context per file; `report` attributes findings to the rule running now.
    let current: { rule: Rule; severity: Severity } | undefined;
    const ctx = {
      unit,
      pkg,
      policy: this.policy,
      availableUnits: available,
      report: (d: ReportDescriptor) => this.emit(current!.rule, current!.severity, unit.file, d),
      redact: (range: SourceRange, file?: string) => this.redact(file ?? unit.file, range),
      keyRange: (e: EntryNode) => e.keyRange ?? e.range ?? WHOLE_FILE,
      valueRange: (e: EntryNode) => e.valueRange ?? e.range ?? WHOLE_FILE,
    };
    for (const active of this.active) {
      const rule = active.rule;
      if (rule.scope !== 'unit') continue;
      if (unit.dropIn && rule.dropIns === false) continue;
      current = active;
      rule.check(ctx);
    }
  }

  lintPackage(pkg: LintPackage): void {
    if (pkg.osRelease) this.addSource(pkg.osRelease.file, pkg.osRelease.text, true);
    // Unit files before the package rules, so their findings in a unit file can be suppressed there.
    for (const unit of pkg.units) this.addSource(unit.file, unit.text, true);
    for (const { rule, severity } of this.active) {
      if (rule.scope !== 'package') continue;
      rule.check({
        pkg,
        policy: this.policy,
        report: (d) => this.emit(rule, severity, pkg.display, d),
        redact: (range, file) => this.redact(file ?? pkg.display, range),
      });
    }
    // Units the package provides: its unit files and aliases (symlinks) in the unit directory.
    const dir = `${PACKAGE_UNIT_DIR}/`;
    const available = new Set(pkg.units.filter((u) => !u.dropIn).map((u) => u.name));
    for (const f of pkg.files) {
      const rest = f.relPath.startsWith(dir) ? f.relPath.slice(dir.length) : '';
      if (rest && !rest.includes('/') && f.type === 'symlink' && unitTypeOf(rest)) available.add(rest);
    }
    for (const unit of pkg.units) this.lintUnit(unit, pkg, available);
  }

  lintMetadata(metadata: LintMetadata): void {
    this.addSource(metadata.file, metadata.text, false);
    for (const { rule, severity } of this.active) {
      if (rule.scope !== 'metadata') continue;
      rule.check({
        metadata,
        policy: this.policy,
        report: (d) => this.emit(rule, severity, metadata.file, d),
        redact: (range, file) => this.redact(file ?? metadata.file, range),
      });
    }
  }

  /** The comment rules, once every finding of the other rules is in: which suppressions were used is known. */
  private checkComments(): void {
    if (this.commentsChecked) return;
    this.commentsChecked = true;
    for (const active of this.active) {
      const rule = active.rule;
      if (rule.scope !== 'comment') continue;
      for (const [file, suppressions] of this.suppressions) {
        if (!suppressions) continue;
        rule.check({
          file,
          directives: suppressions.directives,
          knownRules: this.knownRules,
          policy: this.policy,
          report: (d) => this.emit(rule, active.severity, file, d),
          redact: (range, other) => this.redact(other ?? file, range),
        });
      }
    }
  }

  result(): LintResult {
    this.checkComments();
    const diagnostics = [...this.diagnostics].sort(compareDiagnostics);
    // Identical findings (e.g. the same rule reached twice through an alias) count once.
    const unique = diagnostics.filter(
      (d, i) => i === 0 || compareDiagnostics(d, diagnostics[i - 1]!) !== 0 || d.severity !== diagnostics[i - 1]!.severity,
    );
    return {
      diagnostics: unique,
      sources: this.sources,
      fileCount: this.fileCount,
      errorCount: unique.filter((d) => d.severity === 'error').length,
      warningCount: unique.filter((d) => d.severity === 'warning').length,
      infoCount: unique.filter((d) => d.severity === 'info').length,
    };
  }
}

/** A rule's severity under a configuration: the configured one, else its default (off for a rule
 *  that is off by default). */
export function severitySetting(meta: RuleMeta, config: LintConfig): SeveritySetting {
  return config.rules?.[meta.id] ?? (meta.offByDefault ? 'off' : meta.severity);
}

/** One result of several runs (inputs linted under different configurations): findings in one
 *  order, sources and counts together. */
export function mergeResults(results: readonly LintResult[]): LintResult {
  if (results.length === 1) return results[0]!;
  const diagnostics = results.flatMap((r) => r.diagnostics).sort(compareDiagnostics);
  const sources = new Map<string, string>();
  for (const r of results) for (const [file, text] of r.sources) if (!sources.has(file)) sources.set(file, text);
  return {
    diagnostics,
    sources,
    fileCount: sources.size,
    errorCount: diagnostics.filter((d) => d.severity === 'error').length,
    warningCount: diagnostics.filter((d) => d.severity === 'warning').length,
    infoCount: diagnostics.filter((d) => d.severity === 'info').length,
  };
}

/** Lint one unit file given as text (editor integrations, tests). */
export function lintUnitText(
  name: string,
  text: string,
  options: { file?: string; config?: LintConfig; rules?: readonly Rule[]; availableUnits?: Iterable<string> } = {},
): LintResult {
  const runner = new Runner(options.rules, options.config);
  const file = options.file ?? name;
  runner.lintUnit(looseUnit(name, file, text), undefined, new Set([name, ...(options.availableUnits ?? [])]));
  return runner.result();
}

/**
 * Lint a unit file's text as if it were at `filename` (`composable lint -`, editors): named and
 * shown by that path, with the unit files next to it, if it is in a directory, as its siblings.
 */
export function lintUnitSource(text: string, filename: string, options: { cwd?: string; config?: LintConfig } = {}): LintResult {
  if (!isUnitFilePath(filename)) {
    throw new LintInputError(
      `${filename}: not a unit file name; --stdin-filename takes a unit file's name (demo.service, demo.service.d/10-x.conf, ...)`,
    );
  }
  const runner = new Runner(RULES, options.config);
  const unit = looseUnit(basename(filename), filename, text);
  const siblings = siblingUnits(dirname(resolve(options.cwd ?? process.cwd(), filename)));
  runner.lintUnit(unit, undefined, new Set([unit.name, ...siblings]));
  return runner.result();
}

function looseUnit(name: string, file: string, text: string): LintUnit {
  const dropIn = name.endsWith('.conf') && dirname(file).endsWith('.d') ? basename(file) : undefined;
  const unitName = dropIn ? basename(dirname(file)).slice(0, -2) : name;
  return { name: unitName, type: unitTypeOf(unitName), file, text, parsed: parseUnitFile(text, file), dropIn };
}

/** Root the container paths of a metadata file resolve against. */
export function metadataRoot(path: string, explicit?: string): string {
  if (explicit) return explicit;
  if (path.endsWith(METADATA_PATH)) return path.slice(0, -METADATA_PATH.length) || '/';
  return process.env.COMPOSABLE_ROOT ?? '/';
}

/** An OCI image's package, unpacked; a damaged or unsafe image is an input error, like a bad archive. */
async function extractOciInput(path: string): Promise<ExtractedOciPackage> {
  try {
    return await extractOciPackage(path);
  } catch (e) {
    if (e instanceof OciReadError) throw new LintInputError(e.message);
    throw e;
  }
}

async function lintInput(runner: Runner, input: LintInput, options: LintOptions): Promise<void> {
  switch (input.kind) {
    case 'package':
      runner.lintPackage(readPackage(input.path, input.display, undefined, options.only));
      return;
    case 'artifact': {
      const { dir, dispose } = await extractArtifact(input.path);
      try {
        runner.lintPackage(readPackage(dir, `${input.display}!`, stripArtifactSuffix(basename(input.path))));
      } finally {
        dispose();
      }
      return;
    }
    case 'oci': {
      const { dir, dispose, image } = await extractOciInput(input.path);
      try {
        runner.lintPackage(
          readPackage(
            dir,
            `${input.display}!`,
            image.annotations[ANNOTATION_NAME] ?? stripArtifactSuffix(basename(input.path)).replace(/\.oci$/, ''),
          ),
        );
      } finally {
        dispose();
      }
      return;
    }
    case 'unit': {
      const siblings = siblingUnits(dirname(input.path));
      const unit = looseUnit(basename(input.path), input.display, readTextFile(input.path));
      runner.lintUnit(unit, undefined, new Set([unit.name, ...siblings]));
      return;
    }
    case 'unit-dir': {
      const names = unitFilesIn(input.path);
      const available = new Set(siblingUnits(input.path));
      for (const name of names) {
        const display = `${input.display}/${name}`;
        let text: string;
        try {
          text = readTextFile(`${input.path}/${name}`);
        } catch {
          continue;
        }
        runner.lintUnit(looseUnit(name, display, text), undefined, available);
      }
      return;
    }
    case 'metadata': {
      const text = readTextFile(input.path);
      runner.lintMetadata({ file: input.display, text, root: metadataRoot(input.path, options.root) });
      return;
    }
  }
}

/** Unit names in a directory (regular files and symlinks alike): what systemd-analyze verify would find there. */
function siblingUnits(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => unitTypeOf(n) !== undefined);
  } catch {
    return [];
  }
}

/**
 * Lint every path: package directories, artifacts, unit files, directories of unit files and
 * metadata files. Throws LintInputError for a path that does not exist or cannot be read.
 */
export async function lint(paths: readonly string[], options: LintOptions = {}): Promise<LintResult> {
  if (paths.length === 0) throw new LintInputError('no paths given; pass package directories, artifacts, unit files or metadata files');
  const cwd = options.cwd ?? process.cwd();
  const inputs = paths.map((p) => classifyInput(p, cwd));
  const runner = new Runner(options.rules, options.config);
  for (const input of inputs) await lintInput(runner, input, options);
  return runner.result();
}

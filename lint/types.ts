// Types of the linter: diagnostics, rules and what a rule sees when it runs.
import type { EntryNode, SourceRange, UnitFile } from '../sdk/unit-file/types.ts';
import type { TreeEntry } from '../sdk/digest.ts';
import type { PackageManifest } from '../sdk/package.ts';
import type { Directive } from './util/disable.ts';

/** `info` is SARIF's `note`; `off` only appears in configuration. */
export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** One finding. Positions are 1-based; `endColumn` is exclusive. A finding about a whole file or
 *  package has the range 1:1-1:1. */
export interface Diagnostic {
  /** Display path: as given on the command line, `pkg.tar.gz!/usr/lib/os-release` inside an artifact. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  ruleId: string;
  severity: Severity;
  message: string;
  /** What to do about it. */
  hint: string;
}

export type RuleGroup = 'package' | 'unit' | 'coherence' | 'policy' | 'portable' | 'metadata' | 'comment';
export const RULE_GROUPS: readonly RuleGroup[] = ['package', 'unit', 'coherence', 'policy', 'portable', 'metadata', 'comment'];

export interface RuleMeta {
  /** Stable id `<group>/<name>`; never reused for a different check. */
  id: string;
  severity: Severity;
  /** One line: what the rule checks. */
  description: string;
  /** Message templates by message id; `{{name}}` is replaced by `data.name`. */
  messages: Record<string, string>;
  /** Fix hint template (same placeholders as the messages), or one per message id. */
  hint: string | Record<string, string>;
  /** Longer explanation for docs/rules.md (optional). */
  docs?: string;
  /** Off unless the configuration (or a command-line option) turns it on; `severity` is then its
   *  severity when turned on without one. */
  offByDefault?: boolean;
}

export type TemplateData = Record<string, string | number>;

export interface ReportDescriptor {
  messageId: string;
  data?: TemplateData;
  /** Where: a range in `file` (default: the current file, 1:1). */
  range?: SourceRange;
  /** Display path of another file than the current one (package rules). */
  file?: string;
}

// --- What rules look at -----------------------------------------------------------------------

/** A unit file (or drop-in) as the linter sees it. */
export interface LintUnit {
  /** Unit name (`logship.service`); for a drop-in, the unit it extends. */
  name: string;
  /** Unit type from the name (`service`), or undefined when the name has no known suffix. */
  type?: string;
  /** Display path for diagnostics. */
  file: string;
  /** Path relative to the package root, when the unit is part of a package. */
  relPath?: string;
  text: string;
  parsed: UnitFile;
  /** Drop-in file name when this is a `<unit>.d/*.conf` drop-in. */
  dropIn?: string;
}

export interface LintOsRelease {
  file: string;
  relPath: string;
  text: string;
  fields: Record<string, string>;
  entries: { key: string; value: string; line: number }[];
  problems: { line: number; column: number; message: string }[];
}

/** A package as the linter sees it: everything that is there, even when parts are broken. */
export interface LintPackage {
  /** Directory on disk (an extracted temp dir for artifacts). */
  root: string;
  /** Display prefix of the package's files (`pkg/` or `pkg.tar.gz!/`). */
  display: string;
  /** Package name (ID), if os-release gives one, else the directory name. */
  name: string;
  /** The name of the directory or artifact the package came in (`logship-1.4.2`). */
  dirName: string;
  osRelease?: LintOsRelease;
  /** Validated manifest, when os-release is valid. */
  manifest?: PackageManifest;
  /** Prefixes from PORTABLE_PREFIXES, else [name]. */
  prefixes: string[];
  units: LintUnit[];
  /** Every entry of the tree, sorted by path. */
  files: TreeEntry[];
  /** Display path of a package-relative path. */
  path(relPath: string): string;
}

export interface LintMetadata {
  file: string;
  text: string;
  /** Parsed JSON, or undefined when it does not parse. */
  json?: unknown;
  /** Root the metadata's container paths resolve against (COMPOSABLE_ROOT, `--root`). */
  root: string;
}

export interface LintPolicy {
  /** Targets packages may install into (WantedBy=/RequiredBy=, COMPOSABLE_TARGET, metadata target). */
  allowedTargets?: string[];
  /** Oldest systemd the packages must run on; directives added later are reported. */
  minSystemdVersion?: number;
  /** Profiles packages and metadata may declare. */
  allowedProfiles?: string[];
  /** Report services whose exposure score is above this (default: report from 7.0, EXPOSED). */
  maxExposure?: number;
  /** Units a base container provides that packages may depend on (added to the built-in list). */
  baseUnits?: string[];
  /** Programs (names, or absolute paths) the site's images provide, added to the documented
   *  base programs host-mode packages may run from the container (lint/data/base-programs.ts). */
  basePrograms?: string[];
  /** Check every package as a portable image (portablectl attach), not only chroot-mode ones. */
  portable?: boolean;
  /** The containers run without CAP_SYS_ADMIN (podman, CRI-O, containerd defaults): report what
   *  the generator would skip or what systemd would silently leave out there. */
  unprivileged?: boolean;
}

interface ContextBase {
  policy: LintPolicy;
  report(descriptor: ReportDescriptor): void;
  /** Mask a range of a file's text (default: the current file) in every code frame, for a secret
   *  a rule found there: no output format may show it, whichever rule's finding is on that line. */
  redact(range: SourceRange, file?: string): void;
}

export interface UnitContext extends ContextBase {
  unit: LintUnit;
  /** The package the unit belongs to, when it is linted as part of one. */
  pkg?: LintPackage;
  /** Unit names that exist next to this one: the package's units, or the files in a loose
   *  unit's directory (what `systemd-analyze verify` would find). */
  availableUnits: ReadonlySet<string>;
  /** Range of an entry's key, value, or whole line. */
  keyRange(entry: EntryNode): SourceRange;
  valueRange(entry: EntryNode): SourceRange;
}

export interface PackageContext extends ContextBase {
  pkg: LintPackage;
}

export interface MetadataContext extends ContextBase {
  metadata: LintMetadata;
}

/** A file's suppression comments, after every other rule has run on every input. */
export interface CommentContext extends ContextBase {
  /** Display path of the file the comments are in. */
  file: string;
  /** Its suppression comments; each id's `used` says whether it suppressed a finding. */
  directives: readonly Directive[];
  /** Ids of every registered rule, whether it runs or not. */
  knownRules: ReadonlySet<string>;
}

interface RuleBase {
  meta: RuleMeta;
}
export interface UnitRule extends RuleBase {
  scope: 'unit';
  /** Also run on drop-ins (default true). */
  dropIns?: boolean;
  check(ctx: UnitContext): void;
}
export interface PackageRule extends RuleBase {
  scope: 'package';
  check(ctx: PackageContext): void;
}
export interface MetadataRule extends RuleBase {
  scope: 'metadata';
  check(ctx: MetadataContext): void;
}
export interface CommentRule extends RuleBase {
  scope: 'comment';
  check(ctx: CommentContext): void;
}
export type Rule = UnitRule | PackageRule | MetadataRule | CommentRule;

// composable-services/lint: the linter's public API.
//
//   import { lint, formatStylish } from 'composable-services/lint';
//   const result = await lint(['./logship'], { config });
//   process.stdout.write(formatStylish(result, { color: true }));
export { lint, lintUnitText, metadataRoot, compareDiagnostics, Runner, type LintOptions, type LintResult } from './engine.ts';
export { RULES, RULES_BY_ID, RULE_IDS } from './rules/index.ts';
export {
  format,
  formatGithub,
  formatJson,
  formatSarif,
  formatStylish,
  buildSarif,
  codeFrame,
  FORMATS,
  type Format,
} from './formatters/index.ts';
export {
  loadConfigFile,
  findConfigFile,
  validateConfig,
  LintConfigSchema,
  LintConfigError,
  CONFIG_FILE_NAME,
  type LintConfig,
} from './config.ts';
export { classifyInput, LintInputError, type LintInput, type InputKind } from './inputs/index.ts';
export { readPackage } from './inputs/package.ts';
export { checkCalendar, type CalendarResult } from './util/calendar.ts';
export { exposure, exposureLevel, EXPOSURE_CHECKS, type Exposure } from './util/exposure.ts';
export { readElf, type ElfInfo } from '../sdk/artifact/elf.ts';
export {
  DIRECTIVES_SYSTEMD_VERSION,
  DIRECTIVES_SYSTEMD_FULL,
  isKnownDirective,
  directiveKind,
  sectionsFor,
  unitTypeOf,
} from './directives.ts';
export type {
  Diagnostic,
  Severity,
  SeveritySetting,
  Rule,
  RuleMeta,
  RuleGroup,
  UnitRule,
  PackageRule,
  MetadataRule,
  LintPackage,
  LintUnit,
  LintMetadata,
  LintPolicy,
  ReportDescriptor,
} from './types.ts';

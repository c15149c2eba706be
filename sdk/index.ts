// Public API of `composable`: what a sidecar team's code imports. Unit-file, os-release and
// unit-name formats, the contract (paths, constants, zod schemas and their JSON Schema), the
// package model and its digest. Exported by name, so nothing internal becomes API by accident;
// docs/api.md lists it (scripts/api-doc.ts). The agent's side is `composable-services/host`.
export type {
  BlankNode,
  CommentNode,
  EntryNode,
  InvalidNode,
  SectionHeaderNode,
  SourceRange,
  UnitFile,
  UnitFileProblem,
  UnitNode,
  UnitSection,
} from './unit-file/types.ts';
export {
  LONG_LINE_MAX,
  parseUnitFile,
  splitPhysicalLines,
  type PhysicalLine,
} from './unit-file/parse.ts';
export {
  allNodes,
  formatUnitFile,
  isOpenContinuation,
  renderNode,
} from './unit-file/format.ts';
export {
  addSection,
  addValue,
  removeKey,
  setValue,
} from './unit-file/edit.ts';
export {
  DEPENDENCY_LIST,
  ENVIRONMENT_LIST,
  STRV_LIST,
  getAssignments,
  getEntries,
  getList,
  getSections,
  getValue,
  listSemantics,
  sectionNames,
  type ListSemantics,
} from './unit-file/lookup.ts';
export {
  cunescapeOne,
  extractFirstWord,
  extractFirstWordAndWarn,
  extractWords,
  splitWords,
  type ExtractErrorReason,
  type ExtractFlags,
  type ExtractResult,
  type ExtractedWords,
  type Word,
} from './unit-file/words.ts';
export {
  TIME_UNITS,
  formatTimeSpan,
  parseBoolean,
  parseTimeSpan,
  parseTimeSpanBigInt,
} from './unit-file/values.ts';
export {
  doubleQuoteWord,
  formatCommandLine,
  formatCommandLines,
  parseCommandLine,
  parseCommandLineWithSpans,
  parseExecPrefix,
  quoteExecWord,
  replaceExecutable,
  type CommandLineWarning,
  type ExecCommand,
  type ExecCommandSpans,
  type ExecPrefixes,
  type ParseCommandResult,
  type ReplaceExecutableOptions,
} from './unit-file/command-line.ts';
export {
  dropInDirsFor,
  dropInSearchPaths,
  loadUnitWithDropIns,
  mergeDropIns,
  orderDropIns,
  type LoadedUnit,
} from './unit-file/dropins.ts';
export {
  EXEC_DIRECTIVES,
  EXEC_SEARCH_PATH,
  packageExecutable,
} from './unit-file/exec-search.ts';
export {
  formatOsRelease,
  parseOsRelease,
  quoteOsReleaseValue,
  validateOsReleaseKey,
  type OsReleaseEntry,
  type OsReleaseProblem,
  type ParsedOsRelease,
} from './os-release.ts';
export {
  UNIT_NAME_MAX,
  UNIT_TYPES,
  escapeUnitNamePart,
  hasPortablePrefix,
  isValidUnitName,
  parseUnitName,
  pathFromUnitName,
  simplifyPath,
  unescapeUnitNamePart,
  unitNameFromPath,
  unitNameFromTemplate,
  unitType,
  type ParsedUnitName,
  type UnitNameRules,
  type UnitType,
} from './unit-name.ts';
export {
  CONTRACT_VERSION,
  CREDENTIALS_ROOT,
  DROP_IN_NAME,
  GENERATOR_NAME,
  METADATA_PATH,
  MODES,
  MOUNT_PREFIX,
  PACKAGE_OS_RELEASE,
  PACKAGE_UNIT_DIR,
  PROFILES,
  RUN_DIR,
  STATUS_PATH,
  STORE_ROOT,
  TARGETS,
  UNIT_LINE_MAX,
  hostPath,
  resolveTarget,
  stablePath,
  type Mode,
  type Profile,
  type TargetAlias,
} from './contract.ts';
export {
  ABSOLUTE_PATH_PATTERN,
  AbsolutePath,
  CAPABILITY_NAMES,
  CAPABILITY_PATTERN,
  CREDENTIAL_NAME_PATTERN,
  Capability,
  DIGEST_PATTERN,
  Digest,
  ENV_NAME_PATTERN,
  LONE_SURROGATE,
  ModeSchema,
  PATH_MAX_LENGTH,
  ProfileSchema,
  SERVICE_NAME_PATTERN,
  ServiceName,
  TARGET_PATTERN,
  Target,
  UNIT_NAME_PATTERN,
  USER_PATTERN,
  UnitName,
  VERSION_PATTERN,
  Version,
} from './schema/common.ts';
export {
  MetadataSchema,
  ServiceSchema,
  type Metadata,
  type ServiceSpec,
} from './schema/metadata.ts';
export {
  ReasonSchema,
  ServiceStatusSchema,
  StatusSchema,
  type Reason,
  type ServiceStatus,
  type Status,
} from './schema/status.ts';
export {
  COMPOSABLE_FIELDS,
  PackageOsReleaseSchema,
  type PackageOsRelease,
} from './schema/os-release.ts';
export {
  formatSchemaProblems,
  jsonPath,
  schemaProblems,
  type SchemaProblem,
} from './schema/issues.ts';
export {
  SCHEMA_NAMES,
  jsonSchema,
  type SchemaName,
} from './schema/json-schema.ts';
export {
  PACKAGE_UNIT_TYPES,
  checkPackageUnitName,
  directoryReader,
  imageReader,
  loadPackage,
  loadPackageFrom,
  manifestFromOsRelease,
  type ComposablePackage,
  type LoadPackageOptions,
  type LoadPackageResult,
  type PackageDropIn,
  type PackageManifest,
  type PackageProblem,
  type PackageReader,
  type PackageUnit,
} from './package.ts';
export {
  digestEntries,
  fileDigest,
  packageDigest,
  packageDigestResult,
  walkPackage,
  walkTree,
  type TreeEntry,
} from './digest.ts';
export { VERSION } from './version.ts';

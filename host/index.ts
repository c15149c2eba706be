// Public API of `composable-services/host`: what a host agent written in TypeScript imports. Metadata and
// credentials into the container before PID 1 starts and the generator's status back (agent.ts),
// the generator's pure planner for rendering ahead of time, and `composable apply`'s planning.
// Exported by name; docs/api.md lists it.
export {
  ContractError,
  readStatus,
  validateMetadata,
  writeCredential,
  writeMetadata,
} from './agent.ts';
export {
  outputFileReasons,
  parseMetadata,
  planGeneration,
  type MetadataEntry,
  type ParsedMetadata,
} from '../generator/plan/plan-generation.ts';
export type {
  GeneratorInput,
  GeneratorPlan,
  MetadataInput,
  OutputFile,
  ServiceInput,
  ServiceSettings,
} from '../generator/plan/types.ts';
export {
  planApply,
  type ApplyPlan,
} from './apply/plan-apply.ts';
export {
  readGeneratedSet,
  setFromFiles,
  type GeneratedSet,
  type GeneratedUnit,
} from './apply/generated-set.ts';
export {
  runApply,
  type ApplyOptions,
  type ApplyOutcome,
  type FailedUnit,
} from './apply/apply-changes.ts';

// composable/testing: run and unit-test a packaged service outside any container.
export {
  startService,
  runTimer,
  ServiceHandle,
  type StartOptions,
  type LogLine,
  type ServiceResult,
  type ServiceState,
} from './service.ts';
export { expandArgv, expandSpecifiers, parseEnvironmentFile, serviceEnvironment, type Sandbox } from './environment.ts';
export { unemulatedDirectives } from './emulated.ts';

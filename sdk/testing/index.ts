// composable/testing: run and unit-test a packaged service outside any container.
export { startService, runTimer, ServiceHandle, type StartOptions, type ServiceState } from './service.ts';
export type { ServiceResult } from './service-unit.ts';
export type { Signal } from './signals.ts';
export type { LogLine } from './service-log.ts';
export { expandArgv, expandSpecifiers, parseEnvironmentFile, serviceEnvironment, type Sandbox } from './environment.ts';
export { notEmulatedDirectives, notEmulatedLine, type Emulation } from './emulated.ts';
export type { ServiceUser } from './service-user.ts';

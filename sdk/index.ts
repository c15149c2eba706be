// Public API of the `composable` SDK. Each area owns its own index; this file only re-exports.
export * from './unit-file/index.ts';
export * from './os-release.ts';
export * from './unit-name.ts';
export * from './contract.ts';
export * from './schema/index.ts';
export * from './package.ts';
export * from './plan/index.ts';
export * from './digest.ts';
export * from './io/index.ts';
export * from './version.ts';
export * from './agent.ts';
export * from './apply/index.ts';

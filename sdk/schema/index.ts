export * from './common.ts';
export * from './metadata.ts';
export * from './status.ts';
export * from './os-release.ts';
export * from './issues.ts';
export * from './json-schema.ts';

export * from './tar.ts';
export * from './pack.ts';

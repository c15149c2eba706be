export * from './tar.ts';
export * from './pack.ts';
export * from './extract.ts';

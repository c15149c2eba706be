export * from './types.ts';
export * from './parse.ts';
export * from './format.ts';
export * from './edit.ts';
export * from './lookup.ts';
export * from './values.ts';
export * from './command-line.ts';
export * from './dropins.ts';

export * from './atomic-write.ts';
export * from './container-path.ts';
export * from './generator-input.ts';
export * from './write-plan.ts';
export * from './container-units.ts';
export * from './capabilities.ts';

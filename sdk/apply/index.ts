export * from './snapshot.ts';
export * from './plan.ts';
export * from './systemctl.ts';
export * from './run.ts';

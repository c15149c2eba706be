export * from './types.ts';
export * from './generate.ts';
export * from './targets.ts';
export * from './mount.ts';
export * from './dropin.ts';
export * from './enable.ts';
// commandLineOf is the planner's own memo, not API.
export { EXEC_DIRECTIVES, EXEC_SEARCH_PATH, packageExecutable, candidateExecutables, rewriteExecDirectives } from './exec-paths.ts';
export type { ExecRewrite, ExecRewriteProblem } from './exec-paths.ts';
export * from './escape.ts';
export * from './profiles.ts';
export * from './after-graph.ts';

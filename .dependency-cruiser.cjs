// The import boundaries between the rooms (docs/architecture.md, "Rooms"). Run by
// `npm run check:boundaries` and by test/repo/boundaries.test.ts; a violation names the import.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'sdk-imports-sdk-only',
      comment: 'sdk/ is what sidecar teams import: it may not depend on the generator, the host side, the linter, the CLI or tests.',
      severity: 'error',
      from: { path: '^sdk/' },
      to: { path: '^(generator|host|lint|cli|test|bench|scripts)/' },
    },
    {
      name: 'generator-imports-sdk-only',
      comment: 'generator/ runs at boot inside the container: besides itself it may use sdk/ only (and node and zod).',
      severity: 'error',
      from: { path: '^generator/' },
      to: { path: '^(host|lint|cli|test|bench|scripts)/' },
    },
    {
      name: 'host-imports-sdk-and-generator-only',
      comment: "host/ is the agent side: it renders with the generator's planner and the SDK, never with the linter or the CLI.",
      severity: 'error',
      from: { path: '^host/' },
      to: { path: '^(lint|cli|test|bench|scripts)/' },
    },
    {
      name: 'lint-does-not-import-cli-or-tests',
      comment: 'lint/ is a library (composable-services/lint): the CLI calls it, not the other way round.',
      severity: 'error',
      from: { path: '^lint/' },
      to: { path: '^(cli|test|bench|scripts)/' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle between modules makes the load order (and the bundles) fragile.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.tmp)/|^test/golden/cases/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};

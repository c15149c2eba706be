import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The package's own names resolve to its sources in the repository's tests (package.json
// `exports` points at the compiled dist/ for installed copies; tsconfig.json `paths` agrees).
const SOURCE_ENTRIES = {
  'composable-services': 'sdk/index.ts',
  'composable-services/host': 'host/index.ts',
  'composable-services/lint': 'lint/index.ts',
  'composable-services/testing': 'sdk/testing/index.ts',
};

export default defineConfig({
  resolve: {
    alias: Object.entries(SOURCE_ENTRIES).map(([name, source]) => ({
      find: new RegExp(`^${name}$`),
      replacement: fileURLToPath(new URL(source, import.meta.url)),
    })),
  },
  test: {
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'test/{sdk,generator,host,lint,cli,scripts,repo}/**/*.test.ts',
            'test/golden/**/*.test.ts',
            'test/hostile/**/*.test.ts',
            'templates/**/*.test.ts',
          ],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          // Real-systemd tests boot containers: one file at a time, so boots do not compete for
          // the machine and each file's checks on host processes and mounts see only its own.
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 20 * 60_000,
        },
      },
      {
        extends: true,
        test: {
          // npm pack, an offline install into an empty project, tsc and vitest there: minutes on
          // a busy machine.
          name: 'consumer',
          include: ['test/consumer/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/golden/**/*.test.ts', 'test/hostile/**/*.test.ts', 'lint/**/*.test.ts', 'templates/**/*.test.ts'],
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
    ],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'lint/**/*.test.ts', 'templates/**/*.test.ts'],
    // The real-systemd tests boot containers; they are slow and must not run in parallel
    // with each other, but the pure tests are fast. Each file sets its own timeouts.
    testTimeout: 20_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});

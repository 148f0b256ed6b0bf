import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    // Deadlines that turn a hang into a failure, sized for a loaded 2-core machine (tests run 5-10x
    // slower there); no test may depend on finishing sooner. Tests that start processes set their own.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    globalSetup: ['test/support/global-setup.ts'],
  },
});

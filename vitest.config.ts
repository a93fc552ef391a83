import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'shared/src/**/*.test.ts',
      'server/src/**/*.test.ts',
      'client/src/**/*.test.ts',
      'bench/src/**/*.test.ts',
    ],
    environment: 'node',
    // Removes the run's temporary data directories when it ends (see the file).
    globalSetup: ['server/src/test/globalTempDir.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real servers on loopback; two cores, so keep parallelism modest.
    maxWorkers: 2,
    fileParallelism: true,
  },
});

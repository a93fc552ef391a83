import { defineConfig } from '@playwright/test';
import base from '../playwright.config.ts';

/**
 * The author view benchmark: same server and browser as the e2e tests, but its own
 * directory, so the default run (testDir `tests`) never picks it up.
 */
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: '*.bench.ts',
  timeout: 15 * 60_000,
  reporter: [['list']],
  use: { ...base.use, trace: 'off', screenshot: 'off' },
});

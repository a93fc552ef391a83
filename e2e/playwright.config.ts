import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

// Overridable so two checkouts on one machine can run their e2e at the same time.
const PORT = Number(process.env.CHORUS_E2E_PORT ?? 3117);
const origin = `http://localhost:${PORT}`;
// A fresh data directory per run, so every run starts with no accounts. Kept in the
// environment because Playwright loads this file again in its worker, and the teardown
// that removes it must see the same path.
process.env.CHORUS_E2E_DATA_DIR ??= path.join(os.tmpdir(), `chorus-e2e-${Date.now()}`);

export default defineConfig({
  testDir: 'tests',
  // One worker: the actors in a test share one server and talk to each other live.
  workers: 1,
  retries: 0,
  // Generous: several browsers, axe scans and argon2 sign-ups share two cores.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  // The JSON report feeds the repository's one-line test summary (scripts/testSummary.mjs).
  // An absolute path: the benchmark's config (bench/) spreads this one from another folder.
  globalTeardown: path.join(path.dirname(fileURLToPath(import.meta.url)), 'globalTeardown.ts'),
  reporter: [['list'], ['json', { outputFile: '../test-results/e2e.json' }]],
  use: {
    baseURL: origin,
    // Recording a trace of every test (to keep the failing ones) made the suite a third
    // slower on two cores, so it is off unless asked for: CHORUS_E2E_TRACE=1 keeps the
    // trace of each failing test (open it with `npx playwright show-trace`).
    trace: process.env.CHORUS_E2E_TRACE ? 'retain-on-failure' : 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    // The server serves the already-built client from client/dist (build it first).
    command: 'pnpm --filter @chorus/server start',
    url: `${origin}/`,
    reuseExistingServer: false,
    // Generous: several browsers, axe scans and argon2 sign-ups share two cores.
    timeout: 120_000,
    env: {
      PORT: String(PORT),
      CHORUS_ORIGIN: origin,
      CHORUS_DATA_DIR: process.env.CHORUS_E2E_DATA_DIR,
      CHORUS_LOG: 'silent',
      // Every spec signs people up from loopback.
      CHORUS_SIGNUP_MAX_PER_IP: '1000000',
    },
  },
});

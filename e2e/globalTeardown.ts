import fs from 'node:fs';

/**
 * Removes the run's data directory (see playwright.config.ts). Playwright stops the server
 * after this runs; on Linux it keeps writing to its open files until it exits.
 */
export default function globalTeardown(): void {
  const dir = process.env.CHORUS_E2E_DATA_DIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

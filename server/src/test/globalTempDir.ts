import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Vitest global setup: the run's temporary directories (see `tempDir`) live under one
 * parent that is removed when the run ends, so thousands of test databases do not pile up
 * in the system's temporary folder; a run that is killed leaves one folder. Passed in the
 * environment, which the test workers inherit, rather than with Vitest's `provide`, because
 * the helpers that read it are also loaded by the Playwright suite.
 */
export default function setup(): () => void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-tests-'));
  process.env.CHORUS_TEST_TMP = root;
  return () => fs.rmSync(root, { recursive: true, force: true });
}

import { createRequire } from 'node:module';
import { expect, it } from 'vitest';

const require = createRequire(import.meta.url);

/** "8.17.1" → [8, 17, 1], for comparing release numbers without a semver library. */
const parts = (version: string) => version.split('.').map((n) => Number.parseInt(n, 10));

// ws before 8.17.1 crashes on a request with many headers (CVE-2024-37890): SECURITY.md.
it('serves WebSockets with ws 8.17.1 or later', () => {
  const { version } = require('ws/package.json') as { version: string };
  const [major = 0, minor = 0, patch = 0] = parts(version);
  expect(major * 1e6 + minor * 1e3 + patch, `ws ${version}`).toBeGreaterThanOrEqual(8_017_001);
});

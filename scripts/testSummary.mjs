// Prints one closing line, "N passed, N failed", over the Vitest and Playwright JSON reports.
import fs from 'node:fs';

const read = (file) => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null);
let passed = 0;
let failed = 0;
let skipped = 0;

const unit = read('test-results/vitest.json');
if (unit) {
  passed += unit.numPassedTests;
  failed += unit.numFailedTests;
  skipped += unit.numPendingTests + (unit.numTodoTests ?? 0);
}
const e2e = read('test-results/e2e.json');
if (e2e) {
  passed += e2e.stats.expected;
  failed += e2e.stats.unexpected + (e2e.stats.flaky ?? 0);
  skipped += e2e.stats.skipped;
  // Warnings a passing test recorded (a set-up step it had to repeat): printed, so a rare
  // miss is seen in every run's output rather than lost in a pass.
  const warnings = new Set();
  const collect = (node, title) => {
    if (!node || typeof node !== 'object') return;
    const named = typeof node.title === 'string' && node.title ? node.title : title;
    for (const annotation of Array.isArray(node.annotations) ? node.annotations : []) {
      if (annotation.type === 'warning') warnings.add(`${named}: ${annotation.description}`);
    }
    for (const value of Object.values(node)) if (typeof value === 'object') collect(value, named);
  };
  collect(e2e, '');
  for (const warning of warnings) console.log(`warning: ${warning}`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

// The run's closing line, `tests: N passed, N failed`, added up from every package's vitest JSON report.
// A package with a vitest.config.ts but no report counts as a failure: its tests did not run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dirs = [...readdirSync('packages').map((d) => join('packages', d)), 'contracts'].filter((d) =>
  existsSync(join(d, 'vitest.config.ts')),
);
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const dir of dirs) {
  const file = join(dir, '.test-results', 'vitest.json');
  if (!existsSync(file)) {
    missing.push(dir);
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
}
if (missing.length) console.error(`no test report from: ${missing.join(', ')}`);
console.log(`\ntests: ${passed} passed, ${failed + missing.length} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || missing.length > 0 ? 1 : 0);

// The run's closing line, `tests: N passed, N failed`, added up from every package's vitest JSON report.
// A package with a vitest.config.ts but no report counts as a failure: its tests did not run, and is named.
// Turbo runs every package (--continue) and passes its exit code as the first argument: a failed generate,
// typecheck or lint task fails the run too, after the line is printed.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const dirs = [...readdirSync('packages').map((d) => join('packages', d)), 'contracts'].filter((d) =>
  existsSync(join(d, 'vitest.config.ts')),
);
// `--clean` (before the run): remove old reports, so a package that does not run this time cannot count.
if (process.argv[2] === '--clean') {
  for (const dir of dirs) rmSync(join(dir, '.test-results'), { recursive: true, force: true });
  process.exit(0);
}
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
const turbo = Number(process.argv[2] ?? 0);
if (missing.length) console.error(`no test report from: ${missing.join(', ')} (counted as failed)`);
if (turbo !== 0) console.error(`a generate, typecheck, lint or test task failed (turbo exited ${turbo}): see above`);
console.log(`\ntests: ${passed} passed, ${failed + missing.length} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || missing.length > 0 || turbo !== 0 ? 1 : 0);

// The run's closing line, `tests: N passed, N failed`, added up from every package's vitest JSON report.
// A package with a vitest.config.ts but no report counts as a failure: its tests did not run, and is named.
// Turbo runs every package (--continue) and passes its exit code as the first argument: a failed generate,
// typecheck or lint task fails the run too, after the line is printed.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const dirs = [
  ...readdirSync('packages').map((d) => join('packages', d)),
  'contracts',
  ...(existsSync('examples') ? readdirSync('examples').map((d) => join('examples', d)) : []),
].filter((d) => existsSync(join(d, 'vitest.config.ts')));
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
  // Every vitest JSON report of the package (a package that runs vitest twice writes one per run).
  const results = join(dir, '.test-results');
  const files = existsSync(results) ? readdirSync(results).filter((f) => f.endsWith('.json')) : [];
  if (files.length === 0) {
    missing.push(dir);
    continue;
  }
  for (const f of files) {
    const r = JSON.parse(readFileSync(join(results, f), 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  }
}
const turbo = Number(process.argv[2] ?? 0);
if (missing.length) console.error(`no test report from: ${missing.join(', ')} (counted as failed)`);
if (turbo !== 0) console.error(`a generate, typecheck, lint or test task failed (turbo exited ${turbo}): see above`);
console.log(`\ntests: ${passed} passed, ${failed + missing.length} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || missing.length > 0 || turbo !== 0 ? 1 : 0);

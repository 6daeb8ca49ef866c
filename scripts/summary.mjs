// Prints one closing line for the whole run: every vitest JSON report under packages/*, contracts, bench.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages', '.'].flatMap((r) => (r === '.' ? ['contracts'] : readdirSync(r).map((d) => join(r, d))));
let passed = 0;
let failed = 0;
let skipped = 0;
for (const dir of roots) {
  const file = join(dir, '.test-results', 'vitest.json');
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
}
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);

// `pnpm mutation [--full] [package…]`: StrykerJS over the kit and every twin (or the packages named), one after the
// other, then one line per package with its mutation score. Not part of `pnpm test`: it takes minutes.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const all = ['mock-kit', 'mock-zentao', 'mock-dingtalk', 'mock-ones', 'mock-oauth'];
const args = process.argv.slice(2).filter((a) => a !== '--');
// --full: every mutant again, not only those whose code or covering tests changed since the last run.
const full = args.includes('--full');
const asked = args.filter((a) => a !== '--full');
const unknown = asked.filter((p) => !all.includes(p));
if (unknown.length) {
  console.error(`unknown package: ${unknown.join(', ')} (known: ${all.join(', ')})`);
  process.exit(2);
}
const config = resolve('stryker.config.mjs');
const scores = [];
for (const name of asked.length ? asked : all) {
  console.log(`\n== mutation testing ${name}`);
  const run = spawnSync('npx', ['stryker', 'run', config, ...(full ? ['--force'] : [])], { stdio: 'inherit', env: { ...process.env, DOPPEL_MUTATE: name, DOPPEL_MUTATION: '1' } });
  const report = join('reports/mutation', `${name}.json`);
  if (run.status !== 0 || !existsSync(report)) {
    scores.push(`${name}: failed to run`);
    continue;
  }
  const files = JSON.parse(readFileSync(report, 'utf8')).files;
  const count = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
  for (const f of Object.values(files)) for (const m of f.mutants) if (m.status in count) count[m.status] += 1;
  const detected = count.Killed + count.Timeout;
  const valid = detected + count.Survived + count.NoCoverage;
  scores.push(
    `${name}: ${((100 * detected) / Math.max(1, valid)).toFixed(1)} % (${detected} of ${valid} mutants detected, ${count.Survived} survived, ${count.NoCoverage} without coverage)`,
  );
}
console.log(`\nmutation scores\n${scores.map((s) => `  ${s}`).join('\n')}`);

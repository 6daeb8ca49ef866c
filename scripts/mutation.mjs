// `pnpm mutation [--full] [package…]`: StrykerJS over the kit and every twin (or the packages named), one after the
// other, then one line per package with its mutation score. Not part of `pnpm test`: it takes minutes.
// `pnpm mutation <package> --files a.ts,b.ts`: only those sources of one package, merged into its last full
// report (the other files keep the results of that run, so the score printed is theirs then and these files' now).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const all = ['mock-kit', 'mock-zentao', 'mock-dingtalk', 'mock-ones', 'mock-oauth'];
const args = process.argv.slice(2).filter((a) => a !== '--');
// --full: every mutant again, not only those whose code or covering tests changed since the last run.
const full = args.includes('--full');
const filesAt = args.indexOf('--files');
const files = filesAt >= 0 ? args[filesAt + 1] : undefined;
const asked = args.filter((a, i) => a !== '--full' && i !== filesAt && (filesAt < 0 || i !== filesAt + 1));
const unknown = asked.filter((p) => !all.includes(p));
if (unknown.length) {
  console.error(`unknown package: ${unknown.join(', ')} (known: ${all.join(', ')})`);
  process.exit(2);
}
if (files !== undefined && (asked.length !== 1 || !files)) {
  console.error('--files a.ts,b.ts takes one package: pnpm mutation mock-kit --files fuzz.ts,testing.ts');
  process.exit(2);
}
const config = resolve('stryker.config.mjs');
const scores = [];
for (const name of asked.length ? asked : all) {
  console.log(`\n== mutation testing ${name}${files ? ` (${files})` : ''}`);
  const env = { ...process.env, DOPPEL_MUTATE: name, DOPPEL_MUTATION: '1', ...(files && { DOPPEL_MUTATE_FILES: files }) };
  const run = spawnSync('npx', ['stryker', 'run', config, ...(full ? ['--force'] : [])], { stdio: 'inherit', env });
  const report = join('reports/mutation', `${name}.json`);
  const partial = join('reports/mutation', `${name}.partial.json`);
  if (run.status !== 0 || !existsSync(files ? partial : report)) {
    scores.push(`${name}: failed to run`);
    continue;
  }
  if (files) {
    if (!existsSync(report)) {
      scores.push(`${name}: no full report to merge ${files} into (run \`pnpm mutation ${name}\` once)`);
      continue;
    }
    const merged = JSON.parse(readFileSync(report, 'utf8'));
    Object.assign(merged.files, JSON.parse(readFileSync(partial, 'utf8')).files);
    writeFileSync(report, JSON.stringify(merged));
  }
  const count = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
  for (const f of Object.values(JSON.parse(readFileSync(report, 'utf8')).files)) {
    for (const m of f.mutants) if (m.status in count) count[m.status] += 1;
  }
  const detected = count.Killed + count.Timeout;
  const valid = detected + count.Survived + count.NoCoverage;
  scores.push(
    `${name}: ${((100 * detected) / Math.max(1, valid)).toFixed(1)} % (${detected} of ${valid} mutants detected, ${count.Survived} survived, ${count.NoCoverage} without coverage)${files ? `; ${files} rerun now, the rest from the last full run` : ''}`,
  );
}
console.log(`\nmutation scores\n${scores.map((s) => `  ${s}`).join('\n')}`);

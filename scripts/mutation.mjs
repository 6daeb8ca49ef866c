// `pnpm mutation [--full] [package…]`: StrykerJS over the kit and every twin (or the packages named), one after the
// other, then one line per package with its mutation score. Not part of `pnpm test`: it takes minutes.
// `pnpm mutation <package> --files a.ts,b.ts`: only those sources of one package, merged into its last full
// report (the other files keep the results of that run, so the score printed is theirs then and these files' now).
// An entry may name lines, `a.ts:15-17`: only the mutants within them are run and replaced in the report.
// `pnpm mutation <package> --survivors`: only the lines of the last report's survivors (and mutants without
// coverage) again — StrykerJS's incremental mode can keep a survivor's old result after a new test kills it, so
// a run like this one (or --full) is what sees it killed.
// `--tests a.test.ts,b.test.ts` (with --files or --survivors): only those test files, each run against every mutant
// (StrykerJS's coverageAnalysis "all"). For code that runs outside the test that caused it — a shared-store
// replica's subscriber, a timer, a beforeAll — per-test coverage credits no test, and its mutants are reported
// surviving (or uncovered) although the tests kill them.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const all = ['mock-kit', 'mock-zentao', 'mock-dingtalk', 'mock-ones', 'mock-oauth'];
const args = process.argv.slice(2).filter((a) => a !== '--');
// --full: every mutant again, not only those whose code or covering tests changed since the last run.
const full = args.includes('--full');
const survivors = args.includes('--survivors');
const filesAt = args.indexOf('--files');
let files = filesAt >= 0 ? args[filesAt + 1] : undefined;
const testsAt = args.indexOf('--tests');
const tests = testsAt >= 0 ? args[testsAt + 1] : undefined;
// The options and the values they take; what is left names packages.
const valueAt = new Set([filesAt, testsAt].filter((at) => at >= 0).flatMap((at) => [at, at + 1]));
const asked = args.filter((a, i) => a !== '--full' && a !== '--survivors' && !valueAt.has(i));
const unknown = asked.filter((p) => !all.includes(p));
if (unknown.length) {
  console.error(`unknown package: ${unknown.join(', ')} (known: ${all.join(', ')})`);
  process.exit(2);
}
if (files !== undefined && (asked.length !== 1 || !files)) {
  console.error('--files a.ts,b.ts takes one package: pnpm mutation mock-kit --files fuzz.ts,testing.ts');
  process.exit(2);
}
if (testsAt >= 0 && (!tests || tests.startsWith('--') || (files === undefined && !survivors))) {
  console.error('--tests a.test.ts,b.test.ts goes with --files or --survivors: pnpm mutation mock-kit --files store.ts --tests store.test.ts');
  process.exit(2);
}
if (survivors) {
  if (asked.length !== 1 || files !== undefined) {
    console.error('--survivors takes one package and no --files: pnpm mutation mock-zentao --survivors');
    process.exit(2);
  }
  const report = join('reports/mutation', `${asked[0]}.json`);
  if (!existsSync(report)) {
    console.error(`--survivors: no report ${report} yet (run \`pnpm mutation ${asked[0]}\` once)`);
    process.exit(2);
  }
  const ranges = [];
  for (const [path, f] of Object.entries(JSON.parse(readFileSync(report, 'utf8')).files)) {
    const left = f.mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage');
    const name = path.replace(/^packages\/[^/]+\/src\//, '');
    for (const m of left) ranges.push(`${name}:${m.location.start.line}-${m.location.end.line}`);
  }
  if (ranges.length === 0) {
    console.log(`${asked[0]}: no survivors in ${report}`);
    process.exit(0);
  }
  files = [...new Set(ranges)].join(',');
}

/** `a.ts` or `a.ts:15-17` → its path in the report and its lines (undefined: the whole file). */
function entry(pkg, spec) {
  const m = /^(.*?)(?::(\d+)-(\d+))?$/.exec(spec);
  return { path: `packages/${pkg}/src/${m[1]}`, lines: m[2] ? [Number(m[2]), Number(m[3])] : undefined };
}

/** Merge a partial report into the full one: whole files replaced, line ranges replaced mutant by mutant. */
function merge(pkg, fullReport, partialReport, spec) {
  const entries = spec.split(',').map((e) => entry(pkg, e));
  for (const [path, part] of Object.entries(partialReport.files)) {
    const mine = entries.filter((e) => e.path === path);
    const whole = mine.some((e) => e.lines === undefined) || !fullReport.files[path];
    if (whole) {
      fullReport.files[path] = part;
      continue;
    }
    const inRange = (m) => mine.some((e) => m.location.start.line >= e.lines[0] && m.location.end.line <= e.lines[1]);
    const kept = fullReport.files[path].mutants.filter((m) => !inRange(m));
    fullReport.files[path] = { ...part, mutants: [...kept, ...part.mutants.filter(inRange)] };
  }
}

const config = resolve('stryker.config.mjs');
const scores = [];
for (const name of asked.length ? asked : all) {
  console.log(`\n== mutation testing ${name}${files ? ` (${files})` : ''}`);
  const env = { ...process.env, DOPPEL_MUTATE: name, DOPPEL_MUTATION: '1', ...(files && { DOPPEL_MUTATE_FILES: files }), ...(tests && { DOPPEL_MUTATE_TESTS: tests }) };
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
    merge(name, merged, JSON.parse(readFileSync(partial, 'utf8')), files);
    writeFileSync(report, JSON.stringify(merged));
  }
  const count = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
  for (const f of Object.values(JSON.parse(readFileSync(report, 'utf8')).files)) {
    for (const m of f.mutants) if (m.status in count) count[m.status] += 1;
  }
  const detected = count.Killed + count.Timeout;
  const valid = detected + count.Survived + count.NoCoverage;
  scores.push(
    `${name}: ${((100 * detected) / Math.max(1, valid)).toFixed(1)} % (${detected} of ${valid} mutants detected, ${count.Survived} survived, ${count.NoCoverage} without coverage)${files ? `; ${survivors ? 'the last survivors' : files} rerun now, the rest from the last full run` : ''}`,
  );
}
console.log(`\nmutation scores\n${scores.map((s) => `  ${s}`).join('\n')}`);

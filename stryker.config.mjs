// StrykerJS, run per package by `pnpm mutation` (scripts/mutation.mjs), from the repository root so that the
// sandbox holds what a package reads outside itself (contracts/openapi, vitest.shared.ts): mutates the
// package's sources and runs its own vitest suite against each mutant. Reports go to reports/mutation/<package>.
const pkg = process.env.DOPPEL_MUTATE ?? 'mock-kit';
const dir = `packages/${pkg}`;
// `pnpm mutation <package> --files a.ts,b.ts` (or `a.ts:15-17`, lines; `--survivors` names the last survivors'
// lines): only those are mutated, into a partial report that scripts/mutation.mjs merges into the package's last full one.
const files = process.env.DOPPEL_MUTATE_FILES?.split(',').filter(Boolean);
const report = files ? `${pkg}.partial` : pkg;
// `--tests a.test.ts,b.test.ts`: only those test files (vitest.shared.ts reads the same variable), each against every
// mutant — for code run outside the test that caused it (a replica's subscriber, a timer), which per-test
// coverage credits to no test.
const tests = process.env.DOPPEL_MUTATE_TESTS?.split(',').filter(Boolean);

// pnpm links plugins beside the project, not beside Stryker's core, so the runner is named by path.
const vitestRunner = new URL('./node_modules/@stryker-mutator/vitest-runner/dist/src/index.js', import.meta.url).pathname;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  plugins: [vitestRunner],
  testRunner: 'vitest',
  vitest: { configFile: `${dir}/vitest.config.ts`, dir, ...(tests && { related: false }) },
  mutate: files?.map((f) => `${dir}/src/${f}`) ?? [
    `${dir}/src/**/*.ts`,
    `!${dir}/src/**/*.test.ts`,
    `!${dir}/src/generated/**`,
    `!${dir}/src/test-support.ts`,
    `!${dir}/src/test-helpers.ts`,
  ],
  ignorePatterns: ['reports', '.turbo', '**/.test-results', 'contracts/pacts'],
  coverageAnalysis: tests ? 'all' : 'perTest',
  // Static mutants (module-level constants) would each rerun the whole suite; they are reported as ignored. Under
  // --tests every mutant runs the named files anyway (and StrykerJS refuses ignoreStatic there), so they are run.
  ignoreStatic: !tests,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: `reports/mutation/${report}.json` },
  // `pnpm mutation` reuses the previous run's results where neither the mutated code nor the tests covering it
  // changed (StrykerJS's incremental mode); `pnpm mutation --full` ignores them.
  incremental: !files,
  incrementalFile: `reports/mutation/${pkg}.incremental.json`,
  htmlReporter: { fileName: `reports/mutation/${report}.html` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  thresholds: { high: 85, low: 70, break: null },
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  timeoutMS: 10_000,
  // One sandbox folder per package, so two packages can be mutated at once.
  tempDirName: `.stryker-tmp-${pkg}`,
  cleanTempDir: 'always',
};

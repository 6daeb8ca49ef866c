import { defineConfig, type ViteUserConfig } from 'vitest/config';

type TestOptions = NonNullable<ViteUserConfig['test']>;

/**
 * Every package's vitest.config.ts: its name, its files, and the JSON report that `scripts/summary.mjs`
 * adds up into the run's closing line.
 */
export function project(name: string, test: TestOptions = {}) {
  return defineConfig({
    test: {
      name,
      // `pnpm mutation <package> --files … --tests a.test.ts,b.test.ts` runs only those (scripts/mutation.mjs).
      include: process.env.DOPPEL_MUTATE_TESTS?.split(',').map((f) => `src/${f}`) ?? ['src/**/*.test.ts', 'test/**/*.test.ts'],
      reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
      // Sized for a loaded 2-core CI runner, where a cold first test (spec load, validators) can take seconds:
      // a test that hangs still fails, one that is merely slow does not.
      testTimeout: 60_000,
      hookTimeout: 60_000,
      ...test,
    },
  });
}

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
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
      ...test,
    },
  });
}

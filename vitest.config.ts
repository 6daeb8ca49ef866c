import { defineConfig } from 'vitest/config';

/** Joins every package's own vitest.config.ts, so `vitest` at the root runs them all. */
export default defineConfig({
  test: { projects: ['packages/*', 'contracts'] },
});

import { defineConfig } from 'vitest/config';

/** Two steps, as a CI job runs them: the consumer tests write pacts/, then `doppel verify` checks them. */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'consumer', include: ['test/*.pact.test.ts'], globalSetup: ['test/clean-pacts.ts'], testTimeout: 60_000 } },
      { test: { name: 'verify', include: ['test/verify.test.ts'], testTimeout: 180_000, hookTimeout: 180_000 } },
    ],
  },
});

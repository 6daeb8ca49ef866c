import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
    name: 'clients',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Pact consumer tests each start a mock server; they write contracts/pacts/, one file per provider.
    testTimeout: 30_000,
  },
});

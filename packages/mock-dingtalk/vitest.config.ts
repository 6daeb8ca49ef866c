import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
    name: 'mock-dingtalk',
    include: ['src/**/*.test.ts'],
    // Under turbo every package tests at once; in-process requests are quick but the machine is shared.
    testTimeout: 20_000,
  },
});

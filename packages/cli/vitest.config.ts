import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]], name: 'cli', include: ['src/**/*.test.ts'], testTimeout: 30_000 },
});

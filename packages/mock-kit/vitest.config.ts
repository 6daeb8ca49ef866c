import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
    name: 'mock-kit',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});

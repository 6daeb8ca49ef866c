import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'mock-kit',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});

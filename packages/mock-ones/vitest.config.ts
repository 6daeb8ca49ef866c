import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'mock-ones',
    include: ['src/**/*.test.ts'],
  },
});

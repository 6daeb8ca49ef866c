import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'mock-oauth',
    include: ['src/**/*.test.ts'],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'mock-dingtalk',
    include: ['src/**/*.test.ts'],
  },
});

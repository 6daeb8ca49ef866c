import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'mock-zentao', include: ['src/**/*.test.ts'] },
});

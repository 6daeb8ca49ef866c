import { project } from '../vitest.shared.ts';

export default project('contracts', { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 60_000 });

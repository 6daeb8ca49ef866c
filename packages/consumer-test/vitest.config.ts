import { project } from '../../vitest.shared.ts';

// Packing and installing take a while on a loaded runner: the set-up has its own bound (see the test).
export default project('consumer-test', { hookTimeout: 360_000, testTimeout: 120_000 });

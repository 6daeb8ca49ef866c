import { project } from '../../vitest.shared.ts';

// Under turbo every package tests at once on a shared machine; the in-process requests are quick but not instant.
export default project('mock-dingtalk', { testTimeout: 20_000 });

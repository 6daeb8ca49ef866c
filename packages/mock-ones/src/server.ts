import { type RunningTwin, type StartOptions, startTwin } from '@doppel/mock-kit';
import { onesTwin } from './app.ts';
import type { OnesFixtures } from './fixtures.ts';
import type { OnesState } from './state.ts';

/** Start the ONES twin on a port (0, the default, picks a free one). */
export function startOnesMock(options: StartOptions<OnesFixtures> = {}): Promise<RunningTwin<OnesFixtures, OnesState>> {
  return startTwin(onesTwin, options);
}

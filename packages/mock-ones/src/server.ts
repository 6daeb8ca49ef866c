import { createTwinApp, type RunningTwin, type StartOptions, startTwin, type TwinApp, type TwinOptions } from '@doppel/mock-kit';
import { onesTwin } from './definition.ts';
import type { OnesFixtures } from './fixtures.ts';
import type { OnesRuntime } from './runtime.ts';

/** The ONES twin's Hono app; it never listens (tests call `app.request()`). */
export function createApp(options: TwinOptions<OnesFixtures> = {}): TwinApp<OnesFixtures, OnesRuntime> {
  return createTwinApp(onesTwin, options);
}

/** Serve the ONES twin on `port` (0, the default, picks a free one); `close()` stops it. */
export function startOnesMock(options: StartOptions<OnesFixtures> = {}): Promise<RunningTwin<OnesFixtures, OnesRuntime>> {
  return startTwin(onesTwin, options);
}

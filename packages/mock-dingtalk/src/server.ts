import { createTwinApp, type RunningTwin, type StartOptions, startTwin, type TwinApp, type TwinOptions } from '@doppel/mock-kit';
import { dingtalkTwin } from './definition.ts';
import type { DingTalkFixtures } from './fixtures.ts';
import type { DingTalkRuntime } from './runtime.ts';

/** The twin's Hono app; it never listens (tests call `app.request()`). */
export function createApp(options: TwinOptions<DingTalkFixtures> = {}): TwinApp<DingTalkFixtures, DingTalkRuntime> {
  return createTwinApp(dingtalkTwin, options);
}

/** Serve the twin on `port` (0, the default, picks a free one); `close()` stops it. */
export function startDingTalkMock(options: StartOptions<DingTalkFixtures> = {}): Promise<RunningTwin<DingTalkFixtures, DingTalkRuntime>> {
  return startTwin(dingtalkTwin, options);
}

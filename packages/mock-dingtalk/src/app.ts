import { createTwinApp, type TwinApp, type TwinOptions } from '@doppel/mock-kit';
import { dingtalkTwin } from './definition.ts';
import type { DingTalkFixtures } from './fixtures.ts';
import type { DingTalkState } from './state.ts';

/** The twin's Hono app (never listens: tests use `app.request()`). */
export function createApp(options: TwinOptions<DingTalkFixtures> = {}): TwinApp<DingTalkFixtures, DingTalkState> {
  return createTwinApp(dingtalkTwin, options);
}

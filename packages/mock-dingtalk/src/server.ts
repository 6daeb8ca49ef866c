import { type RunningTwin, type StartOptions, startTwin } from '@doppel/mock-kit';
import { dingtalkTwin } from './definition.ts';
import type { DingTalkFixtures } from './fixtures.ts';
import type { DingTalkState } from './state.ts';

/** Start the twin on `port` (0, the default, picks a free one); `close()` stops it. */
export function startDingTalkMock(options: StartOptions<DingTalkFixtures> = {}): Promise<RunningTwin<DingTalkFixtures, DingTalkState>> {
  return startTwin(dingtalkTwin, options);
}

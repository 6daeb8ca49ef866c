import { createTwinApp, type TwinOptions } from '@doppel/mock-kit';
import type { ZentaoFixtures } from './fixtures.ts';
import { zentaoTwin } from './twin.ts';

/** The ZenTao twin as a Hono app (never listens): `app.request()` in tests, `startZentaoMock` to serve. */
export function createApp(options: TwinOptions<ZentaoFixtures> = {}) {
  return createTwinApp(zentaoTwin, options);
}

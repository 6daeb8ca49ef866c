import { createTwinApp, type RunningTwin, type StartOptions, startTwin, type TwinApp, type TwinOptions } from '@doppel/mock-kit';
import { zentaoTwin } from './definition.ts';
import type { ZentaoFixtures } from './fixtures.ts';
import type { ZentaoRuntime } from './runtime.ts';

/** The ZenTao twin as a Hono app; it never listens (tests call `app.request()`). */
export function createApp(options: TwinOptions<ZentaoFixtures> = {}): TwinApp<ZentaoFixtures, ZentaoRuntime> {
  return createTwinApp(zentaoTwin, options);
}

/** Serve the ZenTao twin on `port` (0, the default, picks a free one): `{ url, port, twin, close() }`. */
export function startZentaoMock(options: StartOptions<ZentaoFixtures> = {}): Promise<RunningTwin<ZentaoFixtures, ZentaoRuntime>> {
  return startTwin(zentaoTwin, options);
}

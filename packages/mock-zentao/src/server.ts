import { type StartOptions, startTwin } from '@doppel/mock-kit';
import type { ZentaoFixtures } from './fixtures.ts';
import { zentaoTwin } from './twin.ts';

/** Serve the ZenTao twin over HTTP: `{ url, port, twin, close() }`. Port 0 (the default) picks a free one. */
export function startZentaoMock(options: StartOptions<ZentaoFixtures> = {}) {
  return startTwin(zentaoTwin, options);
}

import { createTwinApp, type RunningTwin, type StartOptions, startTwin, type TwinApp, type TwinOptions } from '../src/index.ts';
import { exampleTwin } from './definition.ts';
import type { ExampleFixtures } from './fixtures.ts';
import type { ExampleRuntime } from './runtime.ts';

/** The twin's Hono app; it never listens (tests call `app.request()`). */
export function createApp(options: TwinOptions<ExampleFixtures> = {}): TwinApp<ExampleFixtures, ExampleRuntime> {
  return createTwinApp(exampleTwin, options);
}

/** Serve the twin on `port` (0, the default, picks a free one); `close()` stops it. */
export function startExampleMock(options: StartOptions<ExampleFixtures> = {}): Promise<RunningTwin<ExampleFixtures, ExampleRuntime>> {
  return startTwin(exampleTwin, options);
}

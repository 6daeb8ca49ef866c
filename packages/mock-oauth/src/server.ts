import { createTwinApp, type RunningTwin, type StartOptions, startTwin, type TwinApp, type TwinOptions } from '@doppel/mock-kit';
import { oauthTwin } from './definition.ts';
import type { OAuthFixtures } from './fixtures.ts';
import type { OAuthRuntime } from './runtime.ts';

/** The twin's Hono app; it never listens (tests call `app.request()`). */
export function createApp(options: TwinOptions<OAuthFixtures> = {}): TwinApp<OAuthFixtures, OAuthRuntime> {
  return createTwinApp(oauthTwin, options);
}

/** Serve the twin on `port` (0, the default, picks a free one); `close()` stops it. */
export function startOAuthMock(options: StartOptions<OAuthFixtures> = {}): Promise<RunningTwin<OAuthFixtures, OAuthRuntime>> {
  return startTwin(oauthTwin, options);
}

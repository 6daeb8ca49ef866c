import { createTwinApp, type TwinApp, type TwinOptions } from '@doppel/mock-kit';
import { oauthTwin } from './definition.ts';
import type { OAuthFixtures } from './fixtures.ts';
import type { OAuthState } from './state.ts';

/** The OAuth twin's Hono app (never listens): tests call `app.request()`. */
export function createApp(options: TwinOptions<OAuthFixtures> = {}): TwinApp<OAuthFixtures, OAuthState> {
  return createTwinApp(oauthTwin, options);
}

import { type RunningTwin, type StartOptions, startTwin } from '@doppel/mock-kit';
import { oauthTwin } from './definition.ts';
import type { OAuthFixtures } from './fixtures.ts';
import type { OAuthState } from './state.ts';

/** Start the twin on a port (0, the default, picks a free one). */
export function startOAuthMock(options: StartOptions<OAuthFixtures> = {}): Promise<RunningTwin<OAuthFixtures, OAuthState>> {
  return startTwin(oauthTwin, options);
}

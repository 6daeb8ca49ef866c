export type { OAuthApp, OAuthContext, OAuthEnv } from './context.ts';
export { OAUTH_SPEC, oauthTwin } from './definition.ts';
export { type OAuthErrorName, oauthErrors } from './errors.ts';
export { CI_BOT, defaultFixtures, fixturesSchema, GITHUB_APP, GITHUB_BOT, type OAuthFixtures, OCTOCAT, OCTOCAT_TOKEN } from './fixtures.ts';
export type { OAuthRuntime } from './runtime.ts';
export { createApp, startOAuthMock } from './server.ts';
export { oauthStates, STATE_VALUES } from './states.ts';
export { knownDifferences } from './known-differences.ts';

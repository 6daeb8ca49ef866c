export { createApp } from './app.ts';
export { DEFAULT_PORT, OAUTH_SPEC, oauthTwin } from './definition.ts';
export { type OAuthErrorName, oauthErrors } from './errors.ts';
export * from './fixtures.ts';
export { replyFormat } from './format.ts';
export { startOAuthMock } from './server.ts';
export { CODE_TTL_MS, normaliseScope, REFRESH_TOKEN_TTL_S, s256, USER_TOKEN_TTL_S } from './state.ts';
export { STATE_VALUES, states } from './states.ts';

import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { authenticatedClient } from '../auth.ts';
import type { OAuthContext, OAuthEnv } from '../context.ts';
import { oauthErrors } from '../errors.ts';
import type { OAuthClient } from '../fixtures.ts';
import type { components } from '../generated/openapi.ts';
import { changeToken, isLive, resetToken, type TokenRecord } from '../tokens.ts';
import { simpleUser } from './user.ts';

type Authorization = components['schemas']['Authorization'];
type TokenBody = components['schemas']['AppTokenRequest'];

const iso = (ms: number) => new Date(ms).toISOString();
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * GitHub's `authorization` object for a token (https://docs.github.com/rest/apps/oauth-applications#check-a-token).
 * The id is stable per token (from its hash); `app.url` is the origin of the app's first callback URL.
 */
function authorization(c: OAuthContext, app: OAuthClient, t: TokenRecord): Authorization {
  const origin = new URL(c.req.url).origin;
  const id = Number.parseInt(sha256(t.token).slice(0, 8), 16);
  const user = c.get('twin').state.users.get(t.login.toLowerCase());
  return {
    id,
    url: `${origin}/authorizations/${id}`,
    scopes: t.scope === '' ? [] : t.scope.split(','),
    token: t.token,
    token_last_eight: t.token.slice(-8),
    hashed_token: sha256(t.token),
    app: { client_id: app.clientId, name: app.name, url: new URL(app.callbackUrls[0]!).origin },
    note: null,
    note_url: null,
    updated_at: iso(t.createdAt),
    created_at: iso(t.createdAt),
    fingerprint: null,
    expires_at: t.expiresAt === null ? null : iso(t.expiresAt),
    user: user ? simpleUser(origin, user) : null,
  };
}

/**
 * The body's `access_token` when it is a live access token of the authenticated app and of a known user; else 404
 * Not Found ("Invalid tokens will return 404 NOT FOUND", GitHub's docs of check-a-token; the twin answers the other
 * three the same way).
 */
function appToken(c: OAuthContext): { app: OAuthClient; token: TokenRecord } {
  const app = authenticatedClient(c);
  const { state, clock } = c.get('twin');
  const t = state.tokens.get((c.get('body') as TokenBody).access_token);
  const ok = t?.kind === 'access' && t.clientId === app.clientId && isLive(t, clock) && state.users.has(t.login.toLowerCase());
  if (!ok) {
    c.get('notes').token = t ? 'not a live access token of this app' : 'unknown token';
    return oauthErrors.raise('token_api_not_found');
  }
  return { app, token: t };
}

const MEDIA = { 'x-github-media-type': 'github.v3; format=json' };

/**
 * `/applications/{client_id}/…`: the OAuth app token API (check, reset, delete a token; delete the grant), with the
 * app's Basic credentials (checked by `authenticate`, auth.ts). Bodies have passed the spec: `access_token` is a
 * string.
 */
export const applicationsRoutes = new Hono<OAuthEnv>()
  .post('/:client_id/token', (c) => {
    const { app, token } = appToken(c);
    return c.json(authorization(c, app, token), 200, MEDIA);
  })
  .patch('/:client_id/token', (c) => {
    const { app, token } = appToken(c);
    const { state, clock } = c.get('twin');
    return c.json(authorization(c, app, resetToken(state, clock, token)), 200, MEDIA);
  })
  .delete('/:client_id/token', (c) => {
    const { token } = appToken(c);
    changeToken(c.get('twin').state, token, { revoked: true });
    return c.body(null, 204);
  })
  .delete('/:client_id/grant', (c) => {
    // The grant is the app's authorization by the token's user: every token of that pair goes (refresh tokens too).
    const { app, token } = appToken(c);
    let revoked = 0;
    const { state } = c.get('twin');
    for (const t of state.tokens.values()) {
      if (t.clientId !== app.clientId || t.login.toLowerCase() !== token.login.toLowerCase() || t.revoked) continue;
      changeToken(state, t, { revoked: true });
      revoked++;
    }
    c.get('notes').revoked = revoked;
    return c.body(null, 204);
  });

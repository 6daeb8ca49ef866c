import type { TwinEnv } from '@doppel/mock-kit';
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { OAuthFixtures } from '../fixtures.ts';
import { oauthErrors } from '../errors.ts';
import { reply } from '../format.ts';
import { redirectAllowed } from '../redirect.ts';
import { isLive, issueTokens, type OAuthState, REFRESH_TOKEN_TTL_S, s256, type TokenRecord, USER_TOKEN_TTL_S } from '../state.ts';

type Env = TwinEnv<OAuthFixtures, OAuthState>;
type Ctx = Context<Env>;

/** Parameters from the query and the body (form or JSON); the body wins. Only strings count. */
export function tokenParams(c: Ctx): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.req.query())) out[k] = v;
  const body = c.get('body');
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (typeof v === 'string') out[k] = v;
      else if (typeof v === 'number') out[k] = String(v);
    }
  }
  return out;
}

function tokenReply(c: Ctx, access: TokenRecord, refresh?: TokenRecord): Response {
  // GitHub's order: access_token first (the vendor doc's sample splits on it).
  const fields: Record<string, string | number> = { access_token: access.token };
  if (refresh) {
    fields.expires_in = USER_TOKEN_TTL_S;
    fields.refresh_token = refresh.token;
    fields.refresh_token_expires_in = REFRESH_TOKEN_TTL_S;
  }
  fields.scope = access.scope;
  fields.token_type = 'bearer';
  return reply(c, fields);
}

export const tokenRoutes = new Hono<Env>();

tokenRoutes.post('/login/oauth/access_token', async (c) => {
  const p = tokenParams(c);
  const { state, clock } = c.get('twin');
  const grant = p.grant_type;
  if (grant !== undefined && grant !== 'authorization_code' && grant !== 'refresh_token') {
    return oauthErrors.response(c, 'unsupported_grant_type');
  }
  const app = p.client_id ? state.apps.get(p.client_id) : undefined;
  if (!app || app.clientSecret !== p.client_secret) return oauthErrors.response(c, 'incorrect_client_credentials');

  if (grant === 'refresh_token') {
    const old = p.refresh_token ? state.tokens.get(p.refresh_token) : undefined;
    if (old?.kind !== 'refresh' || old.clientId !== app.clientId || !isLive(old, clock) || !app.expiringTokens) {
      return oauthErrors.response(c, 'bad_refresh_token');
    }
    old.revoked = true; // a refresh token works once
    const { access, refresh } = issueTokens(state, clock, app, old.login, old.scope);
    return tokenReply(c, access, refresh);
  }

  const code = p.code ? state.codes.get(p.code) : undefined;
  if (!code || code.clientId !== app.clientId) return oauthErrors.response(c, 'bad_verification_code');
  if (clock.now() >= code.expiresAt) {
    state.codes.delete(code.code);
    return oauthErrors.response(c, 'bad_verification_code');
  }
  if (p.redirect_uri !== undefined) {
    const ok = code.redirectUri !== null ? p.redirect_uri === code.redirectUri : redirectAllowed(app, p.redirect_uri);
    if (!ok) return oauthErrors.response(c, 'redirect_uri_mismatch');
  }
  if (code.codeChallenge !== null && (!p.code_verifier || s256(p.code_verifier) !== code.codeChallenge)) {
    c.get('notes').pkce = 'code_verifier does not match code_challenge';
    return oauthErrors.response(c, 'bad_verification_code');
  }
  const user = state.users.get(code.login.toLowerCase());
  if (!user) return oauthErrors.response(c, 'bad_verification_code');
  if (!user.emailVerified) return oauthErrors.response(c, 'unverified_user_email');
  state.codes.delete(code.code); // single use
  const { access, refresh } = issueTokens(state, clock, app, user.login, code.scope);
  return tokenReply(c, access, refresh);
});

import { Hono } from 'hono';
import type { OAuthContext, OAuthEnv } from '../context.ts';
import { oauthErrors } from '../errors.ts';
import { reply } from '../format.ts';
import type { components } from '../generated/openapi.ts';
import { redirectAllowed } from '../redirect.ts';
import { isLive, issueTokens, REFRESH_TOKEN_TTL_S, s256, type TokenRecord, USER_TOKEN_TTL_S } from '../tokens.ts';

type TokenRequest = components['schemas']['TokenRequest'];
type AccessToken = components['schemas']['AccessToken'];
/** The token request's parameters, each as the string it was sent as. */
type TokenParams = { [K in keyof TokenRequest]?: string };

/**
 * Parameters from the query and the body (form or JSON); the body wins. The spec has already refused a body
 * whose parameters are not strings, or that is not an object.
 */
function tokenParams(c: OAuthContext): TokenParams {
  return Object.assign(c.req.query(), c.get('body') as TokenParams | undefined);
}

function tokenReply(c: OAuthContext, access: TokenRecord, refresh?: TokenRecord): Response {
  // GitHub's order: access_token first (the vendor doc's sample splits on it).
  const fields: AccessToken = refresh
    ? {
        access_token: access.token,
        expires_in: USER_TOKEN_TTL_S,
        refresh_token: refresh.token,
        refresh_token_expires_in: REFRESH_TOKEN_TTL_S,
        scope: access.scope,
        token_type: 'bearer',
      }
    : { access_token: access.token, scope: access.scope, token_type: 'bearer' };
  return reply(c, fields);
}

/** `/login/oauth/access_token`: the code exchange and the refresh of expiring user tokens. */
export const tokenRoutes = new Hono<OAuthEnv>().post('/', (c) => {
  const p = tokenParams(c);
  const { state, clock } = c.get('twin');
  const grant = p.grant_type;
  const knownGrant = grant === undefined || grant === 'authorization_code' || grant === 'refresh_token';
  if (!knownGrant) return oauthErrors.raise('unsupported_grant_type');
  // Absent parameters find nothing: a Map has no `undefined` key.
  const app = state.apps.get(p.client_id as string);
  if (!app || app.clientSecret !== p.client_secret) return oauthErrors.raise('incorrect_client_credentials');

  if (grant === 'refresh_token') {
    const old = state.tokens.get(p.refresh_token as string);
    if (old?.kind !== 'refresh' || old.clientId !== app.clientId || !isLive(old, clock) || !app.expiringTokens) {
      return oauthErrors.raise('bad_refresh_token');
    }
    old.revoked = true; // a refresh token works once
    const { access, refresh } = issueTokens(state, clock, app, old.login, old.scope);
    return tokenReply(c, access, refresh);
  }

  const code = state.codes.get(p.code as string);
  if (!code || code.clientId !== app.clientId) return oauthErrors.raise('bad_verification_code');
  if (clock.now() >= code.expiresAt) {
    state.codes.delete(code.code);
    return oauthErrors.raise('bad_verification_code');
  }
  if (p.redirect_uri !== undefined) {
    const ok = code.redirectUri !== null ? p.redirect_uri === code.redirectUri : redirectAllowed(app, p.redirect_uri);
    if (!ok) return oauthErrors.raise('redirect_uri_mismatch');
  }
  if (code.codeChallenge !== null && (!p.code_verifier || s256(p.code_verifier) !== code.codeChallenge)) {
    c.get('notes').pkce = 'code_verifier does not match code_challenge';
    return oauthErrors.raise('bad_verification_code');
  }
  const user = state.users.get(code.login.toLowerCase());
  if (!user) return oauthErrors.raise('bad_verification_code');
  if (!user.emailVerified) return oauthErrors.raise('unverified_user_email');
  state.codes.delete(code.code); // single use
  const { access, refresh } = issueTokens(state, clock, app, user.login, code.scope);
  return tokenReply(c, access, refresh);
});

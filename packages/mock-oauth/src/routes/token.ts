import { Hono } from 'hono';
import { basicCredentials } from '../auth.ts';
import type { OAuthContext, OAuthEnv } from '../context.ts';
import { oauthErrors } from '../errors.ts';
import { reply } from '../format.ts';
import type { components } from '../generated/openapi.ts';
import { redirectAllowed } from '../redirect.ts';
import { changeToken, isLive, issueTokens, REFRESH_TOKEN_TTL_S, revokeGrant, s256, type TokenRecord, USER_TOKEN_TTL_S } from '../tokens.ts';

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

/**
 * What is wrong with the exchange's PKCE, if anything: a code issued with a challenge needs the verifier that
 * hashes to it; a verifier for a code issued without one is a downgrade (RFC 9700 §4.8.2,
 * https://www.rfc-editor.org/rfc/rfc9700#section-4.8.2) and refused too.
 */
function pkceProblem(challenge: string | null, verifier: string | undefined): string | undefined {
  if (challenge === null) return verifier ? 'code_verifier sent for a code issued without code_challenge' : undefined;
  if (!verifier) return 'no code_verifier for a code issued with code_challenge';
  return s256(verifier) === challenge ? undefined : 'code_verifier does not match code_challenge';
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

/**
 * The client's credentials: from the body (or query), or from an `Authorization: Basic` header (RFC 6749 §2.3.1,
 * what simple-oauth2 sends by default). Both may be sent, but must then agree; a malformed Basic header, or one
 * that disagrees with the body, is refused as incorrect_client_credentials.
 */
function clientCredentials(c: OAuthContext, p: TokenParams): { id?: string; secret?: string } {
  const basic = basicCredentials(c);
  if (basic === undefined) return { id: p.client_id, secret: p.client_secret };
  const notes = c.get('notes');
  if (basic === null) {
    notes.clientAuth = 'malformed Basic credentials';
    return oauthErrors.raise('incorrect_client_credentials');
  }
  if ((p.client_id !== undefined && p.client_id !== basic.id) || (p.client_secret !== undefined && p.client_secret !== basic.secret)) {
    notes.clientAuth = 'the Basic credentials and the body’s disagree';
    return oauthErrors.raise('incorrect_client_credentials');
  }
  notes.clientAuth = 'basic';
  return { id: basic.id, secret: basic.secret };
}

/**
 * A code presented again after its exchange (RFC 6749 §4.1.2, https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2):
 * refused, and unless its client opts out (`revokeOnCodeReplay: false`) every token issued from it is revoked.
 */
function replayed(c: OAuthContext, code: string): void {
  const { state } = c.get('twin');
  const clientId = state.redeemed.get(code);
  if (clientId === undefined) return;
  const notes = c.get('notes');
  notes.replay = 'the code was already exchanged';
  if (state.apps.get(clientId)?.revokeOnCodeReplay !== false) notes.revokedOnReplay = revokeGrant(state, code);
}

/** `/login/oauth/access_token`: the code exchange and the refresh of expiring user tokens. */
export const tokenRoutes = new Hono<OAuthEnv>().post('/', (c) => {
  const p = tokenParams(c);
  const { state, clock } = c.get('twin');
  const grant = p.grant_type;
  const knownGrant = grant === undefined || grant === 'authorization_code' || grant === 'refresh_token';
  if (!knownGrant) return oauthErrors.raise('unsupported_grant_type');
  // Absent parameters find nothing: a Map has no `undefined` key.
  const credentials = clientCredentials(c, p);
  const app = state.apps.get(credentials.id as string);
  if (!app || app.clientSecret !== credentials.secret) return oauthErrors.raise('incorrect_client_credentials');

  if (grant === 'refresh_token') {
    const old = state.tokens.get(p.refresh_token as string);
    if (old?.kind !== 'refresh' || old.clientId !== app.clientId || !isLive(old, clock) || !app.expiringTokens) {
      return oauthErrors.raise('bad_refresh_token');
    }
    changeToken(state, old, { revoked: true }); // a refresh token works once
    const { access, refresh } = issueTokens(state, clock, app, old.login, old.scope, old.grant);
    return tokenReply(c, access, refresh);
  }

  const code = state.codes.get(p.code as string);
  if (!code) replayed(c, p.code as string);
  if (!code || code.clientId !== app.clientId) return oauthErrors.raise('bad_verification_code');
  // Whose code it was: the journal's `user` caller once the code is gone (package README, "Callers").
  c.get('notes').login = code.login;
  if (clock.now() >= code.expiresAt) {
    state.codes.delete(code.code);
    return oauthErrors.raise('bad_verification_code');
  }
  if (p.redirect_uri !== undefined) {
    const ok = code.redirectUri !== null ? p.redirect_uri === code.redirectUri : redirectAllowed(app, p.redirect_uri);
    if (!ok) return oauthErrors.raise('redirect_uri_mismatch');
  }
  const pkce = pkceProblem(code.codeChallenge, p.code_verifier);
  if (pkce !== undefined) {
    // A failed verification burns the code: a verifier cannot be found by trying many.
    c.get('notes').pkce = pkce;
    state.codes.delete(code.code);
    return oauthErrors.raise('bad_verification_code');
  }
  const user = state.users.get(code.login.toLowerCase());
  if (!user) return oauthErrors.raise('bad_verification_code');
  if (!user.emailVerified) return oauthErrors.raise('unverified_user_email');
  state.codes.delete(code.code); // single use
  state.redeemed.set(code.code, app.clientId);
  const { access, refresh } = issueTokens(state, clock, app, user.login, code.scope, code.code);
  return tokenReply(c, access, refresh);
});

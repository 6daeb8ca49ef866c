import type { CallerHooks, Operation } from '@doppel/mock-kit';
import type { OAuthContext } from './context.ts';
import { oauthErrors } from './errors.ts';
import type { OAuthClient, OAuthFixtures } from './fixtures.ts';
import type { OAuthRuntime } from './runtime.ts';
import { isLive, type TokenRecord } from './tokens.ts';

const AUTHORIZATION = /^(?:bearer|token)\s+(\S+)\s*$/i;
const BASIC = /^basic\s+(\S*)\s*$/i;
/** The API's client-authenticated paths: `/applications/{client_id}/token` and `/applications/{client_id}/grant`. */
const TOKEN_API = /^\/applications\/([^/]+)\/(?:token|grant)\/?$/;

/**
 * The record of the token of `Authorization: Bearer <t>` or `Authorization: token <t>`, if the twin knows it (live
 * or not). No header reads as "undefined", which matches no scheme; no token finds nothing in the Map.
 */
export function tokenOf(c: OAuthContext): TokenRecord | undefined {
  return tokenIn(c.get('twin').state, c.req.header('authorization'));
}

/** The record of the token an Authorization header presents, if the twin knows it. */
function tokenIn(state: OAuthRuntime, authorization: string | undefined): TokenRecord | undefined {
  const presented = AUTHORIZATION.exec(String(authorization))?.[1];
  return state.tokens.get(presented as string);
}

/** application/x-www-form-urlencoded decoding (RFC 6749 §2.3.1 encodes both parts so); the raw text if it is not that. */
function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** A path segment, percent-decoded; as it is when it is not valid percent-encoding. */
function pathDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * HTTP Basic client credentials (RFC 6749 §2.3.1, https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1): the
 * client_id and secret, form-decoded; `undefined` without a Basic header; `null` for a Basic header that is not
 * base64 of `id:secret`.
 */
export function basicCredentials(c: OAuthContext): { id: string; secret: string } | null | undefined {
  return basicIn(c.req.header('authorization'));
}

/** The Basic credentials of an Authorization header (see basicCredentials). */
function basicIn(authorization: string | undefined): { id: string; secret: string } | null | undefined {
  const encoded = BASIC.exec(String(authorization))?.[1];
  if (encoded === undefined) return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return null;
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

/** Why the API refuses a presented token, or undefined when it is a live access token of a known user. */
function refusedBecause(c: OAuthContext, t: TokenRecord | undefined): string | undefined {
  if (!t) return 'unknown token';
  if (t.revoked) return 'revoked token';
  if (t.kind !== 'access') return 'refresh token used as access token';
  if (!isLive(t, c.get('twin').clock)) return 'expired token';
  if (!c.get('twin').state.users.has(t.login.toLowerCase())) return 'the token’s user no longer exists';
  return undefined;
}

/**
 * The token API's client authentication: Basic credentials of the app the path names. No Basic header (or a
 * malformed one) and another client's path → 404, as GitHub answers where a caller may not look; credentials of
 * an unknown client or with a wrong secret → 401 Bad credentials (README, "Choices where GitHub's docs are silent").
 */
function authenticateClient(c: OAuthContext, pathClientId: string): OAuthClient {
  const notes = c.get('notes');
  const basic = basicCredentials(c);
  if (!basic) {
    notes.auth = basic === null ? 'malformed Basic credentials' : 'no Basic client credentials';
    return oauthErrors.raise('token_api_not_found');
  }
  const app = c.get('twin').state.apps.get(basic.id);
  if (!app || app.clientSecret !== basic.secret) {
    notes.auth = app ? 'wrong client secret' : 'unknown client';
    return oauthErrors.raise('token_api_bad_credentials');
  }
  if (pathDecode(pathClientId) !== app.clientId) {
    notes.auth = 'the path names another client than the Basic credentials';
    return oauthErrors.raise('token_api_not_found');
  }
  return app;
}

/** The app a token API request authenticated as (after `authenticate` admitted it). */
export function authenticatedClient(c: OAuthContext): OAuthClient {
  return c.get('twin').state.apps.get(basicCredentials(c)!.id)!;
}

/**
 * The API host's entry check (the kit's `authenticate` hook), synchronous. First, as GitHub's edge does, a request
 * without `User-Agent` is forbidden (unless the fixtures say `requireUserAgent: false`). Then the token API
 * (`/applications/…`) wants the app's Basic credentials; every other API path a token: the `?access_token=`
 * query form is refused outright (GitHub since 2021-09-08), no header → Requires authentication, anything but a
 * live access token of a known user → Bad credentials. The reason goes to the journal's notes (`auth`).
 */
export function authenticate(c: OAuthContext, op: Operation): void {
  if (!op.secured) return;
  if (!c.req.header('user-agent') && c.get('twin').fixtures.requireUserAgent !== false) {
    c.get('notes').auth = 'no User-Agent header';
    oauthErrors.raise('user_agent_required');
  }
  const tokenApi = TOKEN_API.exec(c.req.path);
  if (tokenApi) {
    authenticateClient(c, tokenApi[1]!);
    return;
  }
  if (c.req.query('access_token') !== undefined) {
    c.get('notes').auth = 'the ?access_token= query parameter is no longer accepted';
    oauthErrors.raise('bad_credentials');
  }
  if (c.req.header('authorization') === undefined) oauthErrors.raise('requires_authentication');
  const reason = refusedBecause(c, tokenOf(c));
  if (reason !== undefined) {
    c.get('notes').auth = reason;
    oauthErrors.raise('bad_credentials');
  }
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Who calls (package README, "Callers"): the OAuth app (its client_id: from the query, the body, Basic credentials,
 * the token API's path, or the presented token's app) and the GitHub user (the presented token's login, the token a
 * token API call checks, the code being exchanged, or the login an authorize request names).
 */
export const oauthCallers: CallerHooks<OAuthFixtures, OAuthRuntime> = {
  kinds: { client: "the OAuth app (GitHub's client_id)", user: 'the GitHub user (login) the token or code belongs to' },
  of(req, twin) {
    const { state } = twin;
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const authorization = req.header('authorization');
    const basic = basicIn(authorization);
    const tokenApi = TOKEN_API.exec(req.path)?.[1];
    const presented = basic || tokenApi !== undefined ? undefined : tokenIn(state, authorization);
    const checked = tokenApi === undefined ? undefined : state.tokens.get(text(body.access_token) as string);
    const code = text(body.code) ?? req.query('code');
    const client = req.query('client_id') || text(body.client_id) || basic?.id || tokenApi || presented?.clientId;
    const user =
      presented?.login ??
      checked?.login ??
      text(req.notes.login) ??
      text(req.notes.approvedAs) ??
      (code === undefined ? undefined : state.codes.get(code)?.login) ??
      (req.query('login') || undefined);
    if (client === undefined && user === undefined) return undefined;
    return { ...(client !== undefined && { client }), ...(user !== undefined && { user }) };
  },
  known: (f) => [
    ...f.apps.map((a) => ({ kind: 'client', id: a.clientId, name: a.name })),
    ...f.users.map((u) => ({ kind: 'user', id: u.login, ...(u.name !== null && { name: u.name }) })),
  ],
  tenant: ['client'],
};

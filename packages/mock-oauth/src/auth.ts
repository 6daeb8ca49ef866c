import type { Operation } from '@doppel/mock-kit';
import type { OAuthContext } from './context.ts';
import { oauthErrors } from './errors.ts';
import { isLive, type TokenRecord } from './tokens.ts';

const AUTHORIZATION = /^(?:bearer|token)\s+(\S+)\s*$/i;

/**
 * The record of the token of `Authorization: Bearer <t>` or `Authorization: token <t>`, if the twin knows it (live
 * or not). No header reads as "undefined", which matches no scheme; no token finds nothing in the Map.
 */
export function tokenOf(c: OAuthContext): TokenRecord | undefined {
  const presented = AUTHORIZATION.exec(String(c.req.header('authorization')))?.[1];
  return c.get('twin').state.tokens.get(presented as string);
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
 * The API host's entry check (the kit's `authenticate` hook), synchronous: the `?access_token=` query form is
 * refused outright (GitHub since 2021-09-08), no header → Requires authentication, anything but a live access
 * token of a known user → Bad credentials. The reason goes to the journal's notes (`auth`).
 */
export function authenticate(c: OAuthContext, op: Operation): void {
  if (!op.secured) return;
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

/** The tenant is the client_id: from the query, the body, or (on the API host) the token's client. */
export function tenantOf(c: OAuthContext): string | undefined {
  const q = c.req.query('client_id');
  if (q) return q;
  const fromBody = (c.get('body') as Record<string, unknown> | null | undefined)?.client_id;
  if (typeof fromBody === 'string') return fromBody;
  return tokenOf(c)?.clientId;
}

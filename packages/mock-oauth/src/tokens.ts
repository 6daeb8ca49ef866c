import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '@doppel/mock-kit';
import type { OAuthClient } from './fixtures.ts';

/** GitHub's lifetimes: codes 10 minutes, expiring user tokens 8 hours, their refresh tokens 184 days. */
export const CODE_TTL_MS = 10 * 60 * 1000;
export const USER_TOKEN_TTL_S = 28_800;
export const REFRESH_TOKEN_TTL_S = 15_897_600;

export interface CodeRecord {
  code: string;
  clientId: string;
  login: string;
  /** Normalised scope, comma-separated (as GitHub reports it). */
  scope: string;
  /** The redirect_uri the authorize request named, `null` when it named none. */
  redirectUri: string | null;
  codeChallenge: string | null;
  expiresAt: number;
}

export interface TokenRecord {
  token: string;
  kind: 'access' | 'refresh';
  clientId: string;
  login: string;
  scope: string;
  createdAt: number;
  /** `null`: never expires (OAuth app tokens). */
  expiresAt: number | null;
  revoked: boolean;
  /** The code whose exchange issued it (refreshed tokens inherit it): a replay of that code revokes them all. */
  grant?: string;
}

/** Where issued tokens go. */
export interface TokenStore {
  /** Bounded: past its maximum the oldest token goes. */
  tokens: {
    get(token: string): TokenRecord | undefined;
    set(token: string, record: TokenRecord): unknown;
    delete(token: string): boolean;
    /** Replace a live record, keeping its place and expiry (records are never changed in place: see `changeToken`). */
    update(token: string, record: TokenRecord): boolean;
    values(): Iterable<TokenRecord>;
  };
  /** Fixture tokens still to hand out before random ones: a kit cell (one value, replaced whole), so replicas share it. */
  nextTokens: { get(): string[]; set(value: string[]): void };
  /**
   * The tokens issued from each code (its exchange and the refreshes after it), by code: a replay revokes them
   * without a look at every token. Bounded like the tokens; an id whose token is gone is skipped.
   */
  grants: { get(grant: string): string[] | undefined; set(grant: string, tokens: string[]): unknown };
}

/**
 * Change a token's record: a new record in its place, never the old one changed in place, so a twin whose state
 * is shared between replicas (the kit's README, "A shared QA twin") commits the change and drops it on a conflict.
 */
export function changeToken(store: TokenStore, t: TokenRecord, patch: Partial<TokenRecord>): TokenRecord {
  const next = { ...t, ...patch };
  store.tokens.update(t.token, next);
  return next;
}

/** The next queued token, taken off the queue; undefined when it is empty. */
function queued(store: TokenStore): string | undefined {
  const q = store.nextTokens.get();
  if (q.length === 0) return undefined;
  store.nextTokens.set(q.slice(1));
  return q[0];
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** GitHub-shaped secrets: a prefix and 36 base62 characters. */
export function newToken(prefix: 'gho_' | 'ghu_' | 'ghr_'): string {
  const bytes = randomBytes(36);
  let out = prefix;
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

/** Codes are 20 hex characters, as GitHub's are. */
export function newCode(): string {
  return randomBytes(10).toString('hex');
}

/** `read:user repo` or `read:user,repo` → `read:user,repo` (GitHub's token reply joins with commas). */
export function normaliseScope(scope: string | undefined): string {
  return [...new Set((scope ?? '').split(/[\s,]/).filter(Boolean))].join(',');
}

/** PKCE's S256: base64url of the verifier's SHA-256 (RFC 7636 §4.2). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export function isLive(t: TokenRecord, clock: Clock): boolean {
  return !t.revoked && (t.expiresAt === null || clock.now() < t.expiresAt);
}

/**
 * Issue the tokens of a grant: a never-expiring `gho_` for an OAuth app, or for a client with expiring tokens
 * an 8-hour `ghu_` and a `ghr_` refresh token. The fixtures' `nextTokens` are handed out first.
 */
export function issueTokens(
  store: TokenStore,
  clock: Clock,
  app: OAuthClient,
  login: string,
  scope: string,
  grant?: string,
): { access: TokenRecord; refresh?: TokenRecord } {
  const now = clock.now();
  const from = grant === undefined ? {} : { grant };
  const next = (prefix: 'gho_' | 'ghu_' | 'ghr_') => queued(store) ?? newToken(prefix);
  if (!app.expiringTokens) {
    const access: TokenRecord = {
      token: next('gho_'),
      kind: 'access',
      clientId: app.clientId,
      login,
      scope,
      createdAt: now,
      expiresAt: null,
      revoked: false,
      ...from,
    };
    store.tokens.set(access.token, access);
    if (grant !== undefined) remember(store, grant, [access.token]);
    return { access };
  }
  // GitHub App user tokens carry no OAuth scopes: the app's permissions apply.
  const access: TokenRecord = {
    token: next('ghu_'),
    kind: 'access',
    clientId: app.clientId,
    login,
    scope: '',
    createdAt: now,
    expiresAt: now + USER_TOKEN_TTL_S * 1000,
    revoked: false,
    ...from,
  };
  const refresh: TokenRecord = { ...access, token: next('ghr_'), kind: 'refresh', expiresAt: now + REFRESH_TOKEN_TTL_S * 1000 };
  store.tokens.set(access.token, access);
  store.tokens.set(refresh.token, refresh);
  if (grant !== undefined) remember(store, grant, [access.token, refresh.token]);
  return { access, refresh };
}

/** Add tokens to their grant's list (a new list: records are replaced, never changed in place). */
function remember(store: TokenStore, grant: string, tokens: string[]): void {
  store.grants.set(grant, [...(store.grants.get(grant) ?? []), ...tokens]);
}

/** Revoke every token issued from the code `grant` (and from refreshes of them); how many were still unrevoked. */
export function revokeGrant(store: TokenStore, grant: string): number {
  let revoked = 0;
  for (const id of store.grants.get(grant) ?? []) {
    const t = store.tokens.get(id);
    if (t === undefined || t.grant !== grant || t.revoked) continue;
    changeToken(store, t, { revoked: true });
    revoked++;
  }
  return revoked;
}

/** A new token of the same kind, client, user, scope and lifetime as `old`, which is revoked (the token API's reset). */
export function resetToken(store: TokenStore, clock: Clock, old: TokenRecord): TokenRecord {
  const now = clock.now();
  const prefix = old.token.startsWith('ghu_') ? 'ghu_' : 'gho_';
  const fresh: TokenRecord = {
    ...old,
    token: queued(store) ?? newToken(prefix),
    createdAt: now,
    expiresAt: old.expiresAt === null ? null : now + (old.expiresAt - old.createdAt),
    revoked: false,
  };
  changeToken(store, old, { revoked: true });
  store.tokens.set(fresh.token, fresh);
  return fresh;
}

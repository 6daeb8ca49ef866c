import { BoundedMap, Cell, type Twin } from '@doppel/mock-kit';
import { DEFAULT_MAX_CODES, DEFAULT_MAX_TOKENS, type OAuthClient, type OAuthFixtures, type OAuthUser } from './fixtures.ts';
import { CODE_TTL_MS, type CodeRecord, normaliseScope, type TokenRecord, type TokenStore } from './tokens.ts';

/**
 * The live, mutable state the handlers read and change; seeded from fixtures on start, reset and state changes.
 * What changes is in kit containers (BoundedMap, Cell), so a shared store keeps it in step across replicas;
 * `apps` and `users` are the fixtures' and change only with them.
 */
export interface OAuthRuntime extends TokenStore {
  /** By client_id. */
  apps: Map<string, OAuthClient>;
  /** By lower-case login (GitHub logins are case-insensitive). */
  users: Map<string, OAuthUser>;
  /** Unredeemed codes, bounded: past the maximum the oldest go. */
  codes: BoundedMap<string, CodeRecord>;
  tokens: BoundedMap<string, TokenRecord>;
  /** Codes already exchanged, by code → the client they were issued to (a replay revokes their tokens); bounded as codes are. */
  redeemed: BoundedMap<string, string>;
  nextTokens: Cell<string[]>;
  grants: BoundedMap<string, string[]>;
}

/** Seeded codes live 10 minutes from now; seeded tokens expire `expiresInSeconds` from now (or never). */
export function seed(f: OAuthFixtures, twin: Twin<OAuthFixtures, OAuthRuntime>): OAuthRuntime {
  const now = twin.clock.now();
  return {
    apps: new Map(f.apps.map((a) => [a.clientId, a])),
    users: new Map(f.users.map((u) => [u.login.toLowerCase(), u])),
    codes: bounded(
      f.maxCodes ?? DEFAULT_MAX_CODES,
      twin,
      f.codes.map((c) => [c.code, { ...c, scope: normaliseScope(c.scope), expiresAt: now + CODE_TTL_MS }]),
    ),
    nextTokens: new Cell([...f.nextTokens]),
    redeemed: bounded(f.maxCodes ?? DEFAULT_MAX_CODES, twin, []),
    grants: bounded(f.maxTokens ?? DEFAULT_MAX_TOKENS, twin, []),
    tokens: bounded(
      f.maxTokens ?? DEFAULT_MAX_TOKENS,
      twin,
      f.tokens.map((t) => [
        t.token,
        {
          token: t.token,
          kind: t.kind,
          clientId: t.clientId,
          login: t.login,
          scope: normaliseScope(t.scope),
          createdAt: now,
          expiresAt: t.expiresInSeconds === null ? null : now + t.expiresInSeconds * 1000,
          revoked: false,
        },
      ]),
    ),
  };
}

/**
 * A store that keeps at most `max` entries, the oldest going first. Expiry stays with the records (an expired
 * code or token is refused by the route with its own error), so the store only caps.
 */
function bounded<V>(max: number, twin: Twin<OAuthFixtures, OAuthRuntime>, entries: [string, V][]): BoundedMap<string, V> {
  const map = new BoundedMap<string, V>(max, () => twin.clock.now());
  for (const [k, v] of entries) map.set(k, v);
  return map;
}

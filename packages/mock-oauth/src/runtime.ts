import type { Twin } from '@doppel/mock-kit';
import type { OAuthClient, OAuthFixtures, OAuthUser } from './fixtures.ts';
import { CODE_TTL_MS, type CodeRecord, normaliseScope, type TokenStore } from './tokens.ts';

/** The live, mutable state the handlers read and change; seeded from fixtures on start, reset and state changes. */
export interface OAuthRuntime extends TokenStore {
  /** By client_id. */
  apps: Map<string, OAuthClient>;
  /** By lower-case login (GitHub logins are case-insensitive). */
  users: Map<string, OAuthUser>;
  codes: Map<string, CodeRecord>;
}

/** Seeded codes live 10 minutes from now; seeded tokens expire `expiresInSeconds` from now (or never). */
export function seed(f: OAuthFixtures, twin: Twin<OAuthFixtures, OAuthRuntime>): OAuthRuntime {
  const now = twin.clock.now();
  return {
    apps: new Map(f.apps.map((a) => [a.clientId, a])),
    users: new Map(f.users.map((u) => [u.login.toLowerCase(), u])),
    codes: new Map(f.codes.map((c) => [c.code, { ...c, scope: normaliseScope(c.scope), expiresAt: now + CODE_TTL_MS }])),
    nextTokens: [...f.nextTokens],
    tokens: new Map(
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

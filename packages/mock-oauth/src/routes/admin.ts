import { adminError, type RuleInput, type TwinEnv } from '@doppel/mock-kit';
import type { Hono } from 'hono';
import type { OAuthFixtures } from '../fixtures.ts';
import { isLive, type OAuthState, type TokenRecord } from '../state.ts';

type Env = TwinEnv<OAuthFixtures, OAuthState>;
type RuleMatch = NonNullable<RuleInput['match']>;

interface Selector {
  token?: string;
  clientId?: string;
  login?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

function selected(state: OAuthState, s: Selector): TokenRecord[] {
  return [...state.tokens.values()].filter(
    (t) =>
      (s.token === undefined || t.token === s.token) &&
      (s.clientId === undefined || t.clientId === s.clientId) &&
      (s.login === undefined || t.login.toLowerCase() === s.login.toLowerCase()),
  );
}

const STEP_ERRORS = {
  authorize: ['access_denied', 'redirect_uri_mismatch', 'application_suspended'],
  exchange: ['bad_verification_code', 'incorrect_client_credentials', 'redirect_uri_mismatch', 'unverified_user_email', 'unsupported_grant_type'],
  refresh: ['bad_refresh_token', 'incorrect_client_credentials', 'unsupported_grant_type'],
  user: ['bad_credentials', 'requires_authentication'],
} as const;
type Step = keyof typeof STEP_ERRORS;

const TOKEN_PATH = '/login/oauth/access_token';

/** `/__admin/oauth/*`: tokens, codes and forced failures (declared in oauth.yaml, tag admin). */
export function oauthAdmin(admin: Hono<Env>): void {
  admin.get('/oauth/tokens', (c) => {
    const { state, clock } = c.get('twin');
    const clientId = c.req.query('client_id');
    const login = c.req.query('login');
    const tokens = selected(state, { clientId, login })
      .reverse()
      .map((t) => ({
        token: t.token,
        kind: t.kind,
        clientId: t.clientId,
        login: t.login,
        scope: t.scope,
        createdAt: iso(t.createdAt),
        expiresAt: t.expiresAt === null ? null : iso(t.expiresAt),
        revoked: t.revoked,
        expired: t.expiresAt !== null && clock.now() >= t.expiresAt,
        live: isLive(t, clock),
      }));
    return c.json({ tokens });
  });

  admin.post('/oauth/tokens/revoke', (c) => {
    const hits = selected(c.get('twin').state, c.get('body') as Selector).filter((t) => !t.revoked);
    for (const t of hits) t.revoked = true;
    return c.json({ revoked: hits.length });
  });

  admin.post('/oauth/tokens/expire', (c) => {
    const now = c.get('twin').clock.now();
    const hits = selected(c.get('twin').state, c.get('body') as Selector).filter((t) => t.expiresAt === null || t.expiresAt > now);
    for (const t of hits) t.expiresAt = now;
    return c.json({ expired: hits.length });
  });

  admin.get('/oauth/codes', (c) =>
    c.json({
      codes: [...c.get('twin').state.codes.values()].map((k) => ({
        code: k.code,
        clientId: k.clientId,
        login: k.login,
        scope: k.scope,
        redirectUri: k.redirectUri,
        expiresAt: iso(k.expiresAt),
        pkce: k.codeChallenge !== null,
      })),
    }),
  );

  admin.post('/oauth/failures', (c) => {
    const b = c.get('body') as { step: Step; error: string; times?: number; clientId?: string; pkceOnly?: boolean };
    const allowed: readonly string[] = STEP_ERRORS[b.step];
    if (!allowed.includes(b.error)) {
      return adminError(c, 400, 'invalid_request', `step "${b.step}" cannot fail with "${b.error}"; it can with: ${allowed.join(', ')}`);
    }
    if (b.pkceOnly && b.step !== 'exchange') return adminError(c, 400, 'invalid_request', 'pkceOnly applies to the exchange step only');
    const scenario = b.step === 'authorize' ? `authorize_${b.error}` : b.error;
    const exchangeBody: Record<string, string> = b.pkceOnly ? { code: '*', code_verifier: '*' } : { code: '*' };
    const match: RuleMatch =
      b.step === 'authorize'
        ? { path: '/login/oauth/authorize' }
        : b.step === 'exchange'
          ? { method: 'POST', path: TOKEN_PATH, body: exchangeBody }
          : b.step === 'refresh'
            ? { method: 'POST', path: TOKEN_PATH, body: { grant_type: 'refresh_token' } }
            : { method: 'GET', path: '/user' };
    const rule = c.get('twin').rules.add({
      scenario,
      match,
      ...(b.clientId !== undefined && { tenant: b.clientId }),
      ...(b.times !== undefined && { times: b.times }),
    });
    return c.json(rule, 201);
  });
}

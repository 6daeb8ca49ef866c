import { adminError, type RuleInput } from '@doppel/mock-kit';
import { Hono } from 'hono';
import type { OAuthEnv } from '../context.ts';
import type { components, operations } from '../generated/openapi.ts';
import type { OAuthRuntime } from '../runtime.ts';
import { changeToken, isLive, type TokenRecord } from '../tokens.ts';

type RuleMatch = NonNullable<RuleInput['match']>;
type Selector = components['schemas']['TokenSelector'];
type ListedToken = components['schemas']['TokenRecord'];
type Failure = operations['addFailure']['requestBody']['content']['application/json'];

const iso = (ms: number) => new Date(ms).toISOString();

function selected(state: OAuthRuntime, s: Selector): TokenRecord[] {
  return [...state.tokens.values()].filter(
    (t) =>
      (s.token === undefined || t.token === s.token) &&
      (s.clientId === undefined || t.clientId === s.clientId) &&
      (s.login === undefined || t.login.toLowerCase() === s.login.toLowerCase()),
  );
}

/** The errors each step of the flow can be made to fail with (README, "Negative-path toolkit"). */
const STEP_ERRORS: Record<Failure['step'], readonly Failure['error'][]> = {
  authorize: ['access_denied', 'redirect_uri_mismatch', 'application_suspended'],
  exchange: [
    'bad_verification_code',
    'incorrect_client_credentials',
    'redirect_uri_mismatch',
    'unverified_user_email',
    'unsupported_grant_type',
  ],
  refresh: ['bad_refresh_token', 'incorrect_client_credentials', 'unsupported_grant_type'],
  user: ['bad_credentials', 'requires_authentication'],
};

const TOKEN_PATH = '/login/oauth/access_token';

/** The scenario rule's match for a step: which requests it fails. */
function matchOf(f: Failure): RuleMatch {
  switch (f.step) {
    case 'authorize':
      return { path: '/login/oauth/authorize' };
    case 'exchange':
      return { method: 'POST', path: TOKEN_PATH, body: f.pkceOnly ? { code: '*', code_verifier: '*' } : { code: '*' } };
    case 'refresh':
      return { method: 'POST', path: TOKEN_PATH, body: { grant_type: 'refresh_token' } };
    case 'user':
      return { method: 'GET', path: '/user' };
  }
}

/** `/__admin/oauth/*`: tokens, codes and forced failures (declared in oauth.yaml, tag admin). */
export const oauthAdminRoutes = new Hono<OAuthEnv>()
  .get('/oauth/tokens', (c) => {
    const { state, clock } = c.get('twin');
    const clientId = c.req.query('client_id');
    const login = c.req.query('login');
    const tokens = selected(state, { clientId, login })
      .reverse()
      .map(
        (t): ListedToken => ({
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
        }),
      );
    return c.json({ tokens });
  })
  .post('/oauth/tokens/revoke', (c) => {
    const { state } = c.get('twin');
    const hits = selected(state, c.get('body') as Selector).filter((t) => !t.revoked);
    for (const t of hits) changeToken(state, t, { revoked: true });
    return c.json({ revoked: hits.length });
  })
  .post('/oauth/tokens/expire', (c) => {
    const { state, clock } = c.get('twin');
    const now = clock.now();
    const hits = selected(state, c.get('body') as Selector).filter((t) => t.expiresAt === null || t.expiresAt > now);
    for (const t of hits) changeToken(state, t, { expiresAt: now });
    return c.json({ expired: hits.length });
  })
  .get('/oauth/codes', (c) =>
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
  )
  .post('/oauth/failures', (c) => {
    const f = c.get('body') as Failure;
    const allowed = STEP_ERRORS[f.step];
    if (!allowed.includes(f.error)) {
      return adminError(c, 400, 'invalid_request', `step "${f.step}" cannot fail with "${f.error}"; it can with: ${allowed.join(', ')}`);
    }
    if (f.pkceOnly && f.step !== 'exchange') return adminError(c, 400, 'invalid_request', 'pkceOnly applies to the exchange step only');
    const rule = c.get('twin').rules.add({
      scenario: f.step === 'authorize' ? `authorize_${f.error}` : f.error,
      match: matchOf(f),
      ...(f.clientId !== undefined && { caller: { client: f.clientId } }),
      times: f.times,
    });
    return c.json(rule, 201);
  });

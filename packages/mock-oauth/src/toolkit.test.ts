import { ADMIN_SPEC, drift, loadSpec } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { OAUTH_SPEC } from './definition.ts';
import { defaultFixtures } from './fixtures.ts';
import { STATE_VALUES } from './states.ts';
import { authorizeUrl, CI_BOT, codeFor, exchangeBody, formPost, GITHUB_APP, GITHUB_BOT, jsonPost, location } from './test-helpers.ts';

const TOKEN = '/login/oauth/access_token';
const JSON_ACCEPT = { accept: 'application/json' };
const fail = (body: unknown) => jsonPost(body);

async function errorOf(res: Response): Promise<string | undefined> {
  return ((await res.json()) as { error?: string }).error;
}

describe('negative-path toolkit: forced failures through the kit’s scenarios', () => {
  it('the next authorize fails once with access_denied (redirect with the state), then works', async () => {
    const { app } = createApp();
    const res = await app.request('/__admin/oauth/failures', fail({ step: 'authorize', error: 'access_denied', times: 1 }));
    expect(res.status).toBe(201);
    const first = location(await app.request(authorizeUrl(CI_BOT)));
    expect(first.searchParams.get('error')).toBe('access_denied');
    expect(first.searchParams.get('state')).toBe('g1:b1');
    expect(location(await app.request(authorizeUrl(CI_BOT))).searchParams.get('code')).not.toBeNull();
  });

  it('forced application_suspended and redirect_uri_mismatch on authorize, for one client only', async () => {
    const { app } = createApp();
    await app.request('/__admin/oauth/failures', fail({ step: 'authorize', error: 'application_suspended', clientId: CI_BOT.clientId }));
    expect(location(await app.request(authorizeUrl(GITHUB_APP))).searchParams.get('code')).not.toBeNull();
    expect(location(await app.request(authorizeUrl(CI_BOT))).searchParams.get('error')).toBe('application_suspended');
    expect(location(await app.request(authorizeUrl(CI_BOT))).searchParams.get('error')).toBe('application_suspended');
    await app.request('/__admin/scenarios/rules', { method: 'DELETE' });
    await app.request('/__admin/oauth/failures', fail({ step: 'authorize', error: 'redirect_uri_mismatch', times: 1 }));
    expect(location(await app.request(authorizeUrl(CI_BOT))).searchParams.get('error')).toBe('redirect_uri_mismatch');
  });

  it('the next N exchanges fail with any token error; refreshes are not touched', async () => {
    const { app } = createApp();
    await app.request('/__admin/oauth/failures', fail({ step: 'exchange', error: 'unverified_user_email', times: 2 }));
    const code = await codeFor(app);
    expect(await errorOf(await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code), JSON_ACCEPT)))).toBe('unverified_user_email');
    // A refresh in between is not an exchange.
    await app.request('/__admin/states/the%20GitHub%20App%20issued%20a%20refresh%20token', { method: 'POST' });
    await app.request('/__admin/oauth/failures', fail({ step: 'exchange', error: 'incorrect_client_credentials', times: 1 }));
    const refreshed = await app.request(
      TOKEN,
      formPost({ client_id: GITHUB_APP.clientId, client_secret: GITHUB_APP.clientSecret, grant_type: 'refresh_token', refresh_token: STATE_VALUES.refreshToken }, JSON_ACCEPT),
    );
    expect(await refreshed.json()).toHaveProperty('access_token');
    const code2 = await codeFor(app);
    expect(await errorOf(await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code2), JSON_ACCEPT)))).toBe('incorrect_client_credentials');
    expect(await (await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code2), JSON_ACCEPT))).json()).toHaveProperty('access_token');
  });

  it('the next refresh fails with bad_refresh_token, in the requested format, HTTP 200', async () => {
    const { app } = createApp();
    await app.request('/__admin/states/the%20GitHub%20App%20issued%20a%20refresh%20token', { method: 'POST' });
    await app.request('/__admin/oauth/failures', fail({ step: 'refresh', error: 'bad_refresh_token', times: 1 }));
    const body = { client_id: GITHUB_APP.clientId, client_secret: GITHUB_APP.clientSecret, grant_type: 'refresh_token', refresh_token: STATE_VALUES.refreshToken };
    const res = await app.request(TOKEN, formPost(body));
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^error=bad_refresh_token&error_description=/);
    expect(await (await app.request(TOKEN, formPost(body, JSON_ACCEPT))).json()).toHaveProperty('refresh_token');
  });

  it('rejects only PKCE exchanges when asked (pkceOnly)', async () => {
    const { app } = createApp();
    await app.request('/__admin/oauth/failures', fail({ step: 'exchange', error: 'bad_verification_code', pkceOnly: true }));
    const plain = await codeFor(app);
    expect(await (await app.request(TOKEN, formPost(exchangeBody(CI_BOT, plain), JSON_ACCEPT))).json()).toHaveProperty('access_token');
    const pkce = await codeFor(app, CI_BOT, { code_challenge: STATE_VALUES.pkceChallenge, code_challenge_method: 'S256' });
    const res = await app.request(TOKEN, formPost(exchangeBody(CI_BOT, pkce, { code_verifier: STATE_VALUES.pkceVerifier }), JSON_ACCEPT));
    expect(await errorOf(res)).toBe('bad_verification_code');
    const { entries } = (await (await app.request('/__admin/journal?path=/login/oauth/access_token&limit=1')).json()) as { entries: { scenario?: string }[] };
    expect(entries[0]?.scenario).toBe('bad_verification_code');
  });

  it('/user fails with Bad credentials for one client’s tokens only', async () => {
    const { app } = createApp();
    await app.request('/__admin/oauth/failures', fail({ step: 'user', error: 'bad_credentials', clientId: GITHUB_BOT.clientId }));
    const fixtureToken = defaultFixtures().tokens[0]!.token; // issued to the GitHub bot
    expect((await app.request('/user', { headers: { authorization: `Bearer ${fixtureToken}` } })).status).toBe(401);
    const code = await codeFor(app);
    const t = (await (await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code), JSON_ACCEPT))).json()) as { access_token: string };
    expect((await app.request('/user', { headers: { authorization: `Bearer ${t.access_token}` } })).status).toBe(200);
  });

  it('refuses an error that does not belong to the step', async () => {
    const { app } = createApp();
    const res = await app.request('/__admin/oauth/failures', fail({ step: 'refresh', error: 'access_denied' }));
    expect(res.status).toBe(400);
    expect((await app.request('/__admin/oauth/failures', fail({ step: 'nope', error: 'access_denied' }))).status).toBe(400);
  });

  it('the scenario header forces any catalogue error on one request', async () => {
    const { app } = createApp();
    const res = await app.request(TOKEN, formPost(exchangeBody(CI_BOT, 'x'), { 'x-doppel-scenario': 'bad_refresh_token', ...JSON_ACCEPT }));
    expect(res.status).toBe(200);
    expect(await errorOf(res)).toBe('bad_refresh_token');
  });

  it('lists every GitHub error in the catalogue', async () => {
    const { app } = createApp();
    const { scenarios } = (await (await app.request('/__admin/scenarios')).json()) as { scenarios: { name: string; status: number }[] };
    expect(scenarios.map((s) => s.name).sort()).toEqual(
      [
        'authorize_access_denied',
        'authorize_application_suspended',
        'authorize_invalid_request',
        'authorize_redirect_uri_mismatch',
        'bad_credentials',
        'bad_refresh_token',
        'bad_verification_code',
        'incorrect_client_credentials',
        'redirect_uri_mismatch',
        'requires_authentication',
        'unsupported_grant_type',
        'unverified_user_email',
      ].sort(),
    );
  });
});

describe('spec, fixtures and states', () => {
  it('serves exactly its spec and the admin spec (no drift)', () => {
    const { app } = createApp();
    expect(drift(app, [loadSpec(OAUTH_SPEC), loadSpec(ADMIN_SPEC)])).toEqual({ unserved: [], undocumented: [] });
  });

  it('refuses invalid fixtures naming the path', async () => {
    const { app } = createApp();
    const f = defaultFixtures() as unknown as { apps: Record<string, unknown>[] };
    f.apps[0]!.callbackUrls = [];
    const res = await app.request('/__admin/fixtures', { ...jsonPost(f), method: 'PUT' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('/apps/0/callbackUrls');
  });

  it('custom fixtures: a client switched to auto-approve and expiring tokens', async () => {
    const f = defaultFixtures();
    f.apps = f.apps.map((a) => (a.clientId === GITHUB_BOT.clientId ? { ...a, autoApprove: true, expiringTokens: true } : a));
    const { app } = createApp({ fixtures: f });
    const code = await codeFor(app, GITHUB_BOT);
    const body = (await (await app.request(TOKEN, formPost(exchangeBody(GITHUB_BOT, code), JSON_ACCEPT))).json()) as { access_token: string };
    expect(body.access_token).toMatch(/^ghu_/);
  });

  it('the Pact states seed the codes and tokens they promise', async () => {
    const { app } = createApp();
    await app.request('/__admin/states/a%20code%20was%20issued%20to%20the%20GitHub%20bot', { method: 'POST' });
    const res = await app.request(TOKEN, formPost(exchangeBody(GITHUB_BOT, STATE_VALUES.botCode), JSON_ACCEPT));
    expect(await res.json()).toMatchObject({ scope: 'read:user', token_type: 'bearer' });
    await app.request('/__admin/states/the%20GitHub%20bot%20is%20suspended', { method: 'POST' });
    expect(location(await app.request(authorizeUrl(GITHUB_BOT))).searchParams.get('error')).toBe('application_suspended');
  });

  it('masks secrets in the journal', async () => {
    const { app, twin } = createApp();
    await app.request(TOKEN, formPost(exchangeBody(CI_BOT, await codeFor(app))));
    const entry = twin.journal.find({ path: TOKEN })[0]!;
    expect(JSON.stringify(entry.body)).not.toContain(CI_BOT.clientSecret);
    expect(String(entry.responseBody)).not.toMatch(/gho_\w{36}/);
  });
});

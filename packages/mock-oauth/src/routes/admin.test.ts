import { describe, expect, it } from 'vitest';
import { defaultFixtures, OCTOCAT_TOKEN } from '../fixtures.ts';
import { createApp } from '../server.ts';
import { STATE_VALUES } from '../states.ts';
import {
  authorizeUrl,
  bearer,
  CALLBACK,
  CI_BOT,
  codeFor,
  exchange,
  exchangeBody,
  formPost,
  GITHUB_APP,
  GITHUB_BOT,
  JSON_ACCEPT,
  jsonPost,
  location,
  stoppedClock,
  T0,
  TOKEN,
  tokenFor,
} from '../test-helpers.ts';

const fail = (body: unknown) => jsonPost(body);
const listed = async (res: Response) => ((await res.json()) as { tokens: Record<string, unknown>[] }).tokens;

describe('admin: tokens', () => {
  it('lists every token, newest first, with its dates and state', async () => {
    const { app, twin } = createApp({ clock: stoppedClock() });
    twin.clock.advance(1000);
    const token = await tokenFor(app);
    const tokens = await listed(await app.request('/__admin/oauth/tokens'));
    expect(tokens).toEqual([
      {
        token,
        kind: 'access',
        clientId: CI_BOT.clientId,
        login: 'octocat',
        scope: 'read:user',
        createdAt: new Date(T0 + 1000).toISOString(),
        expiresAt: null,
        revoked: false,
        expired: false,
        live: true,
      },
      expect.objectContaining({ token: OCTOCAT_TOKEN.token, createdAt: new Date(T0).toISOString() }),
    ]);
  });

  it('filters by client_id and by login (any case)', async () => {
    const { app } = createApp();
    const token = await tokenFor(app);
    expect((await listed(await app.request(`/__admin/oauth/tokens?client_id=${CI_BOT.clientId}`))).map((t) => t.token)).toEqual([token]);
    expect((await listed(await app.request(`/__admin/oauth/tokens?client_id=${GITHUB_BOT.clientId}`))).map((t) => t.token)).toEqual([
      OCTOCAT_TOKEN.token,
    ]);
    expect(await listed(await app.request('/__admin/oauth/tokens?login=OctoCat'))).toHaveLength(2);
    expect(await listed(await app.request('/__admin/oauth/tokens?login=hubot'))).toEqual([]);
  });

  it('shows an expiring token’s expiry, and expired once the clock passes it', async () => {
    const { app, twin } = createApp({ clock: stoppedClock() });
    await exchange(app, exchangeBody(GITHUB_APP, await codeFor(app, GITHUB_APP)));
    const url = `/__admin/oauth/tokens?client_id=${encodeURIComponent(GITHUB_APP.clientId)}`;
    const [refresh, access] = await listed(await app.request(url));
    expect(access).toMatchObject({ kind: 'access', expiresAt: new Date(T0 + 28_800_000).toISOString(), expired: false, live: true });
    expect(refresh).toMatchObject({ kind: 'refresh', expiresAt: new Date(T0 + 15_897_600_000).toISOString() });
    twin.clock.advance(28_800_000 - 1);
    expect((await listed(await app.request(url)))[1]).toMatchObject({ expired: false, live: true });
    twin.clock.advance(1);
    expect((await listed(await app.request(url)))[1]).toMatchObject({ expired: true, live: false, revoked: false });
  });

  it('a revoked token gets 401 Bad credentials; listing shows it revoked', async () => {
    const { app } = createApp();
    const token = await tokenFor(app);
    expect(await (await app.request('/__admin/oauth/tokens/revoke', jsonPost({ token }))).json()).toEqual({ revoked: 1 });
    expect((await app.request('/user', bearer(token))).status).toBe(401);
    const tokens = await listed(await app.request(`/__admin/oauth/tokens?client_id=${CI_BOT.clientId}`));
    expect(tokens).toEqual([expect.objectContaining({ token, revoked: true, live: false, expired: false })]);
    // Revoking again changes nothing.
    expect(await (await app.request('/__admin/oauth/tokens/revoke', jsonPost({ token }))).json()).toEqual({ revoked: 0 });
  });

  it('revokes every token of a user, and expires tokens that would never expire on GitHub', async () => {
    const { app } = createApp();
    const a = await tokenFor(app);
    const b = await tokenFor(app);
    expect(await (await app.request('/__admin/oauth/tokens/expire', jsonPost({ token: a }))).json()).toEqual({ expired: 1 });
    expect(await (await app.request('/__admin/oauth/tokens/expire', jsonPost({ token: a }))).json()).toEqual({ expired: 0 });
    expect((await app.request('/user', bearer(a))).status).toBe(401);
    expect((await app.request('/user', bearer(b))).status).toBe(200);
    const all = (await (await app.request('/__admin/oauth/tokens/revoke', jsonPost({ login: 'OCTOCAT' }))).json()) as { revoked: number };
    expect(all.revoked).toBe(3); // b, the fixture token, and the expired a
    expect((await app.request('/user', bearer(b))).status).toBe(401);
  });

  it('selects by client and login together', async () => {
    const { app } = createApp();
    await tokenFor(app);
    expect(
      await (await app.request('/__admin/oauth/tokens/revoke', jsonPost({ clientId: CI_BOT.clientId, login: 'hubot' }))).json(),
    ).toEqual({ revoked: 0 });
    expect(
      await (await app.request('/__admin/oauth/tokens/expire', jsonPost({ clientId: GITHUB_BOT.clientId, login: 'octocat' }))).json(),
    ).toEqual({
      expired: 1,
    });
    expect((await app.request('/user', bearer(OCTOCAT_TOKEN.token))).status).toBe(401);
  });

  it('expires a token that expires later, not one already past its expiry', async () => {
    const { app } = createApp({ clock: stoppedClock() });
    await exchange(app, exchangeBody(GITHUB_APP, await codeFor(app, GITHUB_APP)));
    const select = jsonPost({ clientId: GITHUB_APP.clientId });
    expect(await (await app.request('/__admin/oauth/tokens/expire', select)).json()).toEqual({ expired: 2 });
    expect(await (await app.request('/__admin/oauth/tokens/expire', jsonPost({ clientId: GITHUB_APP.clientId }))).json()).toEqual({
      expired: 0,
    });
  });

  it('refuses an empty selector', async () => {
    const { app } = createApp();
    expect((await app.request('/__admin/oauth/tokens/revoke', jsonPost({}))).status).toBe(400);
    expect((await app.request('/__admin/oauth/tokens/expire', jsonPost({}))).status).toBe(400);
  });
});

describe('admin: codes', () => {
  it('lists outstanding codes with their expiry, redirect_uri and whether they carry PKCE', async () => {
    const { app } = createApp({ clock: stoppedClock() });
    const code = await codeFor(app);
    const pkce = await codeFor(app, CI_BOT, { code_challenge: STATE_VALUES.pkceChallenge, code_challenge_method: 'S256', scope: 'repo' });
    const { codes } = (await (await app.request('/__admin/oauth/codes')).json()) as { codes: Record<string, unknown>[] };
    const expiresAt = new Date(T0 + 600_000).toISOString();
    expect(codes).toEqual([
      { code, clientId: CI_BOT.clientId, login: 'octocat', scope: 'read:user', redirectUri: CALLBACK, expiresAt, pkce: false },
      { code: pkce, clientId: CI_BOT.clientId, login: 'octocat', scope: 'repo', redirectUri: CALLBACK, expiresAt, pkce: true },
    ]);
  });
});

describe('admin: forced failures through the kit’s scenarios', () => {
  const errorOf = async (res: Response) => ((await res.json()) as { error?: string }).error;

  it('the next authorize fails once with access_denied (redirect with the state), then works', async () => {
    const { app } = createApp();
    const res = await app.request('/__admin/oauth/failures', fail({ step: 'authorize', error: 'access_denied', times: 1 }));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ scenario: 'authorize_access_denied', times: 1, match: { path: '/login/oauth/authorize' } });
    const first = location(await app.request(authorizeUrl(CI_BOT)));
    expect(first.searchParams.get('error')).toBe('access_denied');
    expect(first.searchParams.get('state')).toBe('g1:b1');
    expect(location(await app.request(authorizeUrl(CI_BOT))).searchParams.get('code')).not.toBeNull();
  });

  it('the authorize rule fails the consent form too', async () => {
    const { app } = createApp();
    await app.request('/__admin/oauth/failures', fail({ step: 'authorize', error: 'access_denied' }));
    const res = await app.request(
      '/login/oauth/authorize',
      formPost({ client_id: GITHUB_BOT.clientId, decision: 'authorize', state: 's' }),
    );
    expect(Object.fromEntries(location(res).searchParams)).toMatchObject({ error: 'access_denied', state: 's' });
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
    const added = await app.request('/__admin/oauth/failures', fail({ step: 'exchange', error: 'unverified_user_email', times: 2 }));
    expect(await added.json()).toMatchObject({
      scenario: 'unverified_user_email',
      match: { method: 'POST', path: TOKEN, body: { code: '*' } },
    });
    const code = await codeFor(app);
    expect(await errorOf(await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code), JSON_ACCEPT)))).toBe('unverified_user_email');
    // A refresh in between is not an exchange.
    await app.request('/__admin/states/the%20GitHub%20App%20issued%20a%20refresh%20token', { method: 'POST' });
    await app.request('/__admin/oauth/failures', fail({ step: 'exchange', error: 'incorrect_client_credentials', times: 1 }));
    const refreshed = await app.request(
      TOKEN,
      formPost(
        {
          client_id: GITHUB_APP.clientId,
          client_secret: GITHUB_APP.clientSecret,
          grant_type: 'refresh_token',
          refresh_token: STATE_VALUES.refreshToken,
        },
        JSON_ACCEPT,
      ),
    );
    expect(await refreshed.json()).toHaveProperty('access_token');
    const code2 = await codeFor(app);
    expect(await errorOf(await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code2), JSON_ACCEPT)))).toBe(
      'incorrect_client_credentials',
    );
    expect(await exchange(app, exchangeBody(CI_BOT, code2))).toHaveProperty('access_token');
  });

  it('the next refresh fails with bad_refresh_token, in the requested format, HTTP 200', async () => {
    const { app } = createApp();
    await app.request('/__admin/states/the%20GitHub%20App%20issued%20a%20refresh%20token', { method: 'POST' });
    const added = await app.request('/__admin/oauth/failures', fail({ step: 'refresh', error: 'bad_refresh_token', times: 1 }));
    expect(await added.json()).toMatchObject({ match: { method: 'POST', path: TOKEN, body: { grant_type: 'refresh_token' } } });
    const body = {
      client_id: GITHUB_APP.clientId,
      client_secret: GITHUB_APP.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: STATE_VALUES.refreshToken,
    };
    const res = await app.request(TOKEN, formPost(body));
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^error=bad_refresh_token&error_description=/);
    expect(await exchange(app, body)).toHaveProperty('refresh_token');
  });

  it('rejects only PKCE exchanges when asked (pkceOnly)', async () => {
    const { app } = createApp();
    const added = await app.request('/__admin/oauth/failures', fail({ step: 'exchange', error: 'bad_verification_code', pkceOnly: true }));
    expect(await added.json()).toMatchObject({ match: { body: { code: '*', code_verifier: '*' } } });
    const plain = await codeFor(app);
    expect(await exchange(app, exchangeBody(CI_BOT, plain))).toHaveProperty('access_token');
    const pkce = await codeFor(app, CI_BOT, { code_challenge: STATE_VALUES.pkceChallenge, code_challenge_method: 'S256' });
    const res = await app.request(TOKEN, formPost(exchangeBody(CI_BOT, pkce, { code_verifier: STATE_VALUES.pkceVerifier }), JSON_ACCEPT));
    expect(await errorOf(res)).toBe('bad_verification_code');
    const { entries } = (await (await app.request('/__admin/journal?path=/login/oauth/access_token&limit=1')).json()) as {
      entries: { scenario?: string }[];
    };
    expect(entries[0]?.scenario).toBe('bad_verification_code');
  });

  it('/user fails with Bad credentials for one client’s tokens only', async () => {
    const { app } = createApp();
    const added = await app.request(
      '/__admin/oauth/failures',
      fail({ step: 'user', error: 'bad_credentials', clientId: GITHUB_BOT.clientId }),
    );
    expect(await added.json()).toMatchObject({ caller: { client: GITHUB_BOT.clientId }, match: { method: 'GET', path: '/user' } });
    const fixtureToken = defaultFixtures().tokens[0]!.token; // issued to the GitHub bot
    expect((await app.request('/user', bearer(fixtureToken))).status).toBe(401);
    expect((await app.request('/user', bearer(await tokenFor(app)))).status).toBe(200);
  });

  it('refuses an error that does not belong to the step, and pkceOnly outside the exchange step', async () => {
    const { app, twin } = createApp();
    const res = await app.request('/__admin/oauth/failures', fail({ step: 'refresh', error: 'access_denied' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        code: 'invalid_request',
        message:
          'step "refresh" cannot fail with "access_denied"; ' +
          'it can with: bad_refresh_token, incorrect_client_credentials, unsupported_grant_type',
      },
    });
    expect((await app.request('/__admin/oauth/failures', fail({ step: 'nope', error: 'access_denied' }))).status).toBe(400);
    const pkce = await app.request('/__admin/oauth/failures', fail({ step: 'refresh', error: 'bad_refresh_token', pkceOnly: true }));
    expect(pkce.status).toBe(400);
    expect(await pkce.json()).toEqual({ error: { code: 'invalid_request', message: 'pkceOnly applies to the exchange step only' } });
    expect(twin.rules.size).toBe(0);
  });

  it('each step accepts exactly its own errors', async () => {
    const { app } = createApp();
    const can: Record<string, string[]> = {
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
    const every = [...new Set(Object.values(can).flat())];
    for (const [step, errors] of Object.entries(can)) {
      for (const error of every) {
        const res = await app.request('/__admin/oauth/failures', fail({ step, error, pkceOnly: false }));
        expect(res.status, `${step} ${error}`).toBe(errors.includes(error) ? 201 : 400);
      }
    }
  });
});

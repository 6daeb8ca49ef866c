import { describe, expect, it } from 'vitest';
import { defaultFixtures, type OAuthFixtures } from '../fixtures.ts';
import { createApp } from '../server.ts';
import { STATE_VALUES } from '../states.ts';
import {
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
  stoppedClock,
  TOKEN,
} from '../test-helpers.ts';

const refreshBody = (rt: string, client = GITHUB_APP) => ({
  client_id: client.clientId,
  client_secret: client.clientSecret,
  grant_type: 'refresh_token',
  refresh_token: rt,
});

/** Default fixtures plus `edit`. */
function withFixtures(edit: (f: OAuthFixtures) => void) {
  const f = defaultFixtures();
  edit(f);
  return createApp({ fixtures: f, clock: stoppedClock() });
}

describe('POST /login/oauth/access_token: formats', () => {
  it('answers form-encoded by default, access_token first, so the doc’s split("&")[0] finds it', async () => {
    const { app } = createApp();
    const code = await codeFor(app);
    // The doc's sample: axios posting JSON with axios's default Accept list.
    const res = await app.request(
      TOKEN,
      jsonPost(exchangeBody(CI_BOT, code, { state: 'g1:b1' }), { accept: 'application/json, text/plain, */*' }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-www-form-urlencoded; charset=utf-8');
    const text = await res.text();
    expect(text).toMatch(/^access_token=gho_[A-Za-z0-9]{36}&scope=read%3Auser&token_type=bearer$/);
    const accessToken = text.split('&')[0]!.split('=')[1];
    expect(accessToken).toMatch(/^gho_/);
  });

  it('answers JSON for Accept: application/json exactly', async () => {
    const { app } = createApp();
    const res = await app.request(TOKEN, formPost(exchangeBody(CI_BOT, await codeFor(app)), JSON_ACCEPT));
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await res.json()) as Record<string, string>;
    expect(Object.keys(body)).toEqual(['access_token', 'scope', 'token_type']);
    expect(body).toMatchObject({ scope: 'read:user', token_type: 'bearer' });
  });

  it('answers XML for Accept: application/xml', async () => {
    const { app } = createApp();
    const res = await app.request(TOKEN, formPost(exchangeBody(CI_BOT, await codeFor(app)), { accept: 'application/xml' }));
    expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(await res.text()).toMatch(
      /^<OAuth><access_token>gho_\w{36}<\/access_token><scope>read:user<\/scope><token_type>bearer<\/token_type><\/OAuth>$/,
    );
  });

  it('takes parameters from the query too, and from an untyped form body', async () => {
    const { app } = createApp();
    const q = new URLSearchParams(exchangeBody(CI_BOT, await codeFor(app)));
    expect(await (await app.request(`${TOKEN}?${q}`, { method: 'POST', headers: JSON_ACCEPT })).json()).toHaveProperty('access_token');
    const raw = new URLSearchParams(exchangeBody(CI_BOT, await codeFor(app))).toString();
    const res = await app.request(TOKEN, { method: 'POST', body: raw, headers: JSON_ACCEPT });
    expect(await res.json()).toHaveProperty('access_token');
  });

  it('the body wins over the query', async () => {
    const { app } = createApp();
    const q = new URLSearchParams({ client_id: CI_BOT.clientId, client_secret: 'wrong', code: 'nope' });
    const res = await app.request(`${TOKEN}?${q}`, jsonPost(exchangeBody(CI_BOT, await codeFor(app)), JSON_ACCEPT));
    expect(await res.json()).toHaveProperty('access_token');
  });

  it('refuses a parameter that is not a string as bad client credentials', async () => {
    const { app } = createApp();
    const body = { ...exchangeBody(CI_BOT, await codeFor(app)), code: 12345 };
    expect(((await (await app.request(TOKEN, jsonPost(body, JSON_ACCEPT))).json()) as { error: string }).error).toBe(
      'incorrect_client_credentials',
    );
  });

  it('scopes are reported comma-separated, as GitHub does', async () => {
    const { app } = createApp();
    const code = await codeFor(app, CI_BOT, { scope: 'read:user repo' });
    expect((await exchange(app, exchangeBody(CI_BOT, code))).scope).toBe('read:user,repo');
  });

  it('hands out the fixtures’ nextTokens first, in order', async () => {
    const { app } = withFixtures((f) => {
      f.nextTokens = ['gho_First', 'gho_Second'];
    });
    expect((await exchange(app, exchangeBody(CI_BOT, await codeFor(app)))).access_token).toBe('gho_First');
    expect((await exchange(app, exchangeBody(CI_BOT, await codeFor(app)))).access_token).toBe('gho_Second');
    expect((await exchange(app, exchangeBody(CI_BOT, await codeFor(app)))).access_token).toMatch(/^gho_\w{36}$/);
  });

  it('the issued token is the API’s: /user answers its user, scope in X-OAuth-Scopes', async () => {
    const { app, twin } = createApp();
    const t = await exchange(app, exchangeBody(CI_BOT, await codeFor(app, CI_BOT, { login: 'hubot', scope: 'user gist' })));
    expect(twin.state.tokens.get(String(t.access_token))).toMatchObject({
      kind: 'access',
      clientId: CI_BOT.clientId,
      login: 'hubot',
      scope: 'user,gist',
    });
    const res = await app.request('/user', { headers: { authorization: `token ${t.access_token}` } });
    expect(res.headers.get('x-oauth-scopes')).toBe('user, gist');
  });
});

describe('POST /login/oauth/access_token: errors come as HTTP 200 in the requested format', () => {
  const expectError = async (res: Response, error: string) => {
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string>;
    expect(body.error).toBe(error);
    expect(body.error_description).toEqual(expect.any(String));
    expect(body.error_uri).toMatch(/^https:\/\/docs\.github\.com\//);
    expect(body).not.toHaveProperty('access_token');
  };

  it('a code works once: the second exchange gets bad_verification_code', async () => {
    const { app, twin } = createApp();
    const code = await codeFor(app);
    expect(await exchange(app, exchangeBody(CI_BOT, code))).toHaveProperty('access_token');
    expect(twin.state.codes.has(code)).toBe(false);
    await expectError(await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code), JSON_ACCEPT)), 'bad_verification_code');
  });

  it('a code expires after 10 minutes on the twin’s clock, and is then forgotten', async () => {
    const { app, twin } = createApp({ clock: stoppedClock() });
    const fresh = await codeFor(app);
    const stale = await codeFor(app);
    twin.clock.advance(10 * 60 * 1000 - 1);
    expect(await exchange(app, exchangeBody(CI_BOT, fresh))).toHaveProperty('access_token');
    twin.clock.advance(1);
    await expectError(await app.request(TOKEN, formPost(exchangeBody(CI_BOT, stale), JSON_ACCEPT)), 'bad_verification_code');
    expect(twin.state.codes.has(stale)).toBe(false);
  });

  it('the form error is what the doc’s sample would store as a token — the bug a faithful twin exposes', async () => {
    const { app } = createApp();
    const text = await (await app.request(TOKEN, jsonPost(exchangeBody(CI_BOT, 'nope')))).text();
    expect(text).toBe(
      'error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.&error_uri=' +
        'https%3A%2F%2Fdocs.github.com%2Fapps%2Fmanaging-oauth-apps%2F' +
        'troubleshooting-oauth-app-access-token-request-errors%2F%23bad-verification-code',
    );
    expect(text.split('&')[0]!.split('=')[1]).toBe('bad_verification_code');
  });

  it('XML errors', async () => {
    const { app } = createApp();
    const text = await (await app.request(TOKEN, formPost(exchangeBody(CI_BOT, 'nope'), { accept: 'application/xml' }))).text();
    expect(text).toMatch(
      new RegExp(
        '^<OAuth><error>bad_verification_code</error><error_description>The code passed is incorrect or expired.</error_description>' +
          '<error_uri>https:.*</error_uri></OAuth>$',
      ),
    );
  });

  it('incorrect_client_credentials for an unknown client, a wrong secret or a code of another client', async () => {
    const { app } = createApp();
    const code = await codeFor(app);
    await expectError(
      await app.request(TOKEN, formPost({ ...exchangeBody(CI_BOT, code), client_secret: 'x' }, JSON_ACCEPT)),
      'incorrect_client_credentials',
    );
    await expectError(
      await app.request(TOKEN, formPost({ ...exchangeBody(CI_BOT, code), client_id: 'x' }, JSON_ACCEPT)),
      'incorrect_client_credentials',
    );
    const { client_secret: _, ...noSecret } = exchangeBody(CI_BOT, code);
    await expectError(await app.request(TOKEN, formPost(noSecret, JSON_ACCEPT)), 'incorrect_client_credentials');
    await expectError(await app.request(TOKEN, formPost(exchangeBody(GITHUB_BOT, code), JSON_ACCEPT)), 'bad_verification_code');
    // None of these used the code up.
    expect(await exchange(app, exchangeBody(CI_BOT, code))).toHaveProperty('access_token');
  });

  it('checks the grant type before the client, and the client before the code', async () => {
    const { app } = createApp();
    await expectError(
      await app.request(TOKEN, formPost({ client_id: 'x', grant_type: 'password' }, JSON_ACCEPT)),
      'unsupported_grant_type',
    );
    await expectError(await app.request(TOKEN, formPost({ client_id: 'x', code: 'nope' }, JSON_ACCEPT)), 'incorrect_client_credentials');
  });

  it('redirect_uri_mismatch when the exchange names another redirect_uri than the authorize step', async () => {
    const { app } = createApp();
    const code = await codeFor(app);
    await expectError(
      await app.request(TOKEN, formPost({ ...exchangeBody(CI_BOT, code), redirect_uri: `${CALLBACK}/other` }, JSON_ACCEPT)),
      'redirect_uri_mismatch',
    );
    const { redirect_uri: _, ...withoutRedirect } = exchangeBody(CI_BOT, code);
    expect(await exchange(app, withoutRedirect)).toHaveProperty('access_token');
  });

  it('a code issued without redirect_uri takes any redirect_uri a registered callback allows', async () => {
    const { app } = createApp();
    const bare = async () => (await app.request(`/login/oauth/authorize?client_id=${CI_BOT.clientId}`)).headers.get('location')!;
    const code = () => bare().then((l) => new URL(l).searchParams.get('code')!);
    expect(await exchange(app, exchangeBody(CI_BOT, await code(), { redirect_uri: `${CALLBACK}/sub` }))).toHaveProperty('access_token');
    expect((await exchange(app, exchangeBody(CI_BOT, await code(), { redirect_uri: 'http://evil.example/github/oauth' }))).error).toBe(
      'redirect_uri_mismatch',
    );
  });

  it('verifies PKCE: the right verifier works, a wrong or missing one gets bad_verification_code and keeps the code', async () => {
    const { app, twin } = createApp();
    const pkce = { code_challenge: STATE_VALUES.pkceChallenge, code_challenge_method: 'S256' };
    const code = await codeFor(app, CI_BOT, pkce);
    await expectError(await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code), JSON_ACCEPT)), 'bad_verification_code');
    await expectError(
      await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code, { code_verifier: '' }), JSON_ACCEPT)),
      'bad_verification_code',
    );
    await expectError(
      await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code, { code_verifier: 'wrong' }), JSON_ACCEPT)),
      'bad_verification_code',
    );
    expect(twin.journal.find({ path: TOKEN })[0]?.notes).toEqual({ pkce: 'code_verifier does not match code_challenge' });
    expect(await exchange(app, exchangeBody(CI_BOT, code, { code_verifier: STATE_VALUES.pkceVerifier }))).toHaveProperty('access_token');
  });

  it('a verifier sent for a code without PKCE is ignored', async () => {
    const { app } = createApp();
    expect(await exchange(app, exchangeBody(CI_BOT, await codeFor(app), { code_verifier: 'anything' }))).toHaveProperty('access_token');
  });

  it('unverified_user_email when the approving user has no verified primary email; the code stays', async () => {
    const { app, twin } = createApp();
    const code = await codeFor(app, CI_BOT, { login: 'unverified-user' });
    await expectError(await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code), JSON_ACCEPT)), 'unverified_user_email');
    expect(twin.state.codes.has(code)).toBe(true);
  });

  it('bad_verification_code for a code whose user no longer exists', async () => {
    const { app } = withFixtures((f) => {
      f.codes.push({ code: 'ghost-code', clientId: CI_BOT.clientId, login: 'ghost', scope: '', redirectUri: null, codeChallenge: null });
    });
    expect((await exchange(app, exchangeBody(CI_BOT, 'ghost-code'))).error).toBe('bad_verification_code');
  });

  it('unsupported_grant_type for anything but authorization_code and refresh_token', async () => {
    const { app } = createApp();
    await expectError(
      await app.request(TOKEN, formPost(exchangeBody(CI_BOT, 'x', { grant_type: 'password' }), JSON_ACCEPT)),
      'unsupported_grant_type',
    );
    await expectError(
      await app.request(TOKEN, formPost(exchangeBody(CI_BOT, 'x', { grant_type: '' }), JSON_ACCEPT)),
      'unsupported_grant_type',
    );
    const code = await codeFor(app);
    expect(await exchange(app, exchangeBody(CI_BOT, code, { grant_type: 'authorization_code' }))).toHaveProperty('access_token');
  });

  it('bad input never crashes: an unparseable or non-object body gets a GitHub error with 200', async () => {
    const { app, twin } = createApp();
    const broken = await app.request(TOKEN, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...JSON_ACCEPT },
      body: '{oops',
    });
    await expectError(broken, 'incorrect_client_credentials');
    const array = await app.request(TOKEN, jsonPost([1, 2], JSON_ACCEPT));
    await expectError(array, 'incorrect_client_credentials');
    expect(twin.journal.find({ path: TOKEN }).map((e) => [e.status, e.error])).toEqual([
      [200, 'incorrect_client_credentials'],
      [200, 'incorrect_client_credentials'],
    ]);
  });

  it('the journal names the error the client received, with its HTTP 200', async () => {
    const { app, twin } = createApp();
    await app.request(TOKEN, formPost(exchangeBody(CI_BOT, 'nope')));
    expect(twin.journal.find({ path: TOKEN })[0]).toMatchObject({ status: 200, error: 'bad_verification_code', tenant: CI_BOT.clientId });
  });
});

describe('expiring user tokens and refresh (GitHub App clients)', () => {
  it('issues ghu_ with expires_in, a ghr_ refresh token and an empty scope, in GitHub’s order', async () => {
    const { app } = createApp();
    const text = await (await app.request(TOKEN, formPost(exchangeBody(GITHUB_APP, await codeFor(app, GITHUB_APP))))).text();
    expect(text).toMatch(
      /^access_token=ghu_\w{36}&expires_in=28800&refresh_token=ghr_\w{36}&refresh_token_expires_in=15897600&scope=&token_type=bearer$/,
    );
  });

  it('refreshes once per refresh token; a used, unknown or other client’s refresh token gets bad_refresh_token', async () => {
    const { app, twin } = createApp();
    const first = await exchange(app, exchangeBody(GITHUB_APP, await codeFor(app, GITHUB_APP, { login: 'hubot' })));
    const refresh = (rt: string, client = GITHUB_APP) => exchange(app, refreshBody(rt, client));
    const second = await refresh(String(first.refresh_token));
    expect(second).toMatchObject({ expires_in: 28800, refresh_token_expires_in: 15897600, token_type: 'bearer', scope: '' });
    expect(second.access_token).not.toBe(first.access_token);
    expect(twin.state.tokens.get(String(second.access_token))?.login).toBe('hubot');
    expect(twin.state.tokens.get(String(first.refresh_token))?.revoked).toBe(true);
    // The old access token lives on until it expires.
    expect((await app.request('/user', { headers: { authorization: `Bearer ${first.access_token}` } })).status).toBe(200);
    expect((await refresh(String(first.refresh_token))).error).toBe('bad_refresh_token');
    expect((await refresh('ghr_nope')).error).toBe('bad_refresh_token');
    expect((await exchange(app, { ...refreshBody(''), refresh_token: undefined } as unknown as Record<string, string>)).error).toBe(
      'bad_refresh_token',
    );
    expect((await refresh(String(second.refresh_token), CI_BOT)).error).toBe('bad_refresh_token');
    // Another client with expiring tokens cannot use it either.
    twin.state.apps.set(CI_BOT.clientId, { ...CI_BOT, expiringTokens: true });
    expect((await refresh(String(second.refresh_token), CI_BOT)).error).toBe('bad_refresh_token');
    expect((await refresh(String(second.refresh_token))).refresh_token).toMatch(/^ghr_/);
    expect((await refresh(String(second.access_token))).error).toBe('bad_refresh_token');
  });

  it('a client without expiring tokens cannot refresh, even with a refresh token of its own', async () => {
    const { app } = withFixtures((f) => {
      f.tokens.push({
        token: 'ghr_OfTheCiBot',
        kind: 'refresh',
        clientId: CI_BOT.clientId,
        login: 'octocat',
        scope: '',
        expiresInSeconds: 60,
      });
    });
    expect((await exchange(app, refreshBody('ghr_OfTheCiBot', CI_BOT))).error).toBe('bad_refresh_token');
  });

  it('user tokens expire after 8 hours and refresh tokens after 184 days, on the twin’s clock', async () => {
    const { app, twin } = createApp({ clock: stoppedClock() });
    const t = await exchange(app, exchangeBody(GITHUB_APP, await codeFor(app, GITHUB_APP)));
    const bearer = { headers: { authorization: `Bearer ${t.access_token}` } };
    twin.clock.advance(28_800_000 - 1);
    expect((await app.request('/user', bearer)).status).toBe(200);
    twin.clock.advance(1);
    expect((await app.request('/user', bearer)).status).toBe(401);
    twin.clock.advance((15_897_600 - 28_800) * 1000 - 1);
    expect(twin.state.tokens.get(String(t.refresh_token))?.expiresAt).toBe(twin.clock.now() + 1);
    twin.clock.advance(1);
    expect((await exchange(app, refreshBody(String(t.refresh_token)))).error).toBe('bad_refresh_token');
  });

  it('expiring tokens are switchable per client through the fixtures', async () => {
    const { app } = createApp();
    await app.request('/__admin/states/every%20client%20issues%20expiring%20tokens', { method: 'POST' });
    const body = await exchange(app, exchangeBody(CI_BOT, await codeFor(app)));
    expect(body.access_token).toMatch(/^ghu_/);
    expect(body.refresh_token).toMatch(/^ghr_/);
  });
});

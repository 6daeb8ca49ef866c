import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { replyFormat } from './format.ts';
import { STATE_VALUES } from './states.ts';
import { CALLBACK, CI_BOT, codeFor, exchangeBody, formPost, GITHUB_APP, GITHUB_BOT, jsonPost } from './test-helpers.ts';

const TOKEN = '/login/oauth/access_token';
const JSON_ACCEPT = { accept: 'application/json' };

describe('POST /login/oauth/access_token: formats', () => {
  it('answers form-encoded by default, access_token first, so the doc’s split("&")[0] finds it', async () => {
    const { app } = createApp();
    const code = await codeFor(app);
    // The doc's sample: axios posting JSON with axios's default Accept list.
    const res = await app.request(TOKEN, jsonPost(exchangeBody(CI_BOT, code, { state: 'g1:b1' }), { accept: 'application/json, text/plain, */*' }));
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
    expect(await res.text()).toMatch(/^<OAuth><access_token>gho_\w{36}<\/access_token><scope>read:user<\/scope><token_type>bearer<\/token_type><\/OAuth>$/);
  });

  it('chooses the format from the Accept header as documented', () => {
    expect(replyFormat(undefined)).toBe('form');
    expect(replyFormat('*/*')).toBe('form');
    expect(replyFormat('application/json, text/plain, */*')).toBe('form');
    expect(replyFormat('application/json')).toBe('json');
    expect(replyFormat(' application/json; charset=utf-8 ')).toBe('json');
    expect(replyFormat('application/xml')).toBe('xml');
  });

  it('takes parameters from the query too, and from an untyped form body', async () => {
    const { app } = createApp();
    const q = new URLSearchParams(exchangeBody(CI_BOT, await codeFor(app)));
    expect(await (await app.request(`${TOKEN}?${q}`, { method: 'POST', headers: JSON_ACCEPT })).json()).toHaveProperty('access_token');
    const raw = new URLSearchParams(exchangeBody(CI_BOT, await codeFor(app))).toString();
    const res = await app.request(TOKEN, { method: 'POST', body: raw, headers: JSON_ACCEPT });
    expect(await res.json()).toHaveProperty('access_token');
  });

  it('scopes are reported comma-separated, as GitHub does', async () => {
    const { app } = createApp();
    const code = await codeFor(app, CI_BOT, { scope: 'read:user repo' });
    const body = (await (await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code), JSON_ACCEPT))).json()) as { scope: string };
    expect(body.scope).toBe('read:user,repo');
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
    const { app } = createApp();
    const code = await codeFor(app);
    expect(await (await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code), JSON_ACCEPT))).json()).toHaveProperty('access_token');
    await expectError(await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code), JSON_ACCEPT)), 'bad_verification_code');
  });

  it('a code expires after 10 minutes on the twin’s clock', async () => {
    const { app } = createApp();
    const fresh = await codeFor(app);
    const stale = await codeFor(app);
    await app.request('/__admin/clock/advance', jsonPost({ minutes: 9, seconds: 59 }));
    expect(await (await app.request(TOKEN, formPost(exchangeBody(CI_BOT, fresh), JSON_ACCEPT))).json()).toHaveProperty('access_token');
    await app.request('/__admin/clock/advance', jsonPost({ seconds: 1 }));
    await expectError(await app.request(TOKEN, formPost(exchangeBody(CI_BOT, stale), JSON_ACCEPT)), 'bad_verification_code');
  });

  it('the form error is what the doc’s sample would store as a token — the bug a faithful twin exposes', async () => {
    const { app } = createApp();
    const text = await (await app.request(TOKEN, jsonPost(exchangeBody(CI_BOT, 'nope')))).text();
    expect(text).toBe(
      'error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.&error_uri=https%3A%2F%2Fdocs.github.com%2Fapps%2Fmanaging-oauth-apps%2Ftroubleshooting-oauth-app-access-token-request-errors%2F%23bad-verification-code',
    );
    expect(text.split('&')[0]!.split('=')[1]).toBe('bad_verification_code');
  });

  it('XML errors', async () => {
    const { app } = createApp();
    const text = await (await app.request(TOKEN, formPost(exchangeBody(CI_BOT, 'nope'), { accept: 'application/xml' }))).text();
    expect(text).toMatch(/^<OAuth><error>bad_verification_code<\/error><error_description>The code passed is incorrect or expired.<\/error_description><error_uri>https:.*<\/error_uri><\/OAuth>$/);
  });

  it('incorrect_client_credentials for an unknown client, a wrong secret or a code of another client', async () => {
    const { app } = createApp();
    const code = await codeFor(app);
    await expectError(await app.request(TOKEN, formPost({ ...exchangeBody(CI_BOT, code), client_secret: 'x' }, JSON_ACCEPT)), 'incorrect_client_credentials');
    await expectError(await app.request(TOKEN, formPost({ ...exchangeBody(CI_BOT, code), client_id: 'x' }, JSON_ACCEPT)), 'incorrect_client_credentials');
    await expectError(await app.request(TOKEN, formPost(exchangeBody(GITHUB_BOT, code), JSON_ACCEPT)), 'bad_verification_code');
    // None of these used the code up.
    expect(await (await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code), JSON_ACCEPT))).json()).toHaveProperty('access_token');
  });

  it('redirect_uri_mismatch when the exchange names another redirect_uri than the authorize step', async () => {
    const { app } = createApp();
    const code = await codeFor(app);
    await expectError(
      await app.request(TOKEN, formPost({ ...exchangeBody(CI_BOT, code), redirect_uri: `${CALLBACK}/other` }, JSON_ACCEPT)),
      'redirect_uri_mismatch',
    );
    const { redirect_uri: _, ...withoutRedirect } = exchangeBody(CI_BOT, code);
    expect(await (await app.request(TOKEN, formPost(withoutRedirect, JSON_ACCEPT))).json()).toHaveProperty('access_token');
  });

  it('verifies PKCE: the right verifier works, a wrong or missing one gets bad_verification_code', async () => {
    const { app } = createApp();
    const pkce = { code_challenge: STATE_VALUES.pkceChallenge, code_challenge_method: 'S256' };
    const code = await codeFor(app, CI_BOT, pkce);
    await expectError(await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code), JSON_ACCEPT)), 'bad_verification_code');
    await expectError(await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code, { code_verifier: 'wrong' }), JSON_ACCEPT)), 'bad_verification_code');
    const ok = await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code, { code_verifier: STATE_VALUES.pkceVerifier }), JSON_ACCEPT));
    expect(await ok.json()).toHaveProperty('access_token');
  });

  it('unverified_user_email when the approving user has no verified primary email', async () => {
    const { app } = createApp();
    const code = await codeFor(app, CI_BOT, { login: 'unverified-user' });
    await expectError(await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code), JSON_ACCEPT)), 'unverified_user_email');
  });

  it('unsupported_grant_type for anything but authorization_code and refresh_token', async () => {
    const { app } = createApp();
    await expectError(await app.request(TOKEN, formPost(exchangeBody(CI_BOT, 'x', { grant_type: 'password' }), JSON_ACCEPT)), 'unsupported_grant_type');
    const code = await codeFor(app);
    expect(await (await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code, { grant_type: 'authorization_code' }), JSON_ACCEPT))).json()).toHaveProperty(
      'access_token',
    );
  });

  it('bad input never crashes: an unparseable or non-object body gets a GitHub error with 200', async () => {
    const { app } = createApp();
    const broken = await app.request(TOKEN, { method: 'POST', headers: { 'content-type': 'application/json', ...JSON_ACCEPT }, body: '{oops' });
    await expectError(broken, 'incorrect_client_credentials');
    const array = await app.request(TOKEN, jsonPost([1, 2], JSON_ACCEPT));
    await expectError(array, 'incorrect_client_credentials');
  });
});

describe('expiring user tokens and refresh (GitHub App clients)', () => {
  it('issues ghu_ with expires_in, a ghr_ refresh token and an empty scope, in GitHub’s order', async () => {
    const { app } = createApp();
    const text = await (await app.request(TOKEN, formPost(exchangeBody(GITHUB_APP, await codeFor(app, GITHUB_APP))))).text();
    expect(text).toMatch(/^access_token=ghu_\w{36}&expires_in=28800&refresh_token=ghr_\w{36}&refresh_token_expires_in=15897600&scope=&token_type=bearer$/);
  });

  it('refreshes once per refresh token; a used, unknown or other client’s refresh token gets bad_refresh_token', async () => {
    const { app } = createApp();
    const first = (await (await app.request(TOKEN, formPost(exchangeBody(GITHUB_APP, await codeFor(app, GITHUB_APP)), JSON_ACCEPT))).json()) as Record<string, string>;
    const refresh = (rt: string, client = GITHUB_APP) =>
      app.request(TOKEN, formPost({ client_id: client.clientId, client_secret: client.clientSecret, grant_type: 'refresh_token', refresh_token: rt }, JSON_ACCEPT));
    const second = (await (await refresh(first.refresh_token!)).json()) as Record<string, string | number>;
    expect(second).toMatchObject({ expires_in: 28800, refresh_token_expires_in: 15897600, token_type: 'bearer', scope: '' });
    expect(second.access_token).not.toBe(first.access_token);
    expect(((await (await refresh(first.refresh_token!)).json()) as { error: string }).error).toBe('bad_refresh_token');
    expect(((await (await refresh('ghr_nope')).json()) as { error: string }).error).toBe('bad_refresh_token');
    expect(((await (await refresh(String(second.refresh_token), CI_BOT)).json()) as { error: string }).error).toBe('bad_refresh_token');
  });

  it('user tokens expire after 8 hours and refresh tokens after 184 days, on the twin’s clock', async () => {
    const { app } = createApp();
    const t = (await (await app.request(TOKEN, formPost(exchangeBody(GITHUB_APP, await codeFor(app, GITHUB_APP)), JSON_ACCEPT))).json()) as Record<string, string>;
    const bearer = { headers: { authorization: `Bearer ${t.access_token}` } };
    expect((await app.request('/user', bearer)).status).toBe(200);
    await app.request('/__admin/clock/advance', jsonPost({ seconds: 28_800 }));
    expect((await app.request('/user', bearer)).status).toBe(401);
    await app.request('/__admin/clock/advance', jsonPost({ seconds: 15_897_600 - 28_800 }));
    const res = await app.request(
      TOKEN,
      formPost({ client_id: GITHUB_APP.clientId, client_secret: GITHUB_APP.clientSecret, grant_type: 'refresh_token', refresh_token: t.refresh_token! }, JSON_ACCEPT),
    );
    expect(((await res.json()) as { error: string }).error).toBe('bad_refresh_token');
  });

  it('expiring tokens are switchable per client through the fixtures', async () => {
    const { app } = createApp();
    await app.request('/__admin/states/every%20client%20issues%20expiring%20tokens', { method: 'POST' });
    const body = (await (await app.request(TOKEN, formPost(exchangeBody(CI_BOT, await codeFor(app)), JSON_ACCEPT))).json()) as Record<string, string>;
    expect(body.access_token).toMatch(/^ghu_/);
    expect(body.refresh_token).toMatch(/^ghr_/);
  });
});

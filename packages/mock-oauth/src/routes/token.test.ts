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
  UA,
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
    const res = await app.request('/user', { headers: { authorization: `token ${t.access_token}`, ...UA } });
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

  it('verifies PKCE: the right verifier works; a wrong, empty or missing one gets bad_verification_code and burns the code', async () => {
    const { app, twin } = createApp();
    const pkce = { code_challenge: STATE_VALUES.pkceChallenge, code_challenge_method: 'S256' };
    const right = { code_verifier: STATE_VALUES.pkceVerifier };
    const cases: [Record<string, string>, string][] = [
      [{}, 'no code_verifier for a code issued with code_challenge'],
      [{ code_verifier: '' }, 'no code_verifier for a code issued with code_challenge'],
      [{ code_verifier: 'wrong' }, 'code_verifier does not match code_challenge'],
    ];
    for (const [verifier, note] of cases) {
      const code = await codeFor(app, CI_BOT, pkce);
      await expectError(await app.request(TOKEN, formPost(exchangeBody(CI_BOT, code, verifier), JSON_ACCEPT)), 'bad_verification_code');
      expect(twin.journal.find({ path: TOKEN }).at(-1)?.notes).toEqual({ login: 'octocat', pkce: note });
      // Burnt: not even the right verifier redeems it now.
      expect(twin.state.codes.get(code)).toBeUndefined();
      expect((await exchange(app, exchangeBody(CI_BOT, code, right))).error).toBe('bad_verification_code');
    }
    expect(await exchange(app, exchangeBody(CI_BOT, await codeFor(app, CI_BOT, pkce), right))).toHaveProperty('access_token');
  });

  it('200 wrong verifiers cannot find the right one: the first burns the code', async () => {
    const { app } = createApp();
    const code = await codeFor(app, CI_BOT, { code_challenge: STATE_VALUES.pkceChallenge, code_challenge_method: 'S256' });
    for (let i = 0; i < 200; i++) {
      expect((await exchange(app, exchangeBody(CI_BOT, code, { code_verifier: `guess-${i}` }))).error).toBe('bad_verification_code');
    }
    expect((await exchange(app, exchangeBody(CI_BOT, code, { code_verifier: STATE_VALUES.pkceVerifier }))).error).toBe(
      'bad_verification_code',
    );
  });

  it('refuses a PKCE downgrade: a code_verifier for a code issued without code_challenge burns the code (RFC 9700 §4.8.2)', async () => {
    const { app, twin } = createApp();
    const code = await codeFor(app);
    expect((await exchange(app, exchangeBody(CI_BOT, code, { code_verifier: STATE_VALUES.pkceVerifier }))).error).toBe(
      'bad_verification_code',
    );
    expect(twin.journal.find({ path: TOKEN }).at(-1)?.notes).toEqual({
      login: 'octocat',
      pkce: 'code_verifier sent for a code issued without code_challenge',
    });
    expect((await exchange(app, exchangeBody(CI_BOT, code))).error).toBe('bad_verification_code');
    // An empty code_verifier is no verifier: the plain exchange works.
    expect(await exchange(app, exchangeBody(CI_BOT, await codeFor(app), { code_verifier: '' }))).toHaveProperty('access_token');
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
    expect((await app.request('/user', { headers: { authorization: `Bearer ${first.access_token}`, ...UA } })).status).toBe(200);
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
    const bearer = { headers: { authorization: `Bearer ${t.access_token}`, ...UA } };
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

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('POST /login/oauth/access_token: HTTP Basic client authentication (RFC 6749 §2.3.1)', () => {
  const { client_id: _id, client_secret: _secret, ...noCredentials } = exchangeBody(CI_BOT, 'x');

  it('takes the client credentials from an Authorization: Basic header, as simple-oauth2 sends them', async () => {
    const { app, twin } = createApp();
    const body = { ...noCredentials, code: await codeFor(app) };
    const res = await app.request(TOKEN, formPost(body, { ...JSON_ACCEPT, authorization: basic(CI_BOT.clientId, CI_BOT.clientSecret) }));
    expect(await res.json()).toMatchObject({ access_token: expect.stringMatching(/^gho_/), token_type: 'bearer' });
    expect(twin.journal.find({ path: TOKEN }).at(-1)).toMatchObject({ tenant: CI_BOT.clientId, notes: { clientAuth: 'basic' } });
  });

  it('decodes form-encoded credentials: a secret with reserved characters works encoded', async () => {
    const secret = 'se cret:+/%&=';
    const { app } = withFixtures((f) => {
      f.apps = f.apps.map((a) => (a.clientId === CI_BOT.clientId ? { ...a, clientSecret: secret } : a));
    });
    const encoded = `Basic ${Buffer.from(`${encodeURIComponent(CI_BOT.clientId)}:${new URLSearchParams({ s: secret }).toString().slice(2)}`).toString('base64')}`;
    const ok = await app.request(
      TOKEN,
      formPost({ ...noCredentials, code: await codeFor(app) }, { ...JSON_ACCEPT, authorization: encoded }),
    );
    expect(await ok.json()).toHaveProperty('access_token');
  });

  it('accepts body credentials that agree with the header (all or part of them)', async () => {
    const { app } = createApp();
    const auth = { ...JSON_ACCEPT, authorization: basic(CI_BOT.clientId, CI_BOT.clientSecret) };
    const both = await app.request(TOKEN, formPost(exchangeBody(CI_BOT, await codeFor(app)), auth));
    expect(await both.json()).toHaveProperty('access_token');
    const idOnly = await app.request(TOKEN, formPost({ ...noCredentials, client_id: CI_BOT.clientId, code: await codeFor(app) }, auth));
    expect(await idOnly.json()).toHaveProperty('access_token');
  });

  it('refuses header and body credentials that disagree, even when each alone would be right', async () => {
    const { app, twin } = createApp();
    const code = await codeFor(app);
    const cases: [Record<string, string>, string][] = [
      [exchangeBody(CI_BOT, code), basic(GITHUB_BOT.clientId, GITHUB_BOT.clientSecret)],
      [exchangeBody(CI_BOT, code, { client_secret: 'wrong' }), basic(CI_BOT.clientId, CI_BOT.clientSecret)],
      [exchangeBody(CI_BOT, code), basic(CI_BOT.clientId, 'wrong')],
      // A body client_id alone must agree too: the header's credentials would have been right for this code.
      [{ ...noCredentials, client_id: GITHUB_BOT.clientId, code }, basic(CI_BOT.clientId, CI_BOT.clientSecret)],
    ];
    for (const [body, authorization] of cases) {
      const res = await app.request(TOKEN, formPost(body, { ...JSON_ACCEPT, authorization }));
      expect(((await res.json()) as { error: string }).error, authorization).toBe('incorrect_client_credentials');
      expect(twin.journal.find({ path: TOKEN }).at(-1)?.notes).toEqual({ clientAuth: 'the Basic credentials and the body’s disagree' });
    }
    // The code is still good: the refusals came before it was looked at.
    expect(await exchange(app, exchangeBody(CI_BOT, code))).toHaveProperty('access_token');
  });

  it('refuses a wrong or malformed Basic header as incorrect_client_credentials, and notes a malformed one', async () => {
    const { app, twin } = createApp();
    const code = await codeFor(app);
    for (const authorization of [
      basic(CI_BOT.clientId, 'wrong'),
      basic('nobody', 'x'),
      'Basic %%%',
      `Basic ${btoa('no-colon')}`,
      'Basic ',
    ]) {
      const res = await app.request(TOKEN, formPost({ ...noCredentials, code }, { ...JSON_ACCEPT, authorization }));
      expect(((await res.json()) as { error: string }).error, authorization).toBe('incorrect_client_credentials');
    }
    expect(twin.journal.find({ path: TOKEN }).map((e) => e.notes?.clientAuth)).toEqual([
      'basic',
      'basic',
      'malformed Basic credentials',
      'malformed Basic credentials',
      undefined, // 'Basic ' arrives as 'Basic': no credentials at all
    ]);
  });
});

describe('POST /login/oauth/access_token: a replayed code (RFC 6749 §4.1.2)', () => {
  const withUa = (token: unknown) => ({ headers: { authorization: `Bearer ${token}`, ...UA } });

  it('is refused, and revokes the tokens issued from it: /user then answers 401', async () => {
    const { app, twin } = createApp();
    const code = await codeFor(app);
    const first = await exchange(app, exchangeBody(CI_BOT, code));
    const other = await exchange(app, exchangeBody(CI_BOT, await codeFor(app)));
    expect((await app.request('/user', withUa(first.access_token))).status).toBe(200);
    expect((await exchange(app, exchangeBody(CI_BOT, code))).error).toBe('bad_verification_code');
    expect(twin.journal.find({ path: TOKEN }).at(-1)?.notes).toEqual({ replay: 'the code was already exchanged', revokedOnReplay: 1 });
    const after = await app.request('/user', withUa(first.access_token));
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ message: 'Bad credentials' });
    // Tokens of other codes live on.
    expect((await app.request('/user', withUa(other.access_token))).status).toBe(200);
  });

  it('revokes refresh tokens and every token refreshed from them too', async () => {
    const { app } = createApp();
    const code = await codeFor(app, GITHUB_APP);
    const first = await exchange(app, exchangeBody(GITHUB_APP, code));
    const renewed = await exchange(app, refreshBody(String(first.refresh_token)));
    expect((await app.request('/user', withUa(renewed.access_token))).status).toBe(200);
    expect((await exchange(app, exchangeBody(GITHUB_APP, code))).error).toBe('bad_verification_code');
    expect((await app.request('/user', withUa(renewed.access_token))).status).toBe(401);
    expect((await exchange(app, refreshBody(String(renewed.refresh_token)))).error).toBe('bad_refresh_token');
  });

  it('a replay by another client (its own credentials) revokes them too', async () => {
    const { app } = createApp();
    const code = await codeFor(app);
    const first = await exchange(app, exchangeBody(CI_BOT, code));
    expect((await exchange(app, exchangeBody(GITHUB_BOT, code))).error).toBe('bad_verification_code');
    expect((await app.request('/user', withUa(first.access_token))).status).toBe(401);
  });

  it('is switchable per client in the fixtures: revokeOnCodeReplay false keeps the tokens', async () => {
    const { app, twin } = withFixtures((f) => {
      f.apps = f.apps.map((a) => (a.clientId === CI_BOT.clientId ? { ...a, revokeOnCodeReplay: false } : a));
    });
    const code = await codeFor(app);
    const first = await exchange(app, exchangeBody(CI_BOT, code));
    expect((await exchange(app, exchangeBody(CI_BOT, code))).error).toBe('bad_verification_code');
    expect(twin.journal.find({ path: TOKEN }).at(-1)?.notes).toEqual({ replay: 'the code was already exchanged' });
    expect((await app.request('/user', withUa(first.access_token))).status).toBe(200);
  });

  it('an unknown code revokes nothing', async () => {
    const { app, twin } = createApp();
    const first = await exchange(app, exchangeBody(CI_BOT, await codeFor(app)));
    expect((await exchange(app, exchangeBody(CI_BOT, 'never-issued'))).error).toBe('bad_verification_code');
    expect(twin.journal.find({ path: TOKEN }).at(-1)?.notes).toBeUndefined();
    expect((await app.request('/user', withUa(first.access_token))).status).toBe(200);
  });
});

describe('POST /login/oauth/access_token: caching', () => {
  it('every reply, token or error, in every format, says Cache-Control: no-store (RFC 6749 §5.1)', async () => {
    const { app } = createApp();
    const replies = [
      await app.request(TOKEN, formPost(exchangeBody(CI_BOT, await codeFor(app)), JSON_ACCEPT)),
      await app.request(TOKEN, formPost(exchangeBody(CI_BOT, await codeFor(app)))),
      await app.request(TOKEN, formPost(exchangeBody(CI_BOT, 'nope'), { accept: 'application/xml' })),
    ];
    for (const res of replies) {
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('pragma')).toBe('no-cache');
    }
  });
});

describe('POST /login/oauth/access_token: redirect_uri with a fragment', () => {
  it('is never allowed for a code issued without redirect_uri (RFC 6749 §3.1.2)', async () => {
    const { app } = createApp();
    const bare = await app.request(`/login/oauth/authorize?client_id=${CI_BOT.clientId}`);
    const code = new URL(bare.headers.get('location')!).searchParams.get('code')!;
    for (const redirect of [`${CALLBACK}#frag`, `${CALLBACK}#`]) {
      expect((await exchange(app, exchangeBody(CI_BOT, code, { redirect_uri: redirect }))).error, redirect).toBe('redirect_uri_mismatch');
    }
    expect(await exchange(app, exchangeBody(CI_BOT, code, { redirect_uri: CALLBACK }))).toHaveProperty('access_token');
  });
});

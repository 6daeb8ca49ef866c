import { describe, expect, it } from 'vitest';
import { defaultFixtures, GITHUB_APP, HUBOT, OCTOCAT_TOKEN } from '../fixtures.ts';
import { createApp } from '../server.ts';
import { bearer, CI_BOT, codeFor, exchange, exchangeBody, GITHUB_BOT, stoppedClock, T0, tokenFor, UA } from '../test-helpers.ts';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const BOT_AUTH = basic(GITHUB_BOT.clientId, GITHUB_BOT.clientSecret);

/** A token API call: JSON body, the app's Basic credentials unless told otherwise, a User-Agent. */
function call(method: string, body: unknown, authorization: string | null = BOT_AUTH): RequestInit {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...UA };
  if (authorization !== null) headers.authorization = authorization;
  return { method, headers, body: JSON.stringify(body) };
}

const TOKEN_PATH = `/applications/${GITHUB_BOT.clientId}/token`;
const GRANT_PATH = `/applications/${GITHUB_BOT.clientId}/grant`;
const NOT_FOUND = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/apps/oauth-applications', status: '404' };

describe('POST /applications/{client_id}/token (check a token)', () => {
  it('answers GitHub’s authorization object for a live token of the app', async () => {
    const { app } = createApp({ clock: stoppedClock() });
    const res = await app.request(`http://twin.test${TOKEN_PATH}`, call('POST', { access_token: OCTOCAT_TOKEN.token }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: expect.any(Number),
      url: `http://twin.test/authorizations/${body.id}`,
      scopes: ['read:user'],
      token: OCTOCAT_TOKEN.token,
      token_last_eight: OCTOCAT_TOKEN.token.slice(-8),
      hashed_token: expect.stringMatching(/^[0-9a-f]{64}$/),
      app: { client_id: GITHUB_BOT.clientId, name: 'Doppel GitHub Bot', url: 'http://localhost:3000' },
      note: null,
      note_url: null,
      created_at: new Date(T0).toISOString(),
      updated_at: new Date(T0).toISOString(),
      fingerprint: null,
      expires_at: null,
      user: { login: 'octocat', id: 583231, type: 'User', site_admin: false, url: 'http://twin.test/users/octocat' },
    });
  });

  it('gives a token the same authorization id on every check, a whole number of 32 bits like GitHub’s', async () => {
    const { app } = createApp();
    const ids = new Set<unknown>();
    for (let i = 0; i < 2; i++) {
      const res = await app.request(TOKEN_PATH, call('POST', { access_token: OCTOCAT_TOKEN.token }));
      ids.add(((await res.json()) as { id: unknown }).id);
    }
    const [id] = ids;
    expect(ids.size).toBe(1);
    expect(Number.isSafeInteger(id)).toBe(true);
    expect(id).toBeLessThan(2 ** 32);
  });

  it('reports an expiring token’s expiry and its (empty) scopes', async () => {
    const { app } = createApp({ clock: stoppedClock() });
    const t = await exchange(app, exchangeBody(GITHUB_APP, await codeFor(app, GITHUB_APP)));
    const res = await app.request(
      `/applications/${GITHUB_APP.clientId}/token`,
      call('POST', { access_token: t.access_token }, basic(GITHUB_APP.clientId, GITHUB_APP.clientSecret)),
    );
    expect(await res.json()).toMatchObject({ scopes: [], expires_at: new Date(T0 + 28_800_000).toISOString() });
  });

  it('404 for an unknown, revoked, expired or refresh token, or another app’s token', async () => {
    const f = defaultFixtures();
    f.tokens.push(
      { ...OCTOCAT_TOKEN, token: 'ghr_Refresh', kind: 'refresh' },
      { ...OCTOCAT_TOKEN, token: 'gho_Gone', expiresInSeconds: 0 },
    );
    const { app, twin } = createApp({ fixtures: f, clock: stoppedClock() });
    const ciToken = await tokenFor(app);
    const revoked = await tokenFor(app);
    twin.state.tokens.get(revoked)!.revoked = true;
    for (const token of ['gho_nope', 'ghr_Refresh', 'gho_Gone', ciToken]) {
      const res = await app.request(TOKEN_PATH, call('POST', { access_token: token }));
      expect(res.status, token).toBe(404);
      expect(await res.json()).toEqual(NOT_FOUND);
    }
    expect(twin.journal.find({ path: TOKEN_PATH }).map((e) => e.notes?.token)).toEqual([
      'unknown token',
      ...Array(3).fill('not a live access token of this app'),
    ]);
  });
});

describe('the token API’s client authentication (Basic)', () => {
  it('404 without Basic credentials, with a Bearer token, or with a malformed Basic header', async () => {
    const { app, twin } = createApp();
    for (const authorization of [null, `Bearer ${OCTOCAT_TOKEN.token}`, 'Basic !!!', `Basic ${btoa('no-colon')}`]) {
      const res = await app.request(TOKEN_PATH, call('POST', { access_token: OCTOCAT_TOKEN.token }, authorization));
      expect(res.status, String(authorization)).toBe(404);
      expect(await res.json()).toEqual(NOT_FOUND);
    }
    expect(twin.journal.find({ path: TOKEN_PATH }).map((e) => e.notes?.auth)).toEqual([
      'no Basic client credentials',
      'no Basic client credentials',
      'malformed Basic credentials',
      'malformed Basic credentials',
    ]);
  });

  it('401 Bad credentials for an unknown client or a wrong secret', async () => {
    const { app } = createApp();
    for (const authorization of [basic(GITHUB_BOT.clientId, 'wrong'), basic('nobody', GITHUB_BOT.clientSecret)]) {
      const res = await app.request(TOKEN_PATH, call('POST', { access_token: OCTOCAT_TOKEN.token }, authorization));
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    }
  });

  it('404 when the path names another client than the credentials', async () => {
    const { app, twin } = createApp();
    const res = await app.request(`/applications/${CI_BOT.clientId}/token`, call('POST', { access_token: OCTOCAT_TOKEN.token }));
    expect(res.status).toBe(404);
    expect(twin.journal.all().at(-1)).toMatchObject({
      tenant: GITHUB_BOT.clientId,
      notes: { auth: 'the path names another client than the Basic credentials' },
    });
  });

  it('422 Validation Failed for a body without an access_token string', async () => {
    const { app } = createApp();
    for (const body of [{}, { access_token: 7 }]) {
      const res = await app.request(TOKEN_PATH, call('POST', body));
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(await res.json()).toMatchObject({ message: 'Invalid request.', status: '422', errors: [expect.any(String)] });
    }
  });
});

describe('PATCH /applications/{client_id}/token (reset a token)', () => {
  it('answers a new token with the same user, scopes and lifetime; the old one stops working', async () => {
    const f = defaultFixtures();
    f.nextTokens = ['gho_DoppelReset'];
    const { app, twin } = createApp({ fixtures: f });
    const res = await app.request(TOKEN_PATH, call('PATCH', { access_token: OCTOCAT_TOKEN.token }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      token: 'gho_DoppelReset',
      scopes: ['read:user'],
      expires_at: null,
      user: { login: 'octocat' },
    });
    expect((await app.request('/user', bearer(OCTOCAT_TOKEN.token))).status).toBe(401);
    expect(await (await app.request('/user', bearer('gho_DoppelReset'))).json()).toMatchObject({ login: 'octocat' });
    expect(twin.state.tokens.get('gho_DoppelReset')).toMatchObject({ clientId: GITHUB_BOT.clientId, scope: 'read:user', revoked: false });
    // The old one cannot be reset again.
    expect((await app.request(TOKEN_PATH, call('PATCH', { access_token: OCTOCAT_TOKEN.token }))).status).toBe(404);
  });

  it('a gho_ token resets to a gho_ token (no nextTokens queued)', async () => {
    const { app } = createApp();
    const res = await app.request(TOKEN_PATH, call('PATCH', { access_token: OCTOCAT_TOKEN.token }));
    const { token } = (await res.json()) as { token: string };
    expect(token).toMatch(/^gho_\w{36}$/);
    expect((await app.request('/user', bearer(token))).status).toBe(200);
  });

  it('an expiring ghu_ token resets to a ghu_ token living as long', async () => {
    const { app, twin } = createApp({ clock: stoppedClock() });
    const t = await exchange(app, exchangeBody(GITHUB_APP, await codeFor(app, GITHUB_APP)));
    twin.clock.advance(1000);
    const res = await app.request(
      `/applications/${GITHUB_APP.clientId}/token`,
      call('PATCH', { access_token: t.access_token }, basic(GITHUB_APP.clientId, GITHUB_APP.clientSecret)),
    );
    const body = (await res.json()) as { token: string; expires_at: string };
    expect(body.token).toMatch(/^ghu_\w{36}$/);
    expect(body.expires_at).toBe(new Date(T0 + 1000 + 28_800_000).toISOString());
  });
});

describe('DELETE /applications/{client_id}/token and /grant', () => {
  it('deleting a token revokes that token only: 204, then /user answers 401', async () => {
    const { app } = createApp();
    const other = await exchange(app, exchangeBody(GITHUB_BOT, await signedInCode(app)));
    const res = await app.request(TOKEN_PATH, call('DELETE', { access_token: OCTOCAT_TOKEN.token }));
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await app.request('/user', bearer(OCTOCAT_TOKEN.token))).status).toBe(401);
    expect((await app.request('/user', bearer(String(other.access_token)))).status).toBe(200);
    expect((await app.request(TOKEN_PATH, call('DELETE', { access_token: OCTOCAT_TOKEN.token }))).status).toBe(404);
  });

  it('deleting the grant revokes every token of the app for that user, and no other; the journal counts them', async () => {
    const { app, twin } = createApp();
    const mine = await exchange(app, exchangeBody(GITHUB_BOT, await signedInCode(app)));
    const hubots = await exchange(app, exchangeBody(GITHUB_BOT, await signedInCode(app, HUBOT.login, HUBOT.password)));
    const ciToken = await tokenFor(app);
    const res = await app.request(GRANT_PATH, call('DELETE', { access_token: OCTOCAT_TOKEN.token }));
    expect(res.status).toBe(204);
    expect((await app.request('/user', bearer(OCTOCAT_TOKEN.token))).status).toBe(401);
    expect((await app.request('/user', bearer(String(mine.access_token)))).status).toBe(401);
    expect((await app.request('/user', bearer(String(hubots.access_token)))).status).toBe(200);
    expect((await app.request('/user', bearer(ciToken))).status).toBe(200);
    expect(twin.journal.find({ path: GRANT_PATH }).map((e) => e.notes)).toEqual([{ revoked: 2 }]);
  });
});

/** A code of the GitHub bot (consent page): signed in as `login`. */
async function signedInCode(app: ReturnType<typeof createApp>['app'], login = 'octocat', password = 'doppel-octocat'): Promise<string> {
  const res = await app.request('/login/oauth/authorize', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: GITHUB_BOT.clientId,
      redirect_uri: 'http://localhost:3000/github/oauth',
      scope: 'read:user',
      decision: 'authorize',
      login,
      password,
    }).toString(),
  });
  return new URL(res.headers.get('location')!).searchParams.get('code')!;
}

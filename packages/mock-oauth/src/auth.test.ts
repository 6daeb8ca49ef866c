import { describe, expect, it } from 'vitest';
import type { OAuthApp } from './context.ts';
import { defaultFixtures, OCTOCAT_TOKEN } from './fixtures.ts';
import { createApp } from './server.ts';
import {
  authorizeUrl,
  bearer,
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
  TOKEN,
  tokenFor,
  UA,
} from './test-helpers.ts';

const BAD_CREDENTIALS = { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' };
const REQUIRES_AUTHENTICATION = {
  message: 'Requires authentication',
  documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
  status: '401',
};
const auth = (v: string) => ({ headers: { authorization: v, ...UA } });

describe('the API host’s authentication', () => {
  it('says Requires authentication without a header, and the journal shows the 401 the client got', async () => {
    const { app, twin } = createApp();
    const res = await app.request('/user', { headers: UA });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-github-media-type')).toBe('github.v3; format=json');
    expect(await res.json()).toEqual(REQUIRES_AUTHENTICATION);
    const [entry] = twin.journal.find({ path: '/user' });
    expect(entry).toMatchObject({ status: 401, error: 'requires_authentication', responseBody: REQUIRES_AUTHENTICATION });
  });

  it('refuses the doc’s ?access_token= form with 401 Bad credentials, even for a live token, and says why', async () => {
    const { app, twin } = createApp();
    const res = await app.request(`/user?access_token=${OCTOCAT_TOKEN.token}`, bearer(OCTOCAT_TOKEN.token));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(BAD_CREDENTIALS);
    expect((await app.request('/user?access_token=', { headers: UA })).status).toBe(401);
    const entries = twin.journal.find({ path: '/user' });
    expect(entries.map((e) => [e.status, e.error])).toEqual([
      [401, 'bad_credentials'],
      [401, 'bad_credentials'],
    ]);
    expect(entries[0]?.notes).toEqual({ auth: 'the ?access_token= query parameter is no longer accepted' });
  });

  it('Bad credentials for an unknown, malformed, revoked, expired or refresh token, each reason in the journal', async () => {
    const f = defaultFixtures();
    f.tokens.push(
      { token: 'ghr_Refresh', kind: 'refresh', clientId: GITHUB_APP.clientId, login: 'octocat', scope: '', expiresInSeconds: 60 },
      { token: 'ghu_Expired', kind: 'access', clientId: GITHUB_APP.clientId, login: 'octocat', scope: '', expiresInSeconds: 0 },
      { token: 'gho_Ghost', kind: 'access', clientId: GITHUB_BOT.clientId, login: 'ghost', scope: '', expiresInSeconds: null },
    );
    const { app, twin } = createApp({ fixtures: f, clock: stoppedClock() });
    twin.state.tokens.update(OCTOCAT_TOKEN.token, { ...twin.state.tokens.get(OCTOCAT_TOKEN.token)!, revoked: true });
    const cases: [string, string][] = [
      ['Bearer gho_nope', 'unknown token'],
      ['Basic abc', 'unknown token'],
      ['Bearer', 'unknown token'],
      [`Bearer ${OCTOCAT_TOKEN.token} extra`, 'unknown token'],
      [`xBearer ${OCTOCAT_TOKEN.token}`, 'unknown token'],
      [`Bearer ${OCTOCAT_TOKEN.token}`, 'revoked token'],
      ['token ghr_Refresh', 'refresh token used as access token'],
      ['token ghu_Expired', 'expired token'],
      ['token gho_Ghost', 'the token’s user no longer exists'],
    ];
    for (const [header, reason] of cases) {
      const res = await app.request('/user', auth(header));
      expect(res.status, header).toBe(401);
      expect(await res.json(), header).toEqual(BAD_CREDENTIALS);
      expect(twin.journal.find({ path: '/user' }).at(-1)?.notes, header).toEqual({ auth: reason });
    }
  });

  it('accepts either scheme in any case, with surrounding spaces', async () => {
    const { app } = createApp();
    for (const header of [`Bearer ${OCTOCAT_TOKEN.token}`, `TOKEN ${OCTOCAT_TOKEN.token}`, `bearer   ${OCTOCAT_TOKEN.token}  `]) {
      expect((await app.request('/user', auth(header))).status, header).toBe(200);
    }
  });

  it('a live token stays live until its expiry, not one millisecond more', async () => {
    const { app, twin } = createApp({ clock: stoppedClock() });
    const t = await exchange(app, exchangeBody(GITHUB_APP, await codeFor(app, GITHUB_APP)));
    twin.clock.advance(28_800_000 - 1);
    expect((await app.request('/user', bearer(String(t.access_token)))).status).toBe(200);
    twin.clock.advance(1);
    expect((await app.request('/user', bearer(String(t.access_token)))).status).toBe(401);
  });

  it('leaves the anonymous OAuth endpoints alone, whatever Authorization they carry', async () => {
    const { app } = createApp();
    const code = await codeFor(app);
    const res = await app.request(TOKEN, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: 'Bearer nope' },
      body: JSON.stringify(exchangeBody(CI_BOT, code)),
    });
    expect(await res.json()).toHaveProperty('access_token');
    expect((await app.request('/login/oauth/authorize?client_id=nope&access_token=x')).status).toBe(404);
  });
});

describe('the tenant (the client_id) of each request', () => {
  it('comes from the query, else the body, else the API token’s client', async () => {
    const { app, twin } = createApp();
    await codeFor(app, CI_BOT);
    await exchange(app, exchangeBody(GITHUB_BOT, 'nope'));
    await app.request('/user', bearer(await tokenFor(app)));
    await app.request('/user', bearer(OCTOCAT_TOKEN.token));
    await app.request('/user', bearer('gho_unknown'));
    await app.request(TOKEN, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: 7 }) });
    const tenants = twin.journal.all().map((e) => `${e.path} ${e.tenant}`);
    expect(tenants).toEqual([
      `/login/oauth/authorize ${CI_BOT.clientId}`,
      `${TOKEN} ${GITHUB_BOT.clientId}`,
      // tokenFor: authorize, exchange, then /user with the CI bot's token.
      `/login/oauth/authorize ${CI_BOT.clientId}`,
      `${TOKEN} ${CI_BOT.clientId}`,
      `/user ${CI_BOT.clientId}`,
      `/user ${GITHUB_BOT.clientId}`,
      '/user undefined',
      `${TOKEN} undefined`,
    ]);
  });

  it('names the client and the user: the token’s login, the code’s, or the login an authorize request names', async () => {
    const { app, twin } = createApp();
    await tokenFor(app);
    await app.request('/user', bearer(OCTOCAT_TOKEN.token));
    await app.request(`/login/oauth/authorize?client_id=${CI_BOT.clientId}&login=hubot`);
    const callers = twin.journal.all().map((e) => e.callers);
    expect(callers.at(-2)).toEqual({ client: GITHUB_BOT.clientId, user: OCTOCAT_TOKEN.login });
    expect(callers.at(-1)).toEqual({ client: CI_BOT.clientId, user: 'hubot' });
    // tokenFor's exchange: the code's user, although the code is gone once exchanged.
    expect(twin.journal.find({ path: TOKEN })[0]!.callers).toEqual({ client: CI_BOT.clientId, user: 'octocat' });
    const known = (await (await app.request('/__admin/scenarios')).json()) as {
      callerKinds: { kind: string }[];
      callers: { kind: string; id: string }[];
    };
    expect(known.callerKinds.map((k) => k.kind)).toEqual(['client', 'user']);
    expect(known.callers).toContainEqual({ kind: 'user', id: 'octocat', name: expect.any(String) });
    const refused = await app.request('/__admin/scenarios/rules', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'bad_credentials', caller: { user: 'nobody' } }),
    });
    expect(refused.status).toBe(400);
  });
});

describe('the API host’s User-Agent rule', () => {
  const noUa = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it('forbids API requests without User-Agent with GitHub’s 403 text/html, before looking at the token', async () => {
    const { app, twin } = createApp();
    for (const [path, init] of [
      ['/user', noUa(OCTOCAT_TOKEN.token)],
      ['/user', {}],
      ['/user/emails', noUa(OCTOCAT_TOKEN.token)],
      [`/user?access_token=${OCTOCAT_TOKEN.token}`, {}],
      ['/user', { headers: { authorization: `Bearer ${OCTOCAT_TOKEN.token}`, 'user-agent': '' } }],
    ] as const) {
      const res = await app.request(path, init);
      expect(res.status, path).toBe(403);
      expect(res.headers.get('content-type'), path).toBe('text/html');
      expect(await res.text(), path).toBe(
        'Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). Check https://developer.github.com for other possible causes.',
      );
    }
    expect(twin.journal.find({ path: '/user' })[0]).toMatchObject({
      status: 403,
      error: 'user_agent_required',
      notes: { auth: 'no User-Agent header' },
    });
  });

  it('forbids the token API without User-Agent too', async () => {
    const { app } = createApp();
    const res = await app.request(`/applications/${GITHUB_BOT.clientId}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${btoa(`${GITHUB_BOT.clientId}:${GITHUB_BOT.clientSecret}`)}` },
      body: JSON.stringify({ access_token: OCTOCAT_TOKEN.token }),
    });
    expect(res.status).toBe(403);
  });

  it('any User-Agent will do', async () => {
    const { app } = createApp();
    const res = await app.request('/user', { headers: { authorization: `Bearer ${OCTOCAT_TOKEN.token}`, 'user-agent': 'x' } });
    expect(res.status).toBe(200);
  });

  it('leaves github.com’s OAuth endpoints alone: no User-Agent needed there', async () => {
    const { app } = createApp();
    const code = await codeFor(app);
    expect(await exchange(app, exchangeBody(CI_BOT, code))).toHaveProperty('access_token');
  });

  it('is switchable in the fixtures: requireUserAgent false is lenient', async () => {
    const f = defaultFixtures();
    f.requireUserAgent = false;
    const { app } = createApp({ fixtures: f });
    expect((await app.request('/user', noUa(OCTOCAT_TOKEN.token))).status).toBe(200);
    expect((await app.request('/user')).status).toBe(401);
  });
});

const basicOf = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** A token API check (`POST /applications/{client_id}/token`) of `accessToken`, with this Authorization header. */
async function checkToken(app: OAuthApp, clientId: string, authorization: string, accessToken = OCTOCAT_TOKEN.token): Promise<Response> {
  return app.request(`/applications/${clientId}/token`, jsonPost({ access_token: accessToken }, { authorization, ...UA }));
}

describe('Basic client credentials (the token API; RFC 6749 §2.3.1)', () => {
  const bot = Buffer.from(`${GITHUB_BOT.clientId}:${GITHUB_BOT.clientSecret}`).toString('base64');

  it('refuses as malformed (404) a Basic value with a character outside base64, before, inside or after it', async () => {
    const { app, twin } = createApp();
    expect((await checkToken(app, GITHUB_BOT.clientId, `Basic ${bot}`)).status).toBe(200);
    for (const value of [`!${bot}`, `${bot.slice(0, 8)}!${bot.slice(8)}`, `${bot}!`]) {
      expect((await checkToken(app, GITHUB_BOT.clientId, `Basic ${value}`)).status, value).toBe(404);
    }
    expect(twin.journal.all().map((e) => e.notes?.auth)).toEqual([undefined, ...Array(3).fill('malformed Basic credentials')]);
  });

  it('takes a one-character client_id, and a secret with a bare % as sent; an empty client_id is malformed', async () => {
    const f = defaultFixtures();
    f.apps.push({ ...GITHUB_BOT, clientId: 'x', clientSecret: '100%', name: 'X' });
    f.tokens.push({ ...OCTOCAT_TOKEN, token: 'gho_OfTheOneLetterApp', clientId: 'x' });
    const { app, twin } = createApp({ fixtures: f });
    expect((await checkToken(app, 'x', basicOf('x', '100%'), 'gho_OfTheOneLetterApp')).status).toBe(200);
    expect((await checkToken(app, 'x', basicOf('x', '100'), 'gho_OfTheOneLetterApp')).status).toBe(401);
    expect((await checkToken(app, 'y', basicOf('y', '100%'), 'gho_OfTheOneLetterApp')).status).toBe(401);
    expect((await checkToken(app, 'x', basicOf('', '100%'), 'gho_OfTheOneLetterApp')).status).toBe(404);
    expect(twin.journal.all().map((e) => e.notes?.auth)).toEqual([
      undefined,
      'wrong client secret',
      'unknown client',
      'malformed Basic credentials',
    ]);
  });

  it('matches a client_id with a bare % to its path, sent raw or percent-encoded', async () => {
    const f = defaultFixtures();
    f.apps.push({ ...GITHUB_BOT, clientId: 'ci%bot', clientSecret: 's', name: 'Percent' });
    f.tokens.push({ ...OCTOCAT_TOKEN, token: 'gho_OfThePercentApp', clientId: 'ci%bot' });
    const { app } = createApp({ fixtures: f });
    for (const path of ['ci%bot', 'ci%25bot']) {
      expect((await checkToken(app, path, basicOf('ci%bot', 's'), 'gho_OfThePercentApp')).status, path).toBe(200);
    }
    expect((await checkToken(app, 'ci%bo', basicOf('ci%bot', 's'), 'gho_OfThePercentApp')).status).toBe(404);
  });
});

/** Add a scenario rule through the admin API. */
async function addRule(app: OAuthApp, rule: Record<string, unknown>): Promise<void> {
  const res = await app.request('/__admin/scenarios/rules', jsonPost(rule));
  expect(res.status).toBe(201);
}

describe('the callers a rule is scoped to, and the journal’s', () => {
  it('a rule for a user fails that user’s code exchanges: the code names the user, from the body or the query', async () => {
    const { app, twin } = createApp();
    const [inBody, inQuery, emptyInBody] = [
      await codeFor(app, CI_BOT, { login: 'hubot' }),
      await codeFor(app, CI_BOT, { login: 'hubot' }),
      await codeFor(app, CI_BOT, { login: 'hubot' }),
    ];
    const octocats = await codeFor(app);
    await addRule(app, { scenario: 'bad_verification_code', caller: { user: 'hubot' }, match: { path: TOKEN } });
    expect(await exchange(app, exchangeBody(CI_BOT, inBody))).toMatchObject({ error: 'bad_verification_code' });
    const { code: _, ...credentials } = exchangeBody(CI_BOT, '');
    await app.request(`${TOKEN}?code=${inQuery}`, formPost(credentials, JSON_ACCEPT));
    // An empty body parameter counts as absent: the query's code still names the user.
    await app.request(`${TOKEN}?code=${emptyInBody}`, formPost({ ...credentials, code: '' }, JSON_ACCEPT));
    expect(await exchange(app, exchangeBody(CI_BOT, octocats))).toHaveProperty('access_token');
    expect(twin.journal.find({ path: TOKEN }).map((e) => [e.scenario, e.callers])).toEqual([
      ['bad_verification_code', { client: CI_BOT.clientId, user: 'hubot' }],
      ['bad_verification_code', { client: CI_BOT.clientId, user: 'hubot' }],
      ['bad_verification_code', { client: CI_BOT.clientId, user: 'hubot' }],
      [undefined, { client: CI_BOT.clientId, user: 'octocat' }],
    ]);
  });

  it('a rule for a user fails the authorize requests naming that ?login=, with or without a client_id', async () => {
    const { app, twin } = createApp();
    await addRule(app, { scenario: 'authorize_access_denied', caller: { user: 'hubot' }, match: { path: '/login/oauth/authorize' } });
    const denied = await app.request(authorizeUrl(CI_BOT, { login: 'hubot' }));
    expect(location(denied).searchParams.get('error')).toBe('access_denied');
    expect(location(await app.request(authorizeUrl(CI_BOT))).searchParams.has('code')).toBe(true);
    await app.request('/login/oauth/authorize?login=hubot');
    await app.request('/login/oauth/authorize?client_id=nope&login=');
    // (The second, octocat's by default, names its user only once routed: after the rule was tried.)
    const [first, , third, fourth] = twin.journal.all().map((e) => [e.scenario, e.callers]);
    expect([first, third, fourth]).toEqual([
      ['authorize_access_denied', { client: CI_BOT.clientId, user: 'hubot' }],
      ['authorize_access_denied', { user: 'hubot' }],
      [undefined, { client: 'nope' }],
    ]);
    const byHubot = (await (await app.request('/__admin/journal?caller=user:hubot')).json()) as { entries: unknown[] };
    expect(byHubot.entries).toHaveLength(2);
  });

  it('the token API is the path’s client’s, and the checked token’s user’s, not a Bearer token’s sent instead', async () => {
    const { app, twin } = createApp();
    const hubots = String((await exchange(app, exchangeBody(CI_BOT, await codeFor(app, CI_BOT, { login: 'hubot' })))).access_token);
    const path = `/applications/${GITHUB_BOT.clientId}/token`;
    expect((await checkToken(app, GITHUB_BOT.clientId, basicOf(GITHUB_BOT.clientId, GITHUB_BOT.clientSecret))).status).toBe(200);
    expect((await checkToken(app, GITHUB_BOT.clientId, `Bearer ${hubots}`)).status).toBe(404);
    // Only the token API reads a body's access_token: a code exchange carrying one is not that token's user's.
    await exchange(app, exchangeBody(CI_BOT, 'nope', { access_token: OCTOCAT_TOKEN.token }));
    expect(twin.journal.find({ path }).map((e) => e.callers)).toEqual([
      { client: GITHUB_BOT.clientId, user: 'octocat' },
      { client: GITHUB_BOT.clientId, user: 'octocat' },
    ]);
    expect(twin.journal.find({ path: TOKEN }).at(-1)?.callers).toEqual({ client: CI_BOT.clientId });
  });

  it('lists every app and user of the fixtures as a known caller, with its name when it has one', async () => {
    const f = defaultFixtures();
    f.users.push({ ...f.users[0]!, login: 'nameless', name: null, email: null });
    const { app } = createApp({ fixtures: f });
    const { callers } = (await (await app.request('/__admin/scenarios')).json()) as { callers: Record<string, string>[] };
    expect(callers).toContainEqual({ kind: 'client', id: CI_BOT.clientId, name: CI_BOT.name });
    expect(callers).toContainEqual({ kind: 'user', id: 'hubot', name: 'Hubot' });
    expect(callers).toContainEqual({ kind: 'user', id: 'nameless' });
    expect(callers).toHaveLength(f.apps.length + f.users.length);
    await addRule(app, { scenario: 'bad_credentials', caller: { client: GITHUB_APP.clientId, user: 'nameless' } });
  });
});

import { CI_BOT, createApp, GITHUB_APP, GITHUB_BOT } from '@doppel/mock-oauth';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createOAuthClient, type OAuthClientOptions, pkcePair, type TokenFormat } from './client.ts';

const CALLBACK = 'http://localhost:3000/github/oauth';

function setup(app = CI_BOT, format?: TokenFormat) {
  const twin = createApp();
  const client = createOAuthClient({
    baseUrl: 'http://github.test',
    apiBaseUrl: 'http://api.github.test',
    fetch: (r) => Promise.resolve(twin.app.fetch(r)),
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    redirectUri: CALLBACK,
    ...(format && { format }),
  });
  const code = async (extra: Parameters<typeof client.authorizeUrl>[0] = {}) => {
    const res = await twin.app.fetch(new Request(client.authorizeUrl({ scope: 'read:user', state: 's', ...extra })));
    return new URL(res.headers.get('location')!).searchParams.get('code')!;
  };
  return { twin, client, code };
}

describe('OAuth client', () => {
  it('builds GitHub’s authorize URL', () => {
    const { client } = setup(GITHUB_BOT);
    const url = new URL(client.authorizeUrl({ scope: 'read:user', state: 'g:b', codeChallenge: 'c'.repeat(43), autoApprove: true }));
    expect(url.pathname).toBe('/login/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: GITHUB_BOT.clientId,
      redirect_uri: CALLBACK,
      scope: 'read:user',
      state: 'g:b',
      code_challenge: 'c'.repeat(43),
      code_challenge_method: 'S256',
      doppel_auto_approve: 'true',
    });
  });

  for (const format of ['form', 'json', 'xml'] as const) {
    it(`exchanges a code and reads the ${format} reply, and GitHub's 200 error in it`, async () => {
      const { client, code } = setup(CI_BOT, format);
      const ok = await client.exchangeCode({ code: await code() });
      expect(ok.data).toMatchObject({ tokenType: 'bearer', scope: 'read:user' });
      expect(ok.data?.accessToken).toMatch(/^gho_/);
      const bad = await client.exchangeCode({ code: 'used-or-wrong' });
      expect(bad.response.status).toBe(200);
      expect(bad.error).toMatchObject({
        kind: 'oauth',
        code: 'bad_verification_code',
        message: 'The code passed is incorrect or expired.',
      });
    });
  }

  it('PKCE round trip with pkcePair()', async () => {
    const { client, code } = setup();
    const { verifier, challenge } = pkcePair();
    const c = await code({ codeChallenge: challenge });
    expect((await client.exchangeCode({ code: c, codeVerifier: verifier })).data?.accessToken).toMatch(/^gho_/);
    // A wrong verifier burns the code: the right one cannot redeem it afterwards.
    const burnt = await code({ codeChallenge: challenge });
    expect((await client.exchangeCode({ code: burnt, codeVerifier: 'x'.repeat(43) })).error?.code).toBe('bad_verification_code');
    expect((await client.exchangeCode({ code: burnt, codeVerifier: verifier })).error?.code).toBe('bad_verification_code');
  });

  it('refreshes expiring tokens', async () => {
    const { client, code } = setup(GITHUB_APP);
    const first = (await client.exchangeCode({ code: await code() })).data!;
    expect(first).toMatchObject({ expiresIn: 28800, refreshTokenExpiresIn: 15897600 });
    const second = await client.refresh(first.refreshToken!);
    expect(second.data?.accessToken).toMatch(/^ghu_/);
    expect((await client.refresh(first.refreshToken!)).error?.code).toBe('bad_refresh_token');
  });

  it('gets the user with a Bearer header and reports 401 as an api error', async () => {
    const { client, code } = setup();
    const token = (await client.exchangeCode({ code: await code() })).data!.accessToken;
    expect((await client.getUser(token)).data?.login).toBe('octocat');
    const bad = await client.getUser('gho_nope');
    expect(bad.error).toMatchObject({ kind: 'api', status: 401, code: 'Bad credentials' });
  });
});

/** A client whose calls are all answered by `answer`, keeping what it sent. */
function scripted(answer: () => Response, options: Partial<OAuthClientOptions> = {}) {
  const seen: Request[] = [];
  const fetch = async (r: Request) => {
    seen.push(r);
    return answer();
  };
  const client = createOAuthClient({ baseUrl: 'http://github.test/', fetch, clientId: 'CID', clientSecret: 'SECRET', ...options });
  return { client, seen };
}
const reply =
  (text: string, type: string | null, status = 200) =>
  () =>
    new Response(text, { status, headers: type ? { 'content-type': type } : {} });

describe('token requests', () => {
  it('post the client pair and the fields as JSON, asking for the configured format', async () => {
    const ok = reply('{"access_token":"gho_1","scope":"repo","token_type":"bearer"}', 'application/json');
    const accepts: (string | null)[] = [];
    for (const format of [undefined, 'json', 'xml', 'form'] as const) {
      const { client, seen } = scripted(ok, { ...(format && { format }) });
      await client.exchangeCode({ code: 'c1' });
      accepts.push(seen[0]!.headers.get('accept'));
    }
    expect(accepts).toEqual(['application/json', 'application/json', 'application/xml', null]);
    const { client, seen } = scripted(ok, { redirectUri: 'http://cb.test/default' });
    await client.exchangeCode({ code: 'c1' });
    await client.exchangeCode({ code: 'c2', redirectUri: 'http://cb.test/other', codeVerifier: 'v' });
    await client.refresh('ghr_1');
    expect(seen.map((r) => r.url)).toEqual(Array(3).fill('http://github.test/login/oauth/access_token'));
    expect(seen[0]!.headers.get('content-type')).toBe('application/json');
    expect(await Promise.all(seen.map((r) => r.json()))).toEqual([
      { client_id: 'CID', client_secret: 'SECRET', code: 'c1', redirect_uri: 'http://cb.test/default' },
      { client_id: 'CID', client_secret: 'SECRET', code: 'c2', redirect_uri: 'http://cb.test/other', code_verifier: 'v' },
      { client_id: 'CID', client_secret: 'SECRET', grant_type: 'refresh_token', refresh_token: 'ghr_1' },
    ]);
    const bare = scripted(ok);
    await bare.client.exchangeCode({ code: 'c3' });
    expect(await bare.seen[0]!.json()).toEqual({ client_id: 'CID', client_secret: 'SECRET', code: 'c3' });
  });

  it('read the form reply GitHub sends by default, whatever the content type says', async () => {
    const form = 'access_token=gho_2&scope=repo%2Cgist&token_type=bearer';
    for (const type of ['application/x-www-form-urlencoded; charset=utf-8', 'text/plain', null]) {
      const r = await scripted(reply(form, type), { format: 'form' }).client.exchangeCode({ code: 'c' });
      expect(r.data).toEqual({ accessToken: 'gho_2', tokenType: 'bearer', scope: 'repo,gist' });
    }
  });

  it('read XML replies, entities decoded, and the expiring-token fields as numbers', async () => {
    const xml =
      '<OAuth><access_token>ghu_1</access_token><expires_in>28800</expires_in><refresh_token>ghr_&amp;1</refresh_token>' +
      '<refresh_token_expires_in>15897600</refresh_token_expires_in><scope></scope><token_type>bearer</token_type></OAuth>';
    const r = await scripted(reply(xml, null), { format: 'xml' }).client.exchangeCode({ code: 'c' });
    expect(r.data).toEqual({
      accessToken: 'ghu_1',
      tokenType: 'bearer',
      scope: '',
      expiresIn: 28800,
      refreshToken: 'ghr_&1',
      refreshTokenExpiresIn: 15897600,
    });
    const error = '<OAuth><error>bad_verification_code</error><error_description>a &lt;b&gt; &quot;c&quot;</error_description></OAuth>';
    const refused = await scripted(reply(error, 'application/xml')).client.exchangeCode({ code: 'c' });
    expect(refused.error).toMatchObject({ kind: 'oauth', code: 'bad_verification_code', message: 'a <b> "c"', uri: undefined });
  });

  it('read a reply by its content type first, by its look otherwise', async () => {
    const exchange = async (text: string, type: string) => (await scripted(reply(text, type)).client.exchangeCode({ code: 'c' })).data;
    expect(await exchange('&access_token=gho_4&scope=', 'application/x-www-form-urlencoded')).toMatchObject({ accessToken: 'gho_4' });
    expect(await exchange('access_token=gho_5', 'application/json')).toBeUndefined();
    expect(await exchange('access_token=gho_6', 'APPLICATION/XML')).toBeUndefined();
    expect(await exchange('{"access_token":"gho_7"}', 'Application/JSON; charset=utf-8')).toMatchObject({ accessToken: 'gho_7' });
  });

  it('default the token type to bearer and the scope to empty', async () => {
    const r = await scripted(reply('{"access_token":"gho_3"}', 'application/json')).client.exchangeCode({ code: 'c' });
    expect(r.data).toEqual({ accessToken: 'gho_3', tokenType: 'bearer', scope: '' });
  });

  it('take an error in the body as GitHub’s, whatever the status, with its uri', async () => {
    const body = '{"error":"incorrect_client_credentials","error_uri":"https://docs.github.test/e"}';
    const r = await scripted(reply(body, 'application/json', 401)).client.exchangeCode({ code: 'c' });
    expect(r.error).toMatchObject({
      kind: 'oauth',
      code: 'incorrect_client_credentials',
      message: 'incorrect_client_credentials',
      status: 401,
    });
    expect(r.error?.uri).toBe('https://docs.github.test/e');
    expect(r.error?.body).toMatchObject({ error: 'incorrect_client_credentials' });
  });

  it('report anything else as an http error with the text', async () => {
    const http = async (answer: () => Response) => (await scripted(answer).client.exchangeCode({ code: 'c' })).error;
    expect(await http(reply('Service Unavailable', 'text/html', 503))).toMatchObject({
      kind: 'http',
      code: 'http',
      status: 503,
      body: 'Service Unavailable',
      message: 'token endpoint answered HTTP 503 without a token',
    });
    expect(await http(reply('<html>oops</html>', 'text/html'))).toMatchObject({ kind: 'http', status: 200 });
    expect(await http(reply('[1,2]', 'application/json'))).toMatchObject({ kind: 'http', body: '[1,2]' });
    expect(await http(reply('{not json', 'application/json'))).toMatchObject({ kind: 'http', body: '{not json' });
    expect(await http(reply('{"scope":"repo"}', 'application/json'))).toMatchObject({ kind: 'http', status: 200 });
    expect(await http(reply('{"access_token":"gho_x"}', 'application/json', 500))).toMatchObject({ kind: 'http', status: 500 });
    expect(await http(reply('', null, 500))).toMatchObject({ kind: 'http', body: '' });
    expect((await http(reply('', null, 500)))?.name).toBe('OAuthError');
  });
});

describe('getUser', () => {
  it('asks the API host with a Bearer token', async () => {
    const { client, seen } = scripted(() => Response.json({ login: 'octocat' }), { apiBaseUrl: 'http://api.github.test' });
    expect((await client.getUser('gho_1')).data).toEqual({ login: 'octocat' });
    expect([seen[0]!.url, seen[0]!.headers.get('authorization'), seen[0]!.headers.get('accept')]).toEqual([
      'http://api.github.test/user',
      'Bearer gho_1',
      'application/vnd.github+json',
    ]);
    const same = scripted(() => Response.json({}));
    await same.client.getUser('t');
    expect(same.seen[0]!.url).toBe('http://github.test/user');
  });

  it('anything but 200 with an object is an error: api with GitHub’s message, else http', async () => {
    const user = async (answer: () => Response) => (await scripted(answer).client.getUser('t')).error;
    expect(await user(() => Response.json({ message: 'Bad credentials' }, { status: 401 }))).toMatchObject({
      kind: 'api',
      code: 'Bad credentials',
      message: 'Bad credentials',
      status: 401,
    });
    expect(await user(() => Response.json({ login: 'x' }, { status: 201 }))).toMatchObject({
      kind: 'http',
      code: 'http',
      message: 'HTTP 201',
    });
    expect(await user(() => new Response('down', { status: 503 }))).toMatchObject({ kind: 'http', message: 'HTTP 503', body: 'down' });
    expect(await user(() => new Response('"text"', { status: 200 }))).toMatchObject({ kind: 'http', message: 'HTTP 200' });
    expect(await user(() => Response.json({ documentation_url: 'x' }, { status: 403 }))).toMatchObject({
      kind: 'http',
      message: 'HTTP 403',
    });
  });
});

describe('authorize links', () => {
  it('carry only what is given, under the base URL', () => {
    const { client } = scripted(() => new Response());
    expect(client.authorizeUrl()).toBe('http://github.test/login/oauth/authorize?client_id=CID');
    const url = new URL(
      client.authorizeUrl({
        login: 'octocat',
        allowSignup: false,
        autoApprove: false,
        redirectUri: 'http://cb.test/x',
        scope: 'repo user',
      }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'CID',
      redirect_uri: 'http://cb.test/x',
      scope: 'repo user',
      login: 'octocat',
      allow_signup: 'false',
      doppel_auto_approve: 'false',
    });
  });
});

describe('pkcePair', () => {
  it('gives a fresh 43-character verifier and its S256 challenge', () => {
    const a = pkcePair();
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.challenge).toBe(createHash('sha256').update(a.verifier).digest('base64url'));
    expect(pkcePair().verifier).not.toBe(a.verifier);
  });
});

describe('OAuth client: Basic client authentication, emails and the token API', () => {
  function basicSetup(extra: Partial<OAuthClientOptions> = {}) {
    const twin = createApp();
    const seen: Request[] = [];
    const client = createOAuthClient({
      baseUrl: 'http://github.test',
      fetch: (r) => {
        seen.push(r.clone());
        return Promise.resolve(twin.app.fetch(r));
      },
      clientId: CI_BOT.clientId,
      clientSecret: CI_BOT.clientSecret,
      redirectUri: CALLBACK,
      ...extra,
    });
    const code = async (scope = 'read:user') => {
      const res = await twin.app.fetch(new Request(client.authorizeUrl({ scope })));
      return new URL(res.headers.get('location')!).searchParams.get('code')!;
    };
    return { twin, client, code, seen };
  }

  it('exchanges a code with Basic credentials and no secret in the body when told to', async () => {
    const { client, code, seen } = basicSetup({ clientAuthentication: 'basic' });
    const r = await client.exchangeCode({ code: await code() });
    expect(r.data?.accessToken).toMatch(/^gho_/);
    const sent = seen.at(-1)!;
    expect(sent.headers.get('authorization')).toBe(`Basic ${btoa(`${CI_BOT.clientId}:${CI_BOT.clientSecret}`)}`);
    expect(await sent.json()).not.toHaveProperty('client_secret');
  });

  it('sends a User-Agent on API calls (GitHub forbids them without one), its own if given', async () => {
    const { client, code, seen } = basicSetup({ userAgent: 'my-bot/1.0' });
    const token = (await client.exchangeCode({ code: await code() })).data!.accessToken;
    expect((await client.getUser(token)).data?.login).toBe('octocat');
    expect(seen.at(-1)!.headers.get('user-agent')).toBe('my-bot/1.0');
  });

  it('lists the user’s emails with user:email, and reports GitHub’s 404 without it', async () => {
    const { client, code } = basicSetup();
    const withScope = (await client.exchangeCode({ code: await code('read:user user:email') })).data!.accessToken;
    expect((await client.getEmails(withScope)).data?.find((e) => e.primary)).toEqual({
      email: 'octocat@github.com',
      primary: true,
      verified: true,
      visibility: 'public',
    });
    const without = (await client.exchangeCode({ code: await code() })).data!.accessToken;
    expect((await client.getEmails(without)).error).toMatchObject({ kind: 'api', status: 404, code: 'Not Found' });
  });

  it('checks, resets and revokes tokens, and deletes the grant', async () => {
    const { client, code } = basicSetup();
    const token = (await client.exchangeCode({ code: await code() })).data!.accessToken;
    expect((await client.checkToken(token)).data).toMatchObject({ token, app: { client_id: CI_BOT.clientId }, user: { login: 'octocat' } });
    const reset = (await client.resetToken(token)).data!.token;
    expect(reset).not.toBe(token);
    expect((await client.checkToken(token)).error).toMatchObject({ kind: 'api', status: 404 });
    expect((await client.getUser(reset)).data?.login).toBe('octocat');
    expect((await client.deleteToken(reset)).data).toBe(true);
    expect((await client.getUser(reset)).error).toMatchObject({ status: 401 });
    const another = (await client.exchangeCode({ code: await code() })).data!.accessToken;
    expect((await client.deleteGrant(another)).data).toBe(true);
    expect((await client.deleteGrant(another)).error).toMatchObject({ status: 404 });
  });

  it('reports Bad credentials when the app secret is wrong', async () => {
    const { client } = basicSetup({ clientSecret: 'wrong' });
    expect((await client.checkToken('gho_x')).error).toMatchObject({ kind: 'api', status: 401, code: 'Bad credentials' });
  });
});

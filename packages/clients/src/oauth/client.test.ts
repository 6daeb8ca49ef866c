import { CI_BOT, createApp, GITHUB_APP, GITHUB_BOT } from '@doppel/mock-oauth';
import { describe, expect, it } from 'vitest';
import { createOAuthClient, parseTokenReply, pkcePair, type TokenFormat } from './client.ts';

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
      expect(bad.error).toMatchObject({ kind: 'oauth', code: 'bad_verification_code', message: 'The code passed is incorrect or expired.' });
    });
  }

  it('PKCE round trip with pkcePair()', async () => {
    const { client, code } = setup();
    const { verifier, challenge } = pkcePair();
    const c = await code({ codeChallenge: challenge });
    expect((await client.exchangeCode({ code: c, codeVerifier: 'x'.repeat(43) })).error?.code).toBe('bad_verification_code');
    expect((await client.exchangeCode({ code: c, codeVerifier: verifier })).data?.accessToken).toMatch(/^gho_/);
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

  it('parses each reply format, and refuses what is none of them', () => {
    expect(parseTokenReply('application/x-www-form-urlencoded', 'access_token=a&scope=repo%2Cgist&token_type=bearer')).toEqual({
      access_token: 'a',
      scope: 'repo,gist',
      token_type: 'bearer',
    });
    expect(parseTokenReply(null, '<OAuth><error>x</error><error_description>a &amp; b</error_description></OAuth>')).toEqual({ error: 'x', error_description: 'a & b' });
    expect(parseTokenReply('text/html', '<html>oops')).toEqual({});
    expect(parseTokenReply('text/html', 'Service Unavailable')).toBeUndefined();
  });
});

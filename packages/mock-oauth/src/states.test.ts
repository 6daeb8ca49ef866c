import { describe, expect, it } from 'vitest';
import { CI_BOT, defaultFixtures, GITHUB_APP, GITHUB_BOT, SUSPENDED_APP } from './fixtures.ts';
import { createApp } from './server.ts';
import { oauthStates, STATE_VALUES } from './states.ts';
import { authorizeUrl, bearer, exchange, exchangeBody, location } from './test-helpers.ts';
import { s256 } from './tokens.ts';

const apply = (name: string) => oauthStates[name]!.apply(defaultFixtures(), {});

describe('STATE_VALUES', () => {
  it('are shaped as GitHub’s, as the pacts’ matchers expect', () => {
    const codes = [STATE_VALUES.botCode, STATE_VALUES.pkceCode, STATE_VALUES.unverifiedCode];
    for (const code of codes) expect(code).toMatch(/^[0-9a-f]{20}$/);
    expect(new Set(codes).size).toBe(3);
    expect(STATE_VALUES.issuedToken).toMatch(/^gho_\w+$/);
    expect(STATE_VALUES.issuedUserToken).toMatch(/^ghu_\w+$/);
    expect(STATE_VALUES.issuedRefreshToken).toMatch(/^ghr_\w+$/);
    expect(STATE_VALUES.refreshToken).toMatch(/^ghr_\w+$/);
    expect(STATE_VALUES.refreshToken).not.toBe(STATE_VALUES.issuedRefreshToken);
    // RFC 7636 §4.1: 43 to 128 unreserved characters.
    expect(STATE_VALUES.pkceVerifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    expect(STATE_VALUES.pkceChallenge).toBe(s256(STATE_VALUES.pkceVerifier));
    expect(GITHUB_BOT.callbackUrls).toContain(STATE_VALUES.callback);
  });
});

describe('named states (the Pact provider states)', () => {
  it('are the states the pacts name, each described', () => {
    expect(Object.keys(oauthStates).sort()).toEqual(
      [
        'a PKCE code was issued to the GitHub bot',
        'a code was issued for a user without a verified email',
        'a code was issued to the GitHub bot',
        'every client auto-approves',
        'every client issues expiring tokens',
        'every client shows the consent page',
        'octocat holds a token',
        'octocat holds a token with user:email',
        'the GitHub App issued a refresh token',
        'the GitHub bot is suspended',
      ].sort(),
    );
    for (const s of Object.values(oauthStates)) expect(s.description.length).toBeGreaterThan(10);
  });

  it('the code states seed the GitHub bot’s codes for the doc’s callback, and the token handed out next', () => {
    const code = { clientId: GITHUB_BOT.clientId, scope: 'read:user', redirectUri: STATE_VALUES.callback };
    expect(apply('a code was issued to the GitHub bot')).toMatchObject({
      codes: [{ code: STATE_VALUES.botCode, login: 'octocat', codeChallenge: null, ...code }],
      nextTokens: [STATE_VALUES.issuedToken],
    });
    expect(apply('a PKCE code was issued to the GitHub bot')).toMatchObject({
      codes: [{ code: STATE_VALUES.pkceCode, login: 'octocat', codeChallenge: STATE_VALUES.pkceChallenge, ...code }],
      nextTokens: [STATE_VALUES.issuedToken],
    });
    expect(apply('a code was issued for a user without a verified email')).toMatchObject({
      codes: [{ code: STATE_VALUES.unverifiedCode, login: 'unverified-user', codeChallenge: null, ...code }],
      nextTokens: [],
    });
  });

  it('the refresh state adds a live GitHub App refresh token and queues the tokens of the refresh', () => {
    const f = apply('the GitHub App issued a refresh token');
    expect(f.tokens.at(-1)).toEqual({
      token: STATE_VALUES.refreshToken,
      kind: 'refresh',
      clientId: GITHUB_APP.clientId,
      login: 'octocat',
      scope: '',
      expiresInSeconds: 15_897_600,
    });
    expect(f.tokens).toHaveLength(2);
    expect(f.nextTokens).toEqual([STATE_VALUES.issuedUserToken, STATE_VALUES.issuedRefreshToken]);
  });

  it('the client states switch every client, or suspend the two bots', () => {
    expect(apply('octocat holds a token')).toEqual(defaultFixtures());
    const suspended = apply('the GitHub bot is suspended')
      .apps.filter((a) => a.suspended)
      .map((a) => a.clientId);
    expect(suspended).toEqual([GITHUB_BOT.clientId, CI_BOT.clientId, SUSPENDED_APP.clientId]);
    const apps = defaultFixtures().apps;
    expect(apply('every client shows the consent page').apps).toEqual(apps.map((a) => ({ ...a, autoApprove: false })));
    expect(apply('every client auto-approves').apps).toEqual(apps.map((a) => ({ ...a, autoApprove: true })));
    expect(apply('every client issues expiring tokens').apps).toEqual(apps.map((a) => ({ ...a, expiringTokens: true })));
    expect(apply('the GitHub bot is suspended').apps[2]).toEqual(GITHUB_APP);
  });

  it('the Pact states seed the codes and tokens they promise', async () => {
    const { app, twin } = createApp();
    twin.useState('a code was issued to the GitHub bot');
    expect(await exchange(app, exchangeBody(GITHUB_BOT, STATE_VALUES.botCode))).toEqual({
      access_token: STATE_VALUES.issuedToken,
      scope: 'read:user',
      token_type: 'bearer',
    });
    twin.useState('the GitHub bot is suspended');
    expect(location(await app.request(authorizeUrl(GITHUB_BOT))).searchParams.get('error')).toBe('application_suspended');
    twin.useState('octocat holds a token with user:email');
    const emails = await app.request('/user/emails', bearer(STATE_VALUES.emailToken));
    expect(emails.status).toBe(200);
    expect(((await emails.json()) as { primary: boolean; email: string }[]).find((e) => e.primary)?.email).toBe('octocat@github.com');
  });
});

describe('octocat holds a token, with params.token (doppel verify maps a consumer’s stored token to it)', () => {
  it('makes that token octocat’s too, with the same scope read:user', async () => {
    const { app, twin } = createApp();
    twin.useState('octocat holds a token', { token: 'gho_ChatbotStoredToken000000000000000000' });
    const res = await app.request('/user', {
      headers: { authorization: 'Bearer gho_ChatbotStoredToken000000000000000000', 'user-agent': 't' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-oauth-scopes')).toBe('read:user');
    expect(((await res.json()) as { login: string }).login).toBe('octocat');
  });
});

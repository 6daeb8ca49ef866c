import type { IncomingMessage } from 'node:http';
import { Strategy as GitHubStrategy, type Profile } from 'passport-github2';
import { AuthorizationCode } from 'simple-oauth2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CI_BOT, defaultFixtures, type OAuthClient } from './fixtures.ts';
import { startOAuthMock } from './server.ts';

/**
 * The OAuth libraries people use, end to end against the twin on a real port: simple-oauth2 with its default
 * settings (HTTP Basic client authentication, `Accept: application/json`, a form body) and passport-github2 with
 * its README's settings (client credentials in the body, its own User-Agent, `GET /user` and, with `user:email`,
 * `GET /user/emails`). Only the URLs point at the twin instead of github.com.
 */

/** The README's app: callback `http://127.0.0.1:3000/auth/github/callback`, approved without the page. */
const PASSPORT_APP: OAuthClient = {
  clientId: 'Ov23liPassportReadme01',
  clientSecret: 'passport-readme-secret-0123456789abcdef',
  name: 'passport-github2 README app',
  callbackUrls: ['http://127.0.0.1:3000/auth/github/callback'],
  autoApprove: true,
  expiringTokens: false,
  suspended: false,
};

let twin: Awaited<ReturnType<typeof startOAuthMock>>;
beforeAll(async () => {
  const fixtures = defaultFixtures();
  fixtures.apps.push(PASSPORT_APP);
  twin = await startOAuthMock({ port: 0, fixtures });
});
afterAll(() => twin.close());

/** Follow an authorize URL the way a browser would (the twin auto-approves) and give back the callback's query. */
async function approve(authorizeUrl: string): Promise<URLSearchParams> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!).searchParams;
}

describe('simple-oauth2 (default settings)', () => {
  const client = () =>
    new AuthorizationCode({
      client: { id: CI_BOT.clientId, secret: CI_BOT.clientSecret },
      auth: { tokenHost: twin.url, tokenPath: '/login/oauth/access_token', authorizePath: '/login/oauth/authorize' },
    });
  const redirect_uri = 'http://localhost:3000/github/oauth';

  it('runs the web flow: authorize URL, code exchange with Basic client authentication, then the API', async () => {
    const oauth = client();
    const query = await approve(oauth.authorizeURL({ redirect_uri, scope: 'read:user', state: 'g1:b1' }));
    expect(query.get('state')).toBe('g1:b1');
    const token = await oauth.getToken({ code: query.get('code')!, redirect_uri });
    expect(token.token).toMatchObject({ access_token: expect.stringMatching(/^gho_\w{36}$/), token_type: 'bearer', scope: 'read:user' });
    // It authenticated with Basic, as the journal shows (the body carried no secret).
    const exchange = twin.twin.journal.find({ path: '/login/oauth/access_token' }).at(-1)!;
    expect(exchange.notes).toEqual({ clientAuth: 'basic', login: 'octocat' });
    const user = await fetch(`${twin.url}/user`, {
      headers: { authorization: `Bearer ${token.token.access_token}`, 'user-agent': 'simple-oauth2-test' },
    });
    expect(await user.json()).toMatchObject({ login: 'octocat' });
  });

  it('sees GitHub’s error as a token object, since GitHub answers errors with HTTP 200', async () => {
    const token = await client().getToken({ code: 'no-such-code', redirect_uri });
    expect(token.token).toMatchObject({ error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
  });

  it('a code it exchanges twice revokes the first token', async () => {
    const oauth = client();
    const code = (await approve(oauth.authorizeURL({ redirect_uri, scope: 'read:user' }))).get('code')!;
    const first = await oauth.getToken({ code, redirect_uri });
    const again = await oauth.getToken({ code, redirect_uri });
    expect(again.token).toMatchObject({ error: 'bad_verification_code' });
    const res = await fetch(`${twin.url}/user`, { headers: { authorization: `Bearer ${first.token.access_token}`, 'user-agent': 't' } });
    expect(res.status).toBe(401);
  });
});

/** What passport calls on a strategy: its `authenticate(req, options)`, answering through redirect/success/fail/error. */
type Outcome = { redirect: string } | { user: Profile } | { fail: unknown } | { error: Error };

function runStrategy(strategy: GitHubStrategy, query: Record<string, string>, options: object = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const run = Object.create(strategy) as GitHubStrategy & Record<string, unknown>;
    run.redirect = (url: string) => resolve({ redirect: url });
    run.success = (user: Profile) => resolve({ user });
    run.fail = (challenge: unknown) => resolve({ fail: challenge });
    run.error = (error: Error) => resolve({ error });
    const req = { query, headers: { host: '127.0.0.1:3000' }, url: '/auth/github/callback', connection: {} } as unknown as IncomingMessage;
    run.authenticate(req as never, options);
  });
}

describe('passport-github2 (its README’s settings)', () => {
  /** The README's strategy; `extra` adds the strategy-level options some apps use. */
  const strategy = (extra: object = {}) =>
    new GitHubStrategy(
      {
        clientID: PASSPORT_APP.clientId,
        clientSecret: PASSPORT_APP.clientSecret,
        callbackURL: 'http://127.0.0.1:3000/auth/github/callback',
        authorizationURL: `${twin.url}/login/oauth/authorize`,
        tokenURL: `${twin.url}/login/oauth/access_token`,
        userProfileURL: `${twin.url}/user`,
        userEmailURL: `${twin.url}/user/emails`,
        ...extra,
      },
      (_accessToken: string, _refreshToken: string, profile: Profile, done: (err: unknown, user?: Profile) => void) => done(null, profile),
    );

  /** `/auth/github` with `{ scope: ['user:email'] }`, the twin's approval, then `/auth/github/callback`. */
  async function signIn(s: GitHubStrategy): Promise<Outcome> {
    const first = await runStrategy(s, {}, { scope: ['user:email'] });
    if (!('redirect' in first)) throw new Error(`no redirect: ${JSON.stringify(first)}`);
    const url = new URL(first.redirect);
    expect(`${url.origin}${url.pathname}`).toBe(`${twin.url}/login/oauth/authorize`);
    expect(url.searchParams.get('scope')).toBe('user:email');
    const back = await approve(first.redirect);
    return runStrategy(s, { code: back.get('code')! });
  }

  it('signs octocat in: code exchange with the body’s credentials, then GET /user with its User-Agent', async () => {
    const outcome = await signIn(strategy());
    if (!('user' in outcome)) throw new Error(`not signed in: ${JSON.stringify(outcome)}`);
    expect(outcome.user).toMatchObject({ provider: 'github', id: '583231', username: 'octocat', displayName: 'The Octocat' });
    const user = twin.twin.journal.find({ path: '/user' }).at(-1)!;
    expect(user.status).toBe(200);
  });

  it('with scope user:email on the strategy too, reads the primary address from GET /user/emails', async () => {
    const outcome = await signIn(strategy({ scope: ['user:email'] }));
    if (!('user' in outcome)) throw new Error(`not signed in: ${JSON.stringify(outcome)}`);
    expect(outcome.user.emails).toEqual([{ value: 'octocat@github.com' }]);
    expect(twin.twin.journal.find({ path: '/user/emails' }).at(-1)?.status).toBe(200);
  });

  it('fails with “Failed to fetch user emails” when the token lacks user:email, as against GitHub', async () => {
    const s = strategy({ scope: ['user:email'] });
    // The person granted less than asked: the authorize request names only read:user.
    const first = await runStrategy(s, {}, { scope: ['read:user'] });
    if (!('redirect' in first)) throw new Error('no redirect');
    const back = await approve(first.redirect);
    const outcome = await runStrategy(s, { code: back.get('code')! });
    expect('error' in outcome && outcome.error.message).toBe('Failed to fetch user emails');
    expect(twin.twin.journal.find({ path: '/user/emails' }).at(-1)).toMatchObject({ status: 404, error: 'emails_not_found' });
  });
});

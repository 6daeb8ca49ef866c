import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { OCTOCAT, OCTOCAT_TOKEN } from './fixtures.ts';
import { CI_BOT, codeFor, exchangeBody, formPost, jsonPost } from './test-helpers.ts';

const BAD_CREDENTIALS = { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' };
const auth = (v: string) => ({ headers: { authorization: v } });

async function tokenFor(app: ReturnType<typeof createApp>['app'], scope = 'read:user'): Promise<string> {
  const code = await codeFor(app, CI_BOT, { scope });
  const body = (await (await app.request('/login/oauth/access_token', formPost(exchangeBody(CI_BOT, code), { accept: 'application/json' }))).json()) as {
    access_token: string;
  };
  return body.access_token;
}

describe('GET /user', () => {
  it('answers the token’s user with GitHub’s field set, for Bearer and token schemes', async () => {
    const { app } = createApp();
    const token = await tokenFor(app);
    for (const scheme of ['Bearer', 'token', 'bearer']) {
      const res = await app.request('/user', auth(`${scheme} ${token}`));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-oauth-scopes')).toBe('read:user');
      const user = (await res.json()) as Record<string, unknown>;
      expect(user).toMatchObject({ login: 'octocat', id: OCTOCAT.id, type: 'User', site_admin: false, name: 'The Octocat', email: OCTOCAT.email });
      for (const field of ['node_id', 'avatar_url', 'gravatar_id', 'url', 'html_url', 'repos_url', 'public_repos', 'followers', 'created_at', 'updated_at']) {
        expect(user).toHaveProperty(field);
      }
      expect(user).not.toHaveProperty('plan');
    }
  });

  it('adds the private fields only for a token with user scope', async () => {
    const { app } = createApp();
    const user = (await (await app.request('/user', auth(`Bearer ${await tokenFor(app, 'user')}`))).json()) as Record<string, unknown>;
    expect(user).toHaveProperty('plan');
    expect(user).toHaveProperty('two_factor_authentication', true);
  });

  it('refuses the doc’s ?access_token= form with 401 Bad credentials, even for a live token', async () => {
    const { app } = createApp();
    const token = await tokenFor(app);
    const res = await app.request(`/user?access_token=${token}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(BAD_CREDENTIALS);
  });

  it('says Requires authentication without a header, Bad credentials for an unknown token or a refresh token', async () => {
    const { app } = createApp();
    const none = await app.request('/user');
    expect(none.status).toBe(401);
    expect(((await none.json()) as { message: string }).message).toBe('Requires authentication');
    expect(await (await app.request('/user', auth('Bearer gho_nope'))).json()).toEqual(BAD_CREDENTIALS);
    expect((await app.request('/user', auth('Basic abc'))).status).toBe(401);
  });

  it('serves the ready-made fixture token', async () => {
    const { app } = createApp();
    expect((await app.request('/user', auth(`token ${OCTOCAT_TOKEN.token}`))).status).toBe(200);
  });

  it('answers unknown API paths with GitHub’s 404 body', async () => {
    const { app } = createApp();
    const res = await app.request('/repos/octocat/hello');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
  });
});

describe('admin: revoke and expire tokens', () => {
  it('a revoked token gets 401 Bad credentials; listing shows it revoked', async () => {
    const { app } = createApp();
    const token = await tokenFor(app);
    const res = await app.request('/__admin/oauth/tokens/revoke', jsonPost({ token }));
    expect(await res.json()).toEqual({ revoked: 1 });
    expect(await (await app.request('/user', auth(`Bearer ${token}`))).json()).toEqual(BAD_CREDENTIALS);
    const { tokens } = (await (await app.request(`/__admin/oauth/tokens?client_id=${CI_BOT.clientId}`)).json()) as { tokens: Record<string, unknown>[] };
    expect(tokens).toEqual([expect.objectContaining({ token, revoked: true, live: false, kind: 'access', login: 'octocat' })]);
  });

  it('revokes every token of a user, and expires tokens that would never expire on GitHub', async () => {
    const { app } = createApp();
    const a = await tokenFor(app);
    const b = await tokenFor(app);
    expect(await (await app.request('/__admin/oauth/tokens/expire', jsonPost({ token: a }))).json()).toEqual({ expired: 1 });
    expect((await app.request('/user', auth(`Bearer ${a}`))).status).toBe(401);
    expect((await app.request('/user', auth(`Bearer ${b}`))).status).toBe(200);
    const all = (await (await app.request('/__admin/oauth/tokens/revoke', jsonPost({ login: 'octocat' }))).json()) as { revoked: number };
    expect(all.revoked).toBe(3); // b, the fixture token, and the expired a
    expect((await app.request('/user', auth(`Bearer ${b}`))).status).toBe(401);
  });

  it('refuses an empty selector', async () => {
    const { app } = createApp();
    expect((await app.request('/__admin/oauth/tokens/revoke', jsonPost({}))).status).toBe(400);
  });

  it('lists outstanding codes with their expiry', async () => {
    const { app } = createApp();
    const code = await codeFor(app);
    const { codes } = (await (await app.request('/__admin/oauth/codes')).json()) as { codes: Record<string, unknown>[] };
    expect(codes).toEqual([expect.objectContaining({ code, clientId: CI_BOT.clientId, login: 'octocat', pkce: false })]);
  });
});

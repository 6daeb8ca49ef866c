import { describe, expect, it } from 'vitest';
import { defaultFixtures, HUBOT, OCTOCAT, OCTOCAT_TOKEN } from '../fixtures.ts';
import { createApp } from '../server.ts';
import { bearer, tokenFor, UA } from '../test-helpers.ts';

describe('GET /user', () => {
  it('answers the token’s user with GitHub’s field set, for Bearer and token schemes', async () => {
    const { app } = createApp();
    const token = await tokenFor(app);
    for (const scheme of ['Bearer', 'token', 'bearer']) {
      const res = await app.request('/user', { headers: { authorization: `${scheme} ${token}`, ...UA } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-oauth-scopes')).toBe('read:user');
      expect(res.headers.get('x-accepted-oauth-scopes')).toBe('');
      expect(res.headers.get('x-github-media-type')).toBe('github.v3; format=json');
      const user = (await res.json()) as Record<string, unknown>;
      expect(user).toMatchObject({
        login: 'octocat',
        id: OCTOCAT.id,
        type: 'User',
        site_admin: false,
        name: 'The Octocat',
        email: OCTOCAT.email,
      });
      expect(user).not.toHaveProperty('plan');
      expect(user).not.toHaveProperty('notification_email');
    }
  });

  it('fills every public field from the fixtures, URLs at the twin’s own origin', async () => {
    const { app } = createApp();
    const res = await app.request('http://twin.test:4040/user', bearer(OCTOCAT_TOKEN.token));
    const base = 'http://twin.test:4040/users/octocat';
    expect(await res.json()).toEqual({
      login: 'octocat',
      id: 583231,
      node_id: 'MDQ6VXNlcjU4MzIzMQ',
      avatar_url: 'https://avatars.githubusercontent.com/u/583231?v=4',
      gravatar_id: '',
      url: base,
      html_url: 'https://github.com/octocat',
      followers_url: `${base}/followers`,
      following_url: `${base}/following{/other_user}`,
      gists_url: `${base}/gists{/gist_id}`,
      starred_url: `${base}/starred{/owner}{/repo}`,
      subscriptions_url: `${base}/subscriptions`,
      organizations_url: `${base}/orgs`,
      repos_url: `${base}/repos`,
      events_url: `${base}/events{/privacy}`,
      received_events_url: `${base}/received_events`,
      type: 'User',
      user_view_type: 'public',
      site_admin: false,
      name: 'The Octocat',
      company: '@github',
      blog: 'https://github.blog',
      location: 'San Francisco',
      email: 'octocat@github.com',
      hireable: null,
      bio: null,
      twitter_username: null,
      public_repos: 8,
      public_gists: 0,
      followers: 9999,
      following: 9,
      created_at: '2011-01-25T18:44:36Z',
      updated_at: '2011-01-25T18:44:36Z',
    });
  });

  it('adds the private fields only for a token with user scope', async () => {
    const { app } = createApp();
    const res = await app.request('/user', bearer(await tokenFor(app, 'repo user')));
    expect(res.headers.get('x-oauth-scopes')).toBe('repo, user');
    const user = (await res.json()) as Record<string, unknown>;
    expect(user).toMatchObject({
      user_view_type: 'private',
      notification_email: OCTOCAT.email,
      private_gists: 0,
      total_private_repos: 0,
      owned_private_repos: 0,
      disk_usage: 0,
      collaborators: 0,
      two_factor_authentication: true,
      plan: { name: 'free', space: 976562499, collaborators: 0, private_repos: 10000 },
    });
    // `read:user` is not `user`.
    expect(await (await app.request('/user', bearer(await tokenFor(app, 'read:user user:email')))).json()).not.toHaveProperty('plan');
  });

  it('an empty scope reports an empty X-OAuth-Scopes', async () => {
    const { app } = createApp();
    const res = await app.request('/user', bearer(await tokenFor(app, '')));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-oauth-scopes')).toBe('');
  });

  it('finds the user whatever the case of the token’s login', async () => {
    const { app, twin } = createApp();
    twin.state.tokens.set('gho_Upper', { ...twin.state.tokens.get(OCTOCAT_TOKEN.token)!, token: 'gho_Upper', login: 'HUBOT' });
    expect(await (await app.request('/user', bearer('gho_Upper'))).json()).toMatchObject({ login: HUBOT.login, id: HUBOT.id });
  });

  it('serves the other default users’ profiles', async () => {
    const f = defaultFixtures();
    for (const login of ['hubot', 'unverified-user']) f.tokens.push({ ...OCTOCAT_TOKEN, token: `gho_${login}`, login });
    const { app } = createApp({ fixtures: f });
    expect(await (await app.request('/user', bearer('gho_hubot'))).json()).toMatchObject({
      login: 'hubot',
      site_admin: false,
      name: 'Hubot',
      email: 'hubot@github.com',
      company: '@github',
      blog: '',
      bio: 'I am a robot.',
      created_at: '2010-11-09T20:10:32Z',
    });
    expect(await (await app.request('/user', bearer('gho_unverified-user'))).json()).toMatchObject({
      login: 'unverified-user',
      site_admin: false,
      name: 'Unverified User',
      company: null,
      blog: '',
      email: 'unverified@example.com',
      created_at: '2024-01-01T00:00:00Z',
    });
  });
});

describe('GET /user/emails', () => {
  it('lists the user’s addresses in GitHub’s shape for a token with user:email', async () => {
    const { app } = createApp();
    const res = await app.request('/user/emails', bearer(await tokenFor(app, 'read:user user:email')));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-oauth-scopes')).toBe('read:user, user:email');
    expect(res.headers.get('x-accepted-oauth-scopes')).toBe('user, user:email');
    expect(await res.json()).toEqual([
      { email: 'octocat@github.com', primary: true, verified: true, visibility: 'public' },
      { email: '583231+octocat@users.noreply.github.com', primary: false, verified: true, visibility: null },
    ]);
  });

  it('the user scope includes user:email', async () => {
    const { app } = createApp();
    expect((await app.request('/user/emails', bearer(await tokenFor(app, 'user')))).status).toBe(200);
  });

  it('answers 404 Not Found to a token without user:email or user, as GitHub does', async () => {
    const { app, twin } = createApp();
    for (const scope of ['read:user', '', 'repo']) {
      const res = await app.request('/user/emails', bearer(await tokenFor(app, scope)));
      expect(res.status, scope).toBe(404);
      expect(res.headers.get('x-accepted-oauth-scopes')).toBe('user, user:email');
      // The token's own scopes, so the client sees why.
      expect(res.headers.get('x-oauth-scopes'), scope).toBe(scope);
      expect(await res.json()).toEqual({
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest/users/emails#list-email-addresses-for-the-authenticated-user',
        status: '404',
      });
    }
    expect(twin.journal.find({ path: '/user/emails' }).at(-1)).toMatchObject({
      error: 'emails_not_found',
      notes: { scope: 'the token has neither user:email nor user' },
    });
  });

  it('reports an unverified primary address as unverified, and the noreply address as primary when there is no other', async () => {
    const f = defaultFixtures();
    f.users = f.users.map((u) => (u.login === 'hubot' ? { ...u, email: null } : u));
    f.tokens.push(
      { ...OCTOCAT_TOKEN, token: 'gho_unverified', login: 'unverified-user', scope: 'user:email' },
      { ...OCTOCAT_TOKEN, token: 'gho_hubot', login: 'hubot', scope: 'user:email' },
    );
    const { app } = createApp({ fixtures: f });
    expect((await (await app.request('/user/emails', bearer('gho_unverified'))).json())[0]).toEqual({
      email: 'unverified@example.com',
      primary: true,
      verified: false,
      visibility: 'public',
    });
    expect(await (await app.request('/user/emails', bearer('gho_hubot'))).json()).toEqual([
      { email: '480938+hubot@users.noreply.github.com', primary: true, verified: true, visibility: null },
    ]);
  });

  it('needs a live token like /user', async () => {
    const { app } = createApp();
    expect((await app.request('/user/emails', bearer('gho_nope'))).status).toBe(401);
    expect((await app.request('/user/emails', { headers: UA })).status).toBe(401);
  });
});

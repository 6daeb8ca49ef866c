import { Hono } from 'hono';
import { tokenOf } from '../auth.ts';
import type { OAuthEnv } from '../context.ts';
import type { OAuthUser } from '../fixtures.ts';
import type { components } from '../generated/openapi.ts';

type User = components['schemas']['User'];

/** GitHub's field set for a user; the private fields only for a token with `user` scope. */
function apiUser(origin: string, u: OAuthUser, withPrivate: boolean): User {
  const url = `${origin}/users/${u.login}`;
  const nodeId = Buffer.from(`04:User${u.id}`).toString('base64').replaceAll('=', '');
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId,
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `https://github.com/${u.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: u.type,
    user_view_type: withPrivate ? 'private' : 'public',
    site_admin: u.siteAdmin,
    name: u.name,
    company: u.company,
    blog: u.blog,
    location: u.location,
    email: u.email,
    hireable: null,
    bio: u.bio,
    twitter_username: null,
    ...(withPrivate && { notification_email: u.email }),
    public_repos: u.publicRepos,
    public_gists: 0,
    followers: u.followers,
    following: u.following,
    created_at: u.createdAt,
    updated_at: u.createdAt,
    ...(withPrivate && {
      private_gists: 0,
      total_private_repos: 0,
      owned_private_repos: 0,
      disk_usage: 0,
      collaborators: 0,
      two_factor_authentication: true,
      plan: { name: 'free', space: 976562499, collaborators: 0, private_repos: 10000 },
    }),
  };
}

/** `/user`: the authenticated user (the kit's `authenticate` hook, auth.ts, has admitted the token). */
export const userRoutes = new Hono<OAuthEnv>().get('/', (c) => {
  const { state } = c.get('twin');
  const t = tokenOf(c)!;
  const user = state.users.get(t.login.toLowerCase())!;
  // Normalised at issue: comma-separated, no blanks ('' for none).
  const scopes = t.scope.split(',');
  return c.json(apiUser(new URL(c.req.url).origin, user, scopes.includes('user')), 200, {
    'x-oauth-scopes': scopes.join(', '),
    'x-accepted-oauth-scopes': '',
    'x-github-media-type': 'github.v3; format=json',
  });
});

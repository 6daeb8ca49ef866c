import { Hono } from 'hono';
import { tokenOf } from '../auth.ts';
import type { OAuthContext, OAuthEnv } from '../context.ts';
import { oauthErrors } from '../errors.ts';
import type { OAuthUser } from '../fixtures.ts';
import type { components } from '../generated/openapi.ts';

type User = components['schemas']['User'];
type SimpleUser = components['schemas']['SimpleUser'];
type Email = components['schemas']['Email'];

/** GitHub's `simple-user`: who a user is, with the API URLs at the twin's own origin. */
export function simpleUser(origin: string, u: OAuthUser): SimpleUser {
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
    user_view_type: 'public',
    site_admin: u.siteAdmin,
  };
}

/** GitHub's field set for a user; the private fields only for a token with `user` scope. */
function apiUser(origin: string, u: OAuthUser, withPrivate: boolean): User {
  return {
    ...simpleUser(origin, u),
    user_view_type: withPrivate ? 'private' : 'public',
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

/**
 * A user's addresses as `GET /user/emails` lists them: the fixture's email (primary, verified as the fixture says,
 * public) and GitHub's noreply address (verified, no visibility), which is primary only when there is no other.
 */
export function userEmails(u: OAuthUser): Email[] {
  const noreply: Email = {
    email: `${u.id}+${u.login}@users.noreply.github.com`,
    primary: u.email === null,
    verified: true,
    visibility: null,
  };
  return u.email === null ? [noreply] : [{ email: u.email, primary: true, verified: u.emailVerified, visibility: 'public' }, noreply];
}

/** The token (admitted by the kit's `authenticate` hook, auth.ts), its user, and its scopes. */
function caller(c: OAuthContext): { user: OAuthUser; scopes: string[] } {
  const t = tokenOf(c)!;
  // Normalised at issue: comma-separated, no blanks ('' for none).
  return { user: c.get('twin').state.users.get(t.login.toLowerCase())!, scopes: t.scope.split(',') };
}

const MEDIA = { 'x-github-media-type': 'github.v3; format=json' };

/** `/user` and `/user/emails`: the authenticated user and their addresses. */
export const userRoutes = new Hono<OAuthEnv>()
  .get('/', (c) => {
    const { user, scopes } = caller(c);
    return c.json(apiUser(new URL(c.req.url).origin, user, scopes.includes('user')), 200, {
      'x-oauth-scopes': scopes.join(', '),
      'x-accepted-oauth-scopes': '',
      ...MEDIA,
    });
  })
  .get('/emails', (c) => {
    const { user, scopes } = caller(c);
    const headers = { 'x-oauth-scopes': scopes.join(', '), 'x-accepted-oauth-scopes': 'user, user:email', ...MEDIA };
    // `user` includes `user:email` (https://docs.github.com/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps).
    if (!scopes.includes('user:email') && !scopes.includes('user')) {
      c.get('notes').scope = 'the token has neither user:email nor user';
      return oauthErrors.raise('emails_not_found', { headers: { 'x-oauth-scopes': headers['x-oauth-scopes'] } });
    }
    return c.json(userEmails(user), 200, headers);
  });

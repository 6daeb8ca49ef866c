import type { TwinEnv } from '@doppel/mock-kit';
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { OAuthFixtures, OAuthUser } from '../fixtures.ts';
import { oauthErrors } from '../errors.ts';
import { isLive, type OAuthState, type TokenRecord } from '../state.ts';

type Env = TwinEnv<OAuthFixtures, OAuthState>;
type Ctx = Context<Env>;

/** The token of `Authorization: Bearer <t>` or `Authorization: token <t>`, if any. */
export function presentedToken(c: Context): string | undefined {
  const m = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  return m?.[1];
}

/**
 * The API host's authentication: the `?access_token=` query form is refused outright (GitHub since
 * 2021-09-08), no header → Requires authentication, anything but a live access token → Bad credentials.
 */
export async function authenticateApi(c: Ctx): Promise<TokenRecord> {
  if (c.req.query('access_token') !== undefined) {
    c.get('notes').auth = 'the ?access_token= query parameter is no longer accepted';
    return oauthErrors.raise(c, 'bad_credentials');
  }
  if (c.req.header('authorization') === undefined) return oauthErrors.raise(c, 'requires_authentication');
  const value = presentedToken(c);
  const t = value ? c.get('twin').state.tokens.get(value) : undefined;
  if (t?.kind !== 'access' || !isLive(t, c.get('twin').clock)) {
    c.get('notes').auth = !t ? 'unknown token' : t.revoked ? 'revoked token' : t.kind !== 'access' ? 'refresh token used as access token' : 'expired token';
    return oauthErrors.raise(c, 'bad_credentials');
  }
  if (!c.get('twin').state.users.has(t.login.toLowerCase())) return oauthErrors.raise(c, 'bad_credentials');
  return t;
}

function apiUser(origin: string, u: OAuthUser, withPrivate: boolean) {
  const url = `${origin}/users/${u.login}`;
  const nodeId = Buffer.from(`04:User${u.id}`).toString('base64').replace(/=+$/, '');
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

export const userRoutes = new Hono<Env>();

userRoutes.get('/user', async (c: Ctx) => {
  const t = await authenticateApi(c);
  const user = c.get('twin').state.users.get(t.login.toLowerCase())!;
  const scopes = t.scope.split(',').filter(Boolean);
  const body = apiUser(new URL(c.req.url).origin, user, scopes.includes('user'));
  return c.json(body, 200, {
    'x-oauth-scopes': scopes.join(', '),
    'x-accepted-oauth-scopes': '',
    'x-github-media-type': 'github.v3; format=json',
  });
});

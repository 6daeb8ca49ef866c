import type { TwinEnv } from '@doppel/mock-kit';
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { OAuthApp, OAuthFixtures, OAuthUser } from '../fixtures.ts';
import { oauthErrors } from '../errors.ts';
import { type ConsentParams, consentPage, notFoundPage } from '../pages.ts';
import { redirectAllowed, withParams } from '../redirect.ts';
import { CODE_TTL_MS, newCode, normaliseScope, type OAuthState } from '../state.ts';

type Env = TwinEnv<OAuthFixtures, OAuthState>;
type Ctx = Context<Env>;

interface Checked {
  app: OAuthApp;
  p: ConsentParams;
  /** Where the user goes back to. */
  target: string;
}

function read(c: Ctx): ConsentParams & { decision?: string; password?: string } {
  const body = c.get('body') && typeof c.get('body') === 'object' ? (c.get('body') as Record<string, unknown>) : {};
  const get = (k: string) => {
    const v = c.req.method === 'GET' ? c.req.query(k) : body[k];
    return typeof v === 'string' ? v : undefined;
  };
  return {
    clientId: get('client_id') ?? '',
    redirectUri: get('redirect_uri'),
    scope: get('scope'),
    state: get('state'),
    login: get('login'),
    codeChallenge: get('code_challenge'),
    codeChallengeMethod: get('code_challenge_method'),
    decision: get('decision'),
    password: get('password'),
  };
}

/** The checks GitHub makes before it shows the page, in its order. A Response means "stop here". */
async function check(c: Ctx, p: ConsentParams): Promise<Checked | Response> {
  const app = c.get('twin').state.apps.get(p.clientId);
  if (!app) return c.html(notFoundPage(), 404);
  if (app.suspended) return oauthErrors.response(c, 'authorize_application_suspended');
  if (p.redirectUri !== undefined && !redirectAllowed(app, p.redirectUri)) {
    return oauthErrors.response(c, 'authorize_redirect_uri_mismatch');
  }
  const pkceProblem =
    (p.codeChallenge !== undefined) !== (p.codeChallengeMethod !== undefined) ||
    (p.codeChallengeMethod !== undefined && p.codeChallengeMethod !== 'S256') ||
    (p.codeChallenge !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(p.codeChallenge));
  if (pkceProblem) return oauthErrors.response(c, 'authorize_invalid_request');
  return { app, p, target: p.redirectUri ?? app.callbackUrls[0]! };
}

function approve(c: Ctx, { app, p, target }: Checked, user: OAuthUser): Response {
  const code = newCode();
  c.get('twin').state.codes.set(code, {
    code,
    clientId: app.clientId,
    login: user.login,
    scope: normaliseScope(p.scope),
    redirectUri: p.redirectUri ?? null,
    codeChallenge: p.codeChallenge ?? null,
    expiresAt: c.get('twin').clock.now() + CODE_TTL_MS,
  });
  c.get('notes').approvedAs = user.login;
  return c.redirect(withParams(target, { code, state: p.state }), 302);
}

function autoApprove(c: Ctx, app: OAuthApp): boolean {
  const asked = c.req.query('doppel_auto_approve') ?? c.req.header('x-doppel-auto-approve');
  if (asked === 'true') return true;
  if (asked === 'false') return false;
  return app.autoApprove;
}

function findUser(c: Ctx, loginOrEmail: string | undefined): OAuthUser | undefined {
  if (!loginOrEmail) return undefined;
  const key = loginOrEmail.toLowerCase();
  const users = c.get('twin').state.users;
  return users.get(key) ?? [...users.values()].find((u) => u.email?.toLowerCase() === key);
}

export const authorizeRoutes = new Hono<Env>();

authorizeRoutes.get('/login/oauth/authorize', async (c) => {
  const p = read(c);
  const checked = await check(c, p);
  if (checked instanceof Response) return checked;
  if (autoApprove(c, checked.app)) {
    const user = findUser(c, p.login) ?? findUser(c, c.get('twin').fixtures.defaultLogin);
    if (user) return approve(c, checked, user);
  }
  return c.html(consentPage(checked.app, p, checked.target));
});

authorizeRoutes.post('/login/oauth/authorize', async (c) => {
  const p = read(c);
  const checked = await check(c, p);
  if (checked instanceof Response) return checked;
  if (p.decision === 'cancel') return oauthErrors.response(c, 'authorize_access_denied');
  const user = findUser(c, p.login);
  if (!user || user.password !== p.password) {
    return c.html(consentPage(checked.app, p, checked.target, 'Incorrect username or password.'));
  }
  return approve(c, checked, user);
});

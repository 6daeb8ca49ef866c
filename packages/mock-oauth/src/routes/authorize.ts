import { Hono } from 'hono';
import type { OAuthContext, OAuthEnv } from '../context.ts';
import { oauthErrors } from '../errors.ts';
import type { OAuthClient, OAuthUser } from '../fixtures.ts';
import type { operations } from '../generated/openapi.ts';
import { type ConsentParams, consentPage, sendPage } from '../pages.ts';
import { redirectAllowed, withParams } from '../redirect.ts';
import { CODE_TTL_MS, newCode, normaliseScope } from '../tokens.ts';

type Query = NonNullable<operations['authorize']['parameters']['query']>;
type Consent = operations['submitConsent']['requestBody']['content']['application/x-www-form-urlencoded'];
type Field = keyof Query | keyof Consent;

interface Checked {
  app: OAuthClient;
  p: ConsentParams;
  /** Where the user goes back to. */
  target: string;
}

/**
 * The parameters: from the consent form on POST (the spec admits only a form, so every field is a string), else
 * from the query.
 */
function read(c: OAuthContext): ConsentParams & { decision?: string; password?: string } {
  const f = (c.req.method === 'POST' ? c.get('body') : c.req.query()) as Partial<Record<Field, string>>;
  return {
    clientId: f.client_id ?? '',
    redirectUri: f.redirect_uri,
    scope: f.scope,
    state: f.state,
    login: f.login,
    codeChallenge: f.code_challenge,
    codeChallengeMethod: f.code_challenge_method,
    decision: f.decision,
    password: f.password,
  };
}

const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** The checks GitHub makes before it shows the page, in its order; each failure raises GitHub's answer. */
function check(c: OAuthContext, p: ConsentParams): Checked {
  const app = c.get('twin').state.apps.get(p.clientId);
  if (!app) return oauthErrors.raise('authorize_unknown_client');
  if (app.suspended) return oauthErrors.raise('authorize_application_suspended');
  if (p.redirectUri !== undefined && !redirectAllowed(app, p.redirectUri)) return oauthErrors.raise('authorize_redirect_uri_mismatch');
  const pkceProblem =
    (p.codeChallenge === undefined) !== (p.codeChallengeMethod === undefined) ||
    (p.codeChallengeMethod !== undefined && p.codeChallengeMethod !== 'S256') ||
    (p.codeChallenge !== undefined && !PKCE_CHALLENGE.test(p.codeChallenge));
  if (pkceProblem) return oauthErrors.raise('authorize_invalid_request');
  return { app, p, target: p.redirectUri ?? app.callbackUrls[0]! };
}

function approve(c: OAuthContext, { app, p, target }: Checked, user: OAuthUser): Response {
  const { state, clock } = c.get('twin');
  const code = newCode();
  state.codes.set(code, {
    code,
    clientId: app.clientId,
    login: user.login,
    scope: normaliseScope(p.scope),
    redirectUri: p.redirectUri ?? null,
    codeChallenge: p.codeChallenge ?? null,
    expiresAt: clock.now() + CODE_TTL_MS,
  });
  c.get('notes').approvedAs = user.login;
  return c.redirect(withParams(target, { code, state: p.state }), 302);
}

/** Per request (`doppel_auto_approve`, `x-doppel-auto-approve`), else the client's `autoApprove`. */
function autoApprove(c: OAuthContext, app: OAuthClient): boolean {
  const asked = c.req.query('doppel_auto_approve') ?? c.req.header('x-doppel-auto-approve');
  return asked === undefined ? app.autoApprove : asked === 'true';
}

/** A user by login or email address, case-insensitively. */
function findUser(c: OAuthContext, loginOrEmail: string | undefined): OAuthUser | undefined {
  if (loginOrEmail === undefined) return undefined;
  const key = loginOrEmail.toLowerCase();
  const users = c.get('twin').state.users;
  return users.get(key) ?? [...users.values()].find((u) => u.email?.toLowerCase() === key);
}

/** `/login/oauth/authorize`: the sign-in and consent page (GET) and its form (POST). */
export const authorizeRoutes = new Hono<OAuthEnv>()
  .get('/', (c) => {
    const p = read(c);
    const checked = check(c, p);
    if (autoApprove(c, checked.app)) {
      const user = findUser(c, p.login) ?? findUser(c, c.get('twin').fixtures.defaultLogin);
      if (user) return approve(c, checked, user);
    }
    return sendPage(c, consentPage(checked.app, p, checked.target));
  })
  .post('/', (c) => {
    const p = read(c);
    const checked = check(c, p);
    if (p.decision === 'cancel') return oauthErrors.raise('authorize_access_denied');
    const user = findUser(c, p.login);
    if (!user || user.password !== p.password) {
      c.get('notes').signIn = 'incorrect username or password';
      return sendPage(c, consentPage(checked.app, p, checked.target, 'Incorrect username or password.'));
    }
    return approve(c, checked, user);
  });

import { defineErrors, type ErrorTemplate, type TwinContext } from '@doppel/mock-kit';
import type { Context } from 'hono';
import type { OAuthFixtures } from './fixtures.ts';
import { reply } from './format.ts';
import { notFoundPage } from './pages.ts';
import { redirectAllowed, withParams } from './redirect.ts';
import type { OAuthState } from './state.ts';

type Ctx = TwinContext<OAuthFixtures, OAuthState>;

const TOKEN_DOCS = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors';
const AUTHORIZE_DOCS = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors';
const REFRESH_DOCS = 'https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens';

/** The authorize parameters, from the query (GET) or the consent form (POST). */
export function authorizeParams(c: Context): Record<string, string | undefined> {
  const body = (c as Ctx).var.body;
  const fields = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const get = (k: string) => {
    const v = c.req.query(k) ?? fields[k];
    return typeof v === 'string' ? v : undefined;
  };
  return {
    client_id: get('client_id'),
    redirect_uri: get('redirect_uri'),
    state: get('state'),
  };
}

/**
 * Authorize errors are redirects back to the application with `error`, `error_description`, `error_uri`
 * and `state`. The target is the request's redirect_uri when the app allows it, else the app's first
 * registered callback URL (always so for redirect_uri_mismatch).
 */
function authorizeTemplate(error: string, description: string, anchor: string, what: string): ErrorTemplate {
  return {
    description: what,
    status: 302,
    body: { error, error_description: description, error_uri: `${AUTHORIZE_DOCS}/#${anchor}` },
    respond(c, body) {
      const p = authorizeParams(c);
      const app = p.client_id ? (c as Ctx).var.twin.state.apps.get(p.client_id) : undefined;
      let target: string | undefined;
      if (app) {
        const asked = p.redirect_uri;
        target = asked && error !== 'redirect_uri_mismatch' && redirectAllowed(app, asked) ? asked : app.callbackUrls[0];
      } else if (p.redirect_uri && URL.canParse(p.redirect_uri)) {
        target = p.redirect_uri;
      }
      if (!target) return c.html(notFoundPage(), 404);
      const fields = body as Record<string, string>;
      return c.redirect(withParams(target, { ...fields, state: p.state }), 302);
    },
  };
}

function tokenTemplate(error: string, description: string, uri: string, what: string): ErrorTemplate {
  return {
    description: what,
    status: 200,
    body: { error, error_description: description, error_uri: uri },
    respond: (c, body) => reply(c, body as Record<string, string>),
  };
}

function apiTemplate(message: string, documentationUrl: string, what: string): ErrorTemplate {
  return {
    description: what,
    status: 401,
    body: { message, documentation_url: documentationUrl, status: '401' },
    headers: { 'x-github-media-type': 'github.v3; format=json' },
  };
}

export const oauthErrors = defineErrors({
  authorize_access_denied: authorizeTemplate(
    'access_denied',
    'The user has denied your application access.',
    'access-denied',
    'Authorize: the user cancelled (redirect with error=access_denied)',
  ),
  authorize_redirect_uri_mismatch: authorizeTemplate(
    'redirect_uri_mismatch',
    'The redirect_uri MUST match the registered callback URL for this application.',
    'redirect-uri-mismatch',
    'Authorize: redirect_uri not under a registered callback URL (redirect to the registered one)',
  ),
  authorize_application_suspended: authorizeTemplate(
    'application_suspended',
    'Your application has been suspended. Contact support@github.com.',
    'application-suspended',
    'Authorize: the application is suspended',
  ),
  authorize_invalid_request: authorizeTemplate(
    'invalid_request',
    'code_challenge and code_challenge_method=S256 must be sent together; only S256 is supported.',
    'invalid-request',
    'Authorize: bad PKCE parameters (twin choice: GitHub does not document this case)',
  ),
  bad_verification_code: tokenTemplate(
    'bad_verification_code',
    'The code passed is incorrect or expired.',
    `${TOKEN_DOCS}/#bad-verification-code`,
    'Token: the code is unknown, used, expired, for another client, or its PKCE verifier does not match',
  ),
  incorrect_client_credentials: tokenTemplate(
    'incorrect_client_credentials',
    'The client_id and/or client_secret passed are incorrect.',
    `${TOKEN_DOCS}/#incorrect-client-credentials`,
    'Token: unknown client_id or wrong client_secret',
  ),
  redirect_uri_mismatch: tokenTemplate(
    'redirect_uri_mismatch',
    'The redirect_uri MUST match the registered callback URL for this application.',
    `${TOKEN_DOCS}/#redirect-uri-mismatch2`,
    'Token: redirect_uri differs from the one the code was issued for',
  ),
  unverified_user_email: tokenTemplate(
    'unverified_user_email',
    'The user must have a verified primary email.',
    `${TOKEN_DOCS}/#unverified-user-email`,
    'Token: the approving user has no verified primary email',
  ),
  unsupported_grant_type: tokenTemplate(
    'unsupported_grant_type',
    'The grant type is not supported.',
    REFRESH_DOCS,
    'Token: grant_type is neither authorization_code nor refresh_token',
  ),
  bad_refresh_token: tokenTemplate(
    'bad_refresh_token',
    'The refresh token passed is incorrect or expired.',
    REFRESH_DOCS,
    'Refresh: the refresh token is unknown, used, revoked, expired or for another client',
  ),
  bad_credentials: apiTemplate(
    'Bad credentials',
    'https://docs.github.com/rest',
    'API: bad, revoked or expired token, or the ?access_token= query form',
  ),
  requires_authentication: apiTemplate(
    'Requires authentication',
    'https://docs.github.com/rest/users/users#get-the-authenticated-user',
    'API: no Authorization header',
  ),
});

export type OAuthErrorName = keyof typeof oauthErrors.catalogue;

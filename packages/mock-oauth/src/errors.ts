import { defineErrors, type ErrorTemplate } from '@doppel/mock-kit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { OAuthContext } from './context.ts';
import { reply } from './format.ts';
import type { components } from './generated/openapi.ts';
import { badRequestPage, notFoundPage, sendPage } from './pages.ts';
import { redirectAllowed, withParams } from './redirect.ts';

type OAuthError = components['schemas']['OAuthError'];
type ApiError = components['schemas']['ApiError'];

const TOKEN_DOCS = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors';
const AUTHORIZE_DOCS = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors';
const REFRESH_DOCS = 'https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens';
const REST_DOCS = 'https://docs.github.com/rest';
const TOKEN_API_DOCS = 'https://docs.github.com/rest/apps/oauth-applications';

/**
 * GitHub's answer to an API request without `User-Agent` (its REST docs, "User agent required": 403, text/html,
 * https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required).
 */
export const USER_AGENT_REQUIRED =
  'Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). Check https://developer.github.com for other possible causes.';

/** An authorize parameter, from the query or else the consent form's body. Only strings count. */
function authorizeParam(c: OAuthContext, name: string): string | undefined {
  const v = c.req.query(name) ?? (c.get('body') as Record<string, unknown> | null | undefined)?.[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Authorize errors are redirects back to the application with `error`, `error_description`, `error_uri`
 * and `state`. The target is the request's redirect_uri when the app allows it, else the app's first
 * registered callback URL (always so for redirect_uri_mismatch); with no known app, GitHub's 404 page.
 */
function authorizeTemplate(error: string, description: string, anchor: string, what: string): ErrorTemplate {
  return {
    description: what,
    status: 302,
    body: { error, error_description: description, error_uri: `${AUTHORIZE_DOCS}/#${anchor}` },
    respond(ctx, body) {
      const c = ctx as OAuthContext;
      const clientId = authorizeParam(c, 'client_id');
      const asked = authorizeParam(c, 'redirect_uri');
      // Only ever to a callback the app registered: with no known app (a forced error, a rule without a
      // client) there is nothing registered, so GitHub's error page, never a redirect to whatever was asked.
      const app = c.get('twin').state.apps.get(clientId as string);
      const target = app
        ? error !== 'redirect_uri_mismatch' && redirectAllowed(app, asked as string)
          ? asked
          : app.callbackUrls[0]
        : undefined;
      if (!target) return sendPage(c, notFoundPage(), 404);
      return c.redirect(withParams(target, { ...(body as Record<string, string>), state: authorizeParam(c, 'state') }), 302);
    },
  };
}

/** Token endpoint errors: HTTP 200 in the requested format (form, JSON or XML), as GitHub sends them. */
function tokenTemplate(error: OAuthError['error'], description: string, uri: string, what: string): ErrorTemplate {
  const body: OAuthError = { error, error_description: description, error_uri: uri };
  return { description: what, status: 200, body, respond: (c, fields) => reply(c, fields as OAuthError) };
}

/** The API host's JSON errors. */
function apiTemplate(status: number, message: string, documentationUrl: string, what: string): ErrorTemplate {
  const body: ApiError = { message, documentation_url: documentationUrl, status: String(status) };
  return { description: what, status, body, headers: { 'x-github-media-type': 'github.v3; format=json' } };
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
  authorize_unknown_client: {
    description: 'Authorize: unknown or missing client_id (GitHub’s HTML 404 page)',
    status: 404,
    body: notFoundPage(),
    respond: (c, page, status) => sendPage(c, String(page), status as ContentfulStatusCode),
  },
  authorize_bad_request: {
    description: 'Authorize: a parameter fails the spec (the twin’s HTML 400 page listing the problems)',
    status: 400,
    body: { problems: [] as string[] },
    respond: (c, body, status) => sendPage(c, badRequestPage((body as { problems: string[] }).problems), status as ContentfulStatusCode),
  },
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
  bad_credentials: apiTemplate(401, 'Bad credentials', REST_DOCS, 'API: bad, revoked or expired token, or the ?access_token= query form'),
  requires_authentication: apiTemplate(
    401,
    'Requires authentication',
    'https://docs.github.com/rest/users/users#get-the-authenticated-user',
    'API: no Authorization header',
  ),
  user_agent_required: {
    description: 'API: no User-Agent header (GitHub’s 403 “Request forbidden by administrative rules”; fixtures `requireUserAgent`)',
    status: 403,
    body: USER_AGENT_REQUIRED,
    headers: { 'content-type': 'text/html' },
  },
  token_api_not_found: {
    description:
      'API: the token API without Basic client credentials, for another client’s path, or with a token that is not a live one of this client (404 Not Found)',
    status: 404,
    body: { message: 'Not Found', documentation_url: TOKEN_API_DOCS, status: '404' },
    headers: { 'x-github-media-type': 'github.v3; format=json' },
  },
  token_api_bad_credentials: apiTemplate(
    401,
    'Bad credentials',
    REST_DOCS,
    'API: the token API with Basic credentials of an unknown client or a wrong secret',
  ),
  validation_failed: {
    description: 'API: a token API body that fails the spec (GitHub’s 422 Validation Failed)',
    status: 422,
    body: { message: 'Invalid request.', documentation_url: TOKEN_API_DOCS, status: '422' },
    headers: { 'x-github-media-type': 'github.v3; format=json' },
  },
  emails_not_found: {
    description:
      'API: GET /user/emails with a token lacking the user:email (or user) scope (404 Not Found, as GitHub hides what a token may not see)',
    status: 404,
    body: {
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest/users/emails#list-email-addresses-for-the-authenticated-user',
      status: '404',
    },
    headers: { 'x-github-media-type': 'github.v3; format=json', 'x-accepted-oauth-scopes': 'user, user:email' },
  },
  not_found: {
    description: 'API: no such path or method (GitHub’s 404 body)',
    status: 404,
    body: { message: 'Not Found', documentation_url: REST_DOCS, status: '404' },
  },
  payload_too_large: apiTemplate(
    413,
    'Payload Too Large',
    REST_DOCS,
    "API: a request body over the twin's limit (1 MiB unless bodyLimit says otherwise); the connection then closes",
  ),
  server_error: {
    description: 'A defect in the twin itself (GitHub’s 500 body; never expected)',
    status: 500,
    body: { message: 'Server Error', documentation_url: REST_DOCS, status: '500' },
  },
});

export type OAuthErrorName = keyof typeof oauthErrors.catalogue;

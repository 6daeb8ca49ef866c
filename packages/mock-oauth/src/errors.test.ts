import { describe, expect, it } from 'vitest';
import { oauthErrors, USER_AGENT_REQUIRED } from './errors.ts';
import { createApp } from './server.ts';
import { CALLBACK, CI_BOT, formPost, GITHUB_BOT, JSON_ACCEPT, location, TOKEN } from './test-helpers.ts';

const AUTHORIZE_DOCS = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors';
const TOKEN_DOCS = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors';
const REFRESH_DOCS = 'https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens';
const force = (name: string, headers: Record<string, string> = {}) => ({ headers: { 'x-doppel-scenario': name, ...headers } });

describe('authorize errors: redirects back to the application', () => {
  it('each carries GitHub’s error, description, documentation anchor and the state', async () => {
    const { app } = createApp();
    const expected: Record<string, [string, string, string]> = {
      authorize_access_denied: ['access_denied', 'The user has denied your application access.', 'access-denied'],
      authorize_redirect_uri_mismatch: [
        'redirect_uri_mismatch',
        'The redirect_uri MUST match the registered callback URL for this application.',
        'redirect-uri-mismatch',
      ],
      authorize_application_suspended: [
        'application_suspended',
        'Your application has been suspended. Contact support@github.com.',
        'application-suspended',
      ],
      authorize_invalid_request: [
        'invalid_request',
        'code_challenge and code_challenge_method=S256 must be sent together; only S256 is supported.',
        'invalid-request',
      ],
    };
    for (const [name, [error, description, anchor]] of Object.entries(expected)) {
      const res = await app.request(`/login/oauth/authorize?client_id=${CI_BOT.clientId}&state=st`, force(name));
      expect(res.status, name).toBe(302);
      expect(Object.fromEntries(location(res).searchParams), name).toEqual({
        error,
        error_description: description,
        error_uri: `${AUTHORIZE_DOCS}/#${anchor}`,
        state: 'st',
      });
    }
  });

  it('go to a redirect_uri the app allows, else to its first callback; redirect_uri_mismatch always to the callback', async () => {
    const { app } = createApp();
    const target = async (name: string, redirectUri?: string) => {
      const q = new URLSearchParams({ client_id: CI_BOT.clientId, ...(redirectUri && { redirect_uri: redirectUri }) });
      const to = location(await app.request(`/login/oauth/authorize?${q}`, force(name)));
      return `${to.origin}${to.pathname}`;
    };
    expect(await target('authorize_access_denied', `${CALLBACK}/sub`)).toBe(`${CALLBACK}/sub`);
    expect(await target('authorize_access_denied', 'http://evil.example/cb')).toBe(CALLBACK);
    expect(await target('authorize_access_denied')).toBe(CALLBACK);
    expect(await target('authorize_redirect_uri_mismatch', `${CALLBACK}/sub`)).toBe(CALLBACK);
  });

  it('with an unknown client: GitHub’s 404 page, never a redirect (not even to a well-formed redirect_uri)', async () => {
    const { app } = createApp();
    for (const url of [
      '/login/oauth/authorize?client_id=nope&redirect_uri=http://app.example/cb',
      '/login/oauth/authorize?client_id=nope&redirect_uri=not-a-url',
      '/login/oauth/authorize',
    ]) {
      const res = await app.request(url, force('authorize_access_denied'));
      expect(res.status, url).toBe(404);
      expect(res.headers.get('location'), url).toBeNull();
      expect(await res.text()).toContain('This is not the web page you are looking for.');
    }
  });

  it('read the consent form’s fields on a POST', async () => {
    const { app } = createApp();
    const form = formPost(
      { client_id: GITHUB_BOT.clientId, redirect_uri: `${CALLBACK}/x`, state: 'from-form', decision: 'authorize' },
      { 'x-doppel-scenario': 'authorize_access_denied' },
    );
    const to = location(await app.request('/login/oauth/authorize', form));
    expect(to.pathname).toBe('/github/oauth/x');
    expect(to.searchParams.get('state')).toBe('from-form');
  });
});

describe('authorize errors: parameters', () => {
  it('take only string parameters from a body', async () => {
    const { app } = createApp();
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-doppel-scenario': 'authorize_access_denied' },
      body: JSON.stringify({ client_id: CI_BOT.clientId, state: 5 }),
    };
    const to = location(await app.request('/login/oauth/authorize', init));
    expect(to.searchParams.get('error')).toBe('access_denied');
    expect(to.searchParams.has('state')).toBe(false);
  });
});

describe('the other templates', () => {
  it('authorize_unknown_client and authorize_bad_request are HTML pages', async () => {
    const { app } = createApp();
    const missing = await app.request('/login/oauth/authorize', force('authorize_unknown_client'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await missing.text()).toContain('<title>Page not found · GitHub (Doppel twin)</title>');
    const bad = await app.request('/login/oauth/authorize', force('authorize_bad_request'));
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await bad.text()).toContain('<ul></ul>');
  });

  it('token errors: HTTP 200 with error, description and documentation, in the requested format', async () => {
    const { app } = createApp();
    const expected: Record<string, [string, string]> = {
      bad_verification_code: ['The code passed is incorrect or expired.', `${TOKEN_DOCS}/#bad-verification-code`],
      incorrect_client_credentials: [
        'The client_id and/or client_secret passed are incorrect.',
        `${TOKEN_DOCS}/#incorrect-client-credentials`,
      ],
      redirect_uri_mismatch: [
        'The redirect_uri MUST match the registered callback URL for this application.',
        `${TOKEN_DOCS}/#redirect-uri-mismatch2`,
      ],
      unverified_user_email: ['The user must have a verified primary email.', `${TOKEN_DOCS}/#unverified-user-email`],
      unsupported_grant_type: ['The grant type is not supported.', REFRESH_DOCS],
      bad_refresh_token: ['The refresh token passed is incorrect or expired.', REFRESH_DOCS],
    };
    for (const [error, [description, uri]] of Object.entries(expected)) {
      const res = await app.request(TOKEN, { method: 'POST', ...force(error, JSON_ACCEPT) });
      expect(res.status, error).toBe(200);
      expect(await res.json(), error).toEqual({ error, error_description: description, error_uri: uri });
    }
    const form = await app.request(TOKEN, { method: 'POST', ...force('bad_refresh_token') });
    expect(form.headers.get('content-type')).toBe('application/x-www-form-urlencoded; charset=utf-8');
  });

  it('API errors: GitHub’s JSON bodies and media-type header', async () => {
    const { app } = createApp();
    const bad = await app.request('/user', force('bad_credentials'));
    expect(bad.status).toBe(401);
    expect(bad.headers.get('x-github-media-type')).toBe('github.v3; format=json');
    expect(await bad.json()).toEqual({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    const notFound = await app.request('/user', force('not_found'));
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
    const failed = await app.request('/user', force('server_error'));
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ message: 'Server Error', documentation_url: 'https://docs.github.com/rest', status: '500' });
    const forbidden = await app.request('/user', force('user_agent_required'));
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toBe('text/html');
    expect(await forbidden.text()).toBe(USER_AGENT_REQUIRED);
  });

  it('every HTML page forbids framing (X-Frame-Options: deny, CSP frame-ancestors none)', async () => {
    const { app } = createApp();
    for (const name of ['authorize_unknown_client', 'authorize_bad_request']) {
      const res = await app.request('/login/oauth/authorize', force(name));
      expect(res.headers.get('x-frame-options'), name).toBe('deny');
      expect(res.headers.get('content-security-policy'), name).toContain("frame-ancestors 'none'");
    }
    // A forced authorize error with no known app cannot redirect anywhere: GitHub's 404 page, framing forbidden too.
    const page = await app.request('/login/oauth/authorize', force('authorize_access_denied'));
    expect(page.status).toBe(404);
    expect(page.headers.get('x-frame-options')).toBe('deny');
  });

  it('refuse() and raise() carry the template’s name and the overrides', () => {
    const refusal = oauthErrors.refuse('authorize_bad_request', { body: { problems: ['x'] } });
    expect(refusal.errorName).toBe('authorize_bad_request');
    expect(refusal.overrides).toEqual({ body: { problems: ['x'] } });
    expect(() => oauthErrors.raise('not_found')).toThrow(expect.objectContaining({ errorName: 'not_found' }));
  });

  it('describes each error by the step it belongs to', () => {
    for (const [name, template] of Object.entries(oauthErrors.catalogue)) {
      const area = name.startsWith('authorize_') ? 'Authorize: ' : template.status === 200 ? /^(Token|Refresh): / : /^(API: |A defect)/;
      expect(template.description, name).toMatch(area);
      expect(template.description.length, name).toBeGreaterThan(20);
    }
  });

  it('the catalogue lists every GitHub error with its status', async () => {
    const { app } = createApp();
    const { scenarios } = (await (await app.request('/__admin/scenarios')).json()) as { scenarios: { name: string; status: number }[] };
    expect(Object.fromEntries(scenarios.map((s) => [s.name, s.status]))).toEqual({
      authorize_access_denied: 302,
      authorize_application_suspended: 302,
      authorize_bad_request: 400,
      authorize_invalid_request: 302,
      authorize_redirect_uri_mismatch: 302,
      authorize_unknown_client: 404,
      bad_credentials: 401,
      bad_refresh_token: 200,
      bad_verification_code: 200,
      emails_not_found: 404,
      incorrect_client_credentials: 200,
      not_found: 404,
      payload_too_large: 413,
      redirect_uri_mismatch: 200,
      requires_authentication: 401,
      server_error: 500,
      token_api_bad_credentials: 401,
      token_api_not_found: 404,
      unsupported_grant_type: 200,
      unverified_user_email: 200,
      user_agent_required: 403,
      validation_failed: 422,
    });
  });
});

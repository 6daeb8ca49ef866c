import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { OCTOCAT, SUSPENDED_APP } from './fixtures.ts';
import { authorizeUrl, CALLBACK, CI_BOT, formPost, GITHUB_BOT, location } from './test-helpers.ts';

const consentForm = (fields: Record<string, string>) =>
  formPost({ client_id: GITHUB_BOT.clientId, redirect_uri: CALLBACK, scope: 'read:user', state: 'g1:b1', ...fields });

describe('GET /login/oauth/authorize', () => {
  it('shows a sign-in and consent page naming the app and the scopes, carrying every parameter in the form', async () => {
    const { app } = createApp();
    const res = await app.request(authorizeUrl(GITHUB_BOT, { code_challenge: 'A'.repeat(43), code_challenge_method: 'S256' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('Authorize <span id="app-name">Doppel GitHub Bot</span>');
    expect(html).toContain('<strong>read:user</strong> — Read all user profile data');
    expect(html).toContain('<input type="hidden" name="state" value="g1:b1">');
    expect(html).toContain(`<input type="hidden" name="code_challenge" value="${'A'.repeat(43)}">`);
    expect(html).toMatch(/name="decision" value="cancel"/);
    expect(html).toMatch(/name="decision" value="authorize"/);
  });

  it('escapes what it echoes', async () => {
    const { app } = createApp();
    const html = await (await app.request(authorizeUrl(GITHUB_BOT, { state: '"><script>x</script>' }))).text();
    expect(html).not.toContain('<script>x</script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('auto-approves a CI client: 302 to the callback with a 20-hex code and the state', async () => {
    const { app, twin } = createApp();
    const res = await app.request(authorizeUrl(CI_BOT));
    expect(res.status).toBe(302);
    const to = location(res);
    expect(`${to.origin}${to.pathname}`).toBe(CALLBACK);
    expect(to.searchParams.get('code')).toMatch(/^[0-9a-f]{20}$/);
    expect(to.searchParams.get('state')).toBe('g1:b1');
    expect(twin.state.codes.get(to.searchParams.get('code')!)?.login).toBe(OCTOCAT.login);
  });

  it('auto-approve is selectable per request, by query or header, both ways', async () => {
    const { app } = createApp();
    expect((await app.request(authorizeUrl(GITHUB_BOT, { doppel_auto_approve: 'true' }))).status).toBe(302);
    expect((await app.request(authorizeUrl(GITHUB_BOT), { headers: { 'x-doppel-auto-approve': 'true' } })).status).toBe(302);
    expect((await app.request(authorizeUrl(CI_BOT, { doppel_auto_approve: 'false' }))).status).toBe(200);
  });

  it('auto-approves as the user named by login, else the default user', async () => {
    const { app, twin } = createApp();
    const code = location(await app.request(authorizeUrl(CI_BOT, { login: 'hubot' }))).searchParams.get('code')!;
    expect(twin.state.codes.get(code)?.login).toBe('hubot');
  });

  it('answers an unknown or missing client_id with GitHub’s HTML 404 page', async () => {
    const { app } = createApp();
    const res = await app.request('/login/oauth/authorize?client_id=nope&redirect_uri=http://evil.example/cb');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('This is not the web page you are looking for.');
    expect((await app.request('/login/oauth/authorize')).status).toBe(404);
  });

  it('redirects a suspended app with application_suspended and the state', async () => {
    const { app } = createApp();
    const to = location(await app.request(authorizeUrl(SUSPENDED_APP)));
    expect(Object.fromEntries(to.searchParams)).toEqual({
      error: 'application_suspended',
      error_description: 'Your application has been suspended. Contact support@github.com.',
      error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#application-suspended',
      state: 'g1:b1',
    });
  });

  it('sends redirect_uri_mismatch to the registered callback, never to the unregistered one', async () => {
    const { app } = createApp();
    const res = await app.request(authorizeUrl(GITHUB_BOT, { redirect_uri: 'http://evil.example/github/oauth' }));
    expect(res.status).toBe(302);
    const to = location(res);
    expect(`${to.origin}${to.pathname}`).toBe(CALLBACK);
    expect(to.searchParams.get('error')).toBe('redirect_uri_mismatch');
    expect(to.searchParams.get('state')).toBe('g1:b1');
  });

  it('accepts sub-paths of a callback and any port on a loopback callback, as GitHub does', async () => {
    const { app } = createApp();
    const sub = location(await app.request(authorizeUrl(CI_BOT, { redirect_uri: `${CALLBACK}/done` })));
    expect(sub.pathname).toBe('/github/oauth/done');
    expect(sub.searchParams.get('code')).not.toBeNull();
    const loop = location(await app.request(authorizeUrl(CI_BOT, { redirect_uri: 'http://127.0.0.1:54321/github/oauth' })));
    expect(loop.port).toBe('54321');
    expect(loop.searchParams.get('code')).not.toBeNull();
    const otherPort = location(await app.request(authorizeUrl(CI_BOT, { redirect_uri: 'http://localhost:4000/github/oauth' })));
    // localhost is loopback too: the port may differ.
    expect(otherPort.searchParams.get('code')).not.toBeNull();
    const sibling = location(await app.request(authorizeUrl(CI_BOT, { redirect_uri: 'http://localhost:3000/github/oauthx' })));
    expect(sibling.searchParams.get('error')).toBe('redirect_uri_mismatch');
  });

  it('accepts PKCE only as S256 with a 43-character challenge, both or neither', async () => {
    const { app } = createApp();
    const ok = location(await app.request(authorizeUrl(CI_BOT, { code_challenge: 'B'.repeat(43), code_challenge_method: 'S256' })));
    expect(ok.searchParams.get('code')).not.toBeNull();
    const bads: Record<string, string>[] = [
      { code_challenge: 'B'.repeat(43) },
      { code_challenge_method: 'S256' },
      { code_challenge: 'B'.repeat(43), code_challenge_method: 'plain' },
      { code_challenge: 'short', code_challenge_method: 'S256' },
    ];
    for (const bad of bads) {
      const to = location(await app.request(authorizeUrl(CI_BOT, bad)));
      expect(to.searchParams.get('error')).toBe('invalid_request');
      expect(to.searchParams.get('state')).toBe('g1:b1');
    }
  });

  it('refuses a bad twin parameter with an HTML 400, not a crash', async () => {
    const { app } = createApp();
    const res = await app.request(authorizeUrl(GITHUB_BOT, { doppel_auto_approve: 'maybe' }));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('doppel_auto_approve');
  });
});

describe('POST /login/oauth/authorize (the consent form)', () => {
  it('Cancel redirects with error=access_denied and the state', async () => {
    const { app } = createApp();
    const res = await app.request('/login/oauth/authorize', consentForm({ decision: 'cancel' }));
    expect(res.status).toBe(302);
    const to = location(res);
    expect(`${to.origin}${to.pathname}`).toBe(CALLBACK);
    expect(Object.fromEntries(to.searchParams)).toEqual({
      error: 'access_denied',
      error_description: 'The user has denied your application access.',
      error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#access-denied',
      state: 'g1:b1',
    });
  });

  it('Authorize with the right password redirects with a code for that user', async () => {
    const { app, twin } = createApp();
    const res = await app.request('/login/oauth/authorize', consentForm({ decision: 'authorize', login: 'octocat', password: OCTOCAT.password }));
    const to = location(res);
    expect(to.searchParams.get('state')).toBe('g1:b1');
    const code = twin.state.codes.get(to.searchParams.get('code')!);
    expect(code).toMatchObject({ clientId: GITHUB_BOT.clientId, login: 'octocat', scope: 'read:user', redirectUri: CALLBACK });
  });

  it('signs in by email address too', async () => {
    const { app } = createApp();
    const res = await app.request('/login/oauth/authorize', consentForm({ decision: 'authorize', login: OCTOCAT.email!, password: OCTOCAT.password }));
    expect(location(res).searchParams.get('code')).not.toBeNull();
  });

  it('shows the page again with an error for a wrong password, issuing no code', async () => {
    const { app, twin } = createApp();
    const res = await app.request('/login/oauth/authorize', consentForm({ decision: 'authorize', login: 'octocat', password: 'wrong' }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Incorrect username or password.');
    expect(twin.state.codes.size).toBe(0);
  });

  it('re-checks the client and redirect_uri on submission', async () => {
    const { app } = createApp();
    const res = await app.request('/login/oauth/authorize', consentForm({ decision: 'authorize', redirect_uri: 'http://evil.example/x' }));
    expect(location(res).searchParams.get('error')).toBe('redirect_uri_mismatch');
    const missing = await app.request('/login/oauth/authorize', formPost({ client_id: GITHUB_BOT.clientId }));
    expect(missing.status).toBe(400);
  });
});

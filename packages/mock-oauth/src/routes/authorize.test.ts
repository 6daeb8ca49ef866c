import { describe, expect, it } from 'vitest';
import { defaultFixtures, HUBOT, OCTOCAT, SUSPENDED_APP } from '../fixtures.ts';
import { createApp } from '../server.ts';
import { CODE_TTL_MS } from '../tokens.ts';
import { authorizeUrl, CALLBACK, CI_BOT, formPost, GITHUB_BOT, location, stoppedClock, T0 } from '../test-helpers.ts';

const AUTHORIZE = '/login/oauth/authorize';
const consentForm = (fields: Record<string, string>) =>
  formPost({ client_id: GITHUB_BOT.clientId, redirect_uri: CALLBACK, scope: 'read:user', state: 'g1:b1', ...fields });
const signIn = (fields: Record<string, string> = {}) =>
  consentForm({ decision: 'authorize', login: 'octocat', password: OCTOCAT.password, ...fields });
const A43 = 'A'.repeat(43);

describe('GET /login/oauth/authorize', () => {
  it('shows a sign-in and consent page naming the app and the scopes, carrying every parameter in the form', async () => {
    const { app } = createApp();
    const res = await app.request(authorizeUrl(GITHUB_BOT, { code_challenge: A43, code_challenge_method: 'S256' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('Authorize <span id="app-name">Doppel GitHub Bot</span>');
    expect(html).toContain('<strong>read:user</strong> — Read all user profile data');
    expect(html).toContain('<input type="hidden" name="state" value="g1:b1">');
    expect(html).toContain(`<input type="hidden" name="code_challenge" value="${A43}">`);
    expect(html).toContain('<input type="hidden" name="code_challenge_method" value="S256">');
    expect(html).toContain(`<strong id="redirect-target">${CALLBACK}</strong>`);
    expect(html).toMatch(/name="decision" value="cancel"/);
    expect(html).toMatch(/name="decision" value="authorize"/);
    expect(html).not.toContain('id="flash"');
  });

  it('forbids framing the page, as github.com does: X-Frame-Options deny and CSP frame-ancestors none', async () => {
    const { app } = createApp();
    const page = await app.request(authorizeUrl(GITHUB_BOT));
    const wrongPassword = await app.request(AUTHORIZE, signIn({ password: 'wrong' }));
    for (const res of [page, wrongPassword]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('x-frame-options')).toBe('deny');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });

  it('names the first registered callback as the target when the request names no redirect_uri', async () => {
    const { app } = createApp();
    const html = await (await app.request(`${AUTHORIZE}?client_id=${GITHUB_BOT.clientId}`)).text();
    expect(html).toContain(`<strong id="redirect-target">${GITHUB_BOT.callbackUrls[0]}</strong>`);
    expect(html).not.toContain('name="redirect_uri"');
  });

  it('prefills the login the request suggests', async () => {
    const { app } = createApp();
    const html = await (await app.request(authorizeUrl(GITHUB_BOT, { login: 'hubot' }))).text();
    expect(html).toContain('id="login_field" autocomplete="username" value="hubot"');
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

  it('remembers what the code was issued for: client, user, normalised scope, redirect_uri, challenge, 10-minute expiry', async () => {
    const { app, twin } = createApp({ clock: stoppedClock() });
    const to = location(
      await app.request(authorizeUrl(CI_BOT, { scope: 'repo read:user repo', code_challenge: A43, code_challenge_method: 'S256' })),
    );
    expect(twin.state.codes.get(to.searchParams.get('code')!)).toEqual({
      code: to.searchParams.get('code'),
      clientId: CI_BOT.clientId,
      login: 'octocat',
      scope: 'repo,read:user',
      redirectUri: CALLBACK,
      codeChallenge: A43,
      expiresAt: T0 + CODE_TTL_MS,
    });
    expect(twin.journal.find({ path: AUTHORIZE })[0]?.notes).toEqual({ approvedAs: 'octocat' });
  });

  it('without redirect_uri and state: back to the first registered callback, no redirect_uri or state kept', async () => {
    const { app, twin } = createApp();
    const to = location(await app.request(`${AUTHORIZE}?client_id=${CI_BOT.clientId}`));
    expect(`${to.origin}${to.pathname}`).toBe(CI_BOT.callbackUrls[0]);
    expect([...to.searchParams.keys()]).toEqual(['code']);
    const code = twin.state.codes.get(to.searchParams.get('code')!)!;
    expect(code.redirectUri).toBeNull();
    expect(code.codeChallenge).toBeNull();
    expect(code.scope).toBe('');
  });

  it('auto-approve is selectable per request, by query or header, both ways; the query wins', async () => {
    const { app } = createApp();
    expect((await app.request(authorizeUrl(GITHUB_BOT, { doppel_auto_approve: 'true' }))).status).toBe(302);
    expect((await app.request(authorizeUrl(GITHUB_BOT), { headers: { 'x-doppel-auto-approve': 'true' } })).status).toBe(302);
    expect((await app.request(authorizeUrl(CI_BOT, { doppel_auto_approve: 'false' }))).status).toBe(200);
    expect((await app.request(authorizeUrl(CI_BOT), { headers: { 'x-doppel-auto-approve': 'false' } })).status).toBe(200);
    const both = await app.request(authorizeUrl(GITHUB_BOT, { doppel_auto_approve: 'false' }), {
      headers: { 'x-doppel-auto-approve': 'true' },
    });
    expect(both.status).toBe(200);
  });

  it('auto-approves as the user named by login (or email, any case), else the default user', async () => {
    const { app, twin } = createApp();
    const as = async (extra: Record<string, string>) =>
      twin.state.codes.get(location(await app.request(authorizeUrl(CI_BOT, extra))).searchParams.get('code')!)?.login;
    expect(await as({ login: 'hubot' })).toBe('hubot');
    expect(await as({ login: 'HuBot' })).toBe('hubot');
    expect(await as({ login: HUBOT.email!.toUpperCase() })).toBe('hubot');
    expect(await as({ login: 'nobody' })).toBe('octocat');
    expect(await as({})).toBe('octocat');
  });

  it('shows the page instead when auto-approve finds no user at all', async () => {
    const f = defaultFixtures();
    f.defaultLogin = 'nobody';
    const { app, twin } = createApp({ fixtures: f });
    const res = await app.request(authorizeUrl(CI_BOT));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Authorize <span id="app-name">Doppel CI Bot</span>');
    expect(twin.state.codes.size).toBe(0);
  });

  it('answers an unknown or missing client_id with GitHub’s HTML 404 page', async () => {
    const { app, twin } = createApp();
    const res = await app.request('/login/oauth/authorize?client_id=nope&redirect_uri=http://evil.example/cb');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('This is not the web page you are looking for.');
    expect((await app.request('/login/oauth/authorize')).status).toBe(404);
    expect(twin.journal.find({ path: AUTHORIZE }).map((e) => [e.status, e.error])).toEqual([
      [404, 'authorize_unknown_client'],
      [404, 'authorize_unknown_client'],
    ]);
  });

  it('a missing client_id picks no app, even one whose id is a placeholder for a missing value', async () => {
    const f = defaultFixtures();
    for (const clientId of ['undefined', 'null']) f.apps.push({ ...CI_BOT, clientId });
    const { app } = createApp({ fixtures: f });
    expect((await app.request(authorizeUrl({ ...CI_BOT, clientId: 'null' }))).status).toBe(302);
    for (const init of [undefined, formPost({ decision: 'authorize', login: 'octocat', password: OCTOCAT.password })]) {
      expect((await app.request(`${AUTHORIZE}?redirect_uri=${CALLBACK}`, init)).status).toBe(404);
    }
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

  it('checks suspension before the redirect_uri', async () => {
    const { app } = createApp();
    const to = location(await app.request(authorizeUrl(SUSPENDED_APP, { redirect_uri: 'http://evil.example/cb' })));
    expect(to.searchParams.get('error')).toBe('application_suspended');
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

  it('refuses a redirect_uri with a fragment (RFC 6749 §3.1.2): redirect_uri_mismatch to the registered callback, no code', async () => {
    const { app, twin } = createApp();
    for (const redirect of [`${CALLBACK}#frag`, `${CALLBACK}#`, `${CALLBACK}/sub#x`]) {
      const res = await app.request(authorizeUrl(CI_BOT, { redirect_uri: redirect }));
      const to = location(res);
      expect(`${to.origin}${to.pathname}${to.hash}`, redirect).toBe(CALLBACK);
      expect(to.searchParams.get('error'), redirect).toBe('redirect_uri_mismatch');
      expect(to.searchParams.get('code'), redirect).toBeNull();
    }
    expect(twin.state.codes.size).toBe(0);
  });

  it('checks the redirect_uri before PKCE', async () => {
    const { app } = createApp();
    const to = location(await app.request(authorizeUrl(CI_BOT, { redirect_uri: 'http://evil.example/x', code_challenge: 'short' })));
    expect(to.searchParams.get('error')).toBe('redirect_uri_mismatch');
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

  it('accepts PKCE only as S256 with a 43-character base64url challenge, both or neither', async () => {
    const { app } = createApp();
    for (const challenge of [A43, 'a-_9'.repeat(10) + 'xyz']) {
      const ok = location(await app.request(authorizeUrl(CI_BOT, { code_challenge: challenge, code_challenge_method: 'S256' })));
      expect(ok.searchParams.get('code'), challenge).not.toBeNull();
    }
    const bads: Record<string, string>[] = [
      { code_challenge: A43 },
      { code_challenge_method: 'S256' },
      { code_challenge: A43, code_challenge_method: 'plain' },
      { code_challenge: 'short', code_challenge_method: 'S256' },
      { code_challenge: `${A43}A`, code_challenge_method: 'S256' },
      { code_challenge: `+${'A'.repeat(42)}`, code_challenge_method: 'S256' },
      { code_challenge: `${'A'.repeat(42)}=`, code_challenge_method: 'S256' },
    ];
    for (const bad of bads) {
      const to = location(await app.request(authorizeUrl(CI_BOT, bad)));
      expect(to.searchParams.get('error'), JSON.stringify(bad)).toBe('invalid_request');
      expect(to.searchParams.get('state')).toBe('g1:b1');
    }
  });

  it('answers HEAD as GET', async () => {
    const { app } = createApp();
    expect((await app.request(authorizeUrl(CI_BOT), { method: 'HEAD' })).status).toBe(302);
    expect((await app.request(authorizeUrl(GITHUB_BOT), { method: 'HEAD' })).status).toBe(200);
  });

  it('refuses a bad twin parameter with an HTML 400 naming it, not a crash', async () => {
    const { app, twin } = createApp();
    const res = await app.request(authorizeUrl(GITHUB_BOT, { doppel_auto_approve: 'maybe' }));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<li>doppel_auto_approve must be one of [&quot;true&quot;,&quot;false&quot;]</li>');
    expect(twin.journal.find({ path: AUTHORIZE })[0]).toMatchObject({ status: 400, error: 'authorize_bad_request' });
  });
});

describe('POST /login/oauth/authorize (the consent form)', () => {
  it('Cancel redirects with error=access_denied and the state', async () => {
    const { app, twin } = createApp();
    const res = await app.request(AUTHORIZE, consentForm({ decision: 'cancel' }));
    expect(res.status).toBe(302);
    const to = location(res);
    expect(`${to.origin}${to.pathname}`).toBe(CALLBACK);
    expect(Object.fromEntries(to.searchParams)).toEqual({
      error: 'access_denied',
      error_description: 'The user has denied your application access.',
      error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#access-denied',
      state: 'g1:b1',
    });
    expect(twin.state.codes.size).toBe(0);
  });

  it('Authorize with the right password redirects with a code for that user', async () => {
    const { app, twin } = createApp();
    const to = location(await app.request(AUTHORIZE, signIn({ code_challenge: A43, code_challenge_method: 'S256' })));
    expect(to.searchParams.get('state')).toBe('g1:b1');
    const code = twin.state.codes.get(to.searchParams.get('code')!);
    expect(code).toMatchObject({
      clientId: GITHUB_BOT.clientId,
      login: 'octocat',
      scope: 'read:user',
      redirectUri: CALLBACK,
      codeChallenge: A43,
    });
  });

  it('reads the form, not the query', async () => {
    const { app } = createApp();
    const init = formPost({ decision: 'authorize', login: 'octocat', password: OCTOCAT.password });
    expect((await app.request(`${AUTHORIZE}?client_id=${GITHUB_BOT.clientId}`, init)).status).toBe(404);
  });

  it('signs in by email address too, in any case', async () => {
    const { app } = createApp();
    const res = await app.request(AUTHORIZE, signIn({ login: OCTOCAT.email!.toUpperCase() }));
    expect(location(res).searchParams.get('code')).not.toBeNull();
  });

  it('shows the page again with an error for a wrong password or an unknown user, issuing no code', async () => {
    const { app, twin } = createApp();
    for (const fields of [{ password: 'wrong' }, { login: 'nobody' }, { login: '' }] as Record<string, string>[]) {
      const res = await app.request(AUTHORIZE, signIn(fields));
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('<div class="flash-error" role="alert" id="flash">Incorrect username or password.</div>');
      expect(html).toContain('Authorize <span id="app-name">Doppel GitHub Bot</span>');
    }
    expect(twin.state.codes.size).toBe(0);
    expect(twin.journal.find({ path: AUTHORIZE })[0]?.notes).toEqual({ signIn: 'incorrect username or password' });
  });

  it('a submission without a login shows the page again', async () => {
    const { app } = createApp();
    const res = await app.request(AUTHORIZE, consentForm({ decision: 'authorize', password: 'x' }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Incorrect username or password.');
  });

  it('users without an email are found by login only', async () => {
    const f = defaultFixtures();
    f.users = f.users.map((u) => ({ ...u, email: null }));
    const { app } = createApp({ fixtures: f });
    expect((await app.request(AUTHORIZE, signIn({ login: OCTOCAT.email! }))).status).toBe(200);
    expect((await app.request(AUTHORIZE, signIn())).status).toBe(302);
  });

  it('never auto-approves a submission: the password is checked even for a CI client', async () => {
    const { app } = createApp();
    const res = await app.request(
      AUTHORIZE,
      formPost({ client_id: CI_BOT.clientId, decision: 'authorize', login: 'octocat', password: 'wrong' }),
    );
    expect(res.status).toBe(200);
  });

  it('re-checks the client, suspension, redirect_uri and PKCE on submission', async () => {
    const { app } = createApp();
    const res = await app.request(AUTHORIZE, consentForm({ decision: 'authorize', redirect_uri: 'http://evil.example/x' }));
    expect(location(res).searchParams.get('error')).toBe('redirect_uri_mismatch');
    const unknown = await app.request(AUTHORIZE, formPost({ client_id: 'nope', decision: 'cancel' }));
    expect(unknown.status).toBe(404);
    const suspended = await app.request(AUTHORIZE, formPost({ client_id: SUSPENDED_APP.clientId, decision: 'cancel' }));
    expect(location(suspended).searchParams.get('error')).toBe('application_suspended');
    const pkce = await app.request(AUTHORIZE, signIn({ code_challenge: 'short', code_challenge_method: 'S256' }));
    expect(location(pkce).searchParams.get('error')).toBe('invalid_request');
    const missing = await app.request(AUTHORIZE, formPost({ client_id: GITHUB_BOT.clientId }));
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('<li>/decision is required</li>');
  });
});

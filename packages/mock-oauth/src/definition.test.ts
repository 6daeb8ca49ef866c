import { ADMIN_SPEC, drift, loadSpec, type Operation } from '@doppel/mock-kit';
import { describe, expect, it, vi } from 'vitest';
import { OAUTH_SPEC, oauthTwin } from './definition.ts';
import { defaultFixtures, GITHUB_APP, SUSPENDED_APP } from './fixtures.ts';
import { createApp } from './server.ts';
import { CI_BOT, codeFor, exchange, exchangeBody, formPost, GITHUB_BOT, JSON_ACCEPT, TOKEN } from './test-helpers.ts';

describe('the twin definition', () => {
  it('names the twin and its default port', () => {
    expect(oauthTwin).toMatchObject({ name: 'oauth', title: 'GitHub OAuth', defaultPort: 4040, spec: OAUTH_SPEC });
    expect(OAUTH_SPEC).toMatch(/contracts\/openapi\/oauth\.yaml$/);
  });

  it('serves exactly its spec and the admin spec (no drift)', () => {
    const { app } = createApp();
    expect(drift(app, [loadSpec(OAUTH_SPEC), loadSpec(ADMIN_SPEC)])).toEqual({ unserved: [], undocumented: [] });
  });

  it('answers unknown API paths and methods with GitHub’s 404 body, journaled as not_found', async () => {
    const { app, twin } = createApp();
    for (const [method, path] of [
      ['GET', '/repos/octocat/hello'],
      ['DELETE', '/user'],
    ] as const) {
      const res = await app.request(path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toEqual({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
    }
    expect(twin.journal.all().map((e) => [e.status, e.error])).toEqual([
      [404, 'not_found'],
      [404, 'not_found'],
    ]);
  });

  it('answers a body over the limit with GitHub’s 413 body, journaled as payload_too_large', async () => {
    const { app, twin } = createApp({ bodyLimit: 64 });
    const res = await app.request(TOKEN, formPost(exchangeBody(CI_BOT, 'x'.repeat(100))));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ message: 'Payload Too Large', documentation_url: 'https://docs.github.com/rest', status: '413' });
    expect(twin.journal.find({ path: TOKEN })[0]).toMatchObject({ status: 413, error: 'payload_too_large' });
  });

  it('answers a defect of the twin with GitHub’s 500 body, journaled as server_error', async () => {
    const { app, twin } = createApp();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      (twin.state as { codes: unknown }).codes = null;
      const res = await app.request(TOKEN, formPost(exchangeBody(CI_BOT, 'x')));
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ message: 'Server Error', documentation_url: 'https://docs.github.com/rest', status: '500' });
      expect(twin.journal.find({ path: TOKEN })[0]).toMatchObject({ status: 500, error: 'server_error' });
      expect(logged).toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it('refuses bad input the platform’s way: token errors on the token endpoint, HTML pages on the web flow', async () => {
    const { app } = createApp();
    const token = await app.request(TOKEN, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...JSON_ACCEPT },
      body: '"text"',
    });
    expect(token.status).toBe(200);
    expect(((await token.json()) as { error: string }).error).toBe('incorrect_client_credentials');
    const consent = await app.request('/login/oauth/authorize', formPost({ client_id: GITHUB_BOT.clientId, decision: 'maybe' }));
    expect(consent.status).toBe(400);
    expect(await consent.text()).toContain('<li>/decision must be one of [&quot;authorize&quot;,&quot;cancel&quot;]</li>');
  });

  it('refuses bad input on the API host as Bad credentials', () => {
    const refusal = oauthTwin.onInvalid({} as never, [], { operationId: 'getAuthenticatedUser' } as Operation);
    expect(refusal.errorName).toBe('bad_credentials');
    const page = oauthTwin.onInvalid({} as never, [{ in: 'query', name: 'x', keyword: 'type', message: 'x is bad' }], {
      operationId: 'authorize',
    } as Operation);
    expect(page.errorName).toBe('authorize_bad_request');
    expect(page.overrides).toEqual({ body: { problems: ['x is bad'] } });
  });

  it('lists the default credentials for the CLI', () => {
    expect(oauthTwin.credentials!(defaultFixtures())).toEqual([
      {
        label: 'Doppel GitHub Bot (consent page)',
        value: `client_id=${GITHUB_BOT.clientId} client_secret=${GITHUB_BOT.clientSecret} callback=${GITHUB_BOT.callbackUrls.join(' ')}`,
      },
      { label: 'Doppel CI Bot (auto-approve)', value: expect.stringContaining(`client_id=${CI_BOT.clientId} `) },
      { label: 'Doppel GitHub App (auto-approve, expiring tokens)', value: expect.stringContaining(`client_id=${GITHUB_APP.clientId} `) },
      { label: 'Doppel Suspended App (auto-approve, suspended)', value: expect.stringContaining(`client_id=${SUSPENDED_APP.clientId} `) },
      { label: 'user octocat', value: 'password=doppel-octocat' },
      { label: 'user hubot', value: 'password=doppel-hubot' },
      { label: 'user unverified-user (unverified email)', value: 'password=doppel-unverified' },
      { label: 'token of octocat (read:user)', value: 'gho_DoppelOctocatReadUser000000000000000' },
    ]);
    const f = defaultFixtures();
    f.tokens[0]!.scope = '';
    expect(oauthTwin.credentials!(f).at(-1)?.label).toBe('token of octocat (no scope)');
  });

  it('masks codes, secrets and tokens in the journal', async () => {
    const { app, twin } = createApp();
    const code = await codeFor(app);
    await exchange(app, exchangeBody(CI_BOT, code));
    await app.request(TOKEN, formPost(exchangeBody(CI_BOT, await codeFor(app))));
    await app.request(TOKEN, formPost({ client_id: CI_BOT.clientId, refresh_token: 'ghr_secret', grant_type: 'refresh_token' }));
    await app.request('/user?access_token=gho_secret');
    const text = JSON.stringify(twin.journal.all());
    expect(text).not.toContain(CI_BOT.clientSecret);
    expect(text).not.toContain(code);
    expect(text).not.toMatch(/gho_\w{36}/);
    expect(text).not.toContain('ghr_secret');
    expect(text).not.toContain('gho_secret');
    expect(text).toContain(CI_BOT.clientId);
    await app.request('/login/oauth/authorize?client_id=x&code_challenge=visible-challenge&redirect_uri=http://visible.example/');
    const visible = JSON.stringify(twin.journal.all().at(-1));
    expect(visible).toContain('visible-challenge');
    expect(visible).toContain('http://visible.example/');
  });
});

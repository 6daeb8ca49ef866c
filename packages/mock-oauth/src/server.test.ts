import { describe, expect, it } from 'vitest';
import { defaultFixtures, GITHUB_BOT } from './fixtures.ts';
import { createApp, startOAuthMock } from './server.ts';
import { authorizeUrl, formPost, GITHUB_APP, JSON_ACCEPT, location, TOKEN } from './test-helpers.ts';

describe('createApp', () => {
  it('starts from the default fixtures, or from the ones given', async () => {
    expect(createApp().twin.fixtures).toEqual(defaultFixtures());
    const f = defaultFixtures();
    f.apps = f.apps.map((a) => (a.clientId === GITHUB_BOT.clientId ? { ...a, autoApprove: true, expiringTokens: true } : a));
    const { app } = createApp({ fixtures: f });
    const code = location(await app.request(authorizeUrl(GITHUB_BOT))).searchParams.get('code')!;
    const body = formPost({ client_id: GITHUB_BOT.clientId, client_secret: GITHUB_BOT.clientSecret, code }, JSON_ACCEPT);
    expect(((await (await app.request(TOKEN, body)).json()) as { access_token: string }).access_token).toMatch(/^ghu_/);
  });
});

describe('startOAuthMock', () => {
  it('serves the twin over HTTP on a free port, until closed', async () => {
    const running = await startOAuthMock({ port: 0 });
    try {
      const res = await fetch(`${running.url}${authorizeUrl(GITHUB_APP)}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toMatch(/^http:\/\/localhost:3000\/github\/oauth\?code=[0-9a-f]{20}&state=g1%3Ab1$/);
    } finally {
      await running.close();
    }
    await expect(fetch(`${running.url}/user`)).rejects.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { defaultFixtures, GITHUB_BOT } from './fixtures.ts';
import { createApp } from './server.ts';

const exchange = (code: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
  body: new URLSearchParams({ client_id: GITHUB_BOT.clientId, client_secret: GITHUB_BOT.clientSecret, code }).toString(),
});
const code = (i: number) => `c${String(i).padStart(19, '0')}`;

describe('codes and tokens are bounded', () => {
  it('keeps at most maxTokens tokens, the oldest going first, and health shows both stores', async () => {
    const fixtures = defaultFixtures();
    fixtures.maxTokens = 3;
    fixtures.maxCodes = 100;
    fixtures.codes = Array.from({ length: 5 }, (_, i) => ({
      code: code(i),
      clientId: GITHUB_BOT.clientId,
      login: 'octocat',
      scope: '',
      redirectUri: null,
      codeChallenge: null,
    }));
    const { app, twin } = createApp({ fixtures });
    const issued: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await app.request('/login/oauth/access_token', exchange(code(i)));
      issued.push(((await res.json()) as { access_token: string }).access_token);
    }
    // The oldest tokens are gone: /user refuses them; the newest still work.
    const user = (token: string) => app.request('/user', { headers: { authorization: `token ${token}`, 'user-agent': 'test' } });
    expect((await user(issued[0]!)).status).toBe(401);
    expect((await user(issued[4]!)).status).toBe(200);
    const health = (await (await app.request('/__admin/health')).json()) as {
      stores: Record<string, { size: number; max: number; evicted: number }>;
    };
    expect(health.stores.tokens).toMatchObject({ size: 3, max: 3 });
    expect(health.stores.tokens!.evicted).toBeGreaterThanOrEqual(2);
    expect(health.stores.codes).toMatchObject({ max: 100 });
    expect(twin.state.codes.size).toBe(0);
  });

  it('defaults to 50,000 tokens and 10,000 codes', async () => {
    const { app } = createApp();
    const health = (await (await app.request('/__admin/health')).json()) as { stores: Record<string, { max: number }> };
    expect(health.stores.tokens!.max).toBe(50_000);
    expect(health.stores.codes!.max).toBe(10_000);
  });
});

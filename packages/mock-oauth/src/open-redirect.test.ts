import { describe, expect, it } from 'vitest';
import { GITHUB_BOT } from './fixtures.ts';
import { createApp } from './server.ts';

describe('authorize errors redirect only to registered callbacks', () => {
  it('a forced error with no known client shows GitHub’s error page, never a redirect to the asked URL', async () => {
    const { app } = createApp();
    const res = await app.request('/login/oauth/authorize?redirect_uri=http://evil.example/cb', {
      headers: { 'x-doppel-scenario': 'authorize_access_denied' },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toContain('text/html');
  });

  it('an admin rule without a client does the same', async () => {
    const { app, twin } = createApp();
    twin.rules.add({ scenario: 'authorize_access_denied' });
    const res = await app.request('/login/oauth/authorize?client_id=nobody&redirect_uri=http://evil.example/cb');
    expect(res.status).toBe(404);
    expect(res.headers.get('location')).toBeNull();
  });

  it('with a known client, an unregistered redirect_uri gets the registered callback', async () => {
    const { app } = createApp();
    const res = await app.request(`/login/oauth/authorize?client_id=${GITHUB_BOT.clientId}&redirect_uri=http://evil.example/cb`, {
      headers: { 'x-doppel-scenario': 'authorize_access_denied' },
    });
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(location.startsWith(GITHUB_BOT.callbackUrls[0]!)).toBe(true);
    expect(location).toContain('error=access_denied');
  });
});

import { describe, expect, it } from 'vitest';
import { defaultFixtures, GITHUB_BOT } from './fixtures.ts';
import { createApp } from './server.ts';

const CODE = 'abcdef0123456789abcd';

describe('token replies in the journal', () => {
  for (const accept of ['application/json', 'application/xml', '*/*']) {
    it(`never show the access token (Accept: ${accept})`, async () => {
      const fixtures = defaultFixtures();
      fixtures.codes = [
        { code: CODE, clientId: GITHUB_BOT.clientId, login: 'octocat', scope: 'read:user', redirectUri: null, codeChallenge: null },
      ];
      const { app, twin } = createApp({ fixtures });
      const res = await app.request('/login/oauth/access_token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept },
        body: new URLSearchParams({ client_id: GITHUB_BOT.clientId, client_secret: GITHUB_BOT.clientSecret, code: CODE }).toString(),
      });
      const text = await res.text();
      const token = /gh[ou]_[A-Za-z0-9]+/.exec(text)?.[0];
      expect(token, text).toBeDefined();
      const entry = JSON.stringify(twin.journal.all().at(-1));
      expect(entry).not.toContain(token!);
      expect(entry).not.toContain(GITHUB_BOT.clientSecret);
      expect(entry).toContain(`****${token!.slice(-4)}`);
    });
  }
});

import { CI_BOT, defaultFixtures, GITHUB_BOT, startOAuthMock } from '@doppel/mock-oauth';
import type { BenchTarget } from './types.ts';

/**
 * The OAuth twin's hot endpoint: the code exchange (client check, code lookup, token issue, form reply,
 * journal). Codes are single-use, so the twin starts with a queue of pre-issued codes and each request must
 * name the next one: the runner sends `nextBody()` per request (autocannon `setupRequest`). With the fixed
 * `request.body` alone, every request after the first measures the bad_verification_code path (also HTTP 200).
 */
const CODES = 300_000;
/** The i-th pre-issued code, computed rather than stored: only the OAuth twin's process holds them all. */
const codeAt = (i: number) => (0xa0000000 + i).toString(16).padStart(20, '0');
let n = 0;
const body = (code: string) =>
  new URLSearchParams({ client_id: GITHUB_BOT.clientId, client_secret: GITHUB_BOT.clientSecret, code }).toString();

export const oauth: BenchTarget = {
  name: 'oauth',
  label: 'POST /login/oauth/access_token (code exchange, form reply)',
  start: () => {
    const fixtures = defaultFixtures();
    // Keep every pre-issued code (the store's default cap is 10,000).
    fixtures.maxCodes = CODES;
    fixtures.codes = Array.from({ length: CODES }, (_, i) => codeAt(i)).map((code) => ({
      code,
      clientId: GITHUB_BOT.clientId,
      login: 'octocat',
      scope: 'read:user',
      redirectUri: null,
      codeChallenge: null,
    }));
    return startOAuthMock({ port: 0, fixtures });
  },
  // The soak measures the token store, not 300,000 preloaded codes: the default fixtures.
  soakStart: () => startOAuthMock({ port: 0 }),
  request: {
    method: 'POST',
    path: '/login/oauth/access_token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body(codeAt(0)),
  },
  nextBody: () => body(codeAt(n++ % CODES)),
  soak: {
    label: 'authorize (auto-approve) → access_token: a new token per flow (the bounded token store)',
    request: { method: 'GET', path: `/login/oauth/authorize?client_id=${CI_BOT.clientId}` },
    flow: [
      {
        method: 'GET',
        path: `/login/oauth/authorize?client_id=${CI_BOT.clientId}&scope=read:user`,
        onResponse: (_status, _body, context, headers) => {
          const location = String((headers as Record<string, string> | undefined)?.location ?? '');
          (context as { code?: string }).code = new URL(location, 'http://twin').searchParams.get('code') ?? '';
        },
      },
      {
        method: 'POST',
        path: '/login/oauth/access_token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        setupRequest: (req, context) => ({
          ...req,
          body: new URLSearchParams({
            client_id: CI_BOT.clientId,
            client_secret: CI_BOT.clientSecret,
            code: String((context as { code?: string }).code),
          }).toString(),
        }),
      },
    ],
  },
};

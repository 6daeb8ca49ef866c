import { readFileSync } from 'node:fs';
import { oauthTwin, startOAuthMock } from '@doppel/mock-oauth';
import { expect, it } from 'vitest';
import { pactFile, verifyTwin } from './verify.ts';

it('the OAuth twin honours every interaction the OAuth client recorded', () =>
  verifyTwin(oauthTwin, { consumer: 'doppel-oauth-client', provider: 'doppel-oauth' }));

interface BrowserInteraction {
  description: string;
  providerStates?: { name: string }[];
  request: { method: string; path: string; query?: Record<string, string[]>; headers?: Record<string, string[]> };
  response: {
    status: number;
    headers?: Record<string, string[]>;
    matchingRules?: { header?: Record<string, { matchers: { match: string; regex?: string }[] }> };
  };
}

/**
 * The authorize interactions are redirects, which Pact's verifier follows (to a callback that is not there).
 * Replay each recorded interaction against the twin with redirects off and check status and Location as the
 * pact states them (exactly, or by the recorded regex).
 */
it('the OAuth twin honours every authorize redirect the browser pact recorded', async () => {
  const pact = JSON.parse(readFileSync(pactFile('doppel-oauth-browser', 'doppel-oauth'), 'utf8')) as { interactions: BrowserInteraction[] };
  expect(pact.interactions.length).toBeGreaterThanOrEqual(4);
  const running = await startOAuthMock({ port: 0 });
  try {
    for (const i of pact.interactions) {
      const state = i.providerStates?.[0]?.name;
      if (state) running.twin.useState(state);
      else running.twin.reset();
      const q = new URLSearchParams();
      for (const [k, vs] of Object.entries(i.request.query ?? {})) for (const v of vs) q.append(k, v);
      const headers = Object.fromEntries(Object.entries(i.request.headers ?? {}).map(([k, v]) => [k, v.join(', ')]));
      const res = await fetch(`${running.url}${i.request.path}?${q}`, { method: i.request.method, headers, redirect: 'manual' });
      expect(res.status, i.description).toBe(i.response.status);
      const expected = i.response.headers?.location?.[0] ?? i.response.headers?.Location?.[0];
      const rule = i.response.matchingRules?.header?.location?.matchers[0];
      const actual = res.headers.get('location');
      if (rule?.match === 'regex' && rule.regex) expect(actual, i.description).toMatch(new RegExp(rule.regex));
      else expect(actual, i.description).toBe(expected);
    }
  } finally {
    await running.close();
  }
});

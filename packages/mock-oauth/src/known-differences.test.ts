import { readFileSync } from 'node:fs';
import type { JournalEntry, PactExpectation } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import { OCTOCAT_TOKEN } from './fixtures.ts';
import { knownDifferences } from './known-differences.ts';
import { createApp } from './server.ts';
import { bearer, CI_BOT, exchangeBody, formPost, TOKEN, UA } from './test-helpers.ts';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** A consumer's pact interaction: `GET path` with `query`, expecting `status`. */
function interaction(path: string, query: Record<string, string[]>, status?: number, method = 'GET'): PactExpectation {
  return {
    description: `${method} ${path}`,
    method,
    path,
    query,
    headers: {},
    body: null,
    expected: { ...(status !== undefined && { status }), headers: {}, body: {} },
  };
}

function difference(id: string) {
  const d = knownDifferences.find((k) => k.id === id);
  if (!d) throw new Error(`no known difference ${id}`);
  return d;
}

/** The journal entry the twin writes for a request. */
async function entryOf(path: string, init?: RequestInit): Promise<JournalEntry> {
  const { app, twin } = createApp();
  await app.request(path, init);
  return twin.journal.all()[0]!;
}

describe('knownDifferences: what `doppel verify` prints beside a failure', () => {
  it('are README items 1 and 2, under the README’s section heading', () => {
    expect(knownDifferences.map((d) => d.id)).toEqual(['access-token-query', 'errors-with-200']);
    for (const d of knownDifferences) {
      expect(README).toContain(`\n## ${d.readme}\n`);
    }
    expect(knownDifferences[0]).toMatchObject({
      readme: 'Where the vendor doc and the real GitHub differ (the twin follows GitHub)',
      title: 'GitHub no longer accepts ?access_token= (401 Bad credentials since 2021-09-08): send Authorization: Bearer',
    });
    expect(knownDifferences[0]!.difference).toMatch(
      /^GET \/user\?access_token=… now answers 401 Bad credentials .*even for a live token\. /,
    );
    expect(knownDifferences[0]!.difference).toMatch(
      /Use Authorization: Bearer\. The doc's step 3 fails against the twin, as it does against GitHub\.$/,
    );
    expect(knownDifferences[1]).toMatchObject({
      readme: knownDifferences[0]!.readme,
      title: 'token errors arrive with HTTP 200 (error=… in the body)',
    });
    expect(knownDifferences[1]!.difference).toMatch(
      /^Errors arrive with HTTP 200\. The doc's r\.data\.split\('&'\)\[0\]\.split\('='\)\[1\] stores /,
    );
    expect(knownDifferences[1]!.difference).toMatch(
      /bad_verification_code as the "token" when the code is bad; GitHub answers error=… with status 200\.$/,
    );
  });
});

describe('access-token-query: the doc’s GET /user?access_token=…', () => {
  const d = difference('access-token-query');
  const docs = (path = '/user') => interaction(path, { access_token: [OCTOCAT_TOKEN.token] }, 200);

  it('applies to a pact sending ?access_token= to /user or /user/emails, the twin answering 401 or not yet asked', async () => {
    const refused = await entryOf(`/user?access_token=${OCTOCAT_TOKEN.token}`, { headers: UA });
    expect(refused.status).toBe(401);
    expect(d.applies(docs(), refused)).toBe(true);
    expect(d.applies(docs(), undefined)).toBe(true);
    expect(d.applies(docs('/user/emails'), undefined)).toBe(true);
  });

  it('does not apply without ?access_token=, on another path, or when the twin answered otherwise', async () => {
    const answered = await entryOf('/user', bearer(OCTOCAT_TOKEN.token));
    expect(answered.status).toBe(200);
    expect(d.applies(docs(), answered)).toBe(false);
    expect(d.applies(docs(), { ...answered, status: 403 })).toBe(false);
    expect(d.applies(interaction('/user', {}, 200), undefined)).toBe(false);
    expect(d.applies(interaction('/user', { token: [OCTOCAT_TOKEN.token] }, 200), undefined)).toBe(false);
    expect(d.applies(interaction('/applications/x/token', { access_token: ['t'] }, 200, 'POST'), undefined)).toBe(false);
    expect(d.applies(interaction('/api/user', { access_token: ['t'] }, 200), undefined)).toBe(false);
  });
});

describe('errors-with-200: a pact expecting a token error with an HTTP error status', () => {
  const d = difference('errors-with-200');

  it('applies to the token endpoint expected to answer 400 or more', async () => {
    const entry = await entryOf(TOKEN, formPost(exchangeBody(CI_BOT, 'nope')));
    expect(entry.status).toBe(200);
    for (const status of [400, 401, 500]) {
      expect(d.applies(interaction(TOKEN, {}, status, 'POST'), entry), String(status)).toBe(true);
    }
    expect(d.applies(interaction(TOKEN, {}, 400, 'POST'), undefined)).toBe(true);
  });

  it('does not apply to a 2xx or 3xx expectation, one without a status, or another path', () => {
    for (const status of [200, 302, 399, undefined]) {
      expect(d.applies(interaction(TOKEN, {}, status, 'POST'), undefined), String(status)).toBe(false);
    }
    expect(d.applies(interaction('/user', {}, 401), undefined)).toBe(false);
    expect(d.applies(interaction(`${TOKEN}/`, {}, 400, 'POST'), undefined)).toBe(false);
  });
});

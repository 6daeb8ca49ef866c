import { redisAvailable, sharedReplicas } from '@doppel/mock-kit/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OAuthApp } from './context.ts';
import { defaultFixtures, type OAuthFixtures } from './fixtures.ts';
import { createApp } from './server.ts';
import { bearer, CI_BOT, codeFor, exchange, exchangeBody } from './test-helpers.ts';

describe.skipIf(!redisAvailable())('two replicas of the OAuth twin on one Redis', () => {
  /** A replica in process: `app.request` runs each request as a transaction of the shared store. */
  const replicas = sharedReplicas((store, fixtures?: OAuthFixtures) => createApp({ store, ...(fixtures && { fixtures }) }));
  const replica = (fixtures?: OAuthFixtures): Promise<OAuthApp> => replicas.replica(fixtures);
  const pair = async (fixtures?: OAuthFixtures) => [await replica(fixtures), await replica(fixtures)] as const;

  beforeAll(replicas.start);
  afterAll(replicas.stop);
  beforeEach(replicas.reset);

  it('redeems on B a code issued by A, once: A then refuses it', async () => {
    const [a, b] = await pair();
    const code = await codeFor(a);
    const granted = await exchange(b, exchangeBody(CI_BOT, code));
    expect(granted.access_token).toMatch(/^gho_/);
    expect(await exchange(a, exchangeBody(CI_BOT, code))).toMatchObject({ error: 'bad_verification_code' });
    expect(await exchange(b, exchangeBody(CI_BOT, code))).toMatchObject({ error: 'bad_verification_code' });
  });

  it('lets exactly one of two concurrent redemptions of one code succeed, whichever replica each reaches', async () => {
    const [a, b] = await pair();
    for (let round = 0; round < 10; round++) {
      const code = await codeFor(round % 2 ? a : b);
      const answers = await Promise.all([exchange(a, exchangeBody(CI_BOT, code)), exchange(b, exchangeBody(CI_BOT, code))]);
      expect(answers.filter((x) => typeof x.access_token === 'string')).toHaveLength(1);
      expect(answers.filter((x) => x.error === 'bad_verification_code')).toHaveLength(1);
    }
    // The two met in Redis: the later commit was refused and its request run again, finding the code gone.
    expect(replicas.stores.reduce((n, s) => n + s.conflicts, 0)).toBeGreaterThan(0);
  });

  it('answers on A for a token issued on B, and refuses it on B once A revoked it', async () => {
    const [a, b] = await pair();
    const token = String((await exchange(b, exchangeBody(CI_BOT, await codeFor(b)))).access_token);
    expect((await a.request('/user', bearer(token))).status).toBe(200);
    const revoked = await a.request('/__admin/oauth/tokens/revoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'octocat' }),
    });
    expect(revoked.status).toBe(200);
    expect((await b.request('/user', bearer(token))).status).toBe(401);
  });

  it('hands out the fixtures’ queued tokens once each, across both replicas', async () => {
    const f = defaultFixtures();
    f.nextTokens = ['gho_First', 'gho_Second'];
    const [a, b] = await pair(f);
    const [ca, cb] = [await codeFor(a), await codeFor(b)];
    const tokens = await Promise.all([exchange(a, exchangeBody(CI_BOT, ca)), exchange(b, exchangeBody(CI_BOT, cb))]);
    expect(tokens.map((t) => t.access_token).sort()).toEqual(['gho_First', 'gho_Second']);
    const third = await exchange(a, exchangeBody(CI_BOT, await codeFor(b)));
    expect(third.access_token).toMatch(/^gho_\w{36}$/);
  });

  it('keeps the bounded stores bounded: past maxCodes the oldest code goes on every replica', async () => {
    const f = defaultFixtures();
    f.maxCodes = 3;
    f.codes = [];
    const [a, b] = await pair(f);
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push(await codeFor(i % 2 ? a : b));
    for (const r of [a, b]) {
      const health = (await (await r.request('/__admin/health')).json()) as { stores: Record<string, { size: number; max: number }> };
      expect(health.stores.codes).toMatchObject({ size: 3, max: 3 });
    }
    expect(await exchange(a, exchangeBody(CI_BOT, codes[0]!))).toMatchObject({ error: 'bad_verification_code' });
    expect((await exchange(b, exchangeBody(CI_BOT, codes[5]!))).access_token).toMatch(/^gho_/);
  });
});

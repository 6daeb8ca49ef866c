import { redisAvailable, sharedReplicas } from '@doppel/mock-kit/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DingTalkApp } from './context.ts';
import { connectAssetUri, DEFAULT_CORP_ID, IDS } from './fixtures.ts';
import { call, createApp, selfBuiltToken } from './test-helpers.ts';

const FLOW = connectAssetUri(DEFAULT_CORP_ID, IDS.syncCustomersFlow);

describe.skipIf(!redisAvailable())('two replicas of the DingTalk twin on one Redis', () => {
  const replicas = sharedReplicas((store) => createApp({ store }));
  const replica = (): Promise<DingTalkApp> => replicas.replica();

  beforeAll(replicas.start);
  afterAll(replicas.stop);
  beforeEach(replicas.reset);

  it('gives a self-built app one token on every replica, even asked on both at once', async () => {
    const [a, b] = [await replica(), await replica()];
    const [ta, tb] = await Promise.all([selfBuiltToken(a), selfBuiltToken(b)]);
    expect(ta).toBe(tb);
    expect(await selfBuiltToken(b)).toBe(ta);
    expect((await call(a, tb, '/v1.0/connector/assets/connectors?type=official')).status).toBe(200);
  });

  it('numbers the executions of invocations on both replicas once each, and either lists them all', async () => {
    const [a, b] = [await replica(), await replica()];
    const token = await selfBuiltToken(a);
    expect((await call(a, token, '/v1.0/connector/instances', { connectAssetUri: FLOW, instanceKey: 'k1' })).status).toBe(200);
    const invoked = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const res = await call(i % 2 ? a : b, token, '/v1.0/connector/instances/invoke', {
          connectAssetUri: FLOW,
          instanceKey: 'k1',
          inputJsonString: JSON.stringify({ since: '2024-01-01T00:00:00Z' }),
        });
        return (await res.json()) as { instanceId: string; errorCode: string };
      }),
    );
    expect(invoked.every((r) => r.errorCode === '0')).toBe(true);
    expect(new Set(invoked.map((r) => r.instanceId)).size).toBe(10);
    for (const r of [a, b]) {
      const listed = (await (await r.request('/__admin/executions')).json()) as { total: number };
      expect(listed.total).toBe(10);
    }
  });

  it('takes a grant made on A on B: the suite is authorized on both', async () => {
    const [a, b] = [await replica(), await replica()];
    const CUSTOMER = connectAssetUri(DEFAULT_CORP_ID, IDS.createCustomer);
    const granted = await a.request('/__admin/authorizations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connectAssetUri: CUSTOMER }),
    });
    expect(granted.status).toBe(200);
    const listed = (await (await b.request('/__admin/authorizations')).json()) as { authorizations: { connectAssetUri: string }[] };
    expect(listed.authorizations.map((x) => x.connectAssetUri)).toContain(CUSTOMER);
  });
});

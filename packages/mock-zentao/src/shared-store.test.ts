import { redisAvailable, sharedReplicas } from '@doppel/mock-kit/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { timeToken } from './php.ts';
import { createApp } from './server.ts';
import { GROUPS, KEY, post, SEND, sender, signed } from './test-helpers.ts';

type App = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };
const timed = (time: string) => `/api.php?${GROUPS}&time=${time}&token=${timeToken('myAppCode', KEY, time)}`;
const json = async (app: App, path: string, init?: RequestInit) =>
  (await app.request(path, init)).json() as Promise<Record<string, unknown>>;

describe.skipIf(!redisAvailable())('two replicas of the ZenTao twin on one Redis', () => {
  const replicas = sharedReplicas((store) => createApp({ store }));
  const replica = (): Promise<App> => replicas.replica();

  beforeAll(replicas.start);
  afterAll(replicas.stop);
  beforeEach(replicas.reset);

  it('refuses on B a time token A accepted, and an older one', async () => {
    const [a, b] = [await replica(), await replica()];
    expect(await json(a, timed('1700000000'))).toMatchObject({ result: 'success' });
    expect(await json(b, timed('1700000000'))).toEqual({ errcode: 405, errmsg: 'Token已失效' });
    expect(await json(b, timed('1699999999'))).toEqual({ errcode: 405, errmsg: 'Token已失效' });
    expect(await json(b, timed('1700000001'))).toMatchObject({ result: 'success' });
    expect(await json(a, timed('1700000001'))).toEqual({ errcode: 405, errmsg: 'Token已失效' });
  });

  it('accepts one time token once when it reaches both replicas at once', async () => {
    const [a, b] = [await replica(), await replica()];
    for (let t = 1700000100; t < 1700000110; t++) {
      const answers = await Promise.all([json(a, timed(String(t))), json(b, timed(String(t)))]);
      expect(answers.filter((x) => x.result === 'success')).toHaveLength(1);
      expect(answers.filter((x) => x.errcode === 405)).toHaveLength(1);
    }
  });

  it('keeps one inbox: sends on both replicas get distinct ids, and either shows them all', async () => {
    const [a, b] = [await replica(), await replica()];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => json(i % 2 ? a : b, signed(SEND), post({ users: [1], title: `n${i}`, sender }))),
    );
    for (const r of [a, b]) {
      const { deliveries } = (await json(r, '/__admin/inbox')) as { deliveries: { id: number; title: string }[] };
      expect(deliveries.map((d) => d.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(new Set(deliveries.map((d) => d.title)).size).toBe(10);
    }
    await b.request('/__admin/inbox', { method: 'DELETE' });
    expect(await json(a, '/__admin/inbox')).toEqual({ deliveries: [] });
  });
});

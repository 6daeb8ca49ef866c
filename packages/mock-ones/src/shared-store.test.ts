import { redisAvailable, sharedReplicas } from '@doppel/mock-kit/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alice, bob, PAGE_WELCOME, TEAM_ALPHA } from './fixtures.ts';
import { createApp } from './server.ts';
import { adminPost, api, as, P, post, W, yamlOf } from './test-helpers.ts';

const BASE = 'http://127.0.0.1:9/plugin';
type App = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

describe.skipIf(!redisAvailable())('two replicas of the ONES twin on one Redis', () => {
  const replicas = sharedReplicas((store) => createApp({ store }));
  const replica = (): Promise<App> => replicas.replica();

  beforeAll(replicas.start);
  afterAll(replicas.stop);
  beforeEach(replicas.reset);

  const register = (app: App, name: string, fn: string) =>
    app.request('/__admin/plugins', adminPost({ name, yaml: yamlOf(api('suffix', 'GET', '/users/me', fn)), baseUrl: BASE }));

  it('finds a plugin conflict whichever replica registered first', async () => {
    const [a, b] = [await replica(), await replica()];
    expect((await register(a, 'first', 'f')).status).toBe(201);
    const refused = await b.request(
      '/__admin/plugins',
      adminPost({ name: 'second', yaml: yamlOf(api('suffix', 'GET', '/users/me', 'g')), baseUrl: BASE }),
    );
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('plugin "first" already intercepts');
    const listed = (await (await b.request('/__admin/plugins')).json()) as { plugins: { name: string }[] };
    expect(listed.plugins.map((p) => p.name)).toEqual(['first']);
  });

  it('registers one of two conflicting plugins sent to both replicas at once', async () => {
    const [a, b] = [await replica(), await replica()];
    for (let round = 0; round < 5; round++) {
      await a.request('/__admin/plugins', { method: 'DELETE' });
      const statuses = await Promise.all([register(a, `a${round}`, 'f'), register(b, `b${round}`, 'g')].map(async (r) => (await r).status));
      expect(statuses.sort()).toEqual([201, 409]);
    }
  });

  it('shows a page renamed on A renamed on B, and B answers with the access time A recorded', async () => {
    const [a, b] = [await replica(), await replica()];
    expect(
      (await a.request(`${W}/team/${TEAM_ALPHA}/online_page/${PAGE_WELCOME}/update_title`, post(bob, { title: 'Renamed' }))).status,
    ).toBe(200);
    expect(await (await b.request(`${W}/team/${TEAM_ALPHA}/page/${PAGE_WELCOME}`, as(alice))).json()).toMatchObject({ title: 'Renamed' });
    const me = (await (await a.request(`${P}/users/me`, as(alice))).json()) as { access_time: number };
    const again = (await (await b.request(`${P}/users/me`, as(alice))).json()) as { access_time: number };
    expect(again.access_time).toBeGreaterThanOrEqual(me.access_time);
  });
});

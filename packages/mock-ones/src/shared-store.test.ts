import { connectStore, type RedisStore } from '@doppel/mock-kit';
import { redisAvailable, sharedReplicas } from '@doppel/mock-kit/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alice, bob, PAGE_WELCOME, TEAM_ALPHA } from './fixtures.ts';
import { createApp } from './server.ts';
import { adminPost, api, as, functionsHandler, P, pluginServers, post, W, yamlOf } from './test-helpers.ts';

const BASE = 'http://127.0.0.1:9/plugin';
type App = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

describe.skipIf(!redisAvailable())('two replicas of the ONES twin on one Redis', () => {
  /** Each replica's twin, in the order made (a library plugin is registered on the twin itself). */
  const twins: ReturnType<typeof createApp>['twin'][] = [];
  const replicas = sharedReplicas((store) => {
    const built = createApp({ store });
    twins.push(built.twin);
    return built;
  });
  const replica = (): Promise<App> => replicas.replica();
  const plugins = pluginServers();
  /** Replicas this file connects itself (with store options `sharedReplicas` does not give). */
  const own: RedisStore[] = [];

  beforeAll(replicas.start);
  afterAll(replicas.stop);
  beforeEach(async () => {
    twins.length = 0;
    await replicas.reset();
  });
  afterEach(async () => {
    await Promise.all(own.splice(0).map((s) => s.close()));
    await plugins.close();
  });

  const summaries = async (app: App) =>
    ((await (await app.request('/__admin/plugins')).json()) as { plugins: Record<string, unknown>[] }).plugins;

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

  it('a plugin registered over HTTP on A intercepts what B serves, and B lists it by its baseUrl', async () => {
    const [a, b] = [await replica(), await replica()];
    const baseUrl = await plugins.start(functionsHandler({ rep: () => ({ body: { replacedBy: 'plugin' } }) }));
    const yaml = yamlOf(api('replace', 'GET', '/users/me', 'rep'));
    expect((await a.request('/__admin/plugins', adminPost({ name: 'http', yaml, baseUrl }))).status).toBe(201);
    expect(await summaries(b)).toMatchObject([{ name: 'http', baseUrl }]);
    const res = await b.request(`${P}/users/me`, as(alice));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ replacedBy: 'plugin' });
  });

  it('a library plugin’s functions stay in its process: A keeps calling them after a change; B answers 502, never a 500', async () => {
    const [a, b] = [await replica(), await replica()];
    const yaml = yamlOf(api('replace', 'GET', '/users/me', 'rep'));
    twins[0]!.state.plugins.register({ name: 'lib', config: yaml, target: { functions: { rep: () => ({ body: { from: 'lib' } }) } } });
    // A change made through A (the registration below) sends every replica, A included, the registrations as JSON.
    const other = yamlOf(api('suffix', 'GET', '/organization/:orgUUID/teams', 'f'));
    expect((await a.request('/__admin/plugins', adminPost({ name: 'http', yaml: other, baseUrl: 'http://127.0.0.1:9' }))).status).toBe(201);
    expect((await summaries(b)).map((p) => [p.name, p.library ?? p.baseUrl])).toEqual([
      ['lib', true],
      ['http', 'http://127.0.0.1:9'],
    ]);
    expect(await (await a.request(`${P}/users/me`, as(alice))).json()).toEqual({ from: 'lib' });
    const elsewhere = await b.request(`${P}/users/me`, as(alice));
    expect(elsewhere.status).toBe(502);
    expect(await elsewhere.json()).toMatchObject({
      errcode: 'PluginError.FunctionFailed',
      message: 'plugin "lib" function rep: the plugin exports no function rep',
    });
  });

  it('a replica that starts from a snapshot knows the plugins registered before it', async () => {
    const connect = async (snapshotEvery?: number) => {
      const built = createApp({ store: replicas.redis.url });
      own.push(await connectStore(built, replicas.redis.url, snapshotEvery === undefined ? {} : { snapshotEvery }));
      return built.app;
    };
    const a = await connect(1);
    const baseUrl = await plugins.start(functionsHandler({ rep: () => ({ body: { replacedBy: 'plugin' } }) }));
    const yaml = yamlOf(api('replace', 'GET', '/users/me', 'rep'));
    expect((await a.request('/__admin/plugins', adminPost({ name: 'http', yaml, baseUrl }))).status).toBe(201);
    // Serve on A until it writes a snapshot past the registration (every `snapshotEvery` changes, fewer for a large
    // state): the log before it is trimmed, so a replica that starts now reads the plugins from the snapshot.
    const registeredAt = (await own[0]!.usage()).version;
    for (let i = 0; i < 1000 && (await own[0]!.usage()).snapshotVersion < registeredAt; i++) await a.request(`${P}/users/me`, as(bob));
    expect((await own[0]!.usage()).snapshotVersion).toBeGreaterThanOrEqual(registeredAt);
    const late = await connect();
    expect(await summaries(late)).toMatchObject([{ name: 'http', baseUrl }]);
    expect(await (await late.request(`${P}/users/me`, as(alice))).json()).toEqual({ replacedBy: 'plugin' });
  });
});

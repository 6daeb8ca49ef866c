import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exampleTwin } from '../example/index.ts';
import { redisAvailable, startRedisServer, type TestRedis } from './redis-server.ts';
import { type RunningTwin, type StartOptions, startTwin } from './serve.ts';
import type { ExampleFixtures, ExampleRuntime } from '../example/index.ts';

type Replica = RunningTwin<ExampleFixtures, ExampleRuntime>;
const K1 = { 'x-key': 'k1' };

describe.skipIf(!redisAvailable())('two replicas of the example twin on one Redis', () => {
  let redis: TestRedis;
  const running: Replica[] = [];
  const replica = async (options: StartOptions<ExampleFixtures> = {}): Promise<Replica> => {
    const r = await startTwin(exampleTwin, { store: redis.url, ...options });
    running.push(r);
    return r;
  };
  const call = (r: Replica, path: string, init: RequestInit = {}) =>
    fetch(`${r.url}${path}`, { ...init, headers: { ...K1, ...(init.headers as Record<string, string>) } });
  /** The journal, oldest first. */
  const journalOf = async <T>(r: Replica): Promise<T[]> =>
    ((await (await call(r, '/__admin/journal')).json()) as { entries: T[] }).entries.reverse();
  const post = (r: Replica, path: string, body: unknown) =>
    call(r, path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(running.map((r) => r.close()));
    await redis?.stop();
  });
  beforeEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.close()));
    await redis.flush();
  });

  it('fires a rule set on A on B, and `times: 2` exactly twice across both', async () => {
    const [a, b] = [await replica(), await replica()];
    const rule = await post(a, '/__admin/scenarios/rules', { scenario: 'QUOTA', match: { path: '/things' }, times: 2 });
    expect(rule.status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await call(i % 2 ? a : b, '/things')).status);
    expect(statuses).toEqual([429, 429, 200, 200, 200, 200]);
    expect(((await (await call(b, '/__admin/scenarios/rules')).json()) as { rules: unknown[] }).rules).toEqual([]);
  });

  it('fires a rule `times: 5` exactly five times when both replicas are hit at once', async () => {
    const [a, b] = [await replica(), await replica()];
    await post(b, '/__admin/scenarios/rules', { scenario: 'QUOTA', match: { path: '/things' }, times: 5 });
    const all = await Promise.all(Array.from({ length: 40 }, (_, i) => call(i % 2 ? a : b, '/things').then((r) => r.status)));
    expect(all.filter((s) => s === 429)).toHaveLength(5);
    expect(all.filter((s) => s === 200)).toHaveLength(35);
  });

  it('keeps one journal: either replica shows the requests both served, in one order', async () => {
    const [a, b] = [await replica(), await replica()];
    await call(a, '/things/t1');
    await call(b, '/things/nope');
    await call(a, '/open');
    for (const r of [a, b]) {
      const entries = await journalOf<{ id: number; path: string; status: number }>(r);
      expect(entries.map((e) => [e.id, e.path, e.status])).toEqual([
        [1, '/things/t1', 200],
        [2, '/things/nope', 404],
        [3, '/open', 200],
      ]);
    }
  });

  it('gives every thing created at once on both replicas its own id (a conflict runs the request again)', async () => {
    const [a, b] = [await replica(), await replica()];
    const made = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post(i % 2 ? a : b, '/things', { name: `n${i}` }).then((r) => r.json() as Promise<{ id: string }>),
      ),
    );
    const ids = made.map((t) => t.id).sort((x, y) => Number(x.slice(1)) - Number(y.slice(1)));
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => `t${i + 2}`));
    const listed = (await (await call(a, '/__admin/echo-count')).json()) as { count: number };
    expect(listed.count).toBe(21);
  });

  it('takes admin changes made on A on B at once: fixtures, named state, clock, reset', async () => {
    const [a, b] = [await replica(), await replica()];
    const fixtures = { things: [{ id: 'x', name: 'from A' }], keys: { k1: 'tenant-a' } };
    expect(
      (
        await call(a, '/__admin/fixtures', {
          method: 'PUT',
          body: JSON.stringify(fixtures),
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(200);
    expect(await (await call(b, '/things/x')).json()).toEqual({ id: 'x', name: 'from A' });
    expect((await call(b, '/things/t1')).status).toBe(404);

    expect((await call(a, '/open')).status).toBe(200);
    expect(await (await call(b, '/open')).json()).toEqual({ expired: false });
    await post(a, '/__admin/clock/advance', { ms: 120_000 });
    expect(await (await call(b, '/open')).json()).toEqual({ expired: true });

    await post(b, '/__admin/reset', {});
    expect((await call(a, '/things/t1')).status).toBe(200);
    expect(await (await call(a, '/open')).json()).toEqual({ expired: false });
    const health = (await (await call(a, '/__admin/health')).json()) as { fixtures: string; rules: number };
    expect(health.fixtures).toBe('defaults');
  });

  it('loses nothing when a replica is closed and started again', async () => {
    const a = await replica();
    let b = await replica();
    await post(a, '/things', { name: 'kept' });
    await post(b, '/__admin/scenarios/rules', { scenario: 'QUOTA', match: { path: '/things/t1' } });
    await post(a, '/__admin/clock/advance', { ms: 3_600_000 });
    await b.close();
    running.splice(running.indexOf(b), 1);
    await call(a, '/things/t2');
    b = await replica({ fixtures: { things: [], keys: {} } });
    expect(await (await call(b, '/things/t2')).json()).toEqual({ id: 't2', name: 'kept' });
    expect((await call(b, '/things/t1')).status).toBe(429);
    const clock = (await (await call(b, '/__admin/clock')).json()) as { offsetMs: number };
    expect(clock.offsetMs).toBe(3_600_000);
    const journal = await journalOf<{ path: string }>(b);
    expect(journal.map((e) => e.path)).toEqual(['/things', '/things/t2', '/things/t2', '/things/t1']);
  });

  it('restarts from a snapshot once the log is trimmed, and keeps the journal and the log bounded', async () => {
    const options = { journalSize: 5, storeOptions: { snapshotEvery: 10 } };
    const a = await replica(options);
    const b = await replica(options);
    for (let i = 0; i < 45; i++) await call(i % 2 ? a : b, `/things/t1?i=${i}`);
    for (const r of [a, b]) {
      const journal = await journalOf<{ query: { i: string } }>(r);
      expect(journal.map((e) => e.query.i)).toEqual(['40', '41', '42', '43', '44']);
    }
    // The log keeps what follows the snapshot before the last one: at most two snapshots' worth.
    expect(await redis.client().xlen('doppel:example:log')).toBeLessThanOrEqual(20);
    // The versions of the keys written are pruned with it (here: nothing but the journal was written).
    expect(await redis.client().hlen('doppel:example:kv')).toBeLessThanOrEqual(20);
    const c = await replica(options);
    const journal = await journalOf<{ id: number; query: { i: string } }>(c);
    expect(journal.map((e) => [e.id, e.query.i])).toEqual([
      [41, '40'],
      [42, '41'],
      [43, '42'],
      [44, '43'],
      [45, '44'],
    ]);
  });

  it('hears on a live journal stream what the other replica serves', async () => {
    const [a, b] = [await replica(), await replica()];
    const controller = new AbortController();
    const stream = await fetch(`${a.url}/__admin/journal/stream`, { signal: controller.signal });
    const reader = stream.body!.getReader();
    await call(b, '/things/t1');
    let text = '';
    const deadline = Date.now() + 5000;
    while (!text.includes('/things/t1') && Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toContain('/things/t1');
  });

  it('hot-reloads a fixtures file for every replica: the reload is a change like any other', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doppel-shared-'));
    const f = join(dir, 'fixtures.yaml');
    writeFileSync(f, 'things: []\nkeys: { k1: tenant-a }\n');
    const lines: string[] = [];
    await replica({ fixturesFile: f, log: (l) => lines.push(l) });
    const b = await replica({ watch: false });
    expect((await call(b, '/things/r')).status).toBe(404);
    writeFileSync(f, 'things: [{ id: r, name: reloaded }]\nkeys: { k1: tenant-a }\n');
    await expect.poll(() => lines.length, { timeout: 10_000 }).toBe(1);
    expect(await (await call(b, '/things/r')).json()).toEqual({ id: 'r', name: 'reloaded' });
    const health = (await (await call(b, '/__admin/health')).json()) as { fixtures: string };
    expect(health.fixtures).toBe(f);
  });

  it('takes the store from DOPPEL_STORE when none is given; an empty store or `memory` is memory whatever it says', async () => {
    const kind = async (options: StartOptions<ExampleFixtures>) => {
      const r = await startTwin(exampleTwin, options);
      running.push(r);
      return ((await (await call(r, '/__admin/health')).json()) as { store: { kind: string } }).store.kind;
    };
    const before = process.env.DOPPEL_STORE;
    try {
      process.env.DOPPEL_STORE = redis.url;
      expect(await kind({})).toBe('redis');
      expect(await kind({ store: 'memory' })).toBe('memory');
      expect(await kind({ store: '' })).toBe('memory');
      delete process.env.DOPPEL_STORE;
      expect(await kind({ store: '' })).toBe('memory');
    } finally {
      if (before === undefined) delete process.env.DOPPEL_STORE;
      else process.env.DOPPEL_STORE = before;
    }
  });

  it('says in health where the state is, and answers 503 when Redis cannot be reached', async () => {
    const own = await startRedisServer();
    const r = await startTwin(exampleTwin, { store: own.url });
    try {
      const health = (await (await call(r, '/__admin/health')).json()) as { store: { kind: string; version: number } };
      expect(health.store).toMatchObject({ kind: 'redis', version: 0 });
      await own.stop();
      const res = await call(r, '/things');
      expect(res.status).toBe(503);
      expect(((await res.json()) as { message: string }).message).toMatch(/^doppel: the shared store is unreachable/);
    } finally {
      await r.close();
      await own.stop();
    }
  }, 30_000);
});

import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ExampleFixtures, exampleTwin } from '../example/index.ts';
import { createTwinApp } from './app.ts';
import { connectStore, isRedisUrl, type RedisStore, StoreContention, transactionalFetch } from './redis-store.ts';
import { redisAvailable, startRedisServer, type TestRedis } from './redis-server.ts';
import { Cell, type Shared, type Space } from './shared.ts';
import type { BoundedMap } from './store.ts';
import type { TwinDefinition, TwinOptions } from './twin.ts';

/** A container that only appends (like the journal): its operations write no key. */
class Tally implements Shared {
  total = 0;
  private space: Space | undefined;
  private name = '';
  add(n: number): void {
    const tx = this.space?.current();
    if (tx) tx.ops.push([this.name, 'add', n]);
    else this.total += n;
  }
  bindShared(space: Space, name: string): void {
    this.space = space;
    this.name = name;
  }
  applyShared(_action: string, args: unknown[]): void {
    this.total += args[0] as number;
  }
  dumpShared(): unknown {
    return this.total;
  }
  restoreShared(dump: unknown): void {
    this.total = dump as number;
  }
}

interface MixedRuntime {
  things: BoundedMap<string, { id: string; name: string }>;
  hits: Cell<number>;
  tally: Tally;
  // What is not a container stays the replica's own: none of these is bound to the space.
  nothing: null;
  absent: undefined;
  count: number;
  plain: { a: number };
  map: Map<string, number>;
}

/** The example twin with more in its runtime: a Cell, an append-only container, and values that are no containers. */
const mixedTwin: TwinDefinition<ExampleFixtures, MixedRuntime> = {
  ...(exampleTwin as unknown as TwinDefinition<ExampleFixtures, MixedRuntime>),
  name: 'mixed',
  seed: (f, twin) => ({
    ...exampleTwin.seed(f, twin as never),
    hits: new Cell(0),
    tally: new Tally(),
    nothing: null,
    absent: undefined,
    count: 3,
    plain: { a: 1 },
    map: new Map(),
  }),
};

const K1 = { 'x-key': 'k1' };
type Replica = {
  app: { fetch: (req: Request) => Response | Promise<Response> };
  twin: ReturnType<typeof createTwinApp<ExampleFixtures, MixedRuntime>>['twin'];
  store: RedisStore;
};

describe.skipIf(!redisAvailable())('the Redis store, one replica at a time', () => {
  let redis: TestRedis;
  const stores: RedisStore[] = [];
  const replica = async (
    options: TwinOptions<ExampleFixtures> & { snapshotEvery?: number; attempts?: number; url?: string } = {},
    def: TwinDefinition<ExampleFixtures, MixedRuntime> = mixedTwin,
  ): Promise<Replica> => {
    const url = options.url ?? redis.url;
    const twinApp = createTwinApp(def, { ...options, store: url });
    const store = await connectStore(twinApp, url, {
      ...(options.snapshotEvery !== undefined && { snapshotEvery: options.snapshotEvery }),
      ...(options.attempts !== undefined && { attempts: options.attempts }),
    });
    stores.push(store);
    return { app: twinApp.app as Replica['app'], twin: twinApp.twin, store };
  };
  const request = async (r: Replica, path: string, init: RequestInit = {}): Promise<Response> =>
    r.app.fetch(new Request(`http://twin${path}`, { ...init, headers: { ...K1, ...(init.headers as Record<string, string>) } }));
  const raw = () => redis.client();
  /** Set `hits` on a replica as a committed change of the shared state. */
  const bump = (r: Replica) => r.store.transact(() => r.twin.state.hits.set(r.twin.state.hits.get() + 1));

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await redis?.stop();
  });
  beforeEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await redis.flush();
    vi.restoreAllMocks();
  });

  it('opens only a redis:// store for a twin made for one, and keeps each twin under `doppel:<twin>:` as documented', async () => {
    expect(
      [undefined, 'memory', '', 'redis://h:1', 'rediss://h:1/2', 'REDIS://h', 'x-redis://h', 'http://h/redis://'].map(isRedisUrl),
    ).toEqual([false, false, false, true, true, true, false, false]);
    const memory = createTwinApp(mixedTwin);
    await expect(connectStore(memory, redis.url)).rejects.toThrow('doppel: the twin was not created for a shared store (options.store)');

    const a = await replica({ snapshotEvery: 2 });
    expect(a.store.prefix).toBe('doppel:mixed:');
    for (let i = 0; i < 4; i++) await bump(a);
    const example = await replica({}, exampleTwin as unknown as TwinDefinition<ExampleFixtures, MixedRuntime>);
    expect((await request(example, '/things/t1')).status).toBe(200);
    expect((await raw().keys('doppel:*')).sort()).toEqual([
      'doppel:example:log',
      'doppel:example:snap',
      'doppel:example:ver',
      'doppel:mixed:kv',
      'doppel:mixed:log',
      'doppel:mixed:minv',
      'doppel:mixed:snap',
      'doppel:mixed:ver',
    ]);
    // Snapshots at 2 and 4; the one at 4 trims the log to what follows the one at 2 (and `kv` with it).
    const usage = await a.store.usage();
    expect(usage).toEqual({
      version: 4,
      logEntries: 2,
      keyVersions: await raw().hlen('doppel:mixed:kv'),
      snapshotVersion: 4,
      snapshotBytes: (await raw().hget('doppel:mixed:snap', 'data'))!.length,
    });
    expect(await raw().get('doppel:mixed:ver')).toBe('4');
    expect(await raw().get('doppel:mixed:minv')).toBe('2');
    expect((await raw().xrange('doppel:mixed:log', '-', '+')).map(([id]) => id)).toEqual(['3-0', '4-0']);
    expect(await raw().hget('doppel:mixed:kv', 'hits')).toBe('4');
    expect(await raw().get('doppel:example:ver')).toBe('1');
    expect(await example.store.usage()).toMatchObject({ version: 1, logEntries: 1, snapshotVersion: 0 });
    // What is no container (null, a number, a plain object, a Map) is left alone; the Cell is shared.
    const b = await replica();
    expect(b.twin.state.hits.get()).toBe(4);
    expect(b.twin.state.plain).toEqual({ a: 1 });
    await a.store.close();
    await expect(a.store.usage()).rejects.toThrow();
  });

  it('runs a refused transaction again on the fresh state, counts each refusal, and gives up past `attempts` with StoreContention', async () => {
    const a = await replica({ attempts: 2 });
    const b = await replica();
    // Refused once: B changed what A read while A ran.
    let runs = 0;
    const seen = await a.store.transact(async () => {
      runs += 1;
      const before = a.twin.state.hits.get();
      if (runs === 1) await bump(b);
      a.twin.state.hits.set(before + 10);
      // A transaction reads its own writes.
      expect(a.twin.state.hits.get()).toBe(before + 10);
      return before;
    });
    expect([runs, seen, a.store.conflicts]).toEqual([2, 1, 1]);
    await b.store.sync();
    expect(b.twin.state.hits.get()).toBe(11);

    // Refused every time: a 503 naming the attempts, in JSON.
    runs = 0;
    const fetch = transactionalFetch(
      a.store,
      async () => {
        runs += 1;
        const before = a.twin.state.hits.get();
        await bump(b);
        a.twin.state.hits.set(before + 10);
        return new Response('committed');
      },
      100,
    );
    const res = await fetch(new Request('http://twin/x'));
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ message: 'doppel: the shared state kept changing under this request (2 attempts)' });
    // Tried as often as `attempts` says, the first try (outside the replica's queue) included.
    expect(runs).toBe(2);
    expect(a.store.conflicts).toBe(1 + runs);
    const err = await a.store
      .transact(async () => {
        a.twin.state.hits.set(a.twin.state.hits.get() + 1);
        await bump(b);
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreContention);
    expect((err as Error).name).toBe('StoreContention');
    expect(b.twin.state.hits.get()).toBe(a.twin.state.hits.get());
  });

  it('tries a transaction refused every time exactly `attempts` times, for one attempt and for three', async () => {
    for (const attempts of [1, 3]) {
      const a = await replica({ attempts });
      const b = await replica();
      let runs = 0;
      const err = await a.store
        .transact(async () => {
          runs += 1;
          a.twin.state.hits.set(a.twin.state.hits.get() + 1);
          await bump(b);
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreContention);
      expect([runs, (err as Error).message]).toEqual([
        attempts,
        `doppel: the shared state kept changing under this request (${attempts} attempts)`,
      ]);
    }
  });

  it('commits nothing for a transaction that changed nothing, never refuses one that only appends, and rethrows what it threw', async () => {
    const a = await replica();
    const b = await replica({ snapshotEvery: 2 });
    expect(await a.store.transact(() => a.twin.state.hits.get())).toBe(0);
    expect((await a.store.usage()).version).toBe(0);

    // A read what B then changed, and B's snapshots trimmed the log past A's version: appending still commits.
    let runs = 0;
    await a.store.transact(async () => {
      runs += 1;
      a.twin.state.hits.get();
      for (let i = 0; i < 6; i++) await bump(b);
      a.twin.state.tally.add(5);
    });
    expect([runs, a.store.conflicts]).toEqual([1, 0]);
    expect(await raw().get('doppel:mixed:minv')).toBe('4');
    expect([a.twin.state.hits.get(), a.twin.state.tally.total]).toEqual([6, 5]);
    await b.store.sync();
    expect(b.twin.state.tally.total).toBe(5);

    const boom = new Error('boom');
    await expect(
      a.store.transact(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });

  it('runs work a request scheduled after it ended outside it: it sees the committed state and changes the local copy', async () => {
    const a = await replica();
    const b = await replica();
    let go!: () => void;
    let later!: Promise<number>;
    await a.store.transact(() => {
      a.twin.state.hits.set(1);
      later = new Promise<void>((r) => {
        go = r;
      }).then(() => {
        const seen = a.twin.state.hits.get();
        a.twin.state.hits.set(seen + 100);
        return seen;
      });
    });
    await bump(b);
    await a.store.sync();
    go();
    expect(await later).toBe(2);
    expect(a.twin.state.hits.get()).toBe(102);
  });

  it('catches up from the snapshot a replica that fell behind the trimmed log', async () => {
    const a = await replica();
    const b = await replica({ snapshotEvery: 2 });
    expect(
      (await request(b, '/things', { method: 'POST', body: '{"name":"late"}', headers: { 'content-type': 'application/json' } })).status,
    ).toBe(201);
    for (let i = 0; i < 5; i++) await bump(b);
    expect(Number(await raw().get('doppel:mixed:minv'))).toBeGreaterThan(a.store.applied);
    expect(await (await request(a, '/things/t2')).json()).toEqual({ id: 't2', name: 'late' });
    expect(a.twin.state.hits.get()).toBe(5);
  });

  it('restores a snapshot whatever the order of its names, skips what this twin does not have, and refuses a log with a gap', async () => {
    const source = await replica();
    await source.store.transact(() => {
      source.twin.state.things.set('s', { id: 's', name: 'from the snapshot' });
      source.twin.state.hits.set(7);
    });
    const dump = source.twin.space!.dump();
    await source.store.close();
    await redis.flush();
    // The runtime's containers before `@fixtures` (whose restore re-seeds the runtime), and a container this twin lacks.
    const reordered = { things: dump.things, hits: dump.hits, gone: { x: 1 }, ...dump };
    await raw().hset('doppel:mixed:snap', 'v', '3', 'data', JSON.stringify(reordered));
    await raw().set('doppel:mixed:ver', '4');
    await raw().xadd(
      'doppel:mixed:log',
      '4-0',
      'o',
      JSON.stringify([
        ['gone', 'set', 1],
        ['@clock', 'set', 5000],
      ]),
    );
    const a = await replica();
    expect(a.store.applied).toBe(4);
    expect(a.twin.state.things.get('s')).toEqual({ id: 's', name: 'from the snapshot' });
    expect(a.twin.state.hits.get()).toBe(7);
    expect(((await (await request(a, '/__admin/clock')).json()) as { offsetMs: number }).offsetMs).toBe(5000);

    // Entry 6 without 5: no replica can start from that, and a running one answers 503.
    await raw().set('doppel:mixed:ver', '6');
    await raw().xadd('doppel:mixed:log', '6-0', 'o', '[]');
    const gap = 'doppel: the shared log does not follow its snapshot';
    await expect(replica()).rejects.toThrow(gap);
    const res = await request(a, '/things/s');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ message: `doppel: the shared store is unreachable (${gap})` });
  });

  it('snapshots a large state less often: `snapshotEvery` doubled while the last snapshot is over 1 KiB a change', async () => {
    const sized = async (bytes: number) => {
      await Promise.all(stores.splice(0).map((s) => s.close()));
      await redis.flush();
      const a = await replica();
      const data = JSON.stringify({ ...a.twin.space!.dump(), pad: '' });
      await a.store.close();
      await redis.flush();
      await raw().hset('doppel:mixed:snap', 'v', '0', 'data', `${data.slice(0, -2)}${'x'.repeat(bytes - data.length)}"}`);
      return replica({ snapshotEvery: 2 });
    };
    // 2 KiB for 2 changes: every 2.
    let a = await sized(2048);
    await bump(a);
    await bump(a);
    expect((await a.store.usage()).snapshotVersion).toBe(2);
    // One byte more: every 4 (the first snapshot then trims nothing).
    a = await sized(2049);
    await bump(a);
    await bump(a);
    expect((await a.store.usage()).snapshotVersion).toBe(0);
    await bump(a);
    await bump(a);
    expect(await a.store.usage()).toMatchObject({ snapshotVersion: 4, logEntries: 4 });
  });

  it('logs a snapshot it could not write, and the change it follows stands', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const a = await replica({ snapshotEvery: 1 });
    await raw().del('doppel:mixed:snap');
    await raw().set('doppel:mixed:snap', 'not a hash');
    await bump(a);
    await expect.poll(() => errors.mock.calls.length, { timeout: 2000 }).toBe(1);
    expect(errors.mock.calls[0]![0]).toBe('[doppel:mixed] could not write a snapshot:');
    expect(await raw().get('doppel:mixed:ver')).toBe('1');
  });

  it('reads the body once, so a request run again gets it as sent; past the body limit it stops reading', async () => {
    const a = await replica();
    const b = await replica();
    const limit = 16;
    let runs = 0;
    const fetch = transactionalFetch(
      a.store,
      async (req) => {
        runs += 1;
        const body = req.body ? await req.text() : null;
        a.twin.state.hits.get();
        if (runs === 1) await bump(b);
        a.twin.state.tally.add(1);
        a.twin.state.hits.set(1);
        return new Response(JSON.stringify({ body, length: req.headers.get('content-length') }));
      },
      limit,
    );
    const chunks = (parts: string[]) =>
      new ReadableStream<Uint8Array>({
        pull(c) {
          const p = parts.shift();
          if (p === undefined) c.close();
          else c.enqueue(new TextEncoder().encode(p));
        },
      });
    const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
      fetch(new Request('http://twin/x', { method: 'POST', body, headers, duplex: 'half' } as RequestInit));

    // Exactly the limit, declared: run twice, the same body both times.
    expect(await (await post('0123456789abcdef', { 'content-length': '16' })).json()).toEqual({ body: '0123456789abcdef', length: '16' });
    expect(runs).toBe(2);
    runs = 2;
    // No body at all.
    expect(await (await post(null)).json()).toEqual({ body: null, length: null });
    // Streamed in pieces, no length declared: all of it.
    expect(await (await post(chunks(['ab', 'cd', 'ef']))).json()).toEqual({ body: 'abcdef', length: '6' });
    // An endless body: read to just past the limit, then no further.
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        sent += 5;
        c.enqueue(new TextEncoder().encode('12345'));
      },
    });
    expect(await (await post(endless)).json()).toEqual({ body: '12345123451234512345', length: '20' });
    expect(sent).toBeLessThan(40);
    // Declared past the limit: not read here, the twin gets it as sent (and refuses it itself).
    expect(await (await post(chunks(['0123456789', '0123456789', '0123456789']), { 'content-length': '30' })).json()).toEqual({
      body: '012345678901234567890123456789',
      length: '30',
    });
  });

  it('answers 503 when Redis refuses or loses the commit of a request the twin answered; what the twin throws goes on', async () => {
    const errors = vi.spyOn(console, 'error');
    const a = await replica();
    const twinThrew = new Error('the twin');
    for (const thrown of [twinThrew, undefined]) {
      const fetch = transactionalFetch(
        a.store,
        () => {
          throw thrown;
        },
        10,
      );
      await expect(fetch(new Request('http://twin/x'))).rejects.toBe(thrown);
    }
    const writing = transactionalFetch(
      a.store,
      () => {
        a.twin.state.hits.set(1);
        return new Response('ok');
      },
      10,
    );
    // Refused: the version is no longer a string (a ReplyError).
    await raw().del('doppel:mixed:ver');
    await raw().hset('doppel:mixed:ver', 'x', '1');
    let res = await writing(new Request('http://twin/x'));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { message: string }).message).toMatch(/^doppel: the shared store is unreachable \(.*WRONGTYPE/);
    // Lost: Redis goes away while the twin answers.
    const own = await startRedisServer();
    try {
      const c = await replica({ url: own.url });
      const dropping = transactionalFetch(
        c.store,
        async () => {
          c.twin.state.hits.set(1);
          await own.stop();
          return new Response('ok');
        },
        10,
      );
      res = await dropping(new Request('http://twin/x'));
      expect(res.status).toBe(503);
      expect(((await res.json()) as { message: string }).message).toMatch(/^doppel: the shared store is unreachable \(/);
    } finally {
      await own.stop();
    }
    // Closed while the twin answers (a replica shutting down).
    const d = await replica();
    const closing = transactionalFetch(
      d.store,
      async () => {
        d.twin.state.hits.set(1);
        await d.store.close();
        return new Response('ok');
      },
      10,
    );
    res = await closing(new Request('http://twin/x'));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { message: string }).message).toBe('doppel: the shared store is unreachable (Connection is closed.)');
    expect(errors.mock.calls.filter((c) => String(c[0]).includes('ioredis'))).toEqual([]);
  }, 20_000);

  it('shows a request every change committed before it came, also while another request of the replica reads the log', async () => {
    const a = await replica();
    const b = await replica();
    await b.store.transact(() => b.twin.state.things.set('n', { id: 'n', name: 'new' }));
    const statuses = await Promise.all([1, 2, 3].map(() => request(a, '/things/n').then((r) => r.status)));
    expect(statuses).toEqual([200, 200, 200]);
  });

  it('reads the log in the background only while someone listens to the journal', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const a = await replica();
      const b = await replica();
      await bump(b);
      vi.advanceTimersByTime(250);
      // close() waits for a read in flight: none was sent.
      await a.store.close();
      expect(a.store.applied).toBe(0);
      const c = await replica();
      c.twin.journal.subscribe(() => {});
      await bump(b);
      vi.advanceTimersByTime(250);
      await c.store.close();
      expect(c.store.applied).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('runs again a transaction whose reads fixtures replaced on another replica replaced', async () => {
    const a = await replica();
    const b = await replica();
    let runs = 0;
    await a.store.transact(async () => {
      runs += 1;
      const t1 = a.twin.state.things.get('t1');
      const fixtures = JSON.stringify({ things: [{ id: 't1', name: 'replaced' }], keys: { k1: 'tenant-a' } });
      if (runs === 1)
        expect(
          (await request(b, '/__admin/fixtures', { method: 'PUT', body: fixtures, headers: { 'content-type': 'application/json' } }))
            .status,
        ).toBe(200);
      a.twin.state.things.set('copy', { id: 'copy', name: t1!.name });
    });
    expect([runs, a.store.conflicts]).toEqual([2, 1]);
    expect(a.twin.state.things.get('copy')).toEqual({ id: 'copy', name: 'replaced' });
  });

  it('keeps a Cell outside a shared store a plain value', () => {
    const c = new Cell(1);
    c.set(2);
    expect(c.get()).toBe(2);
  });
});

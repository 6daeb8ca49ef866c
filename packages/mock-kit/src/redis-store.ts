import { Redis } from 'ioredis';
import { type Op, type Space, Tx } from './shared.ts';
import type { Twin } from './twin.ts';

/**
 * The Redis store: replicas of one twin pointed at one Redis act as one twin (the kit's README, "A shared QA twin").
 *
 * Redis keeps, under `doppel:<twin>:`,
 * - `ver`: the version of the shared state (how many changes were committed);
 * - `log`: a stream of the committed changes, entry `<version>-0` holding the operations of one transaction;
 * - `kv`: for each key a transaction wrote (a container, or one entry of one), the version that last wrote it;
 * - `snap`: the whole state as of a version (every `snapshotEvery` changes), from which a replica starts;
 *   `log` is trimmed to what follows the snapshot before it, and `kv` with it (`minv`: below it, `kv` forgot).
 *
 * A replica keeps the whole state locally. Each request: one round trip for the changes since the version it has
 * (usually none), the handlers run on the local copy in a transaction (shared.ts), and if it changed anything one
 * round trip commits it, in one Lua script that refuses when a key it read was written since its version. A refused
 * transaction is run again on the fresh state, so what the platform promises once (a code redeemed, a rule's
 * `times`) holds across replicas.
 */

const COMMIT = `
local base = tonumber(ARGV[1])
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local nchecks = tonumber(ARGV[2])
local ok = true
if nchecks > 0 and base < cur then
  if base < tonumber(redis.call('GET', KEYS[4]) or '0') then ok = false else
    for i = 3, 2 + nchecks do
      local v = redis.call('HGET', KEYS[3], ARGV[i])
      if v and tonumber(v) > base then ok = false break end
    end
  end
end
local since = {}
if cur > base then since = redis.call('XRANGE', KEYS[2], '(' .. base .. '-0', '+') end
if not ok then return {0, cur, since} end
local nv = cur + 1
redis.call('SET', KEYS[1], nv)
local nsets = tonumber(ARGV[3 + nchecks])
for i = 4 + nchecks, 3 + nchecks + nsets do redis.call('HSET', KEYS[3], ARGV[i], nv) end
redis.call('XADD', KEYS[2], nv .. '-0', 'o', ARGV[4 + nchecks + nsets])
return {1, nv, since}
`;

const LOAD = `
local v = redis.call('HGET', KEYS[1], 'v')
if not v then
  if ARGV[1] == '' then return {'', '', {}} end
  v = redis.call('GET', KEYS[3]) or '0'
  redis.call('HSET', KEYS[1], 'v', v, 'data', ARGV[1])
end
return {v, redis.call('HGET', KEYS[1], 'data'), redis.call('XRANGE', KEYS[2], '(' .. v .. '-0', '+')}
`;

const SNAPSHOT = `
local have = tonumber(redis.call('HGET', KEYS[1], 'v') or '-1')
if tonumber(ARGV[1]) <= have then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'data', ARGV[2])
if have > 0 then
  redis.call('XTRIM', KEYS[2], 'MINID', (have + 1) .. '-0')
  local all = redis.call('HGETALL', KEYS[3])
  for i = 1, #all, 2 do
    if tonumber(all[i + 1]) <= have then redis.call('HDEL', KEYS[3], all[i]) end
  end
  redis.call('SET', KEYS[4], have)
end
return 1
`;

type LogEntry = [id: string, fields: string[]];

interface Scripts {
  doppelCommit(...args: (string | number)[]): Promise<[number, number, LogEntry[]]>;
  doppelLoad(...args: (string | number)[]): Promise<[string, string, LogEntry[]]>;
  doppelSnapshot(...args: (string | number)[]): Promise<number>;
}

/** A request that kept losing to other replicas' changes: answered 503 rather than retried forever. */
export class StoreContention extends Error {
  constructor(attempts: number) {
    super(`doppel: the shared state kept changing under this request (${attempts} attempts)`);
    this.name = 'StoreContention';
  }
}

export interface RedisStoreOptions {
  /** Write a snapshot (and trim the log) every this many changes, more rarely for a large state; default 1000. */
  snapshotEvery?: number;
  /** How often a transaction is tried before the request gets a 503; default 50. */
  attempts?: number;
}

/** Whether `store` names a shared store this kit can open. */
export function isRedisUrl(store: string | undefined): store is string {
  return store !== undefined && /^rediss?:\/\//i.test(store);
}

export class RedisStore {
  /** The version of the shared state the local copy is at. */
  applied = 0;
  /** Transactions run again after a conflict, since start (for tests and `/__admin/health`). */
  conflicts = 0;
  readonly prefix: string;
  private readonly redis: Redis & Scripts;
  private readonly keys: { ver: string; log: string; kv: string; minv: string; snap: string };
  private readonly space: Space;
  private readonly snapshotEvery: number;
  private readonly attempts: number;
  private poll: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private nextSync: Promise<void> | undefined;
  /** The tail of this replica's queue of transactions that lost a conflict (see `transact`). */
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  /** The size of the last snapshot this replica wrote or read: a larger state is snapshotted less often. */
  private snapshotBytes = 0;

  private constructor(
    private readonly twin: Twin<unknown, unknown>,
    readonly url: string,
    options: RedisStoreOptions,
  ) {
    if (!twin.space) throw new Error('doppel: the twin was not created for a shared store (options.store)');
    this.space = twin.space;
    this.snapshotEvery = options.snapshotEvery ?? 1000;
    this.attempts = options.attempts ?? 50;
    this.prefix = `doppel:${twin.def.name}:`;
    const k = (name: string) => this.prefix + name;
    this.keys = { ver: k('ver'), log: k('log'), kv: k('kv'), minv: k('minv'), snap: k('snap') };
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
    redis.defineCommand('doppelCommit', { numberOfKeys: 4, lua: COMMIT });
    redis.defineCommand('doppelLoad', { numberOfKeys: 3, lua: LOAD });
    redis.defineCommand('doppelSnapshot', { numberOfKeys: 4, lua: SNAPSHOT });
    redis.on('error', () => {});
    this.redis = redis as Redis & Scripts;
  }

  /** Connect and bring the twin up to the shared state (the first replica's state becomes the shared one). */
  static async open<F, S>(twin: Twin<F, S>, url: string, options: RedisStoreOptions = {}): Promise<RedisStore> {
    const store = new RedisStore(twin as Twin<unknown, unknown>, url, options);
    await store.redis.connect();
    await store.load();
    // A live journal stream hears what other replicas serve within a quarter of a second.
    store.poll = setInterval(() => {
      if (twin.journal.listening > 0) store.sync().catch(() => {});
    }, 250);
    store.poll.unref();
    return store;
  }

  /** Replace the local copy with the snapshot and the changes after it. */
  private async load(): Promise<void> {
    const { snap, log, ver } = this.keys;
    // Ask first without this replica's own state (it can be large): only the first replica's is wanted.
    let [v, data, since] = await this.redis.doppelLoad(snap, log, ver, '');
    if (v === '') [v, data, since] = await this.redis.doppelLoad(snap, log, ver, JSON.stringify(this.space.dump()));
    this.snapshotBytes = data.length;
    this.space.restore(JSON.parse(data) as Record<string, unknown>);
    this.applied = Number(v);
    if (!this.applyEntries(since)) throw new Error('doppel: the shared log does not follow its snapshot');
  }

  /** Apply log entries past the local version, in order. False on a gap (the log was trimmed past us). */
  private applyEntries(entries: LogEntry[]): boolean {
    for (const [id, fields] of entries) {
      const v = Number.parseInt(id, 10);
      if (v <= this.applied) continue;
      if (v !== this.applied + 1) return false;
      this.space.apply(JSON.parse(fields[1]!) as Op[]);
      this.applied = v;
    }
    return true;
  }

  /**
   * Bring the local copy up to the shared version: one round trip. Concurrent requests share a read of the log, but
   * only one sent after they arrived: a change another replica committed before a request came must be seen by it.
   */
  sync(): Promise<void> {
    if (!this.syncing) {
      const read = this.readLog().finally(() => {
        if (this.syncing === read) this.syncing = undefined;
      });
      this.syncing = read;
      return read;
    }
    // A read is in flight, sent before this call: the next one, shared by everyone who came meanwhile.
    this.nextSync ??= this.syncing
      .catch(() => {})
      .then(() => {
        this.nextSync = undefined;
        return this.sync();
      });
    return this.nextSync;
  }

  private async readLog(): Promise<void> {
    const since = (await this.redis.xrange(this.keys.log, `(${this.applied}-0`, '+')) as LogEntry[];
    if (!this.applyEntries(since)) await this.load();
  }

  /**
   * Run `fn` as a transaction on the fresh shared state and commit what it changed; run it again (on the newer
   * state) while another replica's change conflicts. Throws StoreContention past the attempts.
   *
   * The first attempt runs alongside this replica's other requests. One that lost a conflict runs again in this
   * replica's queue, one at a time: requests that all change one thing (a counter every call increments) then take
   * turns instead of refusing each other again and again.
   */
  async transact<T>(fn: () => T | Promise<T>): Promise<T> {
    // While the queue has work, join it: the requests alongside are likely to want the same thing.
    let tried = 0;
    if (this.queued === 0) {
      await this.sync();
      const first = await this.attempt(fn);
      if (first.done) return first.value();
      this.conflicts += 1;
      tried = 1;
      if (tried >= this.attempts) throw new StoreContention(tried);
    }
    this.queued += 1;
    let release!: () => void;
    const turn = this.queue;
    this.queue = new Promise<void>((r) => {
      release = r;
    });
    await turn;
    try {
      // `attempts` tries in all, the first one outside the queue included.
      for (let attempt = tried + 1; ; attempt++) {
        await this.sync();
        const next = await this.attempt(fn);
        if (next.done) return next.value();
        this.conflicts += 1;
        if (attempt >= this.attempts) throw new StoreContention(attempt);
      }
    } finally {
      this.queued -= 1;
      release();
    }
  }

  /** One attempt: run `fn` in a new transaction and commit it; `done` false when the commit was refused. */
  private async attempt<T>(fn: () => T | Promise<T>): Promise<{ done: true; value: () => T } | { done: false }> {
    const tx = new Tx(this.applied);
    let result: T | undefined;
    let thrown: unknown;
    let failed = false;
    try {
      result = await this.space.run(tx, fn);
    } catch (err) {
      failed = true;
      thrown = err;
    } finally {
      tx.done = true;
    }
    if (tx.ops.length !== 0 && !(await this.commit(tx))) return { done: false };
    return {
      done: true,
      value: () => {
        if (failed) throw thrown;
        return result as T;
      },
    };
  }

  private async commit(tx: Tx): Promise<boolean> {
    const { ver, log, kv, minv } = this.keys;
    // A transaction that changed nothing but appended (a journal entry) needs no check: it read a consistent state.
    const checks = tx.writes.size === 0 ? [] : ['*', ...tx.reads];
    const sets = [...tx.writes];
    const payload = JSON.stringify(tx.ops);
    const [ok, v, since] = await this.redis.doppelCommit(
      ver,
      log,
      kv,
      minv,
      tx.base,
      checks.length,
      ...checks,
      sets.length,
      ...sets,
      payload,
    );
    if (!this.applyEntries(since)) await this.load();
    if (!ok) return false;
    if (v > this.applied) {
      if (v !== this.applied + 1) await this.readLog();
      else {
        this.space.apply(JSON.parse(payload) as Op[]);
        this.applied = v;
      }
    }
    if (v % this.snapshotInterval() === 0 && this.applied === v) void this.snapshot(v);
    return true;
  }

  /**
   * Every how many changes a snapshot is written: `snapshotEvery`, doubled until the snapshot costs at most about
   * 1 KiB per change it covers (a twin with 300,000 fixture codes is not re-written every thousand requests).
   * A power-of-two multiple, so replicas that estimate the size differently still agree on some versions.
   */
  private snapshotInterval(): number {
    let interval = this.snapshotEvery;
    while (interval * 1024 < this.snapshotBytes && interval < 2 ** 40) interval *= 2;
    return interval;
  }

  /** Write the local copy as the snapshot of version `v` (it must be at `v`), and trim what it replaces. */
  private async snapshot(v: number): Promise<void> {
    const data = JSON.stringify(this.space.dump());
    this.snapshotBytes = data.length;
    const { snap, log, kv, minv } = this.keys;
    try {
      await this.redis.doppelSnapshot(snap, log, kv, minv, v, data);
    } catch (err) {
      console.error(`[doppel:${this.twin.def.name}] could not write a snapshot:`, err);
    }
  }

  /** What Redis holds for this twin: log entries, written-key versions, and the snapshot's version and size. */
  async usage(): Promise<{ version: number; logEntries: number; keyVersions: number; snapshotVersion: number; snapshotBytes: number }> {
    const { ver, log, kv, snap } = this.keys;
    const [v, len, kvs, sv, sbytes] = await Promise.all([
      this.redis.get(ver),
      this.redis.xlen(log),
      this.redis.hlen(kv),
      this.redis.hget(snap, 'v'),
      this.redis.hstrlen(snap, 'data'),
    ]);
    return { version: Number(v ?? 0), logEntries: len, keyVersions: kvs, snapshotVersion: Number(sv ?? 0), snapshotBytes: sbytes };
  }

  async close(): Promise<void> {
    clearInterval(this.poll);
    await this.syncing?.catch(() => {});
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** An error of the Redis client (connection lost, command refused), as opposed to one the twin threw. */
function isRedisError(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name ?? '';
  const message = String((err as { message?: string } | undefined)?.message ?? '');
  return /ReplyError|MaxRetriesPerRequestError|AbortError/.test(name) || /Connection is closed|ECONNREFUSED|ECONNRESET/.test(message);
}

/** Read a request body up to `max` bytes (a body past the twin's limit is refused by the kit anyway). */
async function readUpTo(req: Request, max: number): Promise<Uint8Array<ArrayBuffer>> {
  const reader = req.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      break;
    }
  }
  return new Uint8Array(Buffer.concat(chunks));
}

// biome-ignore lint/suspicious/noExplicitAny: Hono's fetch takes its own ExecutionContext; this passes it through.
type Fetch = (req: Request, env?: unknown, ctx?: any) => Response | Promise<Response>;

/**
 * The twin's fetch, each request run as a transaction of the store: its body read first, so that a request refused
 * by a conflict can be run again as it was sent.
 */
export function transactionalFetch(store: RedisStore, fetch: Fetch, bodyLimit: number): Fetch {
  return async (req, env, ctx) => {
    let make = () => req;
    const declared = req.headers.get('content-length');
    if (req.body && req.method !== 'GET' && req.method !== 'HEAD' && !(declared !== null && Number(declared) > bodyLimit)) {
      const body = await readUpTo(req, bodyLimit);
      const headers = new Headers(req.headers);
      headers.delete('transfer-encoding');
      headers.set('content-length', String(body.byteLength));
      make = () => new Request(req.url, { method: req.method, headers, body, signal: req.signal });
    }
    let ran = false;
    try {
      return await store.transact(() => {
        ran = true;
        return fetch(make(), env, ctx);
      });
    } catch (err) {
      // A request the twin answered but could not commit (or could not even start: Redis unreachable) is a 503.
      // What the twin itself threw (a dropped connection) goes on as it would in memory.
      const storeFailed = err instanceof StoreContention || !ran || isRedisError(err);
      if (!storeFailed) throw err;
      const message = err instanceof StoreContention ? err.message : `doppel: the shared store is unreachable (${(err as Error).message})`;
      return new Response(JSON.stringify({ message }), { status: 503, headers: { 'content-type': 'application/json' } });
    }
  };
}

/**
 * Connect a twin app built with `options.store` to its Redis: from now on `app.fetch` (and so `app.request`) runs
 * each request as a transaction of the shared state.
 */
export async function connectStore<F, S>(
  twinApp: { app: { fetch: Fetch }; twin: Twin<F, S> },
  url: string,
  options: RedisStoreOptions = {},
): Promise<RedisStore> {
  const store = await RedisStore.open(twinApp.twin, url, options);
  twinApp.twin.storeStatus = () => ({ kind: 'redis', version: store.applied, conflicts: store.conflicts });
  const fetch = twinApp.app.fetch;
  twinApp.app.fetch = transactionalFetch(store, fetch, twinApp.twin.bodyLimit);
  return store;
}

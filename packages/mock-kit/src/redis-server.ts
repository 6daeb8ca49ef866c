import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import { connectStore, type RedisStore } from './redis-store.ts';

/**
 * A throwaway redis-server for tests of the shared store: on a free loopback port, in a temporary directory, with no
 * persistence; `stop()` ends it and removes the directory. Debian's `redis-server` (`.ci/run` installs it), or the
 * one `DOPPEL_REDIS_SERVER` names.
 */
export interface TestRedis {
  url: string;
  port: number;
  /** Empty the database (between tests). */
  flush(): Promise<void>;
  /** A client of it, for a test's own look at what Redis holds (closed by `stop`). */
  client(): Redis;
  stop(): Promise<void>;
}

/** The redis-server binary, if there is one. */
export function redisServerPath(): string | undefined {
  const named = process.env.DOPPEL_REDIS_SERVER;
  const candidates = named
    ? [named]
    : [...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'redis-server')), '/usr/bin/redis-server'];
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {}
  }
  return undefined;
}

/** A free TCP port on 127.0.0.1 (bound to port 0, then released): redis-server takes no `--port 0`. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startRedisServer(): Promise<TestRedis> {
  const bin = redisServerPath();
  if (!bin) throw new Error('redis-server is not installed (apt-get install redis-server), or set DOPPEL_REDIS_SERVER');
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'doppel-redis-'));
    const proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ready = await new Promise<boolean>((resolve) => {
      let out = '';
      const done = (ok: boolean) => {
        clearTimeout(timer);
        resolve(ok);
      };
      const timer = setTimeout(() => done(false), 10_000);
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) done(true);
      });
      proc.once('exit', () => done(false));
    });
    if (ready) {
      proc.stdout!.resume();
      proc.stderr!.resume();
      let client: Redis | undefined;
      const open = () => {
        client ??= new Redis(port, '127.0.0.1');
        return client;
      };
      return {
        url: `redis://127.0.0.1:${port}/0`,
        port,
        client: open,
        flush: async () => {
          await open().flushdb();
        },
        stop: async () => {
          await client?.quit().catch(() => {});
          await stop(proc, dir);
        },
      };
    }
    await stop(proc, dir);
    // The port was taken between finding it and binding it: try another.
    if (attempt >= 3) throw new Error(`redis-server did not start (${bin})`);
  }
}

async function stop(proc: ChildProcess, dir: string): Promise<void> {
  if (proc.exitCode === null && proc.signalCode === null) {
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Whether shared-store tests run here: a redis-server is installed, or this is CI (which installs one, so a missing one fails). */
export const redisAvailable = (): boolean => redisServerPath() !== undefined || process.env.CI === 'true';

/**
 * In-process replicas of one twin on one throwaway redis-server, for a test file: `start` before all, `reset` before
 * each (closes every replica's store, empties Redis), `stop` after all. `replica(...)` builds one with `make` (given
 * the store's URL) and connects it, so its `app.request()` runs each request as a transaction of the shared store.
 */
export function sharedReplicas<A extends Parameters<typeof connectStore>[0], P extends unknown[]>(make: (store: string, ...args: P) => A) {
  let redis: TestRedis | undefined;
  let stores: RedisStore[] = [];
  const closeAll = async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
  };
  return {
    async start(): Promise<void> {
      redis = await startRedisServer();
    },
    async reset(): Promise<void> {
      await closeAll();
      await redis!.flush();
    },
    async stop(): Promise<void> {
      await closeAll();
      await redis?.stop();
    },
    /** The stores of the replicas made since the last reset (their `conflicts`, say). */
    get stores(): readonly RedisStore[] {
      return stores;
    },
    /** The test Redis (its URL, a client to look at what it holds). */
    get redis(): TestRedis {
      return redis!;
    },
    async replica(...args: P): Promise<A['app']> {
      const twinApp = make(redis!.url, ...args);
      stores.push(await connectStore(twinApp, redis!.url));
      return twinApp.app;
    },
  };
}

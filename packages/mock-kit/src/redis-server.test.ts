import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../example/index.ts';
import { freePort, redisAvailable, redisServerPath, sharedReplicas, startRedisServer } from './redis-server.ts';

const ENV = ['DOPPEL_REDIS_SERVER', 'PATH', 'CI'] as const;
let saved: Record<string, string | undefined>;
let scratch: string;

beforeEach(() => {
  saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
  scratch = mkdtempSync(join(tmpdir(), 'redis-server-test-'));
});
afterEach(() => {
  vi.useRealTimers();
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  rmSync(scratch, { recursive: true, force: true });
});

/** A file `name` in a new directory `dir` of the scratch dir, executable or not; path search only checks the mode. */
const fake = (dir: string, body = '#!/bin/sh\nexit 1\n', mode = 0o755, name = 'redis-server'): string => {
  mkdirSync(join(scratch, dir), { recursive: true });
  const file = join(scratch, dir, name);
  writeFileSync(file, body);
  chmodSync(file, mode);
  return file;
};
/** A fake redis-server that writes its arguments (one line per run) to `log`, then runs `rest`. */
const logging = (log: string, rest: string): string => fake('bin', `#!/bin/sh\necho "$@" >> '${log}'\n${rest}\n`);
const runs = (log: string): string[][] =>
  existsSync(log)
    ? readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' '))
    : [];
/** What connecting to 127.0.0.1:port gives: 'connected' or the error's code. */
const connecting = (port: number): Promise<string> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
const argOf = (args: string[], name: string): string => args[args.indexOf(name) + 1]!;

describe('redisServerPath', () => {
  it('takes DOPPEL_REDIS_SERVER first, over a redis-server on PATH', () => {
    const named = fake('named', undefined, 0o755, 'my-redis');
    const onPath = fake('p');
    process.env.PATH = dirname(onPath);
    process.env.DOPPEL_REDIS_SERVER = named;
    expect(redisServerPath()).toBe(named);
  });

  it('looks nowhere else when DOPPEL_REDIS_SERVER names no executable', () => {
    process.env.PATH = dirname(fake('p'));
    process.env.DOPPEL_REDIS_SERVER = join(scratch, 'missing');
    expect(redisServerPath()).toBeUndefined();
    process.env.DOPPEL_REDIS_SERVER = fake('n', undefined, 0o644);
    expect(redisServerPath()).toBeUndefined();
  });

  it('takes the first PATH entry with an executable redis-server, skipping one that is not executable', () => {
    fake('a', undefined, 0o644);
    const b = fake('b');
    fake('c');
    process.env.PATH = [join(scratch, 'none'), join(scratch, 'a'), join(scratch, 'b'), join(scratch, 'c')].join(delimiter);
    delete process.env.DOPPEL_REDIS_SERVER;
    expect(redisServerPath()).toBe(b);
  });

  it('falls back to /usr/bin/redis-server when PATH has none', () => {
    // Whether this machine has one: the answer must agree.
    let usr = true;
    try {
      accessSync('/usr/bin/redis-server', constants.X_OK);
    } catch {
      usr = false;
    }
    process.env.PATH = join(scratch, 'none');
    delete process.env.DOPPEL_REDIS_SERVER;
    expect(redisServerPath()).toBe(usr ? '/usr/bin/redis-server' : undefined);
    delete process.env.PATH;
    expect(redisServerPath()).toBe(usr ? '/usr/bin/redis-server' : undefined);
    process.env.PATH = '';
    expect(redisServerPath()).toBe(usr ? '/usr/bin/redis-server' : undefined);
  });
});

describe('redisAvailable', () => {
  it('is true when a redis-server is found, false when not (outside CI)', () => {
    delete process.env.CI;
    process.env.DOPPEL_REDIS_SERVER = fake('n');
    expect(redisAvailable()).toBe(true);
    process.env.CI = 'false';
    expect(redisAvailable()).toBe(true);
    process.env.DOPPEL_REDIS_SERVER = join(scratch, 'missing');
    expect(redisAvailable()).toBe(false);
    delete process.env.CI;
    expect(redisAvailable()).toBe(false);
  });

  it('is true in CI (CI=true) even without one, so a missing redis-server fails there instead of skipping', () => {
    process.env.DOPPEL_REDIS_SERVER = join(scratch, 'missing');
    process.env.CI = 'true';
    expect(redisAvailable()).toBe(true);
  });
});

describe('freePort', () => {
  it('gives a port nothing listens on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await connecting(port)).toBe('ECONNREFUSED');
  });
});

describe('startRedisServer without a working redis-server', () => {
  it('names the fix when none is installed', async () => {
    process.env.DOPPEL_REDIS_SERVER = join(scratch, 'missing');
    await expect(startRedisServer()).rejects.toThrow(
      'redis-server is not installed (apt-get install redis-server), or set DOPPEL_REDIS_SERVER',
    );
  });

  it('tries four times, each on a free port in its own temp dir that it removes, then names the binary', { timeout: 20_000 }, async () => {
    const log = join(scratch, 'runs.log');
    const bin = logging(log, 'echo "not ready yet"\nexit 1');
    process.env.DOPPEL_REDIS_SERVER = bin;
    await expect(startRedisServer()).rejects.toThrow(`redis-server did not start (${bin})`);
    const all = runs(log);
    expect(all).toHaveLength(4);
    for (const args of all) {
      expect(Number(argOf(args, '--port'))).toBeGreaterThan(0);
      expect(argOf(args, '--bind')).toBe('127.0.0.1');
      const dir = argOf(args, '--dir');
      expect(basename(dir)).toMatch(/^doppel-redis-/);
      expect(existsSync(dir)).toBe(false);
    }
  });

  it('stops a server killed by a signal once, and stop() again does nothing', { timeout: 20_000 }, async () => {
    const log = join(scratch, 'runs.log');
    process.env.DOPPEL_REDIS_SERVER = logging(log, 'echo "* Ready to accept connections tcp"\nexec sleep 60');
    const server = await startRedisServer();
    const dir = argOf(runs(log)[0]!, '--dir');
    expect(existsSync(dir)).toBe(true);
    await server.stop();
    expect(existsSync(dir)).toBe(false);
    await server.stop();
  });
});

describe.skipIf(!redisAvailable())('startRedisServer', () => {
  it('starts a redis-server on a free loopback port, its data in a temp dir that stop() removes', async () => {
    const redis = await startRedisServer();
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}/0`);
      const c = redis.client();
      expect(redis.client()).toBe(c);
      expect(await c.ping()).toBe('PONG');
      const [, dir] = (await c.config('GET', 'dir')) as [string, string];
      expect(basename(dir)).toMatch(/^doppel-redis-/);
      expect(existsSync(dir)).toBe(true);
      expect(await c.config('GET', 'save')).toEqual(['save', '']);
      expect(await c.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
      await redis.stop();
      expect(existsSync(dir)).toBe(false);
      expect(await connecting(redis.port)).toBe('ECONNREFUSED');
    } finally {
      await redis.stop();
    }
  });

  it('flush() empties it', async () => {
    const redis = await startRedisServer();
    try {
      await redis.flush();
      await redis.client().set('k', 'v');
      await redis.client().set('j', 'w');
      expect(await redis.client().dbsize()).toBe(2);
      await redis.flush();
      expect(await redis.client().dbsize()).toBe(0);
    } finally {
      await redis.stop();
    }
  });

  it('two at once get different ports; stop() twice is fine, with or without a client', async () => {
    const [a, b] = await Promise.all([startRedisServer(), startRedisServer()]);
    expect(a.port).not.toBe(b.port);
    await a.client().set('only', 'a');
    expect(await b.client().exists('only')).toBe(0);
    await a.stop();
    await a.stop();
    await b.stop();
    await b.stop();
    const c = await startRedisServer();
    await c.stop();
    await c.stop();
  });
});

describe.skipIf(!redisAvailable())('sharedReplicas', () => {
  const clients = async (c: Redis): Promise<number> =>
    String(await c.client('LIST'))
      .trim()
      .split('\n')
      .filter(Boolean).length;

  it('connects replicas of a twin to one throwaway Redis, and reset/stop close them', async () => {
    const replicas = sharedReplicas((store, tag?: string) => {
      expect(tag === undefined || tag === 'b').toBe(true);
      return createApp({ store });
    });
    await replicas.stop(); // before start: nothing to stop
    await replicas.start();
    try {
      expect(replicas.stores).toEqual([]);
      const look = replicas.redis.client();
      expect(replicas.redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+\/0$/);
      const a = await replicas.replica();
      const b = await replicas.replica('b');
      expect(replicas.stores).toHaveLength(2);
      expect(replicas.stores.map((s) => s.url)).toEqual([replicas.redis.url, replicas.redis.url]);
      const rule = await a.request('/__admin/scenarios/rules', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ scenario: 'QUOTA', match: { path: '/nowhere' } }),
      });
      expect(rule.status).toBe(201);
      const seen = (await (await b.request('/__admin/scenarios/rules')).json()) as { rules: unknown[] };
      expect(seen.rules).toHaveLength(1);
      expect(await look.dbsize()).toBeGreaterThan(0);
      expect(await clients(look)).toBe(3);

      await replicas.reset();
      expect(replicas.stores).toEqual([]);
      expect(await look.dbsize()).toBe(0);
      await vi.waitFor(async () => expect(await clients(look)).toBe(1));
      await replicas.reset();
      expect(replicas.stores).toEqual([]);

      const c = await replicas.replica();
      expect(((await (await c.request('/__admin/scenarios/rules')).json()) as { rules: unknown[] }).rules).toEqual([]);
      expect(replicas.stores).toHaveLength(1);
    } finally {
      const url = replicas.redis.url;
      await replicas.stop();
      expect(replicas.stores).toEqual([]);
      const port = Number(new URL(url).port);
      expect(await connecting(port)).toBe('ECONNREFUSED');
    }
  });
});

import { mkdtempSync, unlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { serve } from '@hono/node-server';
import { describe, expect, it, vi } from 'vitest';
import { exampleTwin } from '../example/index.ts';
import { RedisStore } from './redis-store.ts';
import { redisAvailable, startRedisServer } from './redis-server.ts';
import { PortInUseError, startTwin, storeOf } from './serve.ts';

// Every server startTwin creates, so a test can make one fail after it started (as an exhausted accept() would).
const servers = vi.hoisted(() => [] as ReturnType<typeof serve>[]);
vi.mock('@hono/node-server', async (original) => {
  const real = await original<typeof import('@hono/node-server')>();
  return {
    ...real,
    serve: (...args: Parameters<typeof real.serve>) => {
      const server = real.serve(...args);
      servers.push(server);
      return server;
    },
  };
});

const K1 = { headers: { 'x-key': 'k1' } };

describe('startTwin', () => {
  it('serves over HTTP on a free port and closes', async () => {
    const running = await startTwin(exampleTwin, { port: 0 });
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${running.url}/__admin/health`);
    expect(((await res.json()) as { status: string }).status).toBe('ok');
    expect(running).not.toHaveProperty('store');
    await running.close();
    await expect(fetch(`${running.url}/__admin/health`)).rejects.toThrow();
  });

  it.skipIf(!redisAvailable())('hands back the shared store it connected to', async () => {
    const redis = await startRedisServer();
    try {
      const running = await startTwin(exampleTwin, { store: redis.url });
      expect(running.store).toBeInstanceOf(RedisStore);
      await running.close();
    } finally {
      await redis.stop();
    }
  });

  it('names the port when it is taken', async () => {
    const first = await startTwin(exampleTwin);
    await expect(startTwin(exampleTwin, { port: first.port })).rejects.toThrow(`port ${first.port} on 127.0.0.1 is already in use`);
    await first.close();
  });

  it('drops a real socket for a drop fault, and serves the next request', async () => {
    const running = await startTwin(exampleTwin);
    try {
      running.twin.rules.add({ fault: { type: 'drop' }, times: 1 });
      await expect(fetch(`${running.url}/things`, K1)).rejects.toThrow();
      expect((await fetch(`${running.url}/things`, K1)).status).toBe(200);
      expect(running.twin.journal.all().map((e) => e.status)).toEqual([0, 200]);
    } finally {
      await running.close();
    }
  });
});

describe('startTwin: errors, addresses and the fixtures watcher', () => {
  it('PortInUseError names the port and host', () => {
    const err = new PortInUseError(1234, '::1');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('PortInUseError');
    expect(err.message).toBe('port 1234 on ::1 is already in use');
    expect([err.port, err.host]).toEqual([1234, '::1']);
  });

  it('refuses a store it cannot open before binding anything, naming it and the ones it can', async () => {
    const words = 'doppel: unknown store "mongodb://h/db" (memory, or redis://host:port/db)';
    expect(() => storeOf('mongodb://h/db')).toThrow(new Error(words));
    await expect(startTwin(exampleTwin, { store: 'mongodb://h/db' })).rejects.toThrow(words);
    expect([storeOf('memory'), storeOf(''), storeOf('redis://h:1/2')]).toEqual([undefined, undefined, 'redis://h:1/2']);
  });

  it('passes any other listen error through as it is', async () => {
    const failed = await startTwin(exampleTwin, { host: '192.0.2.1' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failed).not.toBeInstanceOf(PortInUseError);
    expect(failed).toMatchObject({ code: 'EADDRNOTAVAIL' });
  });

  it('on loopback has no token, and shows an IPv6 host in brackets', async () => {
    const running = await startTwin(exampleTwin, { host: '::1' });
    try {
      expect(running.url).toBe(`http://[::1]:${running.port}`);
      expect(Object.keys(running)).not.toContain('adminToken');
      expect((await fetch(`${running.url}/__admin/health`)).status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('off loopback answers the admin API under any Host name, given the token', async () => {
    const running = await startTwin(exampleTwin, { host: '0.0.0.0' });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port: running.port,
            path: '/__admin/health',
            headers: { host: `my-machine.local:${running.port}`, authorization: `Bearer ${running.adminToken}` },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('reloads on change and on a re-created file (not at start, not on removal), saying so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doppel-serve-'));
    const f = join(dir, 'fixtures.yaml');
    writeFileSync(f, 'things: []\nkeys: {}\n');
    const lines: string[] = [];
    const running = await startTwin(exampleTwin, { fixturesFile: f, log: (l) => lines.push(l) });
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(lines).toEqual([]);
      writeFileSync(f, 'things: [{ id: a, name: A }]\nkeys: {}\n');
      await expect.poll(() => lines.length, { timeout: 10_000 }).toBe(1);
      expect(lines).toEqual([`[doppel:example] fixtures reloaded from ${f}`]);
      unlinkSync(f);
      await new Promise((r) => setTimeout(r, 400));
      writeFileSync(f, 'things: [{ id: b, name: B }]\nkeys: {}\n');
      await expect.poll(() => running.twin.state.things.has('b'), { timeout: 10_000 }).toBe(true);
      expect(lines).toEqual([`[doppel:example] fixtures reloaded from ${f}`, `[doppel:example] fixtures reloaded from ${f}`]);
    } finally {
      await running.close();
    }
  });

  it('logs to the console by default, and does not watch with watch: false', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doppel-serve-'));
    const f = join(dir, 'fixtures.yaml');
    writeFileSync(f, 'things: []\nkeys: {}\n');
    const logged = vi.spyOn(console, 'log').mockImplementation(() => {});
    const watching = await startTwin(exampleTwin, { fixturesFile: f });
    const still = await startTwin(exampleTwin, { fixturesFile: f, watch: false });
    try {
      writeFileSync(f, 'things: [{ id: c, name: C }]\nkeys: {}\n');
      await expect.poll(() => watching.twin.state.things.has('c'), { timeout: 10_000 }).toBe(true);
      expect(logged).toHaveBeenCalledWith(`[doppel:example] fixtures reloaded from ${f}`);
      await new Promise((r) => setTimeout(r, 300));
      expect(still.twin.state.things.has('c')).toBe(false);
    } finally {
      logged.mockRestore();
      await watching.close();
      await still.close();
    }
  });

  it('logs a server error after start instead of crashing, naming the twin', async () => {
    const lines: string[] = [];
    const running = await startTwin(exampleTwin, { log: (l) => lines.push(l) });
    try {
      servers.at(-1)!.emit('error', new Error('EMFILE: too many open files'));
      expect(lines).toEqual(['[doppel:example] server error: Error: EMFILE: too many open files']);
      expect((await fetch(`${running.url}/__admin/health`)).status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('stops watching the fixtures file once closed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doppel-serve-'));
    const f = join(dir, 'fixtures.yaml');
    writeFileSync(f, 'things: []\nkeys: {}\n');
    const closedLines: string[] = [];
    const closed = await startTwin(exampleTwin, { fixturesFile: f, log: (l) => closedLines.push(l) });
    await closed.close();
    const open = await startTwin(exampleTwin, { fixturesFile: f, log: () => {} });
    try {
      writeFileSync(f, 'things: [{ id: d, name: D }]\nkeys: {}\n');
      // The twin still open sees the change; the closed one, watching the same file until close(), must not.
      await expect.poll(() => open.twin.state.things.has('d'), { timeout: 10_000 }).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(closedLines).toEqual([]);
      expect(closed.twin.state.things.has('d')).toBe(false);
    } finally {
      await open.close();
    }
  });
});

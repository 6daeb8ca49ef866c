import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ServiceStore, UPSERT_SQL } from './store.ts';

const dbFile = () => join(mkdtempSync(join(tmpdir(), 'doppel-services-')), 'bot.sqlite');

describe('ServiceStore (the services table on SQLite)', () => {
  it('creates the doc’s table with its columns, plus a unique key on (name, botId, groupId)', () => {
    const store = new ServiceStore(':memory:');
    const cols = store.db.prepare('PRAGMA table_info(services)').all() as { name: string; type: string; notnull: number; pk: number }[];
    expect(cols.map((c) => [c.name, c.type, c.notnull, c.pk])).toEqual([
      ['id', 'INTEGER', 0, 1],
      ['name', 'VARCHAR(255)', 0, 0],
      ['botId', 'VARCHAR(255)', 0, 0],
      ['groupId', 'VARCHAR(255)', 0, 0],
      ['userId', 'VARCHAR(255)', 0, 0],
      ['data', 'JSON', 0, 0],
      ['createdAt', 'DATETIME', 1, 0],
      ['updatedAt', 'DATETIME', 1, 0],
    ]);
    const indexes = store.db.prepare('PRAGMA index_list(services)').all() as { name: string; unique: number }[];
    const unique = indexes.find((i) => i.unique === 1)!;
    expect((store.db.prepare(`PRAGMA index_info(${unique.name})`).all() as { name: string }[]).map((c) => c.name)).toEqual([
      'name',
      'botId',
      'groupId',
    ]);
    expect(() =>
      store.db
        .prepare("INSERT INTO services (name, botId, groupId, data, createdAt, updatedAt) VALUES ('GitHub','b','g','{}','x','x')")
        .run(),
    ).not.toThrow();
    expect(() =>
      store.db
        .prepare("INSERT INTO services (name, botId, groupId, data, createdAt, updatedAt) VALUES ('GitHub','b','g','{}','x','x')")
        .run(),
    ).toThrow(/UNIQUE/);
  });

  it('upsert creates, then updates the same row (createdAt kept, updatedAt moved, userId kept unless given)', () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const store = new ServiceStore(':memory:', { now: () => new Date(t) });
    const a = store.upsert({ name: 'GitHub', botId: 'b1', groupId: 'g1', userId: 'u1', data: { accessToken: 'one' } });
    t += 60_000;
    const b = store.upsert({ name: 'GitHub', botId: 'b1', groupId: 'g1', data: { accessToken: 'two' } });
    expect(b.id).toBe(a.id);
    expect(b).toMatchObject({
      userId: 'u1',
      data: { accessToken: 'two' },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:01:00.000Z',
    });
    expect(store.find('GitHub', 'b1', 'g1')?.data.accessToken).toBe('two');
    expect(store.find('GitHub', 'b1', 'g2')).toBeNull();
    expect(store.all()).toHaveLength(1);
  });

  it('threads racing the upsert on one file never make two rows', async () => {
    const file = dbFile();
    new ServiceStore(file).close(); // creates the table
    const worker = `
      const { workerData, parentPort } = require('node:worker_threads');
      const Database = require(workerData.driver);
      const db = new Database(workerData.file);
      db.pragma('busy_timeout = 10000');
      const upsert = db.prepare(workerData.sql);
      for (let i = 0; i < 200; i++) {
        const at = new Date().toISOString();
        upsert.get('GitHub', 'bot-' + (i % 3), 'group-1', null, JSON.stringify({ accessToken: 'w' + workerData.n + '-' + i }), at, at);
      }
      db.close();
      parentPort.postMessage('done');
    `;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    await Promise.all(
      Array.from({ length: 4 }, (_, n) => {
        const w = new Worker(worker, { eval: true, workerData: { file, sql: UPSERT_SQL, driver, n } });
        return new Promise((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
        });
      }),
    );
    const store = new ServiceStore(file);
    expect(
      store
        .all()
        .map((s) => s.botId)
        .sort(),
    ).toEqual(['bot-0', 'bot-1', 'bot-2']);
    store.close();
  });

  it('two connections interleaving upserts on one file never make two rows', async () => {
    const file = dbFile();
    const one = new ServiceStore(file);
    const two = new ServiceStore(file);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        Promise.resolve().then(() =>
          (i % 2 ? one : two).upsert({ name: 'GitHub', botId: 'b', groupId: 'g', data: { accessToken: `t${i}` } }),
        ),
      ),
    );
    expect(one.all()).toHaveLength(1);
    expect(two.all()).toHaveLength(1);
    one.close();
    two.close();
  });

  it('keeps its data across a restart (reopening the file)', () => {
    const file = dbFile();
    const first = new ServiceStore(file);
    first.upsert({ name: 'GitHub', botId: 'b', groupId: 'g', userId: 'u', data: { accessToken: 'gho_x', scope: 'read:user' } });
    first.close();
    const again = new ServiceStore(file);
    expect(again.find('GitHub', 'b', 'g')).toMatchObject({ userId: 'u', data: { accessToken: 'gho_x', scope: 'read:user' } });
    again.close();
  });

  it('clearToken drops the token fields but keeps the row; remove deletes a bot’s services in a group', () => {
    const store = new ServiceStore(':memory:');
    const s = store.upsert({ name: 'GitHub', botId: 'b', groupId: 'g', data: { accessToken: 'x', refreshToken: 'r', note: 'kept' } });
    expect(store.clearToken(s.id)?.data).toEqual({ note: 'kept' });
    expect(store.remove('b', 'g')).toBe(1);
    expect(store.all()).toEqual([]);
  });

  it('clearToken moves updatedAt and answers null for an unknown id; a row without data reads as {}', () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const store = new ServiceStore(':memory:', { now: () => new Date(t) });
    const s = store.upsert({ name: 'GitHub', botId: 'b', groupId: 'g', data: { accessToken: 'x', expiresAt: 'soon', scope: 's' } });
    t += 1000;
    expect(store.clearToken(s.id)).toMatchObject({
      data: {},
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:01.000Z',
    });
    expect(store.clearToken(s.id + 1)).toBeNull();
    store.db.prepare('UPDATE services SET data = NULL').run();
    expect(store.find('GitHub', 'b', 'g')?.data).toEqual({});
    expect(store.remove('b', 'other')).toBe(0);
  });

  it('refuses a key part that is not a non-empty string (SQLite would let NULLs repeat)', () => {
    const store = new ServiceStore(':memory:');
    expect(() => store.upsert({ name: 'GitHub', botId: '', groupId: 'g', data: {} })).toThrow(/botId/);
    expect(() => store.find('GitHub', 'b', undefined as unknown as string)).toThrow(/groupId/);
  });
});

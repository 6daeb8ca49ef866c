import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type ExampleEnv, exampleTwin } from '../example/index.ts';
import { createTwinApp } from './app.ts';
import { Journal, pathMatcher } from './journal.ts';
import { json, K1, make, withKey } from './test-support.ts';

describe('journal', () => {
  it('records method, path, query, headers, body, status, response, tenant and timing, masking secrets', async () => {
    const { app } = make();
    await app.request('/things?x=1', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-key': 'k1', authorization: 'Bearer abcdefghijkl' },
      body: JSON.stringify({ name: 'n', password: 'hunter2-hunter2' }),
    });
    const { total, entries } = (await (await app.request('/__admin/journal')).json()) as {
      total: number;
      entries: Record<string, unknown>[];
    };
    expect(total).toBe(1);
    const e = entries[0]!;
    expect(e).toMatchObject({
      id: 1,
      method: 'POST',
      path: '/things',
      query: { x: '1' },
      status: 201,
      tenant: 'tenant-a',
      body: { name: 'n', password: '****ter2' },
      responseBody: { id: 't2', name: 'n' },
    });
    expect((e.headers as Record<string, string>).authorization).toBe('****ijkl');
    expect(typeof e.durationMs).toBe('number');
    expect(Date.parse(String(e.time))).toBeGreaterThan(0);
  });

  it('keeps an unparseable body as its raw text', async () => {
    const { app, twin } = make();
    await app.request('/things', withKey({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' }));
    expect(twin.journal.all()[0]!.body).toBe('{oops');
  });

  it('records a form-encoded response as fields, masking secret ones', async () => {
    const form = new Hono<ExampleEnv>().get('/', (c) =>
      c.body('access_token=gho_abcdefghijklmnop&scope=repo', 200, { 'content-type': 'application/x-www-form-urlencoded' }),
    );
    const { app, twin } = createTwinApp({ ...exampleTwin, routes: [['/open', form]] });
    await app.request('/open');
    expect(twin.journal.all()[0]!.responseBody).toEqual({ access_token: '****mnop', scope: 'repo' });
  });

  it('is a bounded ring buffer that still counts every request', async () => {
    const { app, twin } = make({ journalSize: 3 });
    for (let i = 0; i < 5; i++) await app.request(`/things/${i}`, K1);
    expect(twin.journal.all().map((e) => e.path)).toEqual(['/things/2', '/things/3', '/things/4']);
    expect(twin.journal.recorded()).toBe(5);
    expect(twin.journal.get(1)).toBeUndefined();
    expect(twin.journal.get(5)?.path).toBe('/things/4');
  });

  it('lists newest first, limited, and filters by method, path pattern, status and tenant', async () => {
    const { app } = make();
    await app.request('/things/t1', K1);
    await app.request('/things/zz', K1);
    await app.request('/things', { headers: { 'x-key': 'k2' } });
    const list = (await (await app.request('/__admin/journal?path=/things/*&status=404')).json()) as {
      total: number;
      entries: { path: string }[];
    };
    expect(list.total).toBe(1);
    expect(list.entries[0]!.path).toBe('/things/zz');
    const limited = (await (await app.request('/__admin/journal?limit=2')).json()) as { total: number; entries: { path: string }[] };
    expect(limited.total).toBe(3);
    expect(limited.entries.map((e) => e.path)).toEqual(['/things', '/things/zz']);
    const byTenant = (await (await app.request('/__admin/journal?tenant=tenant-b')).json()) as { total: number };
    expect(byTenant.total).toBe(1);
    const count = await (await app.request('/__admin/journal/count', json({ method: 'get', path: '/things/*' }))).json();
    expect(count).toEqual({ count: 2 });
    expect(await (await app.request('/__admin/journal/count', json({ query: { nope: '1' } }))).json()).toEqual({ count: 0 });
    expect(await (await app.request('/__admin/journal/2')).json()).toMatchObject({ id: 2, path: '/things/zz' });
    expect((await app.request('/__admin/journal/99')).status).toBe(404);
    await app.request('/__admin/journal', { method: 'DELETE' });
    expect(await (await app.request('/__admin/journal/count', json({}))).json()).toEqual({ count: 0 });
  });

  it('filters on query values, repeated names included', () => {
    const j = new Journal(5);
    j.record({
      id: 1,
      at: 0,
      method: 'GET',
      url: '/a?x=1&x=2',
      headers: [],
      body: undefined,
      status: 200,
      responseBody: undefined,
      durationMs: 0,
    });
    j.record({
      id: 2,
      at: 0,
      method: 'GET',
      url: '/a?x=3',
      headers: [],
      body: undefined,
      status: 200,
      responseBody: undefined,
      durationMs: 0,
    });
    expect(j.find({ query: { x: '2' } }).map((e) => e.id)).toEqual([1]);
    expect(j.find({ query: { x: '3' } }).map((e) => e.id)).toEqual([2]);
    expect(j.all()[0]!.query).toEqual({ x: ['1', '2'] });
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new Journal(0)).toThrow(RangeError);
    expect(() => new Journal(1.5)).toThrow(RangeError);
  });
});

describe('pathMatcher', () => {
  it('matches exactly, or with * as any run of characters, with regex characters taken literally', () => {
    expect(pathMatcher('/a/b')('/a/b')).toBe(true);
    expect(pathMatcher('/a/b')('/a/bc')).toBe(false);
    expect(pathMatcher('/a/*')('/a/b/c')).toBe(true);
    expect(pathMatcher('*.php')('/api.php')).toBe(true);
    expect(pathMatcher('*.php')('/apixphp')).toBe(false);
    expect(pathMatcher('/a*')('/b/a')).toBe(false);
  });
});

describe('pathMatcher is linear-time', () => {
  it('answers a hostile pattern against a long path at once, right', () => {
    const path = `/${'a'.repeat(20_000)}`;
    // A backtracking RegExp would not return here within the test's timeout (it took seconds at 200 characters).
    expect(pathMatcher('*a*a*a*a*a*a*b')(path)).toBe(false);
    expect(pathMatcher('*a*a*a*a*a*a*')(path)).toBe(true);
  });

  it('handles stars at both ends, in a row, and literal regex characters', () => {
    expect(pathMatcher('**')('')).toBe(true);
    expect(pathMatcher('/a/**/c')('/a/b/x/c')).toBe(true);
    expect(pathMatcher('*.(x)+')('/a.(x)+')).toBe(true);
    expect(pathMatcher('*.(x)+')('/a.xx')).toBe(false);
    expect(pathMatcher('/a*c')('/abcbc')).toBe(true);
    expect(pathMatcher('/a*c')('/abcb')).toBe(false);
  });
});

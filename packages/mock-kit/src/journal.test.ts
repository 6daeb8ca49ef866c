import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { type ExampleEnv, exampleTwin } from '../example/index.ts';
import { createTwinApp } from './app.ts';
import { JOURNAL_BODY_LIMIT, Journal, materialize, pathMatcher, type RawJournalEntry } from './journal.ts';
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

describe('journal: the raw entry as read back', () => {
  const raw = (over: Partial<RawJournalEntry> = {}): RawJournalEntry => ({
    id: 1,
    at: Date.UTC(2026, 0, 2, 3, 4, 5),
    method: 'GET',
    url: '/p',
    headers: new Headers(),
    body: undefined,
    status: 200,
    responseBody: undefined,
    durationMs: 1.5,
    ...over,
  });

  it('merges Node rawHeaders by lower-cased name and ignores a trailing odd name', () => {
    const e = materialize(raw({ headers: ['Host', 'twin.local', 'X-A', '1', 'x-a', '2', 'Dangling'] }));
    expect(e.headers).toStrictEqual({ host: 'twin.local', 'x-a': '1, 2' });
    expect(Object.keys(e.headers)).toEqual(['host', 'x-a']);
  });

  it('keeps every value of a repeated query parameter, in order', () => {
    expect(materialize(raw({ url: '/p?a=1&b=x&a=2&a=3' })).query).toEqual({ a: ['1', '2', '3'], b: 'x' });
  });

  it('parses a JSON response only when flagged as JSON, and keeps unparseable JSON text as it is', () => {
    expect(materialize(raw({ responseBody: '{"a":1}', responseJson: true })).responseBody).toEqual({ a: 1 });
    expect(materialize(raw({ responseBody: '{"a":1}' })).responseBody).toBe('{"a":1}');
    expect(materialize(raw({ responseBody: '{oops', responseJson: true })).responseBody).toBe('{oops');
    // The flag is about text: a body recorded as a value stays that value.
    expect(materialize(raw({ responseBody: [1], responseJson: true })).responseBody).toEqual([1]);
  });

  it('masks secrets in a text response body, and in an object one', () => {
    expect(materialize(raw({ responseBody: 'token=abcdefghijkl&x=1' })).responseBody).toBe('token=****ijkl&x=1');
    expect(materialize(raw({ responseBody: { token: 'abcdefghijkl', x: 1 } })).responseBody).toEqual({ token: '****ijkl', x: 1 });
  });

  it('omits empty notes, and keeps time, path and the other fields exactly', () => {
    const e = materialize(raw({ url: 'http://x/things/a?q=1', notes: {} }));
    expect(e).toEqual({
      id: 1,
      time: '2026-01-02T03:04:05.000Z',
      method: 'GET',
      path: '/things/a',
      query: { q: '1' },
      headers: {},
      body: undefined,
      status: 200,
      responseBody: undefined,
      durationMs: 1.5,
    });
    expect(materialize(raw({ notes: { scenario: 'X', rule: 'r1', ruleSummary: 'all', other: 1 } }))).toMatchObject({
      scenario: 'X',
      rule: 'r1',
      ruleSummary: 'all',
      notes: { scenario: 'X', rule: 'r1', ruleSummary: 'all', other: 1 },
    });
  });

  it('estimates each entry’s bytes from its URL, bodies and raw headers', () => {
    const j = new Journal(10);
    j.record(raw({ url: '/1234' }));
    expect(j.usage()).toEqual({ entries: 1, bytes: (256 + 5) * 2 });
    j.clear();
    j.record(raw({ url: '/1234', body: 'abc', responseBody: 'hello' }));
    expect(j.usage().bytes).toBe((256 + 5 + 3 + 5) * 2);
    j.clear();
    j.record(raw({ url: '/1234', body: { a: 1 }, responseBody: { b: 2 } }));
    expect(j.usage().bytes).toBe((256 + 5 + JOURNAL_BODY_LIMIT / 16 + JOURNAL_BODY_LIMIT / 16) * 2);
    j.clear();
    j.record(raw({ url: '/1234', headers: ['Host', 'abc'] }));
    expect(j.usage().bytes).toBe((256 + 5 + 4 + 3) * 2);
  });

  it('refuses a capacity or byte budget that is not a positive integer, saying which', () => {
    expect(() => new Journal(0)).toThrow(new RangeError('journal size must be a positive integer, got 0'));
    expect(() => new Journal(1.5)).toThrow('journal size must be a positive integer, got 1.5');
    expect(() => new Journal(10, undefined, 0)).toThrow(new RangeError('journal bytes must be a positive integer, got 0'));
    expect(() => new Journal(10, undefined, 2.5)).toThrow('journal bytes must be a positive integer, got 2.5');
    expect(new Journal(1, undefined, 1).maxBytes).toBe(1);
  });

  it('filters by method in any case, and finds everything without a path filter', () => {
    const j = new Journal(10);
    j.record(raw({ id: 1, method: 'GET', url: '/a' }));
    j.record(raw({ id: 2, method: 'POST', url: '/b', status: 201 }));
    expect(j.find({ method: 'post' }).map((e) => e.id)).toEqual([2]);
    expect(j.find({ status: 200 }).map((e) => e.id)).toEqual([1]);
    expect(j.find().map((e) => e.id)).toEqual([1, 2]);
    expect(j.count({ method: 'get' })).toBe(1);
  });
});

describe('pathMatcher: edge cases', () => {
  it('treats "*" as a wildcard even where the path has a literal "*", and compares every other character', () => {
    expect(pathMatcher('/a*')('/a*x')).toBe(true);
    expect(pathMatcher('/a*')('/bx')).toBe(false);
    expect(pathMatcher('/a*c')('/abd')).toBe(false);
    expect(pathMatcher('/a*c')('/abcbc')).toBe(true);
    expect(pathMatcher('*')('')).toBe(true);
    expect(pathMatcher('/a')('/ab')).toBe(false);
    expect(pathMatcher('/a')('/a')).toBe(true);
    expect(pathMatcher('/a**')('/a')).toBe(true);
  });
});

describe('journal: budget, listeners and callers as read back', () => {
  const raw = (url: string): RawJournalEntry => ({
    id: 1,
    at: 0,
    method: 'GET',
    url,
    headers: [],
    body: undefined,
    status: 200,
    responseBody: undefined,
    durationMs: 1,
  });

  it('keeps entries up to exactly its byte budget, and drops the oldest past it', () => {
    const perEntry = (256 + 2) * 2;
    const j = new Journal(10, undefined, 2 * perEntry);
    j.record(raw('/a'));
    j.record(raw('/b'));
    expect(j.usage()).toEqual({ entries: 2, bytes: 2 * perEntry });
    j.record(raw('/c'));
    expect(j.all().map((e) => e.path)).toEqual(['/b', '/c']);
  });

  it('tells every subscriber of each entry, going on past one that fails (logged)', () => {
    const logged: unknown[][] = [];
    const quiet = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const j = new Journal(10);
    const failure = new Error('listener broke');
    const heard: string[] = [];
    j.subscribe(() => {
      throw failure;
    });
    j.subscribe((event) => heard.push(event.type === 'entry' ? `entry ${event.entry.path}` : event.type));
    try {
      j.record(raw('/a'));
      j.clear();
    } finally {
      quiet.mockRestore();
    }
    expect(heard).toEqual(['entry /a', 'cleared']);
    expect(logged).toEqual([
      ['[doppel] a journal listener failed:', failure],
      ['[doppel] a journal listener failed:', failure],
    ]);
  });

  it('asks the callers hook once per entry when read, also when it finds none, and keeps empty callers as none', async () => {
    let asked = 0;
    const { app, twin } = createTwinApp({
      ...exampleTwin,
      callers: {
        ...exampleTwin.callers!,
        of: (req) => {
          asked += 1;
          return req.header('x-key') === undefined ? undefined : {};
        },
      },
    });
    await app.request('/open');
    await app.request('/things', K1);
    const first = twin.journal.all();
    twin.journal.all();
    expect(asked).toBe(2);
    for (const e of first) expect(Object.keys(e)).not.toContain('callers');
  });

  it('names the tenant from the first of the tenant kinds a request has, and none without tenant kinds', async () => {
    const { tenant: _omit, ...hooks } = exampleTwin.callers!;
    const untenanted = createTwinApp({ ...exampleTwin, callers: hooks });
    await untenanted.app.request('/things', K1);
    const [plain] = untenanted.twin.journal.all();
    expect(plain!.callers).toEqual({ key: 'k1', tenant: 'tenant-a' });
    expect(Object.keys(plain!)).not.toContain('tenant');
    const ordered = createTwinApp({ ...exampleTwin, callers: { ...hooks, tenant: ['org', 'tenant'] } });
    await ordered.app.request('/things', K1);
    await ordered.app.request('/open');
    const [keyed, anonymous] = ordered.twin.journal.all();
    expect(keyed!.tenant).toBe('tenant-a');
    expect(Object.keys(anonymous!)).not.toContain('tenant');
  });
});

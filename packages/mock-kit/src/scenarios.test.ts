import { describe, expect, it } from 'vitest';
import { RuleBook, type RequestFacts } from './scenarios.ts';
import { json, K1, make } from './test-support.ts';

const req = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  method: 'GET',
  path: '/things',
  query: new URLSearchParams(),
  header: () => undefined,
  tenant: undefined,
  ...over,
});

describe('RuleBook', () => {
  it('matches method, path (exact or *), query, headers, tenant and body fields; each one alone can exclude', () => {
    const book = new RuleBook();
    book.add({
      scenario: 'X',
      tenant: 't',
      match: { method: 'post', path: '/a/*', query: { q: '1' }, headers: { 'x-h': 'v' }, body: { name: 'n*' } },
    });
    const full = req({
      method: 'POST',
      path: '/a/b',
      query: new URLSearchParams('q=1&q=2'),
      header: (n) => (n === 'x-h' ? 'v' : undefined),
      tenant: 't',
      body: { name: 'nice' },
    });
    const misses: Partial<RequestFacts>[] = [
      { method: 'GET' },
      { path: '/b/a' },
      { query: new URLSearchParams('q=2') },
      { header: () => 'other' },
      { tenant: 'u' },
      { body: { name: 'bad' } },
      { body: { name: { nested: 'n' } } },
      { body: undefined },
    ];
    for (const miss of misses) expect(book.take({ ...full, ...miss }), JSON.stringify(Object.keys(miss))).toBeUndefined();
    expect(book.take(full)?.scenario).toBe('X');
  });

  it('a rule without match applies to every request; times counts down and removes it', () => {
    const book = new RuleBook();
    const r = book.add({ scenario: 'X', times: 2 });
    expect(r).toMatchObject({ id: 'rule-1', hits: 0, remaining: 2 });
    expect(book.take(req())).toMatchObject({ hits: 1, remaining: 1 });
    expect(book.take(req({ path: '/other' }))).toMatchObject({ hits: 2, remaining: 0 });
    expect(book.take(req())).toBeUndefined();
    expect(book.size).toBe(0);
  });

  it('first added wins; removing one rule keeps the others; clear removes all', () => {
    const book = new RuleBook();
    const a = book.add({ scenario: 'A', match: { path: '/a' } });
    const b = book.add({ scenario: 'B' });
    book.add({ scenario: 'C' });
    expect(book.take(req({ path: '/a' }))?.scenario).toBe('A');
    expect(book.take(req())?.scenario).toBe('B');
    expect(book.remove(b.id)).toBe(true);
    expect(book.remove(b.id)).toBe(false);
    expect(book.list().map((r) => r.scenario)).toEqual(['A', 'C']);
    expect(book.take(req({ path: '/a' }))?.scenario).toBe('A');
    expect(book.remove(a.id)).toBe(true);
    expect(book.take(req({ path: '/a' }))?.scenario).toBe('C');
    book.clear();
    expect(book.size).toBe(0);
    expect(book.take(req())).toBeUndefined();
  });

  it('list returns copies: changing them changes nothing', () => {
    const book = new RuleBook();
    book.add({ scenario: 'A', times: 1 });
    book.list()[0]!.remaining = 99;
    book.take(req());
    expect(book.size).toBe(0);
  });
});

describe('scenarios over HTTP', () => {
  it('lists the catalogue with the exact body each error produces', async () => {
    const { app } = make();
    const { scenarios } = (await (await app.request('/__admin/scenarios')).json()) as { scenarios: { name: string }[] };
    expect(scenarios).toContainEqual({
      name: 'QUOTA',
      description: 'Over quota',
      status: 429,
      body: { error: 'quota' },
      headers: { 'retry-after': '60' },
    });
    expect(scenarios.map((s) => s.name)).toEqual(['NOT_FOUND', 'NO_ROUTE', 'BAD_KEY', 'INVALID', 'QUOTA', 'SERVER_ERROR']);
  });

  it('forces an error for one request with a header', async () => {
    const { app } = make();
    const res = await app.request('/things', { headers: { 'x-key': 'k1', 'x-doppel-scenario': 'QUOTA' } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(await res.json()).toEqual({ error: 'quota' });
    expect((await app.request('/things', K1)).status).toBe(200);
  });

  it('applies a rule N times, then stops', async () => {
    const { app } = make();
    const added = await app.request(
      '/__admin/scenarios/rules',
      json({ scenario: 'QUOTA', match: { method: 'GET', path: '/things' }, times: 2 }),
    );
    expect(added.status).toBe(201);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.request('/things', K1)).status);
    expect(statuses).toEqual([429, 429, 200]);
    expect(await (await app.request('/__admin/scenarios/rules')).json()).toEqual({ rules: [] });
  });

  it('a rule’s method and path are honoured', async () => {
    const { app } = make();
    await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', match: { method: 'POST', path: '/things' } }));
    expect((await app.request('/things', K1)).status).toBe(200);
    expect((await app.request('/things/t1', K1)).status).toBe(200);
  });

  it('scopes a rule to one tenant so other tenants never see it', async () => {
    const { app } = make();
    await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', tenant: 'tenant-b' }));
    expect((await app.request('/things', K1)).status).toBe(200);
    expect((await app.request('/things', { headers: { 'x-key': 'k2' } })).status).toBe(429);
  });

  it('matches on query and headers; a status fault answers its body; rules can be removed one by one or all', async () => {
    const { app, twin } = make();
    const rule = (await (
      await app.request(
        '/__admin/scenarios/rules',
        json({ fault: { type: 'status', status: 503, body: 'down' }, match: { query: { limit: '2' }, headers: { 'x-trace': 'on' } } }),
      )
    ).json()) as { id: string };
    expect((await app.request('/things?limit=2', K1)).status).toBe(200);
    const hit = await app.request('/things?limit=2', { headers: { 'x-key': 'k1', 'x-trace': 'on' } });
    expect(hit.status).toBe(503);
    expect(await hit.text()).toBe('down');
    expect((await app.request(`/__admin/scenarios/rules/${rule.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await app.request(`/__admin/scenarios/rules/${rule.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await app.request('/things?limit=2', { headers: { 'x-key': 'k1', 'x-trace': 'on' } })).status).toBe(200);
    twin.rules.add({ scenario: 'QUOTA' });
    twin.rules.add({ scenario: 'NOT_FOUND' });
    expect((await app.request('/__admin/scenarios/rules', { method: 'DELETE' })).status).toBe(200);
    expect(twin.rules.size).toBe(0);
  });

  it('matches on fields of the parsed body, exactly or by pattern ("*" = present)', async () => {
    const { app } = make();
    const add = await app.request(
      '/__admin/scenarios/rules',
      json({ scenario: 'QUOTA', match: { body: { name: 'boom*', password: '*' } } }),
    );
    expect(add.status).toBe(201);
    const post = (body: unknown) =>
      app.request('/things', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-key': 'k1' },
        body: JSON.stringify(body),
      });
    expect((await post({ name: 'boom-1' })).status).toBe(201);
    expect((await post({ name: 'other', password: 'p' })).status).toBe(201);
    expect((await post({ name: 'boom-2', password: 'p' })).status).toBe(429);
    expect((await app.request('/things', K1)).status).toBe(200);
    const bad = await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', match: { body: { name: 5 } } }));
    expect(bad.status).toBe(400);
  });

  it('delays the answer by the fault’s ms', async () => {
    const { app } = make();
    await app.request('/__admin/scenarios/rules', json({ fault: { type: 'delay', ms: 120 }, times: 1 }));
    const t0 = performance.now();
    expect((await app.request('/things', K1)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(100);
  });

  it('refuses rules without a scenario or fault, and unknown scenario names', async () => {
    const { app } = make();
    const none = await app.request('/__admin/scenarios/rules', json({ match: { path: '/x' } }));
    expect(none.status).toBe(400);
    const unknown = await app.request('/__admin/scenarios/rules', json({ scenario: 'NOPE' }));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { details: string[] } }).error.details).toContain('QUOTA');
    const header = await app.request('/things', { headers: { 'x-key': 'k1', 'x-doppel-scenario': 'NOPE' } });
    expect(header.status).toBe(400);
    expect(((await header.json()) as { error: { known: string[] } }).error.known).toContain('QUOTA');
    // Names of Object.prototype are not scenarios either.
    expect((await app.request('/things', { headers: { 'x-key': 'k1', 'x-doppel-scenario': 'toString' } })).status).toBe(400);
  });
});

import { describe, expect, it } from 'vitest';
import { exampleTwin } from '../example/index.ts';
import { createTwinApp } from './app.ts';
import { RuleBook, type RequestFacts, summarize } from './scenarios.ts';
import { json, K1, make } from './test-support.ts';

const req = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  method: 'GET',
  path: '/things',
  query: new URLSearchParams(),
  header: () => undefined,
  callers: () => undefined,
  ...over,
});

describe('RuleBook', () => {
  it('matches method, path (exact or *), query, headers, callers, tenant and body fields; each one alone can exclude', () => {
    const book = new RuleBook();
    book.add({
      scenario: 'X',
      tenant: 't',
      caller: { app: 'a1', org: 'o1' },
      match: { method: 'post', path: '/a/*', query: { q: '1' }, headers: { 'x-h': 'v' }, body: { name: 'n*' } },
    });
    const full = req({
      method: 'POST',
      path: '/a/b',
      query: new URLSearchParams('q=1&q=2'),
      header: (n) => (n === 'x-h' ? 'v' : undefined),
      callers: () => ({ app: 'a1', org: 'o1', user: 't' }),
      body: { name: 'nice' },
    });
    const misses: Partial<RequestFacts>[] = [
      { method: 'GET' },
      { path: '/b/a' },
      { query: new URLSearchParams('q=2') },
      { header: () => 'other' },
      { callers: () => ({ app: 'a1', org: 'o1', user: 'u' }) },
      { callers: () => ({ app: 'a2', org: 'o1', user: 't' }) },
      { callers: () => ({ app: 'a1', user: 't' }) },
      { callers: () => undefined },
      { body: { name: 'bad' } },
      { body: { name: { nested: 'n' } } },
      { body: undefined },
    ];
    for (const miss of misses) expect(book.take({ ...full, ...miss }), JSON.stringify(Object.keys(miss))).toBeUndefined();
    expect(book.take(full)?.scenario).toBe('X');
  });

  it('asks for the callers only when a caller-scoped rule gets past its match', () => {
    const book = new RuleBook();
    book.add({ scenario: 'X', match: { path: '/invoke' }, caller: { app: 'a1' } });
    let asked = 0;
    const callers = () => {
      asked += 1;
      return { app: 'a2' };
    };
    expect(book.take(req({ path: '/other', callers }))).toBeUndefined();
    expect(asked).toBe(0);
    expect(book.take(req({ path: '/invoke', callers }))).toBeUndefined();
    expect(asked).toBe(1);
    expect(book.take(req({ path: '/invoke', callers: () => ({ app: 'a1' }) }))?.scenario).toBe('X');
    // A rule for every caller never asks.
    const open = new RuleBook();
    open.add({ scenario: 'Y', match: { path: '/invoke' } });
    expect(open.take(req({ path: '/invoke', callers }))?.scenario).toBe('Y');
    expect(asked).toBe(1);
  });

  it('sums each rule up in one line', () => {
    const book = new RuleBook();
    const summaries = [
      book.add({ scenario: '4003', match: { method: 'post', path: '/v1.0/connector/instances/invoke' }, caller: { app: 'a1' }, times: 1 }),
      book.add({ fault: { type: 'status', status: 503 }, match: { query: { f: 'x' } }, times: 3 }),
      book.add({ scenario: 'QUOTA', fault: { type: 'delay', ms: 200 }, tenant: 't' }),
      book.add({ fault: { type: 'drop' }, match: { path: '/a/*', headers: { 'x-h': 'v' }, body: { n: '*' } } }),
      book.add({ fault: { type: 'delay', ms: 250 }, match: { method: 'get' } }),
      book.add({ scenario: 'X', caller: { app: 'a1', org: 'o1' }, tenant: 't', times: 2 }),
    ].map((r) => r.summary);
    expect(summaries).toEqual([
      '4003 on POST /v1.0/connector/instances/invoke for app a1, once',
      'status 503 on every request (query f=x), 3 times',
      'QUOTA after 200 ms on every request for tenant t, until removed',
      'a dropped connection on /a/* (header x-h: v, body n=*), until removed',
      'a delay of 250 ms on GET *, until removed',
      'X on every request for app a1 and org o1 and tenant t, 2 times',
    ]);
    // The book refuses a rule that forces nothing, but summarize (exported) still describes one.
    expect(summarize({ match: { path: '/x' } })).toBe('nothing on /x, until removed');
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
    const c = book.add({ scenario: 'C' });
    expect([a.id, b.id, c.id]).toEqual(['rule-1', 'rule-2', 'rule-3']);
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
    // Ids are never reused, not even after a clear.
    expect(book.add({ scenario: 'D' }).id).toBe('rule-4');
  });

  it('refuses a rule with neither a scenario nor a fault (it would force nothing), adding nothing', () => {
    const book = new RuleBook();
    expect(() => book.add({ match: { path: '/things' } })).toThrow(new TypeError('a rule needs a scenario or a fault'));
    expect(() => book.add({ scenario: '', times: 1 })).toThrow(TypeError);
    expect(book.size).toBe(0);
    expect(book.add({ fault: { type: 'delay', ms: 0 } }).id).toBe('rule-1');
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

  it('scopes a rule to one tenant (deprecated) so other tenants never see it', async () => {
    const { app } = make();
    await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', tenant: 'tenant-b' }));
    expect((await app.request('/things', K1)).status).toBe(200);
    expect((await app.request('/things', { headers: { 'x-key': 'k2' } })).status).toBe(429);
  });

  it('scopes a rule to one caller; the journal names the callers and the rule that forced the answer', async () => {
    const { app, twin } = make({ fixtures: { things: [], keys: { k1: 'tenant-a', k2: 'tenant-a' } } });
    const added = await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', caller: { key: 'k2' }, times: 1 }));
    expect(added.status).toBe(201);
    expect((await app.request('/things', K1)).status).toBe(200);
    expect((await app.request('/things', { headers: { 'x-key': 'k2' } })).status).toBe(429);
    expect((await app.request('/things', { headers: { 'x-key': 'k2' } })).status).toBe(200);
    expect(twin.journal.all().map((e) => [e.callers, e.status, e.rule, e.ruleSummary])).toEqual([
      [{ key: 'k1', tenant: 'tenant-a' }, 200, undefined, undefined],
      [{ key: 'k2', tenant: 'tenant-a' }, 429, 'rule-1', 'QUOTA on every request for key k2, once'],
      [{ key: 'k2', tenant: 'tenant-a' }, 200, undefined, undefined],
    ]);
    const byCaller = (await (await app.request('/__admin/journal?caller=key:k2')).json()) as { entries: { status: number }[] };
    expect(byCaller.entries.map((e) => e.status)).toEqual([200, 429]);
    const anyKind = (await (await app.request('/__admin/journal?caller=k1')).json()) as { total: number };
    expect(anyKind.total).toBe(1);
  });

  it('works out the callers only when something needs them: a scoped rule past its match, or a journal read', async () => {
    let asked = 0;
    const hooks = exampleTwin.callers!;
    const { app, twin } = createTwinApp({
      ...exampleTwin,
      callers: {
        ...hooks,
        of: (req, t) => {
          asked += 1;
          return hooks.of(req, t);
        },
      },
    });
    await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', match: { path: '/open' } }));
    for (let i = 0; i < 3; i++) await app.request('/things', K1);
    expect(asked).toBe(0);
    await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', match: { method: 'DELETE' }, caller: { key: 'k2' } }));
    await app.request('/things', K1);
    expect(asked).toBe(0);
    await app.request('/things/t1', { ...K1, method: 'DELETE' });
    expect(asked).toBe(1);
    expect(twin.journal.all().map((e) => e.callers?.key)).toEqual(['k1', 'k1', 'k1', 'k1', 'k1']);
    // Four worked out on the first read (the fifth was kept from the rule's), none on the next.
    expect(asked).toBe(5);
    twin.journal.all();
    expect(asked).toBe(5);
  });

  it('refuses a rule naming a caller or a caller kind the fixtures do not know, listing the known ones', async () => {
    const { app, twin } = make();
    const unknown = await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', caller: { key: 'k9' } }));
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      error: {
        code: 'unknown_caller',
        message: 'the fixtures know no key "k9"; known keys: k1, k2',
        details: {
          known: [
            { kind: 'key', id: 'k1' },
            { kind: 'key', id: 'k2' },
          ],
        },
      },
    });
    const kind = await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', caller: { app: 'k1' } }));
    expect(await kind.json()).toMatchObject({ error: { code: 'unknown_caller_kind', details: { kinds: ['key', 'tenant'] } } });
    const tenant = await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', tenant: 'tenant-z' }));
    expect([tenant.status, ((await tenant.json()) as { error: { code: string } }).error.code]).toEqual([400, 'unknown_caller']);
    expect(twin.rules.size).toBe(0);
  });

  it('lists the caller kinds and the known callers with the catalogue', async () => {
    const { app } = make();
    const body = (await (await app.request('/__admin/scenarios')).json()) as Record<string, unknown>;
    expect(body.callerKinds).toEqual([
      { kind: 'key', description: 'the API key (x-key)' },
      { kind: 'tenant', description: 'the tenant the key belongs to' },
    ]);
    expect(body.callers).toEqual([
      { kind: 'key', id: 'k1' },
      { kind: 'key', id: 'k2' },
      { kind: 'tenant', id: 'tenant-a' },
      { kind: 'tenant', id: 'tenant-b' },
    ]);
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

describe('RuleBook: body fields and unlimited rules', () => {
  it('a body pattern needs a present scalar field of an object body', () => {
    const book = new RuleBook();
    book.add({ scenario: 'X', match: { body: { length: '*', name: '*' } } });
    for (const body of ['abcdef', ['a'], { length: 1, name: null }, { length: 1, name: { a: 1 } }, { length: 1 }, { name: 'n' }]) {
      expect(book.take(req({ body })), JSON.stringify(body)).toBeUndefined();
    }
    expect(book.take(req({ body: { length: 0, name: false } }))?.scenario).toBe('X');
    // A string body has no fields, not even its length.
    const lengthOnly = new RuleBook();
    lengthOnly.add({ scenario: 'Y', match: { body: { length: '*' } } });
    expect(lengthOnly.take(req({ body: 'abcdef' }))).toBeUndefined();
    expect(lengthOnly.take(req({ body: { length: 6 } }))?.scenario).toBe('Y');
  });

  it('a rule without times applies every time, counting its hits and keeping no remaining count', () => {
    const book = new RuleBook();
    const r = book.add({ scenario: 'X' });
    expect(r).not.toHaveProperty('remaining');
    for (let i = 1; i <= 3; i++) expect(book.take(req())).toEqual(expect.objectContaining({ hits: i }));
    expect(book.take(req())).not.toHaveProperty('remaining');
    expect(book.size).toBe(1);
  });
});

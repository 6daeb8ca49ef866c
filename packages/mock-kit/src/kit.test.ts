import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { echoTwin } from '../test/echo-twin.ts';
import { ADMIN_SPEC, capturedBody, ConnectionDropped, createTwinApp, drift, FixtureError, loadSpec, startTwin } from './index.ts';

const make = (opts = {}) => createTwinApp(echoTwin, opts);
const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const K1 = { headers: { 'x-key': 'k1' } };

describe('pipeline: route → authenticate → validate → respond', () => {
  it('serves a request that passes the spec', async () => {
    const { app } = make();
    const res = await app.request('/things?limit=1', K1);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ things: [{ id: 't1', name: 'first' }] });
  });

  it('authenticates before validating: a bad key wins over a bad parameter', async () => {
    const { app } = make();
    const res = await app.request('/things?limit=99', { headers: { 'x-key': 'nope' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'bad_key' });
  });

  it('answers spec violations in the platform shape, naming each problem', async () => {
    const { app } = make();
    const res = await app.request('/things?limit=99', K1);
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: 'invalid', issues: ['limit must be <= 10'] });
    const body = await app.request('/things', { ...json({ name: 5 }), headers: { ...json({}).headers, 'x-key': 'k1' } });
    expect(await body.json()).toEqual({ error: 'invalid', issues: ['/name must be string'] });
  });

  it('refuses an unparseable body instead of crashing', async () => {
    const { app } = make();
    const res = await app.request('/things', { method: 'POST', headers: { 'content-type': 'application/json', 'x-key': 'k1' }, body: '{oops' });
    expect(res.status).toBe(422);
  });

  it('answers unknown paths with the platform not-found shape', async () => {
    const { app } = make();
    const res = await app.request('/nowhere');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no_route' });
  });

  it('lets anonymous operations through (security: [])', async () => {
    const { app } = make();
    expect((await app.request('/open')).status).toBe(200);
  });
});

describe('admin: reset, fixtures, states', () => {
  it('reset returns to the start-up fixtures and clears the journal', async () => {
    const { app, twin } = make();
    await app.request('/things', { ...json({ name: 'x' }), headers: { 'content-type': 'application/json', 'x-key': 'k1' } });
    expect(twin.state.things.size).toBe(2);
    expect(twin.journal.count()).toBe(1);
    const res = await app.request('/__admin/reset', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(twin.state.things.size).toBe(1);
    expect(twin.journal.count()).toBe(0);
  });

  it('replaces fixtures at run time and refuses invalid ones with the path and the reason', async () => {
    const { app, twin } = make();
    const ok = await app.request('/__admin/fixtures', { ...json({ things: [], keys: {} }), method: 'PUT' });
    expect(ok.status).toBe(200);
    expect(twin.state.things.size).toBe(0);
    const bad = await app.request('/__admin/fixtures', { ...json({ things: [{ id: 1 }], keys: {} }), method: 'PUT' });
    expect(bad.status).toBe(400);
    const err = (await bad.json()) as { error: { details: { path: string; reason: string }[] } };
    expect(err.error.details).toEqual(
      expect.arrayContaining([
        { path: '/things/0/id', reason: 'must be string' },
        { path: '/things/0/name', reason: 'is required' },
      ]),
    );
    expect(twin.fixtures.things).toEqual([]);
  });

  it('selects named states with params, and says which names exist', async () => {
    const { app, twin } = make();
    const list = await (await app.request('/__admin/states')).json();
    expect(list).toEqual({
      active: null,
      states: [
        { name: 'empty', description: 'No things at all' },
        { name: 'many things', description: 'params.count things' },
      ],
    });
    await app.request('/__admin/states/many%20things', json({ params: { count: 5 } }));
    expect(twin.state.things.size).toBe(5);
    const unknown = await app.request('/__admin/states/nope', { method: 'POST' });
    expect(unknown.status).toBe(404);
  });

  it('validates admin requests against admin.yaml', async () => {
    const { app } = make();
    const res = await app.request('/__admin/clock/advance', json({ hours: 1 }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    expect((await app.request('/__admin/nothing')).status).toBe(404);
  });

  it('serves the twin’s own admin routes', async () => {
    const { app } = make();
    expect(await (await app.request('/__admin/echo-count')).json()).toEqual({ count: 1 });
  });
});

describe('fixtures files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'doppel-kit-'));

  it('loads YAML and JSON', () => {
    const y = join(dir, 'f.yaml');
    writeFileSync(y, 'things:\n  - { id: a, name: A }\nkeys: {}\n');
    expect(make({ fixturesFile: y }).twin.state.things.get('a')).toEqual({ id: 'a', name: 'A' });
    const j = join(dir, 'f.json');
    writeFileSync(j, JSON.stringify({ things: [], keys: { z: 'q' } }));
    expect(make({ fixturesFile: j }).twin.fixtures.keys).toEqual({ z: 'q' });
  });

  it('refuses an invalid file naming the file, the path inside it and the reason', () => {
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'things:\n  - { id: a }\nkeys: {}\nextra: 1\n');
    try {
      make({ fixturesFile: f });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(FixtureError);
      expect((err as Error).message).toContain(f);
      expect((err as FixtureError).problems).toEqual(
        expect.arrayContaining([
          { path: '/things/0/name', reason: 'is required' },
          { path: '/extra', reason: 'is not a known field' },
        ]),
      );
    }
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'things: [\n');
    expect(() => make({ fixturesFile: broken })).toThrow(/YAML syntax error at line/);
  });

  it('hot-reloads the file when it changes, keeping the old fixtures if the new ones are invalid', async () => {
    const f = join(dir, 'hot.yaml');
    writeFileSync(f, 'things: []\nkeys: {}\n');
    const lines: string[] = [];
    const running = await startTwin(echoTwin, { fixturesFile: f, log: (l) => lines.push(l) });
    try {
      writeFileSync(f, 'things: [{ id: h, name: hot }]\nkeys: {}\n');
      await expect.poll(() => running.twin.state.things.has('h'), { timeout: 5000 }).toBe(true);
      writeFileSync(f, 'things: 3\nkeys: {}\n');
      await expect.poll(() => lines.some((l) => l.includes('kept the previous fixtures')), { timeout: 5000 }).toBe(true);
      expect(running.twin.state.things.has('h')).toBe(true);
    } finally {
      await running.close();
    }
  });
});

describe('journal', () => {
  it('records method, path, query, headers, body, status, response and timing, masking secrets', async () => {
    const { app } = make();
    await app.request('/things', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-key': 'k1', authorization: 'Bearer abcdefghijkl' },
      body: JSON.stringify({ name: 'n', password: 'hunter2-hunter2' }),
    });
    const { entries } = (await (await app.request('/__admin/journal')).json()) as { entries: Record<string, unknown>[] };
    expect(entries).toHaveLength(1);
    const e = entries[0]!;
    expect(e).toMatchObject({
      method: 'POST',
      path: '/things',
      status: 201,
      tenant: 'tenant-a',
      body: { name: 'n', password: '****ter2' },
      responseBody: { id: 't2', name: 'n' },
    });
    expect((e.headers as Record<string, string>).authorization).toBe('****ijkl');
    expect(typeof e.durationMs).toBe('number');
  });

  it('records a form-encoded response as fields, masking secret ones', async () => {
    const { app, twin } = createTwinApp({
      ...echoTwin,
      routes(a) {
        a.get('/open', (c) => c.body('access_token=gho_abcdefghijklmnop&scope=repo', 200, { 'content-type': 'application/x-www-form-urlencoded' }));
        echoTwin.routes(a);
      },
    });
    await app.request('/open');
    expect(twin.journal.all()[0]!.responseBody).toEqual({ access_token: '****mnop', scope: 'repo' });
  });

  it('is a bounded ring buffer', async () => {
    const { app, twin } = make({ journalSize: 3 });
    for (let i = 0; i < 5; i++) await app.request(`/things/${i}`, K1);
    const paths = twin.journal.all().map((e) => e.path);
    expect(paths).toEqual(['/things/2', '/things/3', '/things/4']);
  });

  it('filters by method, path pattern and status, and counts matches', async () => {
    const { app } = make();
    await app.request('/things/t1', K1);
    await app.request('/things/zz', K1);
    await app.request('/things', K1);
    const list = await (await app.request('/__admin/journal?path=/things/*&status=404')).json();
    expect((list as { total: number }).total).toBe(1);
    const count = await (await app.request('/__admin/journal/count', json({ method: 'GET', path: '/things/*' }))).json();
    expect(count).toEqual({ count: 2 });
    await app.request('/__admin/journal', { method: 'DELETE' });
    expect(await (await app.request('/__admin/journal/count', json({})))?.json()).toEqual({ count: 0 });
  });
});

describe('scenarios', () => {
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
  });

  it('forces an error for one request with a header', async () => {
    const { app } = make();
    const res = await app.request('/things', { headers: { 'x-key': 'k1', 'x-doppel-scenario': 'QUOTA' } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('60');
    expect((await app.request('/things', K1)).status).toBe(200);
  });

  it('applies a rule N times, then stops', async () => {
    const { app } = make();
    await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', match: { method: 'GET', path: '/things' }, times: 2 }));
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.request('/things', K1)).status);
    expect(statuses).toEqual([429, 429, 200]);
    expect(await (await app.request('/__admin/scenarios/rules')).json()).toEqual({ rules: [] });
  });

  it('scopes a rule to one tenant so other tenants never see it', async () => {
    const { app } = make();
    await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', tenant: 'tenant-b' }));
    expect((await app.request('/things', K1)).status).toBe(200);
    expect((await app.request('/things', { headers: { 'x-key': 'k2' } })).status).toBe(429);
  });

  it('matches on query and headers, and can be removed', async () => {
    const { app } = make();
    const rule = (await (
      await app.request('/__admin/scenarios/rules', json({ fault: { type: 'status', status: 503, body: 'down' }, match: { query: { limit: '2' }, headers: { 'x-trace': 'on' } } }))
    ).json()) as { id: string };
    expect((await app.request('/things?limit=2', K1)).status).toBe(200);
    const hit = await app.request('/things?limit=2', { headers: { 'x-key': 'k1', 'x-trace': 'on' } });
    expect(hit.status).toBe(503);
    expect(await hit.text()).toBe('down');
    expect((await app.request(`/__admin/scenarios/rules/${rule.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await app.request('/things?limit=2', { headers: { 'x-key': 'k1', 'x-trace': 'on' } })).status).toBe(200);
  });

  it('matches on fields of the parsed body, exactly or by pattern ("*" = present)', async () => {
    const { app } = make();
    const add = await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', match: { body: { name: 'boom*', password: '*' } } }));
    expect(add.status).toBe(201);
    const post = (body: unknown) =>
      app.request('/things', { method: 'POST', headers: { 'content-type': 'application/json', 'x-key': 'k1' }, body: JSON.stringify(body) });
    expect((await post({ name: 'boom-1' })).status).toBe(201);
    expect((await post({ name: 'other', password: 'p' })).status).toBe(201);
    expect((await post({ name: 'boom-2', password: 'p' })).status).toBe(429);
    expect((await app.request('/things', K1)).status).toBe(200);
    const bad = await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', match: { body: { name: 5 } } }));
    expect(bad.status).toBe(400);
  });

  it('delays, and drops connections', async () => {
    const { app } = make();
    await app.request('/__admin/scenarios/rules', json({ fault: { type: 'delay', ms: 120 }, times: 1 }));
    const t0 = performance.now();
    expect((await app.request('/things', K1)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(100);
    await app.request('/__admin/scenarios/rules', json({ fault: { type: 'drop' }, times: 1 }));
    await expect(app.request('/things', K1)).rejects.toBeInstanceOf(ConnectionDropped);
  });

  it('drops a real socket over HTTP', async () => {
    const running = await startTwin(echoTwin);
    try {
      running.twin.rules.add({ fault: { type: 'drop' }, times: 1 });
      await expect(fetch(`${running.url}/things`, K1)).rejects.toThrow();
      expect((await fetch(`${running.url}/things`, K1)).status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('refuses unknown scenario names', async () => {
    const { app } = make();
    expect((await app.request('/__admin/scenarios/rules', json({ scenario: 'NOPE' }))).status).toBe(404);
    expect((await app.request('/things', { headers: { 'x-key': 'k1', 'x-doppel-scenario': 'NOPE' } })).status).toBe(400);
  });
});

describe('clock', () => {
  it('can be read, set, advanced and restored, and expiries obey it', async () => {
    const { app } = make();
    expect(await (await app.request('/open')).json()).toEqual({ expired: false });
    const adv = (await (await app.request('/__admin/clock/advance', json({ minutes: 2 }))).json()) as { offsetMs: number };
    expect(adv.offsetMs).toBe(120_000);
    expect(await (await app.request('/open')).json()).toEqual({ expired: true });
    await app.request('/__admin/clock', { method: 'DELETE' });
    expect(await (await app.request('/open')).json()).toEqual({ expired: false });
    const set = (await (await app.request('/__admin/clock', { ...json({ now: '2030-01-01T00:00:00Z' }), method: 'PUT' })).json()) as { now: string };
    expect(set.now.startsWith('2030-01-01T00:00:0')).toBe(true);
  });
});

describe('drift', () => {
  it('finds no drift for a twin that serves exactly its spec', () => {
    const { app } = make();
    expect(drift(app, [loadSpec(echoTwin.spec), loadSpec(ADMIN_SPEC)])).toEqual({ unserved: [], undocumented: [] });
  });

  it('reports routes served but undocumented, and operations documented but unserved', () => {
    const { app } = createTwinApp({
      ...echoTwin,
      routes(a) {
        echoTwin.routes(a);
        a.get('/secret-extra', (c) => c.text('x'));
      },
    });
    const report = drift(app, [loadSpec(echoTwin.spec)]);
    expect(report.undocumented).toContain('GET /secret-extra');
    expect(report.unserved).toEqual([]);
    expect(drift(app, [loadSpec(ADMIN_SPEC)]).unserved).toEqual([]);
  });
});

describe('startTwin', () => {
  it('serves over HTTP on a free port and closes', async () => {
    const running = await startTwin(echoTwin, { port: 0 });
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${running.url}/__admin/health`);
    expect(((await res.json()) as { status: string }).status).toBe('ok');
    await running.close();
  });

  it('names the port when it is taken', async () => {
    const first = await startTwin(echoTwin);
    await expect(startTwin(echoTwin, { port: first.port })).rejects.toThrow(`port ${first.port} on 127.0.0.1 is already in use`);
    await first.close();
  });
});

afterEach(() => {});

describe('gateway', () => {
  it('runs after scenarios and before routing; its next() leaves the rest of the pipeline’s answer in c.res', async () => {
    const seen: string[] = [];
    const { app, twin } = createTwinApp({
      ...echoTwin,
      gateway: async (c, next) => {
        if (c.req.path === '/gateway-only') return c.json({ from: 'gateway' }, 202);
        await next();
        seen.push(`${c.req.path} ${c.res.status} ${JSON.stringify(capturedBody(c))}`);
      },
    });
    const own = await app.request('/gateway-only');
    expect(own.status).toBe(202);
    expect(await own.json()).toEqual({ from: 'gateway' });
    expect((await app.request('/things', K1)).status).toBe(200);
    // A refusal thrown by authenticate is an answer too, and the gateway sees it.
    expect((await app.request('/things', { headers: { 'x-key': 'nope' } })).status).toBe(401);
    expect(seen).toEqual(['/things 200 {"things":[{"id":"t1","name":"first"}]}', '/things 401 {"error":"bad_key"}']);
    // A forced scenario answers before the gateway; the journal keeps every kind.
    expect((await app.request('/things', { headers: { 'x-key': 'k1', 'x-doppel-scenario': 'QUOTA' } })).status).toBe(429);
    expect(seen).toHaveLength(2);
    expect(twin.journal.count()).toBe(4);
  });
});

describe('probeBadInput', () => {
  it('finds a handler that crashes on input it did not expect', async () => {
    const { probeBadInput } = await import('./testing.ts');
    const fragile = createTwinApp({
      ...echoTwin,
      routes(a) {
        // A defect: reads a property of null when the query has no q (first registered, so it wins).
        a.get('/open', (c) => c.json({ length: JSON.parse(c.req.query('q') ?? 'null').length }));
        echoTwin.routes(a);
      },
    });
    const spec = loadSpec(echoTwin.spec);
    const quiet = console.error;
    console.error = () => {};
    try {
      const failures = await probeBadInput(fragile.app, spec, { headers: { 'x-key': 'k1' } });
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.every((f) => f.method === 'GET' && f.url.includes('/open') && f.status === 500)).toBe(true);
      expect(await probeBadInput(make().app, spec, { headers: { 'x-key': 'k1' } })).toEqual([]);
    } finally {
      console.error = quiet;
    }
  });
});

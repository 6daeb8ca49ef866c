import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { EXAMPLE_SPEC, type ExampleEnv, exampleTwin } from '../example/index.ts';
import { createTwinApp } from './app.ts';
import { startTwin } from './serve.ts';
import { json, K1, make, withKey } from './test-support.ts';

describe('admin: reset', () => {
  it('returns to the start-up fixtures and clears the journal, the scenario rules, the state and the clock', async () => {
    const { app, twin } = make();
    await app.request('/things', withKey(json({ name: 'x' })));
    await app.request('/__admin/states/empty', { method: 'POST' });
    await app.request('/things', withKey(json({ name: 'x' })));
    await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', match: { path: '/nowhere' } }));
    await app.request('/__admin/clock/advance', json({ minutes: 5 }));
    expect(twin.rules.size).toBe(1);
    const res = await app.request('/__admin/reset', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ reset: true, fixtures: 'defaults' });
    expect(twin.state.things.size).toBe(1);
    expect(twin.journal.count()).toBe(0);
    expect(twin.rules.size).toBe(0);
    expect(twin.activeState).toBeUndefined();
    expect(twin.clock.offset()).toBe(0);
  });
});

describe('admin: fixtures', () => {
  it('reads and replaces fixtures at run time, refusing invalid ones with the path and the reason', async () => {
    const { app, twin } = make();
    expect(await (await app.request('/__admin/fixtures')).json()).toEqual(twin.fixtures);
    const ok = await app.request('/__admin/fixtures', json({ things: [], keys: {} }, 'PUT'));
    expect(ok.status).toBe(200);
    expect(twin.state.things.size).toBe(0);
    const bad = await app.request('/__admin/fixtures', json({ things: [{ id: 1 }], keys: {} }, 'PUT'));
    expect(bad.status).toBe(400);
    const err = (await bad.json()) as { error: { code: string; details: { path: string; reason: string }[] } };
    expect(err.error.code).toBe('invalid_fixtures');
    expect(err.error.details).toEqual(
      expect.arrayContaining([
        { path: '/things/0/id', reason: 'must be string' },
        { path: '/things/0/name', reason: 'is required' },
      ]),
    );
    expect(twin.fixtures.things).toEqual([]);
  });

  it('reset after a replacement goes back to the start-up fixtures, not the replaced ones', async () => {
    const { app, twin } = make();
    await app.request('/__admin/fixtures', json({ things: [], keys: { z: 'q' } }, 'PUT'));
    await app.request('/__admin/reset', { method: 'POST' });
    expect(twin.fixtures.keys).toEqual({ k1: 'tenant-a', k2: 'tenant-b' });
  });
});

describe('admin: named states', () => {
  it('lists states, selects one with params, and refuses unknown names', async () => {
    const { app, twin } = make();
    expect(await (await app.request('/__admin/states')).json()).toEqual({
      active: null,
      states: [
        { name: 'empty', description: 'No things at all' },
        { name: 'many things', description: 'params.count things' },
      ],
    });
    const sel = await app.request('/__admin/states/many%20things', json({ params: { count: 5 } }));
    expect(await sel.json()).toEqual({ active: 'many things' });
    expect(twin.state.things.size).toBe(5);
    expect(((await (await app.request('/__admin/states')).json()) as { active: string }).active).toBe('many things');
    const unknown = await app.request('/__admin/states/nope', { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('known: empty, many things');
  });

  it('a state starts from a reset: earlier changes and rules are gone', async () => {
    const { app, twin } = make();
    await app.request('/things', withKey(json({ name: 'x' })));
    twin.rules.add({ scenario: 'QUOTA' });
    await app.request('/__admin/states/many%20things', json({ params: { count: 2 } }));
    expect([...twin.state.things.keys()]).toEqual(['t0', 't1']);
    expect(twin.rules.size).toBe(0);
  });
});

describe('admin: requests are validated against admin.yaml', () => {
  it('refuses bodies and paths the admin spec does not allow', async () => {
    const { app } = make();
    const res = await app.request('/__admin/clock/advance', json({ hours: 1 }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    const notJson = await app.request('/__admin/fixtures', { method: 'PUT', body: '{' });
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
    const nothing = await app.request('/__admin/nothing');
    expect(nothing.status).toBe(404);
    expect(((await nothing.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('serves the twin’s own admin routes', async () => {
    const { app } = make();
    expect(await (await app.request('/__admin/echo-count')).json()).toEqual({ count: 1 });
  });

  it('admin requests never enter the platform pipeline or its journal', async () => {
    const { app, twin } = make();
    await app.request('/__admin/health');
    await app.request('/things', K1);
    expect(twin.journal.all().map((e) => e.path)).toEqual(['/things']);
  });
});

describe('admin: health', () => {
  it('says which twin, where its fixtures came from, the active state, the journal and the clock', async () => {
    const { app, twin } = make({ journalSize: 7 });
    await app.request('/things', K1);
    twin.rules.add({ scenario: 'QUOTA', match: { path: '/x' } });
    const h = (await (await app.request('/__admin/health')).json()) as Record<string, unknown>;
    expect(h).toMatchObject({
      status: 'ok',
      twin: 'example',
      title: 'Example platform',
      fixtures: 'defaults',
      state: null,
      journal: { size: 7, recorded: 1 },
      rules: 1,
    });
    expect(Date.parse(String(h.clock))).toBeGreaterThan(0);
  });
});

describe('admin: fixtures as YAML', () => {
  const yaml = (body: string, type = 'application/yaml') => ({ method: 'PUT', headers: { 'content-type': type }, body });

  it('replaces the fixtures from a YAML document (application/yaml or text/yaml)', async () => {
    const { app, twin } = make();
    const res = await app.request('/__admin/fixtures', yaml('things:\n  - { id: y1, name: from yaml }\nkeys:\n  k7: tenant-y\n'));
    expect(res.status).toBe(200);
    expect(twin.fixtures).toEqual({ things: [{ id: 'y1', name: 'from yaml' }], keys: { k7: 'tenant-y' } });
    const text = await app.request('/__admin/fixtures', yaml('things: []\nkeys: {}\n', 'text/yaml; charset=utf-8'));
    expect(text.status).toBe(200);
    expect(twin.state.things.size).toBe(0);
  });

  it('refuses invalid YAML fixtures with the path and the reason, keeping the live ones', async () => {
    const { app, twin } = make();
    const invalid = await app.request('/__admin/fixtures', yaml('things:\n  - { id: 7 }\nkeys: {}\n'));
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { error: { code: string; details: { path: string; reason: string }[] } };
    expect(body.error.code).toBe('invalid_fixtures');
    expect(body.error.details).toContainEqual({ path: '/things/0/id', reason: 'must be string' });
    const broken = await app.request('/__admin/fixtures', yaml('things: [\nkeys: {'));
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({
      error: { code: 'invalid_yaml', details: [{ path: '', reason: expect.stringMatching(/^YAML syntax error at line \d+/) }] },
    });
    expect(twin.fixtures.things).toEqual([{ id: 't1', name: 'first' }]);
  });
});

describe('admin: the index and the API description', () => {
  it('GET /__admin lists every admin route with one line, the API reference and the console', async () => {
    const { app } = make({ consoleUrl: 'http://127.0.0.1:4000/' });
    const res = await app.request('/__admin');
    expect(res.status).toBe(200);
    const index = (await res.json()) as { console: string; reference: object; routes: { method: string; path: string; summary: string }[] };
    expect(index.console).toBe('http://127.0.0.1:4000/');
    expect(index.reference).toEqual({ openapi: '/__admin/openapi.yaml', openapiJson: '/__admin/openapi.json' });
    const lines = index.routes.map((r) => `${r.method} ${r.path}`);
    expect(lines).toEqual(
      expect.arrayContaining(['GET /__admin/journal/stream', 'PUT /__admin/fixtures', 'POST /__admin/scenarios/rules']),
    );
    // The example twin's own admin routes are listed too, and every route says what it does.
    expect(lines).toContain('GET /__admin/echo-count');
    for (const r of index.routes) expect(r.summary, `${r.method} ${r.path}`).not.toBe('');
    expect(((await (await make().app.request('/__admin')).json()) as { console: unknown }).console).toBeNull();
  });

  it('serves the twin’s own OpenAPI document as YAML (as written) and as JSON', async () => {
    const { app } = make();
    const yaml = await app.request('/__admin/openapi.yaml');
    expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
    const text = await yaml.text();
    expect(text).toBe(readFileSync(EXAMPLE_SPEC, 'utf8'));
    const doc = await (await app.request('/__admin/openapi.json')).json();
    expect(doc).toEqual(parseYaml(text));
  });
});

/** The events of a server-sent event stream, as they arrive. */
async function* events(res: Response): AsyncGenerator<{ event: string; data: string; id?: string }> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields: Record<string, string> = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
      }
      if (fields.event) yield { event: fields.event, data: fields.data ?? '', ...(fields.id && { id: fields.id }) };
    }
  }
}

describe('admin: the live journal', () => {
  it('streams new entries over HTTP as they are recorded, filtered and masked, and lets go when the client leaves', async () => {
    const running = await startTwin(exampleTwin, { port: 0 });
    const abort = new AbortController();
    try {
      await fetch(`${running.url}/things`, K1);
      const res = await fetch(`${running.url}/__admin/journal/stream?caller=key:k2&status=200`, { signal: abort.signal });
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      const stream = events(res);
      expect((await stream.next()).value).toMatchObject({ event: 'ready', data: JSON.stringify({ twin: 'example', recorded: 1 }) });
      expect(running.twin.journal.listening).toBe(1);
      await fetch(`${running.url}/things`, K1);
      await fetch(`${running.url}/things?token=s3cret`, { headers: { 'x-key': 'k2', authorization: 'Bearer s3cret' } });
      await fetch(`${running.url}/things`, { headers: { 'x-key': 'k9' } });
      const entry = (await stream.next()).value!;
      expect(entry.event).toBe('entry');
      const got = JSON.parse(entry.data) as { id: number; path: string; callers: object; headers: Record<string, string>; query: object };
      expect(entry.id).toBe(String(got.id));
      expect(got).toMatchObject({ path: '/things', callers: { key: 'k2', tenant: 'tenant-b' }, query: { token: '****' } });
      expect(got.headers.authorization).not.toContain('s3cret');
      await fetch(`${running.url}/__admin/journal`, { method: 'DELETE' });
      expect((await stream.next()).value).toMatchObject({ event: 'cleared' });
      abort.abort();
      await expect.poll(() => running.twin.journal.listening).toBe(0);
      expect((await fetch(`${running.url}/__admin/health`)).status).toBe(200);
    } finally {
      abort.abort();
      await running.close();
    }
  });

  it('lets go of an in-process reader that cancels the stream', async () => {
    const { app, twin } = make();
    const res = await app.request('/__admin/journal/stream?path=/things');
    expect(res.status).toBe(200);
    expect(twin.journal.listening).toBe(1);
    await res.body!.cancel();
    await expect.poll(() => twin.journal.listening).toBe(0);
  });

  it('refuses a bad filter before streaming', async () => {
    const { app, twin } = make();
    const res = await app.request('/__admin/journal/stream?status=abc');
    expect(res.status).toBe(400);
    expect(twin.journal.listening).toBe(0);
  });
});

describe('admin: exact answers and refusals', () => {
  const call = async (app: ReturnType<typeof make>['app'], path: string, init?: RequestInit) => {
    const res = await app.request(path, init);
    return { status: res.status, body: await res.json() };
  };

  it('names a missing journal entry or rule without details, and answers removals and clears', async () => {
    const { app, twin } = make();
    expect(await call(app, '/__admin/journal/999')).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'no journal entry 999' } },
    });
    expect(await call(app, '/__admin/scenarios/rules/r999', { method: 'DELETE' })).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'no rule r999' } },
    });
    const rule = twin.rules.add({ scenario: 'QUOTA' });
    expect(await call(app, `/__admin/scenarios/rules/${rule.id}`, { method: 'DELETE' })).toEqual({
      status: 200,
      body: { removed: rule.id },
    });
    expect(await call(app, '/__admin/scenarios/rules', { method: 'DELETE' })).toEqual({ status: 200, body: { cleared: true } });
    // A DELETE's body is never read.
    expect(
      await call(app, '/__admin/journal', { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{oops' }),
    ).toEqual({
      status: 200,
      body: { cleared: true },
    });
  });

  it('refuses rules without a scenario or fault, and unknown scenarios listing the known ones', async () => {
    const { app } = make();
    expect(await call(app, '/__admin/scenarios/rules', json({ times: 1 }))).toEqual({
      status: 400,
      body: { error: { code: 'invalid_request', message: 'a rule needs a scenario or a fault' } },
    });
    expect(await call(app, '/__admin/scenarios/rules', json({ scenario: 'NOPE' }))).toEqual({
      status: 404,
      body: { error: { code: 'unknown_scenario', message: 'unknown scenario "NOPE"', details: Object.keys(exampleTwin.errors) } },
    });
  });

  it('refuses invalid JSON and spec violations, joining the messages and listing the issues', async () => {
    const { app } = make();
    expect(
      await call(app, '/__admin/scenarios/rules', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' }),
    ).toEqual({
      status: 400,
      body: { error: { code: 'invalid_json', message: 'the body is not valid JSON (or nests deeper than 512 levels)' } },
    });
    expect(await call(app, '/__admin/clock/advance', json({ ms: 'x', seconds: 'y' }))).toEqual({
      status: 400,
      body: {
        error: {
          code: 'invalid_request',
          message: '/ms must be integer; /seconds must be number',
          details: [
            { in: 'body', name: '/ms', keyword: 'type', message: '/ms must be integer' },
            { in: 'body', name: '/seconds', keyword: 'type', message: '/seconds must be number' },
          ],
        },
      },
    });
  });

  it('refuses an admin body whose declared length is over the limit, before reading it', async () => {
    const { app } = make();
    const headers = { 'content-type': 'application/json', 'content-length': String(16 * 1024 * 1024 + 1) };
    expect(await call(app, '/__admin/fixtures', { method: 'PUT', headers, body: '{}' })).toEqual({
      status: 413,
      body: { error: { code: 'payload_too_large', message: 'admin bodies are limited to 16777216 bytes' } },
    });
  });

  it('replaces fixtures with an exact answer, and refuses invalid ones and unknown states', async () => {
    const { app, twin } = make();
    expect(await call(app, '/__admin/fixtures', json(twin.fixtures, 'PUT'))).toEqual({ status: 200, body: { replaced: true } });
    const bad = await call(app, '/__admin/fixtures', json({ bogus: 1 }, 'PUT'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_fixtures');
    expect(bad.body.error.message).toMatch(/^request body: invalid fixtures\n/);
    expect(bad.body.error.details).toContainEqual({ path: '/bogus', reason: 'is not a known field' });
    expect(await call(app, '/__admin/states/nope', { method: 'POST' })).toEqual({
      status: 404,
      body: { error: { code: 'unknown_state', message: 'unknown state "nope"; known: empty, many things' } },
    });
    // A name every object inherits is no state either.
    for (const inherited of ['toString', 'constructor', '__proto__']) {
      const res = await call(app, `/__admin/states/${inherited}`, { method: 'POST' });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('unknown_state');
    }
  });

  it('refuses a clock outside 1970–9999 and an unparseable instant', async () => {
    const { app } = make();
    const far = await call(app, '/__admin/clock/advance', json({ ms: 315360000000000 }));
    expect(far.status).toBe(400);
    expect(far.body.error.code).toBe('clock_out_of_range');
    expect(far.body.error.message).toMatch(/^advancing by 315360000000000 ms would take the clock outside 1970 to 9999$/);
    const early = await call(app, '/__admin/clock', json({ now: '1969-12-31T23:59:59Z' }, 'PUT'));
    expect(early).toEqual({
      status: 400,
      body: { error: { code: 'clock_out_of_range', message: 'the clock can show 1970 to 9999 only, not -1000' } },
    });
  });

  it('filters the journal by method, path, status and caller from the query', async () => {
    const { app } = make();
    await app.request('/things', K1);
    await app.request('/things', withKey(json({ name: 'a' })));
    await app.request('/open');
    await app.request('/things?limit=0', K1);
    const ids = async (q: string) =>
      (
        (await (await app.request(`/__admin/journal${q}`)).json()) as { entries: { method: string; path: string; status: number }[] }
      ).entries.map((e) => `${e.method} ${e.path} ${e.status}`);
    expect(await ids('')).toEqual(['GET /things 422', 'GET /open 200', 'POST /things 201', 'GET /things 200']);
    expect(await ids('?method=post')).toEqual(['POST /things 201']);
    expect(await ids('?path=/op*')).toEqual(['GET /open 200']);
    expect(await ids('?status=422')).toEqual(['GET /things 422']);
    expect(await ids('?method=get&path=/things')).toEqual(['GET /things 422', 'GET /things 200']);
    expect(await ids('?caller=nobody')).toEqual([]);
    expect(await ids('?tenant=nobody')).toEqual([]);
    expect(await ids('?limit=1')).toEqual(['GET /things 422']);
  });

  it('serves admin paths with a trailing slash, and counts uptime in seconds', async () => {
    const realNow = Date.now();
    const now = vi.spyOn(Date, 'now').mockReturnValue(realNow);
    const { app } = make();
    now.mockReturnValue(realNow + 3_400);
    const health = await call(app, '/__admin/health/');
    now.mockRestore();
    expect(health.status).toBe(200);
    expect(health.body.uptimeSeconds).toBe(3);
    expect(health.body.stores).toEqual({});
  });
});

describe('admin: the index lists a twin’s own admin routes, one line each', () => {
  it('the summary with its spaces folded, else the description’s first sentence, else the operationId, else nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doppel-admin-'));
    const spec = join(dir, 'openapi.yaml');
    const ok = '{ "200": { description: ok } }';
    writeFileSync(
      spec,
      `openapi: 3.1.0
info: { title: t, version: "1" }
paths:
  /things:
    get: { summary: A platform route, security: [], responses: ${ok} }
  /__adminish:
    get: { summary: Not an admin route either, security: [], responses: ${ok} }
  /__admin/own:
    get:
      summary: "  Spread\\n   over  lines. Two sentences.  "
      description: Not this. Nor this.
      security: []
      responses: ${ok}
    post: { description: "First sentence.  Second\\n sentence. Third.", security: [], responses: ${ok} }
    delete: { operationId: dropOwn, security: [], responses: ${ok} }
    put:
      security: []
      parameters: [{ name: x-who, in: header, required: true, schema: { type: string } }]
      responses: ${ok}
  /__admin:
    options: { summary: Declared but not served, security: [], responses: ${ok} }
  /__admin/own-body:
    post:
      summary: A body in two media types
      security: []
      requestBody:
        required: true
        content:
          application/json: { schema: { type: object, required: [name] } }
          text/plain: { schema: { type: string } }
      responses: ${ok}
`,
    );
    const own = new Hono<ExampleEnv>()
      .put('/own', (c) => {
        // A twin's admin route may write notes as its platform handlers do.
        c.get('notes').who = c.req.header('x-who');
        return c.json({ who: c.req.header('x-who') });
      })
      .post('/own-body', (c) => c.json({ got: c.get('body') }));
    const { app } = createTwinApp({ ...exampleTwin, spec, adminRoutes: own });
    const index = (await (await app.request('/__admin')).json()) as { routes: { method: string; path: string; summary: string }[] };
    expect(index.routes.filter((r) => r.path === '/__admin/own')).toEqual([
      { method: 'GET', path: '/__admin/own', summary: 'Spread over lines. Two sentences.' },
      { method: 'PUT', path: '/__admin/own', summary: '' },
      { method: 'POST', path: '/__admin/own', summary: 'First sentence.' },
      { method: 'DELETE', path: '/__admin/own', summary: 'dropOwn' },
    ]);
    expect(index.routes.map((r) => `${r.method} ${r.path}`)).toContain('GET /__admin');
    expect(index.routes.filter((r) => !r.path.startsWith('/__admin/') && r.path !== '/__admin')).toEqual([]);
    // Its header parameters are validated like the platform's.
    expect((await app.request('/__admin/own', { method: 'PUT' })).status).toBe(400);
    expect(await (await app.request('/__admin/own', { method: 'PUT', headers: { 'x-who': 'qa' } })).json()).toEqual({ who: 'qa' });
    // A declared admin operation the twin does not serve is an admin 404, not the platform's.
    for (const [method, path] of [
      ['DELETE', '/__admin/own'],
      ['OPTIONS', '/__admin'],
    ]) {
      const res = await app.request(path!, { method });
      expect([res.status, await res.json()]).toEqual([404, { error: { code: 'not_found', message: `no admin route ${method} ${path}` } }]);
    }
    // And one of the platform's it does not serve is the platform's 404.
    const platform = await app.request('/__adminish');
    expect([platform.status, await platform.json()]).toEqual([404, { error: 'no_route' }]);
    // An admin body is validated as JSON, whatever media types the operation declares.
    expect((await app.request('/__admin/own-body', json({ nameless: true }))).status).toBe(400);
    expect(await (await app.request('/__admin/own-body', json({ name: 'n' }))).json()).toEqual({ got: { name: 'n' } });
  });

  it('serves a JSON spec as the YAML file beside it, else as the document serialised', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'doppel-admin-')), 'specs.json-dir');
    mkdirSync(dir);
    const doc = readFileSync(EXAMPLE_SPEC, 'utf8');
    const asJson = JSON.stringify(parseYaml(doc));
    writeFileSync(join(dir, 'spec.yaml.json'), asJson);
    writeFileSync(join(dir, 'spec.yaml.yaml'), `# as written\n${doc}`);
    writeFileSync(join(dir, 'alone.json'), asJson);
    const yamlOf = async (spec: string) => {
      const { app } = createTwinApp({ ...exampleTwin, spec: join(dir, spec) });
      return (await app.request('/__admin/openapi.yaml')).text();
    };
    expect(await yamlOf('spec.yaml.json')).toBe(`# as written\n${doc}`);
    const serialised = await yamlOf('alone.json');
    expect(serialised).not.toBe(asJson);
    expect(parseYaml(serialised)).toEqual(parseYaml(doc));
  });
});

describe('admin: bodies', () => {
  it('reads a body of exactly the admin limit, declared or not, and refuses one byte more', async () => {
    const { app } = make();
    const limit = 16 * 1024 * 1024;
    const sized = (n: number) => {
      const head = '{"things":[],"keys":{},"pad":"';
      return `${head}${'x'.repeat(n - head.length - 2)}"}`;
    };
    const put = async (body: string, headers: Record<string, string> = {}) => {
      const res = await app.request('/__admin/fixtures', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      return res.status === 413 ? [res.status, error.code, error.message] : [res.status, error.code];
    };
    // Read and parsed: the fixtures are refused for their unknown field, not for their size.
    expect(await put(sized(limit))).toEqual([400, 'invalid_fixtures']);
    expect(await put('{"pad":1}', { 'content-length': String(limit) })).toEqual([400, 'invalid_fixtures']);
    expect(await put(sized(limit + 1))).toEqual([413, 'payload_too_large', 'admin bodies are limited to 16777216 bytes']);
  });

  it('reads YAML under any of its media types, whatever the case and parameters', async () => {
    const { app, twin } = make();
    const res = await app.request('/__admin/fixtures', {
      method: 'PUT',
      headers: { 'content-type': 'Text/YAML ; charset=utf-8' },
      body: 'things: []\nkeys: { k7: t7 }\n',
    });
    expect(res.status).toBe(200);
    expect(twin.fixtures).toEqual({ things: [], keys: { k7: 't7' } });
    // An empty YAML body is no body, as an empty JSON one is.
    const empty = await app.request('/__admin/fixtures', { method: 'PUT', headers: { 'content-type': 'application/yaml' }, body: '' });
    expect([empty.status, ((await empty.json()) as { error: { message: string } }).error.message]).toEqual([400, 'body is required']);
  });
});

describe('admin: a twin without callers, admin routes or a sound seed', () => {
  it('lists no caller kinds and refuses caller-scoped rules, saying it names no callers', async () => {
    const { callers: _omit, ...bare } = exampleTwin;
    const { app, twin } = createTwinApp(bare);
    const listed = (await (await app.request('/__admin/scenarios')).json()) as Record<string, unknown>;
    expect([listed.callerKinds, listed.callers]).toEqual([[], []]);
    const kind = await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', caller: { key: 'k1' } }));
    expect([kind.status, await kind.json()]).toEqual([
      400,
      { error: { code: 'unknown_caller_kind', message: 'example has no caller kind "key"; it names no callers', details: { kinds: [] } } },
    ]);
    const tenant = await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', tenant: 'tenant-a' }));
    expect([tenant.status, await tenant.json()]).toEqual([
      400,
      {
        error: {
          code: 'unknown_caller',
          message: 'the fixtures know no caller "tenant-a" (tenant is deprecated: use caller); known: none',
          details: { known: [] },
        },
      },
    ]);
    expect(twin.rules.size).toBe(0);
  });

  it('serves the admin API of a twin without admin routes of its own', async () => {
    const { adminRoutes: _omit, ...bare } = exampleTwin;
    const { app } = createTwinApp(bare);
    expect((await app.request('/__admin/health')).status).toBe(200);
  });

  it('answers a state that makes invalid fixtures as invalid fixtures, and a seed that throws as a defect', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { app } = createTwinApp({
      ...exampleTwin,
      states: { broken: { description: 'things without names', apply: (f) => ({ ...f, things: [{ id: 'x' }] as never }) } },
      seed: (f, t) => {
        if (f.things.some((x) => x.name === 'boom')) throw new Error('the seed broke');
        return exampleTwin.seed(f, t);
      },
    });
    const broken = await app.request('/__admin/states/broken', { method: 'POST' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { code: string } }).error.code).toBe('invalid_fixtures');
    const boom = await app.request('/__admin/fixtures', json({ things: [{ id: 'b', name: 'boom' }], keys: {} }, 'PUT'));
    quiet.mockRestore();
    expect(boom.status).toBe(500);
  });
});

describe('admin: callers a rule may name', () => {
  it('accepts a known caller and lists the known ones of the kind (or none) and every one for a tenant', async () => {
    const { app } = make();
    expect((await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', caller: { tenant: 'tenant-a' } }))).status).toBe(201);
    const kind = await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', caller: { app: 'k1' } }));
    expect(((await kind.json()) as { error: { message: string } }).error.message).toBe(
      'example has no caller kind "app"; its caller kinds are: key, tenant',
    );
    const tenant = await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', tenant: 'tenant-z' }));
    const refused = (await tenant.json()) as { error: { message: string; details: { known: unknown[] } } };
    expect(refused.error.message).toBe(
      'the fixtures know no caller "tenant-z" (tenant is deprecated: use caller); known: key k1, key k2, tenant tenant-a, tenant tenant-b',
    );
    expect(refused.error.details.known).toHaveLength(4);
    await app.request('/__admin/fixtures', json({ things: [], keys: {} }, 'PUT'));
    const none = await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', caller: { key: 'k1' } }));
    expect(((await none.json()) as { error: { message: string } }).error.message).toBe('the fixtures know no key "k1"; known keys: none');
  });
});

describe('admin: the clock', () => {
  it('refuses an instant the spec’s date-time allows but no date can hold (a leap second)', async () => {
    const { app, twin } = make();
    const res = await app.request('/__admin/clock', json({ now: '2016-12-31T23:59:60Z' }, 'PUT'));
    expect([res.status, await res.json()]).toEqual([
      400,
      { error: { code: 'invalid_request', message: 'now must be an ISO 8601 date-time' } },
    ]);
    expect(twin.clock.offset()).toBe(0);
  });
});

describe('admin: the live journal’s framing', () => {
  /** Read a stream until `text` holds what `done` wants. */
  async function readUntil(reader: ReadableStreamDefaultReader<string>, done: (text: string) => boolean): Promise<string> {
    let text = '';
    while (!done(text)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      text += value;
    }
    return text;
  }

  it('says a clear with an empty object, and keeps an idle stream open with a comment every 15 s', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const { app, twin } = make();
      const res = await app.request('/__admin/journal/stream');
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      expect(await readUntil(reader, (t) => t.endsWith('\n\n'))).toMatch(/^event: ready\n/);
      vi.advanceTimersByTime(14_999);
      twin.journal.clear();
      expect(await readUntil(reader, (t) => t.endsWith('\n\n'))).toBe('event: cleared\ndata: {}\n\n');
      vi.advanceTimersByTime(1);
      expect(await readUntil(reader, (t) => t.endsWith('\n\n'))).toBe(': keep-alive\n\n');
      await reader.cancel();
      await expect.poll(() => twin.journal.listening).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('streams where timers are plain numbers (no unref)', async () => {
    const timers = vi.spyOn(globalThis, 'setInterval').mockImplementation((() => 7) as never);
    try {
      const { app } = make();
      const res = await app.request('/__admin/journal/stream');
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      expect(await readUntil(reader, (t) => t.endsWith('\n\n'))).toMatch(/^event: ready\n/);
      await reader.cancel();
    } finally {
      timers.mockRestore();
    }
  });
});

describe('admin: health of the stores that grow with traffic', () => {
  it('shows the usage of each store the twin names', async () => {
    const usage = { size: 3, max: 10, evicted: 1 };
    const { app } = createTwinApp({ ...exampleTwin, stores: () => ({ sessions: { usage: () => usage } }) });
    const health = (await (await app.request('/__admin/health')).json()) as { stores: unknown };
    expect(health.stores).toEqual({ sessions: usage });
  });
});

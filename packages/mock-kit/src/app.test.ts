import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it, vi } from 'vitest';
import { exampleErrors, exampleTwin } from '../example/index.ts';
import type { ExampleEnv } from '../example/index.ts';
import { capturedBody, ConnectionDropped, createTwinApp, rawQuery } from './app.ts';
import { Refusal } from './errors.ts';
import { JOURNAL_BODY_LIMIT } from './journal.ts';
import { json, K1, make, withKey } from './test-support.ts';

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
    const body = await app.request('/things', withKey(json({ name: 5 })));
    expect(await body.json()).toEqual({ error: 'invalid', issues: ['/name must be string'] });
  });

  it('refuses an unparseable body instead of crashing', async () => {
    const { app } = make();
    const res = await app.request('/things', withKey({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' }));
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: 'invalid', issues: ['body is not valid for its content type'] });
  });

  it('answers unknown paths and methods with the platform not-found shape', async () => {
    const { app } = make();
    for (const [method, path] of [
      ['GET', '/nowhere'],
      ['DELETE', '/things'],
      ['GET', '/things/a/b'],
    ] as const) {
      const res = await app.request(path, { method, headers: { 'x-key': 'k1' } });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toEqual({ error: 'no_route' });
    }
  });

  it('lets anonymous operations through (security: [])', async () => {
    const { app } = make();
    expect((await app.request('/open')).status).toBe(200);
    expect((await app.request('/things')).status).toBe(401);
  });

  it('routes HEAD as GET: authenticated and validated like it, with no body', async () => {
    const { app } = make();
    const head = await app.request('/things', { method: 'HEAD', headers: { 'x-key': 'k1' } });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await app.request('/things', { method: 'HEAD' })).status).toBe(401);
  });

  it('gives handlers the parsed body and the raw one', async () => {
    const seen: unknown[] = [];
    const probe = new Hono<ExampleEnv>().post('/', (c) => {
      seen.push(c.get('body'), c.get('rawBody'));
      return c.json({ id: 'x', name: 'x' }, 201);
    });
    const { app } = createTwinApp({ ...exampleTwin, routes: [['/things', probe]] });
    await app.request('/things', withKey(json({ name: 'n' })));
    await app.request(
      '/things',
      withKey({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=a+b' }),
    );
    expect(seen).toEqual([{ name: 'n' }, '{"name":"n"}', { name: 'a b' }, 'name=a+b']);
  });
});

describe('every refusal is rendered once and journaled as the client received it', () => {
  /** Send one request; the journal's newest entry must show the status, body and error name the client got. */
  async function check(
    app: Hono<ExampleEnv>,
    twinJournal: () => { status: number; responseBody: unknown; error?: string }[],
    path: string,
    init: RequestInit,
    status: number,
    error: string,
  ) {
    const res = await app.request(path, init);
    const text = await res.text();
    expect(res.status, `${path}: client status`).toBe(status);
    const entry = twinJournal().at(-1)!;
    expect(entry.status, `${path}: journal status`).toBe(status);
    expect(entry.error, `${path}: journal error name`).toBe(error);
    expect(entry.responseBody).toEqual(text === '' ? undefined : JSON.parse(text));
  }

  it('spec invalid, authenticate, not found, per-request header, scenario rule, status fault, internal error', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { app, twin } = make();
    const journal = () => twin.journal.all();
    await check(app, journal, '/things?limit=0', K1, 422, 'INVALID');
    await check(app, journal, '/things', { headers: { 'x-key': 'nope' } }, 401, 'BAD_KEY');
    await check(app, journal, '/things', {}, 401, 'BAD_KEY');
    await check(app, journal, '/nowhere', K1, 404, 'NO_ROUTE');
    await check(app, journal, '/things/zz', K1, 404, 'NOT_FOUND');
    await check(app, journal, '/things', { headers: { 'x-key': 'k1', 'x-doppel-scenario': 'QUOTA' } }, 429, 'QUOTA');
    await check(app, journal, '/things', { headers: { 'x-key': 'k1', 'x-doppel-scenario': 'NOPE' } }, 400, 'unknown_scenario');
    twin.rules.add({ scenario: 'NOT_FOUND', times: 1 });
    await check(app, journal, '/things', K1, 404, 'NOT_FOUND');
    twin.rules.add({ fault: { type: 'status', status: 503, body: { down: true } }, times: 1 });
    await check(app, journal, '/things', K1, 503, 'fault:status');
    const withCrash = createTwinApp({
      ...exampleTwin,
      routes: [['/things', new Hono<ExampleEnv>().get('/', () => Promise.reject(new Error('defect')))]],
    });
    await check(withCrash.app, () => withCrash.twin.journal.all(), '/things', K1, 500, 'SERVER_ERROR');
    expect(withCrash.twin.journal.all().at(-1)!.notes?.error).toMatch(/Error: defect/);
    quiet.mockRestore();
  });

  it('a success leaves no error name; the rule that forced an answer is named', async () => {
    const { app, twin } = make();
    await app.request('/things', K1);
    const rule = twin.rules.add({ scenario: 'QUOTA', times: 1 });
    await app.request('/things', K1);
    const [ok, forced] = twin.journal.all();
    expect(ok).not.toHaveProperty('error');
    expect(forced).toMatchObject({ status: 429, error: 'QUOTA', scenario: 'QUOTA', rule: rule.id });
  });

  it('the beforeRouting hook sees a refusal already rendered, and the journal agrees with the client', async () => {
    const seen: string[] = [];
    const { app, twin } = createTwinApp({
      ...exampleTwin,
      beforeRouting: async (c, next) => {
        if (c.req.path === '/intercepted') return c.json({ from: 'interceptor' }, 202);
        if (c.req.path === '/refused-early') exampleErrors.raise('QUOTA');
        await next();
        seen.push(`${c.req.path} ${c.res.status} ${JSON.stringify(capturedBody(c))}`);
      },
    });
    const own = await app.request('/intercepted');
    expect(own.status).toBe(202);
    expect(await own.json()).toEqual({ from: 'interceptor' });
    expect((await app.request('/refused-early')).status).toBe(429);
    expect((await app.request('/things', K1)).status).toBe(200);
    expect((await app.request('/things', { headers: { 'x-key': 'nope' } })).status).toBe(401);
    expect(seen).toEqual(['/things 200 {"things":[{"id":"t1","name":"first"}]}', '/things 401 {"error":"bad_key"}']);
    // A forced scenario answers before the hook.
    expect((await app.request('/things', { headers: { 'x-key': 'k1', 'x-doppel-scenario': 'QUOTA' } })).status).toBe(429);
    expect(seen).toHaveLength(2);
    expect(twin.journal.all().map((e) => [e.status, e.error ?? null])).toEqual([
      [202, null],
      [429, 'QUOTA'],
      [200, null],
      [401, 'BAD_KEY'],
      [429, 'QUOTA'],
    ]);
  });

  it('a dropped connection is journaled with status 0 and rejects in-process', async () => {
    const { app, twin } = make();
    twin.rules.add({ fault: { type: 'drop' }, times: 1 });
    await expect(app.request('/things', K1)).rejects.toBeInstanceOf(ConnectionDropped);
    expect(twin.journal.all()[0]).toMatchObject({ status: 0, scenario: 'fault:drop' });
  });

  it('a refusal naming no template of the catalogue is a defect, answered by internalError', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { app, twin } = createTwinApp({
      ...exampleTwin,
      routes: [
        [
          '/things',
          new Hono<ExampleEnv>().get('/', () => {
            throw new Refusal('NOT_IN_CATALOGUE');
          }),
        ],
      ],
    });
    const res = await app.request('/things', K1);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'server_error' });
    expect(String(twin.journal.all()[0]!.notes?.error)).toContain('NOT_IN_CATALOGUE');
    quiet.mockRestore();
  });

  it('without internalError a defect is the kit’s JSON 500', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { internalError: _omit, ...bare } = exampleTwin;
    const { app, twin } = createTwinApp({
      ...bare,
      routes: [
        [
          '/things',
          new Hono<ExampleEnv>().get('/', () => {
            throw new Error('x');
          }),
        ],
      ],
    });
    const res = await app.request('/things', K1);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: 'doppel twin defect' });
    expect(twin.journal.all()[0]).toMatchObject({ status: 500, error: 'defect' });
    quiet.mockRestore();
  });

  it('renders overrides: body fields merged, status replaced, and 204 without a body', async () => {
    const routes = new Hono<ExampleEnv>()
      .get('/', () => exampleErrors.raise('NOT_FOUND', { body: { id: 'x' }, status: 410, headers: { 'x-why': 'gone' } }))
      .get('/:id', () => exampleErrors.raise('NOT_FOUND', { status: 204 }));
    const { app } = createTwinApp({ ...exampleTwin, routes: [['/things', routes]] });
    const gone = await app.request('/things', K1);
    expect(gone.status).toBe(410);
    expect(gone.headers.get('x-why')).toBe('gone');
    expect(await gone.json()).toEqual({ error: 'not_found', id: 'x' });
    const empty = await app.request('/things/a', K1);
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
  });
});

describe('rawQuery', () => {
  it('is the query exactly as sent, without "?" or fragment', () => {
    expect(rawQuery('http://x/p?b=2&a=1%20+#frag')).toBe('b=2&a=1%20+');
    expect(rawQuery('/p')).toBe('');
    expect(rawQuery('/p?')).toBe('');
  });
});

describe('malformed percent-escapes never crash', () => {
  it('in a platform path parameter and in an admin path', async () => {
    const { app } = make();
    const res = await app.request('/things/%ZZ', K1);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found' });
    expect((await app.request('/__admin/journal/%ZZ')).status).toBeLessThan(500);
    expect((await app.request('/__admin/states/%E4%zz', { method: 'POST' })).status).toBe(404);
  });
});

describe('defaultParseBody', () => {
  it('parses JSON (no type, application/json, +json, text/plain), form fields, and nothing else', async () => {
    const { defaultParseBody } = await import('./app.ts');
    expect(defaultParseBody('{"a":1}', undefined)).toEqual({ a: 1 });
    expect(defaultParseBody('{"a":1}', ' Application/JSON ; charset=utf-8')).toEqual({ a: 1 });
    expect(defaultParseBody('{"a":1}', 'application/merge-patch+json')).toEqual({ a: 1 });
    expect(defaultParseBody('{"a":1}', 'text/plain')).toEqual({ a: 1 });
    expect(defaultParseBody('a=1&b=x+y', 'Application/X-WWW-Form-Urlencoded; charset=utf-8')).toEqual({ a: '1', b: 'x y' });
    expect(defaultParseBody('{"a":1}', 'application/xml')).toBeUndefined();
    expect(defaultParseBody('{"a":1}', 'application/json+xml')).toBeUndefined();
    expect(defaultParseBody('{"a":1}', 'text/html')).toBeUndefined();
  });
});

describe('pipeline details a client relies on', () => {
  it('ConnectionDropped says what happened', () => {
    const err = new ConnectionDropped();
    expect(err.name).toBe('ConnectionDropped');
    expect(err.message).toBe('doppel: connection dropped by a scenario');
  });

  it('an unknown scenario header is refused with the known names, journaled as unknown_scenario', async () => {
    const { app, twin } = make();
    const res = await app.request('/things', { headers: { 'x-key': 'k1', 'x-doppel-scenario': 'NOPE' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 'unknown_scenario', message: 'unknown scenario "NOPE"', known: Object.keys(exampleErrors.catalogue) },
    });
    expect(twin.journal.all()[0]).toMatchObject({ status: 400, error: 'unknown_scenario' });
    const { KIT_ERRORS } = await import('./app.ts');
    expect(KIT_ERRORS.unknownScenario('x', []).template?.description).toBe('The x-doppel-scenario header names no error of this twin');
    expect(KIT_ERRORS.tooLarge(1).template?.description).toBe("The request body is over the twin's limit");
  });

  it('a status fault sends its headers, and none without them', async () => {
    const { app, twin } = make();
    twin.rules.add({ fault: { type: 'status', status: 503, body: { down: true }, headers: { 'retry-after': '5' } }, times: 1 });
    const res = await app.request('/things', K1);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toEqual({ down: true });
    twin.rules.add({ fault: { type: 'status', status: 502, body: 'bad gateway' }, times: 1 });
    const plain = await app.request('/things', K1);
    expect(plain.status).toBe(502);
    expect(plain.headers.get('retry-after')).toBeNull();
    expect(await plain.text()).toBe('bad gateway');
    expect(twin.journal.all().map((e) => [e.status, e.error, e.scenario])).toEqual([
      [503, 'fault:status', 'fault:status'],
      [502, 'fault:status', 'fault:status'],
    ]);
  });

  it('a defect is logged with the twin, method and path, and its stack is in the journal notes', async () => {
    const logged: unknown[][] = [];
    const quiet = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const boom = new Error('boom');
    const { app, twin } = createTwinApp({
      ...exampleTwin,
      routes: [['/things', new Hono<ExampleEnv>().get('/', () => Promise.reject(boom))]],
    });
    await app.request('/things', K1);
    quiet.mockRestore();
    expect(logged).toEqual([['[doppel:example] defect while serving GET /things:', boom]]);
    expect(twin.journal.all()[0]!.notes?.error).toBe(boom.stack);
  });

  it('a POST without a body, or with an empty one, is "body is required", not unparseable', async () => {
    const { app, twin } = make();
    for (const init of [
      withKey({ method: 'POST' }),
      withKey({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '' }),
    ]) {
      const res = await app.request('/things', init);
      expect(res.status).toBe(422);
      expect(await res.json()).toEqual({ error: 'invalid', issues: ['body is required'] });
    }
    expect(twin.journal.all().map((e) => e.body)).toEqual([undefined, undefined]);
  });

  it('journals an unparseable body as a parse issue, with the text as sent', async () => {
    const { app, twin } = make();
    await app.request('/things', withKey({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' }));
    const entry = twin.journal.all()[0]!;
    expect(entry.body).toBe('{oops');
    expect(entry.notes?.validation).toEqual([
      { in: 'body', name: '', keyword: 'parse', message: 'body is not valid for its content type' },
    ]);
  });

  it('accepts a body of exactly the limit', async () => {
    const { app } = make({ bodyLimit: 20 });
    const body = JSON.stringify({ name: 'x'.repeat(9) });
    expect(body.length).toBe(20);
    const res = await app.request(
      '/things',
      withKey({ method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '20' }, body }),
    );
    expect(res.status).toBe(201);
  });

  it('journals each kind of answer: JSON parsed, text, HTML, form fields, JSON with a Headers object', async () => {
    const routes = new Hono<ExampleEnv>()
      .get('/json', (c) => c.json({ a: 1 }))
      .get('/text', (c) => c.text('{"not":"json"}'))
      .get('/html', (c) => c.html('<p>hi</p>'))
      .get('/form', (c) => c.body('token=abc&kind=x', 200, { 'content-type': 'application/x-www-form-urlencoded' }))
      .get('/plainbody', (c) => c.body('a=1', 200, { 'content-type': 'text/plain' }))
      .get('/headers', (c) => c.json({ b: 2 }, { headers: new Headers({ 'x-h': '1' }) }))
      .get('/bytes', (c) => c.body(new Uint8Array([1, 2])));
    const seen: unknown[] = [];
    const { app, twin } = createTwinApp({
      ...exampleTwin,
      beforeRouting: async (c, next) => {
        await next();
        seen.push(capturedBody(c));
      },
      routes: [['/things', routes]],
    });
    const paths = ['json', 'text', 'html', 'form', 'plainbody', 'headers', 'bytes'];
    for (const p of paths) await app.request(`/things/${p}`, K1);
    const journal = twin.journal.all();
    expect(journal.map((e) => e.responseBody)).toEqual([
      { a: 1 },
      '{"not":"json"}',
      '<p>hi</p>',
      { token: '****', kind: 'x' },
      'a=1',
      { b: 2 },
      undefined,
    ]);
    expect(seen).toEqual([{ a: 1 }, '{"not":"json"}', '<p>hi</p>', 'token=abc&kind=x', 'a=1', { b: 2 }, undefined]);
  });

  it('journals the HTML hono/html and JSX build (a String object, a promise of one) as the text the client received', async () => {
    const routes = new Hono<ExampleEnv>()
      .get('/tagged', (c) => c.html(html`<p>${'<b>'}</p>`))
      .get('/promised', (c) => c.html(Promise.resolve(html`<i>${'x&y'}</i>`)));
    const { app, twin } = createTwinApp({ ...exampleTwin, routes: [['/things', routes]] });
    const sent: string[] = [];
    for (const p of ['tagged', 'promised']) {
      const res = await app.request(`/things/${p}`, K1);
      expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
      sent.push(await res.text());
    }
    expect(sent).toEqual(['<p>&lt;b&gt;</p>', '<i>x&amp;y</i>']);
    expect(twin.journal.all().map((e) => e.responseBody)).toEqual(sent);
  });

  it("answers c.json as Hono would, whatever the handler set: its headers, its status, a header's several values, its own content type", async () => {
    const routes = new Hono<ExampleEnv>()
      .get('/plain', (c) => c.json({ a: 1 }, 201, { 'x-one': '1', 'x-two': '2' }))
      .get('/typed', (c) => c.json({ a: 1 }, 200, { 'Content-Type': 'application/vnd.doppel+json' }))
      .get('/multi', (c) => c.json({ a: 1 }, 200, { 'x-multi': ['a', 'b'] }))
      .get('/prepared', (c) => {
        c.header('x-early', 'yes');
        c.status(202);
        return c.json({ a: 1 });
      })
      .get('/status-only', (c) => {
        c.status(203);
        return c.json({ a: 1 });
      })
      .get('/header-only', (c) => {
        c.header('x-early', 'alone');
        return c.json({ a: 1 });
      });
    const { app, twin } = createTwinApp({ ...exampleTwin, routes: [['/things', routes]] });
    const get = (p: string) => app.request(`/things/${p}`, K1);
    const plain = await get('plain');
    expect([plain.status, plain.headers.get('content-type'), plain.headers.get('x-one'), plain.headers.get('x-two')]).toEqual([
      201,
      'application/json',
      '1',
      '2',
    ]);
    const typed = await get('typed');
    expect([...typed.headers].filter(([k]) => k === 'content-type')).toEqual([['content-type', 'application/vnd.doppel+json']]);
    expect((await get('multi')).headers.get('x-multi')).toBe('a, b');
    const prepared = await get('prepared');
    expect([prepared.status, prepared.headers.get('x-early'), prepared.headers.get('content-type')]).toEqual([
      202,
      'yes',
      'application/json',
    ]);
    expect((await get('status-only')).status).toBe(203);
    expect((await get('header-only')).headers.get('x-early')).toBe('alone');
    expect(twin.journal.all().map((e) => [e.status, e.responseBody])).toEqual([
      [201, { a: 1 }],
      [200, { a: 1 }],
      [200, { a: 1 }],
      [202, { a: 1 }],
      [203, { a: 1 }],
      [200, { a: 1 }],
    ]);
  });

  it('a dropped connection journals no response body', async () => {
    const { app, twin } = make();
    twin.rules.add({ fault: { type: 'drop' }, times: 1 });
    await expect(app.request('/things', K1)).rejects.toBeInstanceOf(ConnectionDropped);
    expect(twin.journal.all()[0]!.responseBody).toBeUndefined();
  });

  it('answers an unknown admin route in the admin shape, not the platform’s', async () => {
    const { app } = make();
    for (const path of ['/__admin/nowhere', '/__admin/journal/1/extra']) {
      const res = await app.request(path, { method: 'PATCH' });
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'not_found', message: `no admin route PATCH ${path}` } });
    }
    const platform = await app.request('/__administrator', K1);
    expect(platform.status).toBe(404);
    expect(await platform.json()).toEqual({ error: 'no_route' });
  });

  it('rawQuery keeps a query that starts the URL', () => {
    expect(rawQuery('?a=1')).toBe('a=1');
    expect(rawQuery('/p?a=1#x?y')).toBe('a=1');
  });
});

/** A twin of the example platform on a spec of the test's own (one operation, POST /things). */
function withSpec(operation: string) {
  const dir = mkdtempSync(join(tmpdir(), 'doppel-app-'));
  const spec = join(dir, 'openapi.yaml');
  writeFileSync(
    spec,
    `openapi: 3.1.0\ninfo: { title: t, version: "1" }\npaths:\n  /things:\n    post:\n${operation
      .split('\n')
      .map((l) => `      ${l}`)
      .join('\n')}\n`,
  );
  return spec;
}

describe('request bodies: read, limited, journaled', () => {
  it('refuses a body by its declared Content-Length before reading it, noting the size declared', async () => {
    const { app, twin } = make({ bodyLimit: 20 });
    const res = await app.request(
      '/things',
      withKey({ method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1000' }, body: '{"name":"x"}' }),
    );
    expect(res.status).toBe(413);
    expect(twin.journal.all()[0]!.notes?.bodyLimit).toEqual({ limit: 20, received: 1000 });
  });

  it('limits a body sent without Content-Length as it streams: the limit itself passes, one byte more is refused', async () => {
    const { app } = make({ bodyLimit: 20 });
    const stream = (...parts: string[]) =>
      new ReadableStream({
        start(controller) {
          for (const p of parts) controller.enqueue(new TextEncoder().encode(p));
          controller.close();
        },
      });
    const post = (body: ReadableStream) =>
      app.request('/things', {
        method: 'POST',
        headers: { 'x-key': 'k1', 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit);
    expect((await post(stream('{"name":"', '123456789"}'))).status).toBe(201);
    expect((await post(stream('{"name":"', '1234567890"}'))).status).toBe(413);
  });

  it('never reads or refuses the body of a GET or HEAD, whatever its Content-Length says', async () => {
    const { app } = make({ bodyLimit: 20 });
    for (const method of ['GET', 'HEAD']) {
      const res = await app.request('/things', { method, headers: { 'x-key': 'k1', 'content-length': '1000' } });
      expect(res.status, method).toBe(200);
    }
  });

  it('journals a request body of exactly the journal limit whole, and cuts a longer one', async () => {
    const { app, twin } = make();
    const post = (name: string) => app.request('/things', withKey(json({ name })));
    const exact = 'x'.repeat(JOURNAL_BODY_LIMIT - '{"name":""}'.length);
    await post(exact);
    await post(`${exact}y`);
    const [whole, cut] = twin.journal.all();
    expect(whole!.body).toEqual({ name: exact });
    expect(cut!.body).toMatch(/… \[cut: 65537 characters in all, the journal keeps 65536\]$/);
  });

  it('journals a response body of exactly the journal limit whole, and cuts a longer one', async () => {
    const routes = new Hono<ExampleEnv>().get('/:n', (c) => c.text('x'.repeat(Number(c.req.param('n')))));
    const { app, twin } = createTwinApp({ ...exampleTwin, routes: [['/things', routes]] });
    await app.request(`/things/${JOURNAL_BODY_LIMIT}`, K1);
    await app.request(`/things/${JOURNAL_BODY_LIMIT + 1}`, K1);
    const [whole, cut] = twin.journal.all();
    expect(whole!.responseBody).toBe('x'.repeat(JOURNAL_BODY_LIMIT));
    expect(cut!.responseBody).toMatch(/… \[cut: 65537 characters in all, the journal keeps 65536\]$/);
  });
});

describe('serving under @hono/node-server and elsewhere (c.env)', () => {
  it('drains a body refused by its Content-Length, and destroys the socket of a dropped connection', async () => {
    const { app, twin } = make({ bodyLimit: 20 });
    const resume = vi.fn();
    const destroy = vi.fn();
    const incoming = { resume, socket: { destroy }, rawHeaders: ['X-Key', 'k1', 'Content-Length', '1000'] };
    const init = withKey({ method: 'POST', headers: { 'content-length': '1000' }, body: '{}' });
    expect((await app.request('/things', init, { incoming })).status).toBe(413);
    expect(resume).toHaveBeenCalledTimes(1);
    // The journal keeps the headers as they came off the wire.
    expect(twin.journal.all()[0]!.headers).toEqual({ 'x-key': 'k1', 'content-length': '1000' });
    twin.rules.add({ fault: { type: 'drop' }, times: 1 });
    await expect(app.request('/things', K1, { incoming })).rejects.toBeInstanceOf(ConnectionDropped);
    expect(destroy).toHaveBeenCalledTimes(1);
  });

  it('needs no Node request: bindings of another runtime, or a request without socket or resume, change nothing', async () => {
    for (const env of [{}, { incoming: {} }]) {
      const { app, twin } = make({ bodyLimit: 20 });
      const over = await app.request('/things', withKey({ method: 'POST', headers: { 'content-length': '1000' }, body: '{}' }), env);
      expect(over.status).toBe(413);
      twin.rules.add({ fault: { type: 'drop' }, times: 1 });
      await expect(app.request('/things', K1, env)).rejects.toBeInstanceOf(ConnectionDropped);
      expect(twin.journal.all().map((e) => [e.status, e.headers['x-key']])).toEqual([
        [413, 'k1'],
        [0, 'k1'],
      ]);
    }
  });
});

describe('the platform hooks and the handler', () => {
  it("passes a Hono HTTPException's own response through, journaled as sent", async () => {
    const routes = new Hono<ExampleEnv>().get('/', () => {
      throw new HTTPException(418, { message: 'short and stout' });
    });
    const { app, twin } = createTwinApp({ ...exampleTwin, routes: [['/things', routes]] });
    const res = await app.request('/things', K1);
    expect(res.status).toBe(418);
    expect(await res.text()).toBe('short and stout');
    expect(twin.journal.all()[0]).toMatchObject({ status: 418 });
  });

  it('serves a twin without an authenticate hook, and awaits an asynchronous one', async () => {
    const { authenticate: _omit, ...open } = exampleTwin;
    expect((await createTwinApp(open).app.request('/things')).status).toBe(200);
    const slow = createTwinApp({
      ...exampleTwin,
      authenticate: async (c) => {
        await Promise.resolve();
        if (c.req.header('x-key') !== 'k1') exampleErrors.raise('BAD_KEY');
      },
    });
    expect((await slow.app.request('/things')).status).toBe(401);
    expect((await slow.app.request('/things', K1)).status).toBe(200);
  });

  it('gives the handler the operation the request matched', async () => {
    const routes = new Hono<ExampleEnv>().get('/:id', (c) => c.json({ path: c.get('op').path, method: c.get('op').method }));
    const { app } = createTwinApp({ ...exampleTwin, routes: [['/things', routes]] });
    expect(await (await app.request('/things/a', K1)).json()).toEqual({ path: '/things/{id}', method: 'GET' });
  });

  it('validates header parameters against the spec', async () => {
    const spec = withSpec(`security: []
parameters: [{ name: x-trace, in: header, required: true, schema: { type: string, pattern: "^t-" } }]
responses: { "200": { description: ok } }`);
    const routes = new Hono<ExampleEnv>().post('/', (c) => c.json({}));
    const { app } = createTwinApp({ ...exampleTwin, spec, routes: [['/things', routes]] });
    expect((await app.request('/things', { method: 'POST', headers: { 'x-trace': 't-1' } })).status).toBe(200);
    const bad = await app.request('/things', { method: 'POST', headers: { 'x-trace': 'u-1' } });
    expect(bad.status).toBe(422);
  });

  it('leaves the body to the handler under x-doppel-body: handler, even one the spec or the parser would refuse', async () => {
    const spec = withSpec(`security: []
x-doppel-body: handler
requestBody: { required: true, content: { application/json: { schema: { type: object, required: [name] } } } }
responses: { "200": { description: ok } }`);
    const routes = new Hono<ExampleEnv>().post('/', (c) => c.json({ raw: c.get('rawBody') ?? null }));
    const { app } = createTwinApp({ ...exampleTwin, spec, routes: [['/things', routes]] });
    for (const body of ['{}', '{oops']) {
      const res = await app.request('/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status, body).toBe(200);
      expect(await res.json()).toEqual({ raw: body });
    }
  });
});

describe('callers, scenario rules and the journal', () => {
  it('asks the callers hook at most once per request, however many caller rules are tried', async () => {
    let asked = 0;
    const { app, twin } = createTwinApp({
      ...exampleTwin,
      callers: {
        ...exampleTwin.callers!,
        of: (req, t) => {
          asked += 1;
          return exampleTwin.callers!.of(req, t);
        },
      },
    });
    twin.rules.add({ scenario: 'QUOTA', caller: { key: 'k2' } });
    twin.rules.add({ scenario: 'QUOTA', caller: { tenant: 'tenant-b' } });
    expect((await app.request('/things', K1)).status).toBe(200);
    expect(asked).toBe(1);
    expect(twin.journal.all()[0]!.callers).toEqual({ key: 'k1', tenant: 'tenant-a' });
  });

  it('serves a request as caller-less when the callers hook fails (logged), finds none, or the twin has none', async () => {
    const logged: unknown[][] = [];
    const quiet = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const failure = new Error('hook broke');
    const failing = createTwinApp({
      ...exampleTwin,
      callers: {
        ...exampleTwin.callers!,
        of: () => {
          throw failure;
        },
      },
    });
    const empty = createTwinApp({ ...exampleTwin, callers: { ...exampleTwin.callers!, of: () => ({}) } });
    const { callers: _omit, ...bare } = exampleTwin;
    const none = createTwinApp(bare);
    try {
      for (const { app, twin } of [failing, empty, none]) {
        twin.rules.add({ scenario: 'QUOTA', caller: { key: 'k1' } });
        expect((await app.request('/things', K1)).status).toBe(200);
        expect(twin.journal.all()[0]).not.toHaveProperty('callers');
      }
    } finally {
      quiet.mockRestore();
    }
    expect(logged).toEqual([['[doppel:example] the callers hook failed:', failure]]);
  });

  it('lets a request through a rule that only delays it, counting the hit and journaling fault:delay', async () => {
    const { app, twin } = make();
    const rule = twin.rules.add({ fault: { type: 'delay', ms: 0 }, match: { path: '/things' } });
    expect((await app.request('/things', K1)).status).toBe(200);
    expect(twin.rules.list()).toMatchObject([{ id: rule.id, hits: 1 }]);
    expect(twin.journal.all()[0]).toMatchObject({ status: 200, scenario: 'fault:delay', rule: rule.id });
  });

  it('journals how long the twin took, in milliseconds to the microsecond', async () => {
    const { app, twin } = make();
    const now = vi.spyOn(performance, 'now').mockReturnValueOnce(1000).mockReturnValue(1002.5);
    try {
      await app.request('/things', K1);
    } finally {
      now.mockRestore();
    }
    expect(twin.journal.all()[0]!.durationMs).toBe(2.5);
  });
});

describe('what a gateway in beforeRouting sees and answers', () => {
  it('may answer with a bare Response of its own after a text answer; the client gets it', async () => {
    const routes = new Hono<ExampleEnv>().get('/', (c) => c.text('inner'));
    const { app } = createTwinApp({
      ...exampleTwin,
      routes: [['/things', routes]],
      beforeRouting: async (_c, next) => {
        await next();
        return new Response(null, { status: 204 });
      },
    });
    const res = await app.request('/things', K1);
    expect(res.status).toBe(204);
  });

  /** The example twin serving `routes` at /things, behind a gateway that runs `after(c)` once they answered. */
  const gateway = (routes: Hono<ExampleEnv>, after: (c: Context) => void) =>
    createTwinApp({
      ...exampleTwin,
      routes: [['/things', routes]],
      beforeRouting: async (c, next) => {
        await next();
        after(c);
      },
    });

  it('reads the answer it wrapped with capturedBody, also after wrapping it with a Headers object', async () => {
    const seen: unknown[] = [];
    const { app, twin } = gateway(
      new Hono<ExampleEnv>().get('/', (c) => c.json({ inner: true })),
      (c) => {
        seen.push(capturedBody(c));
        c.res = c.json({ wrapped: capturedBody(c) }, { headers: new Headers({ 'x-gateway': '1' }) });
        seen.push(capturedBody(c));
      },
    );
    const res = await app.request('/things', K1);
    expect(res.headers.get('x-gateway')).toBe('1');
    expect(await res.json()).toEqual({ wrapped: { inner: true } });
    expect(seen).toEqual([{ inner: true }, { wrapped: { inner: true } }]);
    expect(twin.journal.all()[0]!.responseBody).toEqual({ wrapped: { inner: true } });
  });

  it('reads the text or bytes a gateway answers after the handler’s JSON as what is sent, not as JSON', async () => {
    const seen: unknown[] = [];
    const { app, twin } = gateway(
      new Hono<ExampleEnv>().get('/:how', (c) => c.json({ inner: true })),
      (c) => {
        const how = c.req.path.split('/').pop();
        c.res = how === 'text' ? c.text('plain') : how === 'html' ? c.html('<p>plain</p>') : c.body(new Uint8Array([1]));
        seen.push(capturedBody(c));
      },
    );
    for (const how of ['text', 'html', 'bytes']) expect((await app.request(`/things/${how}`, K1)).status).toBe(200);
    expect(seen).toEqual(['plain', '<p>plain</p>', undefined]);
    expect(twin.journal.all().map((e) => e.responseBody)).toEqual(['plain', '<p>plain</p>', undefined]);
  });

  it('reads no body with capturedBody after c.json(undefined), which sends none, and the journal keeps none', async () => {
    const seen: unknown[] = [];
    const { app, twin } = gateway(
      new Hono<ExampleEnv>().get('/', (c) => c.json(undefined)),
      (c) => {
        seen.push(capturedBody(c));
      },
    );
    const res = await app.request('/things', K1);
    expect([res.status, await res.text()]).toEqual([200, '']);
    expect(seen).toEqual([undefined]);
    expect(twin.journal.all()[0]!.responseBody).toBeUndefined();
  });
});

describe('c.json: what the client gets is what the journal keeps', () => {
  it('answers JSON whatever the header names given (a 12-character one too) and takes a ResponseInit', async () => {
    const routes = new Hono<ExampleEnv>()
      .get('/', (c) => c.json({ a: 1 }, 200, { 'x-request-id': 'r1' }))
      .get('/:id', (c) => c.json({ a: 2 }, { status: 202, headers: { 'x-init': '1' } }));
    const { app, twin } = createTwinApp({ ...exampleTwin, routes: [['/things', routes]] });
    const named = await app.request('/things', K1);
    expect([named.status, named.headers.get('content-type'), named.headers.get('x-request-id')]).toEqual([200, 'application/json', 'r1']);
    const init = await app.request('/things/a', K1);
    expect([init.status, init.headers.get('content-type'), init.headers.get('x-init'), await init.json()]).toEqual([
      202,
      'application/json',
      '1',
      { a: 2 },
    ]);
    expect(twin.journal.all().map((e) => [e.status, e.responseBody])).toEqual([
      [200, { a: 1 }],
      [202, { a: 2 }],
    ]);
  });

  it('journals the JSON text sent, not the object the handler gave (a Date becomes its ISO string)', async () => {
    const routes = new Hono<ExampleEnv>()
      .get('/', (c) =>
        c.req.header('x-variant') === 'init'
          ? c.json({ when: new Date(0) }, { headers: new Headers({ 'x-b': '1' }) })
          : c.json({ when: new Date(0) }),
      )
      .get('/:id', (c) => c.json({ when: new Date(0) }, 200, { 'x-a': '1' }));
    const { app, twin } = createTwinApp({ ...exampleTwin, routes: [['/things', routes]] });
    const variant = (v: string) => ({ headers: { ...K1.headers, 'x-variant': v } });
    const sent = [await app.request('/things', K1), await app.request('/things/a', K1), await app.request('/things', variant('init'))];
    for (const res of sent) expect(await res.json()).toEqual({ when: '1970-01-01T00:00:00.000Z' });
    expect(sent[2]!.headers.get('x-b')).toBe('1');
    expect(twin.journal.all().map((e) => e.responseBody)).toEqual(Array(3).fill({ when: '1970-01-01T00:00:00.000Z' }));
  });

  it('a gateway answering with c.json after the handler keeps the headers the handler sent, as Hono does', async () => {
    const routes = new Hono<ExampleEnv>().get('/', (c) => c.json({ inner: true }, 200, { 'x-inner': '1' }));
    const built: (string | null)[] = [];
    const { app } = createTwinApp({
      ...exampleTwin,
      routes: [['/things', routes]],
      beforeRouting: async (c, next) => {
        await next();
        const wrapped = c.json({ wrapped: true });
        // Hono builds it on the answer already given: the gateway can read the handler's headers in it.
        built.push(wrapped.headers.get('x-inner'));
        return wrapped;
      },
    });
    const res = await app.request('/things', K1);
    expect(built).toEqual(['1']);
    expect([res.headers.get('x-inner'), res.headers.get('content-type'), await res.json()]).toEqual([
      '1',
      'application/json',
      { wrapped: true },
    ]);
  });
});

import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { type ExampleEnv, exampleTwin } from '../example/index.ts';
import { createTwinApp } from './app.ts';
import { compileSpec, loadSpec } from './openapi.ts';
import { probeBadInput } from './testing.ts';
import { make } from './test-support.ts';

describe('probeBadInput', () => {
  it('finds a handler that crashes on input it did not expect, and nothing in a sound twin', async () => {
    // A defect: reads a property of null when the query has no q.
    const fragile = new Hono<ExampleEnv>().get('/', (c) => c.json({ length: JSON.parse(c.req.query('q') ?? 'null').length }));
    const { app } = createTwinApp({
      ...exampleTwin,
      routes: [
        ['/things', exampleTwin.routes[0]![1]],
        ['/open', fragile],
      ],
    });
    const spec = loadSpec(exampleTwin.spec);
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const failures = await probeBadInput(app, spec, { headers: { 'x-key': 'k1' } });
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.every((f) => f.method === 'GET' && f.url.includes('/open') && f.status === 500)).toBe(true);
      expect(await probeBadInput(make().app, spec, { headers: { 'x-key': 'k1' } })).toEqual([]);
    } finally {
      quiet.mockRestore();
    }
  });
});

describe('probeBadInput: what it sends', () => {
  const doc = {
    components: {
      parameters: { Kind: { name: 'kind', in: 'query', schema: { enum: ['a', 'b'] } } },
      schemas: { Pet: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } } } },
    },
    paths: {
      '/pets/{id}': {
        get: {
          parameters: [
            { $ref: '#/components/parameters/Kind' },
            { name: 'limit', in: 'query' },
            { name: 'X-H', in: 'header' },
            { name: 'X-Mode', in: 'header', schema: { enum: ['m'] } },
            { name: 'id', in: 'path', required: true },
          ],
          responses: {},
        },
        delete: { responses: {} },
      },
      '/pets': {
        post: {
          parameters: [{ $ref: '#/components/parameters/Kind' }],
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } },
          responses: {},
        },
      },
    },
  };
  type Got = { method: string; url: string; type: string | null; body: string; auth: string | null };
  const record = async (options: Parameters<typeof probeBadInput>[2] = {}) => {
    const got: Got[] = [];
    const app = new Hono().all('*', async (c) => {
      got.push({
        method: c.req.method,
        url: c.req.url,
        type: c.req.header('content-type') ?? null,
        body: await c.req.text(),
        auth: c.req.header('authorization') ?? null,
      });
      return c.json({});
    });
    const failures = await probeBadInput(app, compileSpec(doc, 'probe'), options);
    return { got, failures };
  };
  const VALUES = ['', 'abc', '-1', '0', '99999999999999999999', '%E4%B8%AD', '[]', '{"a":1}', 'a'.repeat(2048)];
  const PATHS = ['x', '0', '%E4%B8%AD', 'a'.repeat(300)];

  it('sends each operation every path value, odd query values and each enum value, with the given headers', async () => {
    const { got, failures } = await record({ headers: { authorization: 'Bearer p' } });
    expect(failures).toEqual([]);
    expect(got.every((g) => g.auth === 'Bearer p')).toBe(true);
    const gets = got.filter((g) => g.method === 'GET');
    const queries = [
      '',
      ...VALUES.map(
        (v) =>
          `?${new URLSearchParams([
            ['kind', v],
            ['limit', v],
          ])}`,
      ),
      '?kind=a&limit=abc',
      '?kind=b&limit=abc',
      '?kind=nope&limit=abc',
    ];
    const expected = PATHS.flatMap((p) => queries.map((q) => `http://twin.test/pets/${p}${q}`));
    expect(gets.map((g) => g.url)).toEqual(expected);
    expect(gets.every((g) => g.type === null && g.body === '')).toBe(true);
    const deletes = got.filter((g) => g.method === 'DELETE');
    // No query parameters: each odd-value variation is the bare path again.
    expect(deletes.map((g) => g.url)).toEqual(PATHS.flatMap((p) => Array(10).fill(`http://twin.test/pets/${p}`)));
    expect(deletes.every((g) => g.type === null && g.body === '')).toBe(true);
  });

  it('sends a body operation every odd body, wrong-typed fields and no body, under each content type', async () => {
    const { got } = await record();
    const posts = got.filter((g) => g.method === 'POST');
    expect(posts).toHaveLength(4 * (13 + 3 * 17 + 3));
    const first = posts.slice(0, 13 + 3 * 17 + 3);
    // Per path value: the queries without a body, then every body under each type, then the enum queries with {}.
    expect(first.slice(0, 13).every((g) => g.type === null && g.body === '')).toBe(true);
    expect(first.slice(0, 13).map((g) => new URL(g.url).search)).toEqual([
      '',
      ...VALUES.map((v) => `?${new URLSearchParams([['kind', v]])}`),
      '?kind=a',
      '?kind=b',
      '?kind=nope',
    ]);
    const bodies = [
      '',
      '',
      'not json{',
      'null',
      '[]',
      '{}',
      '"a string"',
      '12345678901234567890',
      '{"a":{"b":{"c":[1,{"d":null}]}}}',
      JSON.stringify({ x: 'y'.repeat(100_000) }),
      `${'['.repeat(2000)}${']'.repeat(2000)}`,
      ...[null, 42, 'text', [], {}, true].map((w) => JSON.stringify({ name: w, age: w })),
    ];
    for (const [i, type] of ['application/json', 'text/plain', 'application/x-www-form-urlencoded'].entries()) {
      const block = first.slice(13 + i * 17, 13 + (i + 1) * 17);
      expect(block.map((g) => g.body)).toEqual(bodies);
      expect(block.every((g) => g.type === type && g.url === 'http://twin.test/pets')).toBe(true);
    }
    expect(first.slice(13 + 51).map((g) => [new URL(g.url).search, g.type, g.body])).toEqual([
      ['?kind=a', 'application/json', '{}'],
      ['?kind=b', 'application/json', '{}'],
      ['?kind=nope', 'application/json', '{}'],
    ]);
  });

  it('signs each query, and skips operations by "METHOD path"', async () => {
    const { got } = await record({
      skip: ['DELETE /pets/{id}', 'POST /pets'],
      sign: (path, query) => new URLSearchParams([...query, ['sig', path.length > 20 ? 'long' : path]]),
    });
    expect(new Set(got.map((g) => g.method))).toEqual(new Set(['GET']));
    expect(got[0]!.url).toBe('http://twin.test/pets/x?sig=%2Fpets%2Fx');
    expect(got.every((g) => new URL(g.url).searchParams.has('sig'))).toBe(true);
  });
});

describe('probeBadInput: what it reports', () => {
  const doc = {
    paths: {
      '/a': {
        post: {
          requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { n: { type: 'integer' } } } } } },
          responses: {},
        },
      },
    },
  };

  it('reports each 5xx with the request and the first 300 characters of the answer, and each throw', async () => {
    const app = new Hono().post('*', async (c) => {
      const body = await c.req.text();
      if (body === '{"n":42}' && c.req.header('content-type') === 'text/plain') return c.text('e'.repeat(400), 503);
      if (body.startsWith('{"x":"yyy') && c.req.header('content-type') === 'application/json') throw new Error('handler bug');
      return c.json({}, 400);
    });
    app.onError((err) => {
      throw err;
    });
    const failures = await probeBadInput(app, compileSpec(doc, 'probe-report'));
    expect(failures).toHaveLength(8);
    expect(failures[0]).toEqual({
      method: 'POST',
      url: 'http://twin.test/a',
      contentType: 'application/json',
      body: `{"x":"${'y'.repeat(114)}`,
      status: 'threw',
      answer: 'Error: handler bug',
    });
    expect(failures[1]).toEqual({
      method: 'POST',
      url: 'http://twin.test/a',
      contentType: 'text/plain',
      body: '{"n":42}',
      status: 503,
      answer: 'e'.repeat(300),
    });
  });

  it('sends no wrong-typed bodies for a schema without properties, and never a body with HEAD', async () => {
    const got: string[] = [];
    const app = new Hono().all('*', async (c) => {
      got.push(`${c.req.method} ${await c.req.text()}`);
      return c.json({});
    });
    const spec = compileSpec(
      {
        paths: {
          '/list': {
            post: { requestBody: { content: { 'application/json': { schema: { type: 'array' } } } }, responses: {} },
            head: { responses: {} },
          },
        },
      },
      'probe-plain',
    );
    expect(await probeBadInput(app, spec)).toEqual([]);
    expect(got.filter((g) => g.startsWith('POST'))).toHaveLength(4 * (1 + 9 + 3 * 11));
    // HEAD goes through the body variations too, each sent without its body.
    expect(got.filter((g) => g.startsWith('HEAD'))).toEqual(Array(4 * (1 + 9 + 3 * 11)).fill('HEAD '));
  });

  it('reports a throw on a request without a body with no body, and the first 300 characters of the error', async () => {
    const app = new Hono().get('*', () => {
      throw new Error('g'.repeat(400));
    });
    app.onError((err) => {
      throw err;
    });
    const failures = await probeBadInput(app, compileSpec({ paths: { '/g': { get: { responses: {} } } } }, 'probe-throw'));
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]).toEqual({
      method: 'GET',
      url: 'http://twin.test/g',
      contentType: undefined,
      body: undefined,
      status: 'threw',
      answer: `Error: ${'g'.repeat(293)}`,
    });
  });

  it('reports at most the first 120 characters of the body it sent', async () => {
    const app = new Hono().post('*', async (c) => ((await c.req.text()).length > 120 ? c.text('too long', 500) : c.json({}, 400)));
    const failures = await probeBadInput(app, compileSpec(doc, 'probe-long'));
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((f) => f.status === 500 && f.body!.length === 120 && f.answer === 'too long')).toBe(true);
  });

  it('reads an answer without a content type, and closes an event stream whatever its parameters', async () => {
    const app = new Hono()
      .get('/none', () => new Response(null, { status: 204 }))
      .get(
        '/stream',
        () => new Response(new ReadableStream({ start() {} }), { headers: { 'content-type': 'text/event-stream; charset=utf-8' } }),
      );
    const spec = compileSpec({ paths: { '/none': { get: { responses: {} } }, '/stream': { get: { responses: {} } } } }, 'probe-types');
    expect(await probeBadInput(app, spec)).toEqual([]);
  }, 10_000);

  it('closes an event stream it is answered with instead of waiting for its end', async () => {
    const app = new Hono().all(
      '*',
      () => new Response(new ReadableStream({ start() {} }), { headers: { 'content-type': 'text/event-stream' } }),
    );
    expect(await probeBadInput(app, compileSpec({ paths: { '/s': { get: { responses: {} } } } }, 'probe-sse'))).toEqual([]);
  }, 10_000);
});

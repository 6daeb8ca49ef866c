import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_SPEC } from '../example/index.ts';
import { ADMIN_SPEC } from './admin.ts';
import { formatReport, fuzz } from './fuzz.ts';
import { compileSpec, loadSpec } from './openapi.ts';
import { schemaProblems } from './schema.ts';
import { make } from './test-support.ts';

// Under `pnpm mutation` (scripts/mutation.mjs sets DOPPEL_MUTATION) every mutant of the pipeline runs this test, so
// it sends fewer requests there; the README test command sends the full 2,000.
const REQUESTS = process.env.DOPPEL_MUTATION ? 400 : 2000;

describe('the spec-driven fuzzer', () => {
  it('every answer of the example twin and its admin API is below 500 and declared (2,000 requests each, fixed seed)', async () => {
    const { app, twin } = make();
    const platform = await fuzz(app, loadSpec(EXAMPLE_SPEC), { seed: 20261128, requests: REQUESTS, headers: { 'x-key': 'k1' } });
    expect(platform.sent).toBe(REQUESTS);
    expect(platform.failures, formatReport('example', platform)).toEqual([]);
    const admin = await fuzz(app, loadSpec(ADMIN_SPEC), { seed: 20261128, requests: REQUESTS, after: () => twin.reset() });
    expect(admin.failures, formatReport('admin', admin)).toEqual([]);
    // It reached past authentication and validation: successes and refusals both.
    expect(platform.outcomes['2xx']).toBeGreaterThan(REQUESTS / 10);
    expect(platform.outcomes['4xx']).toBeGreaterThan(REQUESTS / 10);
    expect((await app.request('/things', { headers: { 'x-key': 'k1' } })).status).toBe(200);
  }, 60_000);

  it('finds what a twin answers that its spec does not declare, and a 5xx', async () => {
    const { app } = make();
    const spec = loadSpec(EXAMPLE_SPEC);
    const doc = structuredClone(spec.doc) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    delete doc.paths['/things']!.get!.responses['422'];
    const { compileSpec } = await import('./openapi.ts');
    const narrowed = compileSpec(doc, 'narrowed');
    const report = await fuzz(app, narrowed, { seed: 7, requests: 300, headers: { 'x-key': 'k1' }, only: ['GET /things'] });
    expect(report.failures.map((f) => [f.kind, f.operation, f.status])).toContainEqual(['undeclared status', 'GET /things', 422]);
    expect(formatReport('x', report)).toMatch(/undeclared status — GET \/things/);
  });

  it('the same seed sends the same requests', async () => {
    const run = async () => {
      const { app } = make();
      return (await fuzz(app, loadSpec(EXAMPLE_SPEC), { seed: 99, requests: 200, headers: { 'x-key': 'k1' } })).outcomes;
    };
    expect(await run()).toEqual(await run());
  });
});

type Sent = { method: string; url: URL; headers: Record<string, string>; bytes: Uint8Array; text: string };

const THING = { type: 'object', required: ['name', 'size'], properties: { name: { type: 'string' }, size: { type: 'integer' } } };
const JSON_THING = { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } };
const fuzzDoc = {
  components: {
    schemas: { Thing: THING },
    parameters: { Limit: { name: 'limit', in: 'query', schema: { type: 'integer' } } },
  },
  paths: {
    '/items/{id}': {
      parameters: [{ $ref: '#/components/parameters/Limit' }, { name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        parameters: [
          { name: 'q', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'X-Trace', in: 'header', schema: { type: 'string' } },
        ],
        responses: { '200': JSON_THING },
      },
    },
    '/items': {
      post: {
        requestBody: {
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/Thing' } },
            'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/Thing' } },
          },
        },
        responses: { '200': JSON_THING },
      },
    },
  },
};

/** An app that answers every request with a valid Thing and records what it was sent. */
function recorder() {
  const sent: Sent[] = [];
  const app = new Hono().all('*', async (c) => {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    sent.push({
      method: c.req.method,
      url: new URL(c.req.url),
      headers: Object.fromEntries(c.req.raw.headers),
      bytes,
      text: new TextDecoder().decode(bytes),
    });
    return c.json({ name: 'n', size: 1 });
  });
  return { app, sent };
}

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * 2,400 requests of one seed to a recorder, and what they were, sorted out. Run inside each test, never at describe
 * level: StrykerJS links a mutant only to the tests that ran its code, and code run while a file is collected counts
 * for none of them (so every mutant of the request builder survived). The same seed sends the same requests.
 */
async function sample() {
  const spec = compileSpec(fuzzDoc, 'fuzz-doc');
  const { app, sent } = recorder();
  const signed: boolean[] = [];
  const report = await fuzz(app, spec, {
    seed: 4242,
    requests: 2400,
    headers: { authorization: 'Bearer t' },
    sign: (_path, query, valid) => {
      signed.push(valid);
      return query;
    },
  });
  const gets = sent.filter((s) => s.method === 'GET');
  const posts = sent.filter((s) => s.method === 'POST');
  const bodies = posts.map((s) => s.text);
  // (A 100,000-level body parses, but would overflow the stack of any recursive walk: left out here.)
  const objects = posts
    .filter((s) => !s.text.includes('[[[[[[[['))
    .map((s) => parse(s.text))
    .filter(isObj);
  return { spec, sent, signed, report, gets, posts, bodies, objects };
}

describe('fuzz: the requests it sends', () => {
  it('alternates the operations, sends every request, and counts the outcomes', async () => {
    const { sent, report } = await sample();
    expect(report).toEqual({ seed: 4242, sent: 2400, outcomes: { '2xx': 2400 }, failures: [], failed: 0 });
    expect(sent.map((s) => s.method)).toEqual(Array.from({ length: 2400 }, (_, i) => (i % 2 === 0 ? 'GET' : 'POST')));
    expect(sent.every((s) => s.headers.authorization === 'Bearer t')).toBe(true);
  });

  it('sends about a third of the requests valid (the rest mutated), as sign() is told', async () => {
    const { signed } = await sample();
    expect(signed).toHaveLength(2400);
    const valid = signed.filter(Boolean).length;
    // (One in three by weight: were 'none' also among the mutations, 38 % of this seed's requests would be valid.)
    expect(valid).toBeGreaterThan(2400 * 0.31);
    expect(valid).toBeLessThan(2400 * 0.36);
  });

  it('sends valid bodies: JSON the schema accepts, and form fields for a form type', async () => {
    const { posts, sent, signed } = await sample();
    // Every request it calls valid, under a JSON type, carries JSON its schema accepts (never form fields).
    const validJsonSent = sent.filter((s, i) => signed[i] && s.method === 'POST' && s.headers['content-type'] === 'application/json');
    expect(validJsonSent.length).toBeGreaterThan(100);
    for (const s of validJsonSent) expect(schemaProblems(THING, parse(s.text)), s.text).toEqual([]);
    const validJson = posts.filter(
      (s) => s.headers['content-type'] === 'application/json' && schemaProblems(THING, parse(s.text)).length === 0,
    );
    expect(validJson.length).toBeGreaterThan(30);
    const forms = posts.filter((s) => s.headers['content-type'] === 'application/x-www-form-urlencoded' && !s.text.startsWith('{'));
    expect(forms.length).toBeGreaterThan(10);
    for (const f of forms) expect([...new URLSearchParams(f.text).keys()].sort()).toEqual(['name', 'size']);
    expect(forms.some((f) => /^-?\d+$/.test(new URLSearchParams(f.text).get('size') ?? ''))).toBe(true);
  });

  it('mutates bodies every documented way', async () => {
    const { posts, bodies, objects } = await sample();
    const values = objects.flatMap((o) => Object.entries(o));
    // wrong type: one field replaced by null, 42, 'text', [], {} or true.
    // (The same pick chooses the field and the value, so on this two-field object 42 and 'text' land where they fit.)
    for (const w of [null, 42, 'text', [], {}, true]) {
      expect(
        values.some(([, v]) => JSON.stringify(v) === JSON.stringify(w)),
        JSON.stringify(w),
      ).toBe(true);
    }
    for (const w of [null, [], {}, true]) {
      expect(
        values.some(([k, v]) => ['name', 'size'].includes(k) && JSON.stringify(v) === JSON.stringify(w)),
        JSON.stringify(w),
      ).toBe(true);
    }
    // missing required: exactly one of the two fields left.
    expect(objects.some((o) => Object.keys(o).length === 1 && ['name', 'size'].includes(Object.keys(o)[0]!))).toBe(true);
    // extra field.
    expect(objects.some((o) => o.doppelExtra === 'x' && 'name' in o && 'size' in o)).toBe(true);
    // huge string and unicode, in place of a field.
    expect(values.some(([k, v]) => ['name', 'size'].includes(k) && v === 'y'.repeat(100_000))).toBe(true);
    expect(values.some(([k, v]) => ['name', 'size'].includes(k) && v === '中文\u0000\u202e\ud83d\ude00\uffff')).toBe(true);
    // __proto__ and constructor keys, naming a field.
    expect(
      bodies.some((b) => /^\{"__proto__":\{"polluted":true\},"constructor":\{"prototype":\{"x":1\}\},"(name|size)":1\}$/.test(b)),
    ).toBe(true);
    // deep nesting: 100,000 levels under a field.
    expect(
      bodies.some(
        (b) =>
          b === `{"name":${'['.repeat(100_000)}${']'.repeat(100_000)}}` || b === `{"size":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      ),
    ).toBe(true);
    // invalid UTF-8, as bytes.
    const invalid = [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d];
    expect(posts.some((s) => JSON.stringify([...s.bytes]) === JSON.stringify(invalid))).toBe(true);
    // truncated: the first half of a valid body's text.
    expect(bodies.some((b) => b.startsWith('{"') && b.length > 1 && parse(b) === undefined && b.length < 40)).toBe(true);
    // huge numbers, first in the object.
    expect(bodies.some((b) => /^\{"(name|size)":1e400,"n2":9007199254740993,"/.test(b))).toBe(true);
  });

  it('sends wrong content types and none', async () => {
    const { posts } = await sample();
    const types = new Set(posts.map((s) => s.headers['content-type']));
    for (const t of ['text/plain', 'application/xml', 'multipart/form-data', 'application/x-www-form-urlencoded', 'application/json']) {
      expect(types, t).toContain(t);
    }
    // Without a content type, the bytes go as they are (text gets the platform's text/plain default).
    expect(posts.some((s) => s.headers['content-type'] === undefined || s.headers['content-type'] === 'text/plain;charset=UTF-8')).toBe(
      true,
    );
    // A wrong content type carries a JSON body, not form fields.
    expect(posts.filter((s) => s.headers['content-type'] === 'multipart/form-data').every((s) => !/^[a-z]+=/.test(s.text))).toBe(true);
  });

  it('fills path, query and header parameters, valid and mutated', async () => {
    const { gets } = await sample();
    expect(gets.every((s) => s.bytes.length === 0)).toBe(true);
    const ids = gets.map((s) => s.url.pathname.slice('/items/'.length));
    expect(ids.every((id) => id.length > 0 && !id.includes('/'))).toBe(true);
    expect(ids).toContain('%ZZ%E4%zz');
    expect(ids.filter((id) => id !== '%ZZ%E4%zz').length).toBeGreaterThan(1000);
    expect(gets.some((s) => s.url.pathname === '/items/{id}')).toBe(false);
    const qs = gets.map((s) => s.url.search);
    // q is required: present unless it is the one left out; limit is optional: present about half the time.
    expect(gets.filter((s) => s.url.searchParams.has('q')).length).toBeGreaterThan(1100);
    expect(gets.some((s) => !s.url.searchParams.has('q'))).toBe(true);
    const withLimit = gets.filter((s) => s.url.searchParams.has('limit')).length;
    expect(withLimit).toBeGreaterThan(400);
    expect(withLimit).toBeLessThan(800);
    // A wrong-typed query value replaces the picked parameter (by the same pick, so the n-th query parameter gets the n-th value).
    expect(gets.some((s) => s.url.searchParams.get('limit') === 'abc')).toBe(true);
    expect(gets.some((s) => s.url.searchParams.get('q') === '-1')).toBe(true);
    expect(gets.some((s) => s.url.searchParams.get('q') === '99999999999999999999999')).toBe(true);
    expect(gets.some((s) => s.url.searchParams.get('q') === '中文\u0000')).toBe(true);
    expect(gets.some((s) => s.url.searchParams.getAll('q').length === 2)).toBe(true);
    expect(qs.some((q) => q.endsWith('&bad=%ZZ%'))).toBe(true);
    expect(qs.some((q) => q.endsWith('&doppelExtra=1'))).toBe(true);
    expect(qs.every((q) => !q.includes('undefined'))).toBe(true);
    const traces = gets.map((s) => s.headers['x-trace']).filter((v) => v !== undefined);
    expect(traces.length).toBe(gets.length);
    expect(traces.every((v) => /^[\t\x20-\x7e]*$/.test(v))).toBe(true);
    expect(new Set(traces).size).toBeGreaterThan(10);
  });

  it('the same seed sends the same requests, another seed others', async () => {
    const { spec, sent } = await sample();
    const again = recorder();
    await fuzz(again.app, spec, { seed: 4242, requests: 60, headers: { authorization: 'Bearer t' } });
    expect(again.sent.map((s) => `${s.method} ${s.url} ${s.text.slice(0, 50)}`)).toEqual(
      sent.slice(0, 60).map((s) => `${s.method} ${s.url} ${s.text.slice(0, 50)}`),
    );
    const other = recorder();
    await fuzz(other.app, spec, { seed: 4243, requests: 60, headers: { authorization: 'Bearer t' } });
    expect(other.sent.map((s) => `${s.url}`)).not.toEqual(sent.slice(0, 60).map((s) => `${s.url}`));
  });
});

describe('fuzz: options', () => {
  const spec = compileSpec(fuzzDoc, 'fuzz-doc');

  it('only and skip choose the operations by "METHOD /path"', async () => {
    const only = recorder();
    await fuzz(only.app, spec, { seed: 1, requests: 10, only: ['POST /items'] });
    expect(new Set(only.sent.map((s) => s.method))).toEqual(new Set(['POST']));
    const skip = recorder();
    await fuzz(skip.app, spec, { seed: 1, requests: 10, skip: ['POST /items'] });
    expect(new Set(skip.sent.map((s) => s.method))).toEqual(new Set(['GET']));
    const none = recorder();
    expect(await fuzz(none.app, spec, { seed: 3, requests: 10, only: ['GET /nowhere'] })).toEqual({
      seed: 3,
      sent: 0,
      outcomes: {},
      failures: [],
      failed: 0,
    });
    expect(none.sent).toEqual([]);
  });

  it('uses fixed values for parameters, always sending an optional one that has a value', async () => {
    const { app, sent } = recorder();
    await fuzz(app, spec, { seed: 5, requests: 120, only: ['GET /items/{id}'], values: { id: 'known id', limit: 7 } });
    const ids = sent.map((s) => s.url.pathname);
    expect(ids.filter((p) => p !== '/items/%ZZ%E4%zz').every((p) => p === '/items/known%20id')).toBe(true);
    expect(sent.every((s) => s.url.searchParams.has('limit'))).toBe(true);
    expect(sent.filter((s) => s.url.searchParams.get('limit') === '7').length).toBeGreaterThan(60);
  });

  it('keeps a header given in options whatever its case, and calls after() once per request', async () => {
    const { app, sent } = recorder();
    let after = 0;
    const report = await fuzz(app, spec, {
      seed: 6,
      requests: 40,
      only: ['GET /items/{id}'],
      headers: { 'x-trace': 'fixed' },
      after: () => {
        after += 1;
      },
    });
    expect(report.sent).toBe(40);
    expect(after).toBe(40);
    expect(sent.every((s) => s.headers['x-trace'] === 'fixed')).toBe(true);
  });
});

describe('fuzz: the failures it reports', () => {
  const doc = {
    components: { schemas: { Thing: THING } },
    paths: {
      '/a': {
        post: {
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
          responses: { '200': JSON_THING },
        },
      },
      '/b': {
        get: { responses: { '2XX': JSON_THING, '204': { description: 'none', content: { 'application/json': { schema: THING } } } } },
      },
      '/c': {
        get: {
          responses: {
            default: { description: 'any', content: { 'application/*': { schema: THING }, 'text/plain': { schema: { type: 'integer' } } } },
          },
        },
      },
      '/d': { get: { responses: { '200': { description: 'any', content: { '*/*': {} } } } } },
    },
  };
  const spec = compileSpec(doc, 'failures');
  const answer = (status: number, body: string | null, type?: string) =>
    new Hono().all('*', (c) => {
      const headers: Record<string, string> = type ? { 'content-type': type } : {};
      return body === null ? c.body(null, status as 204, headers) : c.body(body, status as 200, headers);
    });

  it('a 5xx is a server error, with its status and text; every one is counted, the first reported', async () => {
    const report = await fuzz(answer(500, 'x'.repeat(400), 'text/plain'), spec, { seed: 1, requests: 6, only: ['POST /a'] });
    expect(report.outcomes).toEqual({ '5xx': 6, 'server error': 6 });
    expect(report.failed).toBe(6);
    expect(report.failures).toHaveLength(1);
    const [f] = report.failures;
    expect(f).toMatchObject({ kind: 'server error', operation: 'POST /a', method: 'POST', status: 500, detail: 'x'.repeat(300) });
    expect(f!.url).toMatch(/^http:\/\/twin\.test\/a(\?|$)/);
    expect(typeof f!.mutation).toBe('string');
  });

  it('names an undeclared status with the declared ones, and reports the body and content type it sent', async () => {
    const report = await fuzz(answer(418, '{}', 'application/json'), spec, { seed: 2, requests: 30, only: ['POST /a'] });
    expect(report.outcomes['4xx']).toBe(30);
    expect(report.outcomes['undeclared status']).toBe(30);
    expect(report.failures).toHaveLength(1);
    const f = report.failures[0]!;
    expect(f.detail).toBe('418 is not among 200');
    expect(f.status).toBe(418);
    if (f.mutation === 'no content type') expect(f).not.toHaveProperty('contentType');
    else expect(typeof f.contentType).toBe('string');
    if (f.mutation === 'invalid UTF-8') expect(f.body).toBe('<invalid UTF-8 bytes>');
    else expect(f.body!.length).toBeLessThanOrEqual(200);
  });

  it('shows at most 200 characters of the body it sent', async () => {
    const bigOnly = new Hono().post('*', async (c) =>
      (await c.req.text()).length > 1000 ? c.json({}, 418) : c.json({ name: 'n', size: 1 }),
    );
    const report = await fuzz(bigOnly, spec, { seed: 8, requests: 200, only: ['POST /a'] });
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]!.body).toHaveLength(200);
  });

  it('joins array values with commas in the query', async () => {
    const arrays = compileSpec(
      {
        paths: {
          '/t': {
            get: {
              parameters: [
                {
                  name: 'tags',
                  in: 'query',
                  required: true,
                  schema: { type: 'array', minItems: 2, maxItems: 2, items: { enum: ['a', 'b'] } },
                },
              ],
              responses: { '200': { description: 'ok' } },
            },
          },
        },
      },
      'arrays',
    );
    const { app, sent } = recorder();
    await fuzz(app, arrays, { seed: 9, requests: 30 });
    expect(sent.some((s) => /^[ab],[ab]$/.test(s.url.searchParams.get('tags') ?? ''))).toBe(true);
    expect(sent.some((s) => (s.url.searchParams.get('tags') ?? '').startsWith('['))).toBe(false);
  });

  it('sends an object query parameter as its JSON, and a header parameter that is not a string as text', async () => {
    const typed = compileSpec(
      {
        paths: {
          '/o': {
            get: {
              parameters: [
                {
                  name: 'filter',
                  in: 'query',
                  required: true,
                  schema: { type: 'object', required: ['a'], properties: { a: { type: 'integer' } }, additionalProperties: false },
                },
                { name: 'X-Count', in: 'header', required: true, schema: { type: 'integer', minimum: 0, maximum: 99 } },
              ],
              responses: { '200': { description: 'ok' } },
            },
          },
        },
      },
      'typed',
    );
    const { app, sent } = recorder();
    await fuzz(app, typed, { seed: 10, requests: 60 });
    expect(sent).toHaveLength(60);
    const filters = sent.map((s) => s.url.searchParams.get('filter') ?? '');
    expect(filters.some((f) => f.includes('[object'))).toBe(false);
    expect(filters.some((f) => Number.isInteger((parse(f) as { a?: unknown } | undefined)?.a))).toBe(true);
    expect(sent.every((s) => /^\d{1,2}$/.test(s.headers['x-count'] ?? ''))).toBe(true);
  });

  it('reports no body and no content type for a request without one', async () => {
    const report = await fuzz(answer(418, '{}', 'application/json'), spec, { seed: 2, requests: 3, only: ['GET /b'] });
    expect(report.failures).toStrictEqual([
      {
        kind: 'undeclared status',
        operation: 'GET /b',
        mutation: expect.any(String),
        method: 'GET',
        url: 'http://twin.test/b',
        status: 418,
        detail: '418 is not among 204, 2XX',
      },
    ]);
  });

  it('checks the content type against the declared ones (exact, type/*, */*), saying "(none)" for none', async () => {
    const html = await fuzz(answer(200, '<p>', 'text/html; charset=utf-8'), spec, { seed: 3, requests: 2, only: ['GET /b'] });
    expect(html.failures.map((f) => [f.kind, f.detail])).toEqual([
      ['undeclared content type', 'text/html is not among application/json for 200'],
    ]);
    const none = await fuzz(
      new Hono().get('*', () => new Response(new Uint8Array([0x7b, 0x7d]))),
      spec,
      { seed: 3, requests: 2, only: ['GET /b'] },
    );
    expect(none.failures.map((f) => f.detail)).toEqual(['(none) is not among application/json for 200']);
    const upper = await fuzz(answer(200, '{"name":"a","size":1}', 'Application/JSON ; charset=utf-8'), spec, {
      seed: 3,
      requests: 2,
      only: ['GET /b'],
    });
    expect(upper.failures).toEqual([]);
    const family = await fuzz(answer(200, '{"name":"a","size":1}', 'application/problem+json'), spec, {
      seed: 3,
      requests: 2,
      only: ['GET /c'],
    });
    expect(family.failures).toEqual([]);
    const anyType = await fuzz(answer(200, 'whatever', 'image/png'), spec, { seed: 3, requests: 2, only: ['GET /d'] });
    expect(anyType.failures).toEqual([]);
  });

  it('validates a JSON body against its schema, naming up to three problems, and not a non-JSON type', async () => {
    const notJson = await fuzz(answer(200, `oops${'z'.repeat(200)}`, 'application/json'), spec, { seed: 4, requests: 2, only: ['GET /b'] });
    expect(notJson.failures.map((f) => [f.kind, f.detail])).toEqual([['body not in schema', `not JSON: oops${'z'.repeat(116)}`]]);
    const wrong = await fuzz(answer(200, '{"name":1,"size":"s","x":1}', 'application/json'), spec, {
      seed: 4,
      requests: 2,
      only: ['GET /b'],
    });
    expect(wrong.failures.map((f) => [f.kind, f.detail])).toEqual([
      ['body not in schema', '/name must be string; /size must be integer in {"name":1,"size":"s","x":1}'],
    ]);
    const many = await fuzz(answer(200, '[1]', 'application/json'), spec, { seed: 4, requests: 2, only: ['GET /c'] });
    expect(many.failures.map((f) => f.detail)).toEqual(['body must be object in [1]']);
    const text = await fuzz(answer(200, 'not a number', 'text/plain'), spec, { seed: 4, requests: 2, only: ['GET /c'] });
    expect(text.failures).toEqual([]);
    const empty = await fuzz(answer(204, null), spec, { seed: 4, requests: 2, only: ['GET /b'] });
    expect(empty.failures).toEqual([]);
    expect(empty.outcomes).toEqual({ '2xx': 2 });
  });

  it('reports a request the app throws on as "threw", and still calls after()', async () => {
    let after = 0;
    const throwing = {
      request: async () => {
        throw new Error('boom');
      },
    } as unknown as Hono;
    const report = await fuzz(throwing, spec, {
      seed: 5,
      requests: 4,
      only: ['GET /b'],
      after: () => {
        after += 1;
      },
    });
    expect(report).toMatchObject({ sent: 4, failed: 4, outcomes: { threw: 4 } });
    expect(report.failures).toStrictEqual([
      { kind: 'threw', operation: 'GET /b', mutation: expect.any(String), method: 'GET', url: 'http://twin.test/b', detail: 'Error: boom' },
    ]);
    expect(after).toBe(4);
  });
});

describe('formatReport', () => {
  it('prints the outcomes, then each failure with its request, body, status and detail', () => {
    const text = formatReport('pets', {
      seed: 9,
      sent: 3,
      outcomes: { '2xx': 2, '5xx': 1, 'server error': 1 },
      failed: 1,
      failures: [
        {
          kind: 'server error',
          operation: 'POST /a',
          mutation: 'huge string',
          method: 'POST',
          url: 'http://twin.test/a',
          contentType: 'application/json',
          body: 'b'.repeat(150),
          status: 500,
          detail: 'd'.repeat(350),
        },
        { kind: 'threw', operation: 'GET /b', mutation: 'none', method: 'GET', url: 'http://twin.test/b', detail: 'Error: x' },
      ],
    });
    expect(text).toBe(
      [
        'pets: 3 requests, seed 9: 2xx 2, 5xx 1, server error 1',
        '  server error — POST /a (huge string): POST http://twin.test/a [application/json]',
        `      body: ${'b'.repeat(120)}`,
        `      500: ${'d'.repeat(300)}`,
        '  threw — GET /b (none): GET http://twin.test/b',
        '      Error: x',
      ].join('\n'),
    );
  });
});

describe('fuzz: bodies that are not objects, and the query it builds', () => {
  const doc = {
    paths: {
      '/s': { post: { requestBody: { content: { 'application/json': { schema: { type: 'string', maxLength: 5 } } } }, responses: {} } },
      '/arr': {
        post: {
          requestBody: { content: { 'application/json': { schema: { type: 'array', items: { type: 'integer' } } } } },
          responses: {},
        },
      },
      '/f': {
        post: {
          requestBody: { content: { 'application/x-www-form-urlencoded': { schema: { type: 'string', maxLength: 5 } } } },
          responses: {},
        },
      },
      '/three': {
        get: {
          parameters: ['a', 'b', 'c'].map((name) => ({ name, in: 'query', required: true, schema: { type: 'string', minLength: 1 } })),
          responses: {},
        },
      },
      '/plain': { get: { responses: {} } },
      '/h': { get: { parameters: [{ name: 'X-Uni', in: 'header', required: true, schema: { enum: ['中x'] } }], responses: {} } },
      '/g': { get: { requestBody: { content: { 'application/json': { schema: { type: 'object' } } } }, responses: {} } },
    },
  };

  async function run() {
    const { app, sent } = recorder();
    const valid: boolean[] = [];
    const report = await fuzz(app, compileSpec(doc, 'shapes'), {
      seed: 77,
      requests: 1400,
      sign: (_path, query, isValid) => {
        valid.push(isValid);
        return query;
      },
    });
    return { report, sent, valid, to: (path: string) => sent.filter((s) => s.url.pathname === path) };
  }

  it('mutates a string or array body as a value, never as an object of its characters or items', async () => {
    const { report, to } = await run();
    // (Every answer is an undeclared 200: these operations declare no responses.)
    expect(report.failures.filter((f) => f.kind !== 'undeclared status')).toEqual([]);
    const texts = [...to('/s'), ...to('/arr')].map((s) => s.text);
    expect(texts.some((t) => /^\{"0":/.test(t))).toBe(false);
    const strings = to('/s').map((s) => s.text);
    expect(strings).toContain('{"doppelExtra":"x"}');
    expect(strings).toContain(JSON.stringify('y'.repeat(100_000)));
    expect(strings).toContain(JSON.stringify('中文\u0000'));
    expect(strings).toContain('{"field":1e400,"n2":9007199254740993}');
    expect(strings).toContain('{}');
  });

  it('sends a form body of a value that is not an object as nothing, not its characters', async () => {
    const { to } = await run();
    const forms = to('/f').filter((s) => s.headers['content-type'] === 'application/x-www-form-urlencoded');
    expect(forms.length).toBeGreaterThan(0);
    expect(forms.some((s) => s.text === '')).toBe(true);
    expect(forms.some((s) => /^0=/.test(s.text))).toBe(false);
  });

  it('leaves out at most one required query parameter, duplicates only for that mutation, and names no header after a query one', async () => {
    const { sent, valid } = await run();
    const three = sent.map((s, i) => ({ s, valid: valid[i]! })).filter(({ s }) => s.url.pathname === '/three');
    expect(three.length).toBeGreaterThan(100);
    for (const { s } of three) expect(['a', 'b', 'c'].filter((n) => !s.url.searchParams.has(n)).length).toBeLessThanOrEqual(1);
    const validOnes = three.filter((t) => t.valid);
    expect(validOnes.length).toBeGreaterThan(10);
    for (const { s } of validOnes) expect(['a', 'b', 'c'].map((n) => s.url.searchParams.getAll(n).length)).toEqual([1, 1, 1]);
    expect(three.some(({ s }) => s.url.searchParams.getAll('a').length === 2)).toBe(true);
    expect(sent.some((s) => 'a' in s.headers || 'b' in s.headers || 'c' in s.headers)).toBe(false);
  });

  it('gives a wrong-typed value to one query parameter, not every one', async () => {
    const { to } = await run();
    const wrong = ['abc', '-1', '1e400', '[]'];
    const counts = to('/three').map((s) => ['a', 'b', 'c'].filter((n) => wrong.includes(s.url.searchParams.get(n) ?? '')).length);
    expect(counts).toContain(1);
    expect(counts.filter((n) => n > 1)).toEqual([]);
  });

  it('sends an operation that takes only JSON each wrong content type, a form type too', async () => {
    const { to } = await run();
    const types = new Set([...to('/s'), ...to('/arr')].map((s) => s.headers['content-type']));
    for (const t of ['application/json', 'text/plain', 'application/xml', 'multipart/form-data', 'application/x-www-form-urlencoded']) {
      expect(types, t).toContain(t);
    }
  });

  it('adds its own query to an operation without parameters, and strips what a header cannot carry', async () => {
    const { to } = await run();
    const searches = to('/plain').map((s) => s.url.search);
    expect(searches).toContain('?bad=%ZZ%');
    expect(searches).toContain('?doppelExtra=1');
    const uni = to('/h').map((s) => s.headers['x-uni']);
    expect(uni.filter((v) => v !== undefined).every((v) => v === 'x')).toBe(true);
    expect(uni).toContain('x');
  });

  it('never sends a body with a GET, even one whose spec documents a request body', async () => {
    const { to } = await run();
    const gets = to('/g');
    expect(gets.length).toBeGreaterThan(100);
    expect(gets.every((s) => s.bytes.length === 0)).toBe(true);
  });
});

describe('fuzz: more of what it reports', () => {
  const ok = { description: 'ok', content: { 'application/json': { schema: THING }, 'text/plain': { schema: { type: 'string' } } } };
  const doc = {
    paths: {
      '/one': { get: { responses: { '200': ok } } },
      '/two': { get: { responses: { '200': ok } } },
      '/h': { head: { responses: { '200': ok } } },
      '/post': { post: { requestBody: { content: { 'application/json': { schema: THING } } }, responses: { '200': ok } } },
      '/sse': { get: { responses: { '200': { description: 'events', content: { 'text/event-stream': {} } } } } },
    },
  };
  const spec = () => compileSpec(doc, 'more');

  it('reports each operation failing the same way, and a throw by its first 300 characters, without an after()', async () => {
    const app = new Hono().get('*', () => {
      throw new Error('e'.repeat(400));
    });
    app.onError((err) => {
      throw err;
    });
    const report = await fuzz(app, spec(), { seed: 5, requests: 4, only: ['GET /one', 'GET /two'] });
    expect(report.failures.map((f) => [f.kind, f.operation, f.detail])).toEqual([
      ['threw', 'GET /one', `Error: ${'e'.repeat(293)}`],
      ['threw', 'GET /two', `Error: ${'e'.repeat(293)}`],
    ]);
  });

  it('names every declared content type, at most three schema problems, and 160 characters of the body', async () => {
    const xml = await fuzz(
      new Hono().get('*', (c) => c.body('<x/>', 200, { 'content-type': 'application/xml' })),
      spec(),
      { seed: 5, requests: 1, only: ['GET /one'] },
    );
    expect(xml.failures.map((f) => f.detail)).toEqual(['application/xml is not among application/json, text/plain for 200']);
    const body = JSON.stringify({ name: 1, size: 's', a: 'z'.repeat(300) });
    const four = await fuzz(
      new Hono().get('*', (c) => c.body(JSON.stringify([1, 2]), 200, { 'content-type': 'application/json' })),
      compileSpec(
        {
          paths: {
            '/x': {
              get: {
                responses: {
                  '200': {
                    description: 'ok',
                    content: { 'application/json': { schema: { type: 'array', items: { type: 'string' }, minItems: 3, maxItems: 0 } } },
                  },
                },
              },
            },
          },
        },
        'four',
      ),
      { seed: 5, requests: 1 },
    );
    expect(four.failures[0]!.detail.split('; ')).toHaveLength(3);
    const long = await fuzz(
      new Hono().get('*', (c) => c.body(body, 200, { 'content-type': 'application/json' })),
      spec(),
      {
        seed: 5,
        requests: 1,
        only: ['GET /one'],
      },
    );
    expect(long.failures[0]!.detail).toBe(`/name must be string; /size must be integer in ${body.slice(0, 160)}`);
  });

  it('shows a body of invalid UTF-8 as such', async () => {
    const app = new Hono().post('*', async (c) => {
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      return bytes.includes(0xff) ? c.text('bad bytes', 500) : c.json({ name: 'n', size: 1 });
    });
    const report = await fuzz(app, spec(), { seed: 6, requests: 300, only: ['POST /post'] });
    expect(report.failures.map((f) => [f.kind, f.body])).toEqual([['server error', '<invalid UTF-8 bytes>']]);
  });

  it('checks no body of a HEAD answer, and closes an event stream whatever its parameters', async () => {
    let closed = 0;
    const app = new Hono()
      .get('/h', () => new Response('not json', { status: 200, headers: { 'content-type': 'application/json' } }))
      .get(
        '/sse',
        () =>
          new Response(
            new ReadableStream({
              start() {},
              cancel() {
                closed += 1;
              },
            }),
            { headers: { 'content-type': 'text/event-stream; charset=utf-8' } },
          ),
      );
    const report = await fuzz(app, spec(), { seed: 6, requests: 6, only: ['HEAD /h', 'GET /sse'] });
    expect(report.failures.map((f) => [f.kind, f.operation, f.status, f.detail])).toEqual([]);
    expect(report.sent).toBe(6);
    // The twin's stream learns the fuzzer went away (as a server would when the client disconnects).
    expect(closed).toBe(3);
  }, 10_000);
});

describe('fuzz: values it cannot generate, odd bodies, and a parameter named twice', () => {
  const doc = {
    'x-schemas': { Id: { type: 'string' } },
    paths: {
      // A $ref outside components: the spec compiler resolves it, json-schema-faker (given the components only) cannot.
      '/ref': { get: { parameters: [{ name: 'id', in: 'query', required: true, schema: { $ref: '#/x-schemas/Id' } }], responses: {} } },
      '/comma': {
        post: {
          requestBody: {
            content: { 'application/json': { schema: { type: 'object', required: ['a'], properties: { a: { enum: [',}'] } } } } },
          },
          responses: {},
        },
      },
      '/null': { post: { requestBody: { content: { 'application/x-www-form-urlencoded': { schema: { type: 'null' } } } }, responses: {} } },
      '/p/{id}': {
        get: {
          parameters: [
            { name: 'id', in: 'query', required: true, schema: { enum: ['from-query'] } },
            { name: 'id', in: 'path', required: true, schema: { enum: ['from-path'] } },
          ],
          responses: {},
        },
      },
      '/head': { head: { requestBody: { content: { 'application/json': { schema: { type: 'object' } } } }, responses: {} } },
    },
  };

  async function run() {
    const { app, sent } = recorder();
    const report = await fuzz(app, compileSpec(doc, 'odd'), { seed: 31, requests: 1000 });
    return { report, to: (path: string) => sent.filter((s) => s.url.pathname === path) };
  }

  it('sends "x" for a value json-schema-faker cannot generate', async () => {
    const { to } = await run();
    const ids = to('/ref').map((s) => s.url.searchParams.get('id'));
    expect(ids.length).toBe(200);
    expect(ids).toContain('x');
    expect(
      ids.filter((id) => id !== null && !['x', 'abc', '-1', '1e400', '[]', '99999999999999999999999', '中文\u0000'].includes(id)),
    ).toEqual([]);
  });

  it('puts huge numbers first in a body without touching a ",}" inside its strings', async () => {
    const { to } = await run();
    const huge = to('/comma').filter((s) => s.text.startsWith('{"a":1e400,'));
    expect(huge.length).toBeGreaterThan(0);
    for (const s of huge) expect(s.text).toBe('{"a":1e400,"n2":9007199254740993,"a":",}"}');
  });

  it('sends a form body whose value is null as nothing', async () => {
    const { report, to } = await run();
    expect(report.failures.filter((f) => f.kind !== 'undeclared status')).toEqual([]);
    const forms = to('/null').filter((s) => s.headers['content-type'] === 'application/x-www-form-urlencoded');
    expect(forms.map((s) => s.text)).toContain('');
    expect(forms.some((s) => s.text.includes('='))).toBe(false);
  });

  it('fills a path parameter with its own value, not that of a query parameter of the same name', async () => {
    const { to } = await run();
    const gets = to('/p/from-path');
    expect(gets.length).toBeGreaterThan(100);
    expect(to('/p/from-query')).toEqual([]);
    expect(gets.some((s) => s.url.searchParams.get('id') === 'from-query')).toBe(true);
  });

  it('never sends a body with a HEAD, even one whose spec documents a request body', async () => {
    const { report, to } = await run();
    expect(report.outcomes.threw).toBeUndefined();
    const heads = to('/head');
    expect(heads.length).toBe(200);
    expect(heads.every((s) => s.method === 'HEAD' && s.bytes.length === 0)).toBe(true);
  });
});

describe('fuzz: answers without a body', () => {
  const events = { description: 'events', content: { 'text/event-stream': {} } };
  const doc = {
    paths: {
      '/sse': { get: { responses: { '200': events, '500': events } } },
      '/h': { head: { responses: { '200': events, '500': events } } },
      '/cached': { get: { responses: { '304': { description: 'not modified', content: { 'application/json': { schema: THING } } } } } },
    },
  };
  const stream = (status: number) =>
    new Response(new ReadableStream({ start() {} }), { status, headers: { 'content-type': 'text/event-stream' } });

  it('reports a 500 event stream or a 500 answer to a HEAD without reading a body', async () => {
    const app = new Hono().get('/sse', () => stream(500)).get('/h', () => stream(500));
    const report = await fuzz(app, compileSpec(doc, 'bodiless'), { seed: 8, requests: 4, only: ['GET /sse', 'HEAD /h'] });
    expect(report.failures.map((f) => [f.kind, f.operation, f.status, f.detail])).toEqual([
      ['server error', 'GET /sse', 500, ''],
      ['server error', 'HEAD /h', 500, ''],
    ]);
  }, 10_000);

  it('takes an event stream answered to a HEAD, which has no body, and a 304 without its declared content type', async () => {
    const app = new Hono().get('/h', () => stream(200)).get('/cached', (c) => c.body(null, 304));
    const report = await fuzz(app, compileSpec(doc, 'bodiless'), { seed: 8, requests: 4, only: ['HEAD /h', 'GET /cached'] });
    expect(report).toMatchObject({ sent: 4, failures: [], outcomes: { '2xx': 2, '3xx': 2 } });
  }, 10_000);
});

describe('fuzz: optional query parameters', () => {
  it('sends each optional query parameter about half the time, the 32nd and later ones too', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `q${i}`);
    const spec = compileSpec(
      {
        paths: {
          '/many': { get: { parameters: names.map((name) => ({ name, in: 'query', schema: { type: 'integer' } })), responses: {} } },
        },
      },
      'many',
    );
    const { app, sent } = recorder();
    await fuzz(app, spec, { seed: 12, requests: 300 });
    const shares = names.map((n) => sent.filter((s) => s.url.searchParams.has(n)).length / sent.length);
    expect(shares.filter((share) => share < 0.35 || share > 0.65)).toEqual([]);
  });
});

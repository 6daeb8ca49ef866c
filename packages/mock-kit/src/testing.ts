import type { Hono } from 'hono';
import { deref, type LoadedSpec } from './openapi.ts';

/** One request the probe sent that a twin answered with a 5xx, or that made it throw. */
export interface ProbeFailure {
  method: string;
  url: string;
  contentType?: string;
  body?: string;
  status: number | 'threw';
  answer: string;
}

export interface ProbeOptions {
  /** Headers every probe carries (credentials, so probes reach past authentication). */
  headers?: Record<string, string>;
  /** Rewrite the query before sending (e.g. sign it, for ZenTao). */
  sign?: (path: string, query: URLSearchParams) => URLSearchParams;
  /** Skip operations (by `METHOD path`), e.g. routes that proxy to external plugins. */
  skip?: string[];
}

const BODIES: (string | undefined)[] = [
  undefined,
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
];
const CONTENT_TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded'];
const VALUES = ['', 'abc', '-1', '0', '99999999999999999999', '%E4%B8%AD', '[]', '{"a":1}', 'a'.repeat(2048)];

type Json = Record<string, unknown>;

function wrongTyped(schema: Json | undefined): unknown[] {
  const props = Object.keys((schema?.properties as Json | undefined) ?? {});
  if (!props.length) return [];
  const variants: unknown[] = [];
  for (const wrong of [null, 42, 'text', [], {}, true]) {
    variants.push(Object.fromEntries(props.map((p) => [p, wrong])));
  }
  return variants;
}

/**
 * Send every operation of `spec` malformed input — bad paths, odd query values, bodies that are not JSON,
 * wrong types, deep nesting, huge strings, wrong content types — and collect every answer that is a 5xx or a
 * crash. A twin must answer bad input in its platform's own shape: the list should come back empty.
 */
// biome-ignore lint/suspicious/noExplicitAny: any twin's app
export async function probeBadInput(app: Hono<any>, spec: LoadedSpec, options: ProbeOptions = {}): Promise<ProbeFailure[]> {
  const failures: ProbeFailure[] = [];
  const send = async (method: string, path: string, query: URLSearchParams, contentType?: string, body?: string) => {
    const q = options.sign ? options.sign(path, query) : query;
    const url = `http://twin.test${path}${q.size ? `?${q}` : ''}`;
    const headers: Record<string, string> = { ...options.headers };
    if (contentType) headers['content-type'] = contentType;
    const init: RequestInit = { method, headers };
    // A HEAD cannot carry a body (Request refuses one); GET and DELETE operations are sent none (below).
    if (method !== 'HEAD') init.body = body;
    try {
      const res = await app.request(url, init);
      if (res.status >= 500)
        failures.push({
          method,
          url,
          contentType,
          body: body?.slice(0, 120),
          status: res.status,
          answer: (await res.text()).slice(0, 300),
        });
      // An event stream never ends by itself: it is closed once it answered.
      else if (res.headers.get('content-type')?.startsWith('text/event-stream')) await res.body?.cancel();
      else await res.arrayBuffer();
    } catch (err) {
      failures.push({ method, url, contentType, body: body?.slice(0, 120), status: 'threw', answer: String(err).slice(0, 300) });
    }
  };

  for (const op of spec.operations) {
    if (options.skip?.includes(`${op.method} ${op.path}`)) continue;
    const queryNames = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
    const enums = new Map(
      op.parameters
        .filter((p) => p.in === 'query' && Array.isArray(p.schema && deref(spec.doc, p.schema).enum))
        .map((p) => [p.name, deref(spec.doc, p.schema).enum as unknown[]]),
    );
    for (const pathValue of ['x', '0', '%E4%B8%AD', 'a'.repeat(300)]) {
      const path = op.path.replace(/\{[^}]+\}/g, pathValue);
      // Query variations: none, every parameter odd, each enum value with the others odd.
      const queries: URLSearchParams[] = [new URLSearchParams()];
      for (const v of VALUES) queries.push(new URLSearchParams(queryNames.map((n) => [n, v])));
      for (const [name, values] of enums) {
        for (const value of [...values, 'nope']) {
          queries.push(new URLSearchParams(queryNames.map((n) => [n, n === name ? String(value) : 'abc'])));
        }
      }
      for (const q of queries) await send(op.method, path, q);
      if (op.method === 'GET' || op.method === 'DELETE') continue;
      const media = (op.requestBody?.content ?? {}) as Record<string, Json>;
      const schema = Object.values(media)[0]?.schema;
      const typed = wrongTyped(schema === undefined ? undefined : deref(spec.doc, schema)).map((b) => JSON.stringify(b));
      for (const type of CONTENT_TYPES) {
        for (const body of [...BODIES, ...typed]) await send(op.method, path, queries[0]!, type, body);
      }
      // And the enum-valid queries with a JSON body, to reach the handlers.
      for (const q of queries.slice(1 + VALUES.length)) await send(op.method, path, q, 'application/json', '{}');
    }
  }
  return failures;
}

export { type FuzzFailure, type FuzzOptions, type FuzzReport, formatReport, fuzz } from './fuzz.ts';

export { freePort, redisAvailable, redisServerPath, sharedReplicas, startRedisServer, type TestRedis } from './redis-server.ts';

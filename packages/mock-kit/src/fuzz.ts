import fc from 'fast-check';
import type { Hono } from 'hono';
import { generateSync } from 'json-schema-faker';
import { deref, type LoadedSpec, type OperationParameter } from './openapi.ts';
import { compileSchema, describeErrors } from './schema.ts';

/**
 * A spec-driven fuzzer. For every operation of an OpenAPI document it sends schema-valid requests (values from
 * json-schema-faker, seeded) and mutated ones (fast-check picks the mutation: wrong types, missing and extra
 * fields, huge strings, unicode and NUL, `__proto__` keys, deep nesting, wrong and missing content types,
 * duplicate parameters, invalid UTF-8, truncated bodies, bad percent-escapes, huge numbers), and checks every
 * answer against the spec: below 500, a declared status, a declared content type, a body its schema accepts.
 * The same seed sends the same requests.
 */

type Json = Record<string, unknown>;

export interface FuzzOptions {
  seed: number;
  /** How many requests in all, spread over the operations. */
  requests: number;
  /** Headers every request carries (credentials, so requests reach past authentication). */
  headers?: Record<string, string>;
  /** Rewrite the query before sending (e.g. sign it, for ZenTao); `valid` is false for mutated requests. */
  sign?: (path: string, query: URLSearchParams, valid: boolean) => URLSearchParams;
  /** Operations to leave out (`METHOD /path`), e.g. routes that call external plugins. */
  skip?: string[];
  /** Only these operations (`METHOD /path`). */
  only?: string[];
  /** Fixed values for parameters and body fields by name (a real id, a known user), used in valid requests. */
  values?: Record<string, unknown>;
  /** Called after every request (e.g. to reset the twin after admin calls). */
  after?: () => void | Promise<void>;
}

export interface FuzzFailure {
  kind: 'server error' | 'undeclared status' | 'undeclared content type' | 'body not in schema' | 'threw';
  operation: string;
  mutation: string;
  method: string;
  url: string;
  contentType?: string;
  body?: string;
  status?: number;
  detail: string;
}

export interface FuzzReport {
  seed: number;
  sent: number;
  /** Counts per outcome: `2xx`, `4xx`, … and each failure kind. */
  outcomes: Record<string, number>;
  /** The first failure of each kind and operation. */
  failures: FuzzFailure[];
  /** Every failure, counted. */
  failed: number;
}

const MUTATIONS = [
  'none',
  'wrong type',
  'missing required',
  'extra field',
  'huge string',
  'unicode and NUL',
  '__proto__ key',
  'deep nesting',
  'wrong content type',
  'no content type',
  'duplicate parameters',
  'invalid UTF-8',
  'truncated body',
  'bad percent-escape',
  'huge number',
] as const;
type Mutation = (typeof MUTATIONS)[number];

type Param = OperationParameter;

interface Target {
  label: string;
  method: string;
  path: string;
  params: readonly Param[];
  bodyTypes: [string, Json | undefined][];
  responses: Json;
}

/** What the fuzzer sends to: each operation with the parameters and body the spec compiler resolved for it. */
function targets(spec: LoadedSpec): Target[] {
  return spec.operations.map((op) => ({
    label: `${op.method} ${op.path}`,
    method: op.method,
    path: op.path,
    params: op.parameters,
    bodyTypes: Object.entries((op.requestBody?.content ?? {}) as Record<string, Json>).map(
      ([type, media]) => [type, media.schema as Json | undefined] as [string, Json | undefined],
    ),
    responses: op.responses,
  }));
}

/** A schema with the document's components beside it, so json-schema-faker resolves `#/components/...`. */
function withComponents(doc: Json, schema: Json | undefined): Json {
  return { ...(schema ?? {}), components: doc.components ?? {} };
}

function valueFor(doc: Json, schema: Json | undefined, seed: number): unknown {
  try {
    return generateSync(withComponents(doc, schema) as never, { seed, maxDepth: 4, maxItems: 3, maxLength: 40, optionalsProbability: 0.5 });
  } catch {
    return 'x';
  }
}

const asParam = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? v.map(asParam).join(',') : JSON.stringify(v));

function deep(n: number): string {
  return `${'['.repeat(n)}${']'.repeat(n)}`;
}

/** Apply a body mutation to a valid JSON value; returns the text (or bytes) to send. */
function mutateBody(value: unknown, mutation: Mutation, pick: number): string | Uint8Array {
  const obj = value && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Json) } : undefined;
  const keys = obj ? Object.keys(obj) : [];
  const key = keys.length ? keys[pick % keys.length]! : 'field';
  switch (mutation) {
    case 'wrong type': {
      const wrong = [null, 42, 'text', [], {}, true][pick % 6];
      return JSON.stringify(obj ? { ...obj, [key]: wrong } : wrong);
    }
    case 'missing required':
      if (obj) delete obj[key];
      return JSON.stringify(obj ?? {});
    case 'extra field':
      return JSON.stringify(obj ? { ...obj, doppelExtra: 'x' } : { doppelExtra: 'x' });
    case 'huge string':
      return JSON.stringify(obj ? { ...obj, [key]: 'y'.repeat(100_000) } : 'y'.repeat(100_000));
    case 'unicode and NUL':
      return JSON.stringify(obj ? { ...obj, [key]: '中文\u0000\u202e\ud83d\ude00\uffff' } : '中文\u0000');
    case '__proto__ key':
      return `{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},${JSON.stringify(key)}:1}`;
    case 'deep nesting':
      return `{${JSON.stringify(key)}:${deep(100_000)}}`;
    case 'invalid UTF-8':
      return new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]);
    case 'truncated body': {
      const text = JSON.stringify(value ?? {});
      return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    }
    case 'huge number':
      return JSON.stringify(obj ?? {})
        .replace(/^\{/, `{${JSON.stringify(key)}:1e400,"n2":9007199254740993,`)
        .replace(/,}$/, '}');
    default:
      return JSON.stringify(value ?? {});
  }
}

function formBody(value: unknown): string {
  if (!value || typeof value !== 'object') return '';
  return new URLSearchParams(Object.entries(value as Json).map(([k, v]) => [k, asParam(v)])).toString();
}

/** Statuses a response may have: exact codes, `4XX` ranges, `default`. */
function declared(responses: Json, status: number): Json | undefined {
  const exact = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  return exact as Json | undefined;
}

export async function fuzz(
  // biome-ignore lint/suspicious/noExplicitAny: any twin's app
  app: Hono<any>,
  spec: LoadedSpec,
  options: FuzzOptions,
): Promise<FuzzReport> {
  const doc = spec.doc;
  const all = targets(spec).filter((t) => !options.skip?.includes(t.label) && (!options.only || options.only.includes(t.label)));
  const report: FuzzReport = { seed: options.seed, sent: 0, outcomes: {}, failures: [], failed: 0 };
  if (!all.length) return report;
  const seen = new Set<string>();
  const plans = fc.sample(
    fc.record({
      // A third valid, the rest mutated.
      mutation: fc.oneof(
        { weight: 7, arbitrary: fc.constant<Mutation>('none') },
        { weight: 14, arbitrary: fc.constantFrom(...MUTATIONS.slice(1)) },
      ),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      pick: fc.nat({ max: 1000 }),
      bodyType: fc.nat({ max: 10 }),
    }),
    { seed: options.seed, numRuns: options.requests },
  );
  const count = (k: string) => {
    report.outcomes[k] = (report.outcomes[k] ?? 0) + 1;
  };
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i]!;
    const t = all[i % all.length]!;
    const m = plan.mutation;
    const fixed = options.values ?? {};
    const gen = (p: Param, n: number) => (p.name in fixed ? fixed[p.name] : valueFor(doc, p.schema, plan.seed + n));

    // Path: valid values, or a malformed escape.
    let path = t.path;
    t.params
      .filter((p) => p.in === 'path')
      .forEach((p, n) => {
        // An empty segment would be another path (another operation): never generate one.
        const v = m === 'bad percent-escape' ? '%ZZ%E4%zz' : encodeURIComponent(asParam(gen(p, n))) || 'x';
        path = path.replace(`{${p.name}}`, v);
      });
    // Query: required ones always, optional ones half the time (by a bit of the seed: `>>` counts modulo 32, and
    // the seed's 32nd bit is always 0).
    const query = new URLSearchParams();
    t.params
      .filter((p) => p.in === 'query')
      .forEach((p, n) => {
        if (!p.required && (plan.seed >> (n % 31)) % 2 === 0 && !(p.name in fixed)) return;
        let v = gen(p, 100 + n);
        if (m === 'wrong type' && n === plan.pick % Math.max(1, t.params.length)) v = ['abc', '-1', '1e400', '[]'][plan.pick % 4];
        if (m === 'missing required' && p.required && n === plan.pick % t.params.length) return;
        if (m === 'huge number') v = '99999999999999999999999';
        if (m === 'unicode and NUL') v = '中文\u0000';
        query.append(p.name, asParam(v));
        if (m === 'duplicate parameters') query.append(p.name, asParam(gen(p, 200 + n)));
      });
    const signed = options.sign ? options.sign(path, query, m === 'none') : query;
    let qs = signed.toString();
    if (m === 'bad percent-escape') qs = qs ? `${qs}&bad=%ZZ%` : 'bad=%ZZ%';
    if (m === 'extra field') qs = qs ? `${qs}&doppelExtra=1` : 'doppelExtra=1';
    const url = `http://twin.test${path}${qs ? `?${qs}` : ''}`;

    const headers: Record<string, string> = { ...options.headers };
    t.params
      .filter((p) => p.in === 'header')
      .forEach((p, n) => {
        if (p.name.toLowerCase() in Object.fromEntries(Object.keys(headers).map((k) => [k.toLowerCase(), 1]))) return;
        headers[p.name] = asParam(gen(p, 300 + n)).replace(/[^\t\x20-\x7e]/g, '');
      });

    let body: string | Uint8Array | undefined;
    let contentType: string | undefined;
    if (t.bodyTypes.length && t.method !== 'GET' && t.method !== 'HEAD') {
      const [type, schema] = t.bodyTypes[plan.bodyType % t.bodyTypes.length]!;
      const value = valueFor(doc, schema, plan.seed);
      contentType = type;
      body = type.includes('form') && m === 'none' ? formBody(value) : mutateBody(value, m, plan.pick);
      if (m === 'wrong content type')
        contentType = ['text/plain', 'application/xml', 'multipart/form-data', 'application/x-www-form-urlencoded'][plan.pick % 4];
      if (m === 'no content type') contentType = undefined;
      if (contentType) headers['content-type'] = contentType;
    }

    const shown = typeof body === 'string' ? body.slice(0, 200) : body ? '<invalid UTF-8 bytes>' : undefined;
    const fail = (kind: FuzzFailure['kind'], detail: string, status?: number) => {
      count(kind);
      report.failed += 1;
      const key = `${kind} ${t.label}`;
      if (seen.has(key)) return;
      seen.add(key);
      report.failures.push({
        kind,
        operation: t.label,
        mutation: m,
        method: t.method,
        url,
        ...(contentType && { contentType }),
        ...(shown !== undefined && { body: shown }),
        ...(status !== undefined && { status }),
        detail,
      });
    };
    report.sent += 1;
    let res: Response;
    try {
      res = await app.request(url, { method: t.method, headers, ...(body !== undefined && { body: body as BodyInit }) });
    } catch (err) {
      fail('threw', String(err).slice(0, 300));
      await options.after?.();
      continue;
    }
    // An event stream never ends by itself: its status and content type are checked, then it is closed.
    const streaming = res.headers.get('content-type')?.startsWith('text/event-stream') === true;
    if (streaming) await res.body?.cancel();
    const text = t.method === 'HEAD' || streaming ? '' : await res.text();
    count(`${String(res.status)[0]}xx`);
    const problem = check(doc, t, res, text);
    if (res.status >= 500) fail('server error', text.slice(0, 300), res.status);
    else if (problem) fail(problem[0], problem[1], res.status);
    await options.after?.();
  }
  return report;
}

/** Response validators, one per operation, status and content type (the documents are loaded once). */
const validators = new Map<string, ReturnType<typeof compileSchema>>();

/** What is wrong with an answer, by the operation's declared responses; undefined when it is declared. */
function check(doc: Json, t: Target, res: Response, text: string): [FuzzFailure['kind'], string] | undefined {
  const response = declared(t.responses, res.status);
  if (!response) return ['undeclared status', `${res.status} is not among ${Object.keys(t.responses).join(', ')}`];
  const resolved = deref(doc, response);
  const content = resolved.content as Record<string, Json> | undefined;
  if (!content || res.status === 204 || res.status === 304 || t.method === 'HEAD') return undefined;
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const media = content[type] ?? content[`${type.split('/')[0]}/*`] ?? content['*/*'];
  if (!media) return ['undeclared content type', `${type || '(none)'} is not among ${Object.keys(content).join(', ')} for ${res.status}`];
  if (!media.schema || !type.includes('json')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return ['body not in schema', `not JSON: ${text.slice(0, 120)}`];
  }
  const key = `${t.label} ${res.status} ${type}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = compileSchema(withComponents(doc, media.schema as Json));
    validators.set(key, validate);
  }
  if (validate(value)) return undefined;
  const problems = describeErrors(validate.errors)
    .slice(0, 3)
    .map((p) => `${p.path || 'body'} ${p.reason}`);
  return ['body not in schema', `${problems.join('; ')} in ${text.slice(0, 160)}`];
}

/** One line per outcome, then the first failure of each kind: what `pnpm fuzz` prints. */
export function formatReport(name: string, r: FuzzReport): string {
  const lines = [
    `${name}: ${r.sent} requests, seed ${r.seed}: ${Object.entries(r.outcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  ];
  for (const f of r.failures) {
    lines.push(`  ${f.kind} — ${f.operation} (${f.mutation}): ${f.method} ${f.url}${f.contentType ? ` [${f.contentType}]` : ''}`);
    if (f.body !== undefined) lines.push(`      body: ${f.body.slice(0, 120)}`);
    lines.push(`      ${f.status !== undefined ? `${f.status}: ` : ''}${f.detail.slice(0, 300)}`);
  }
  return lines.join('\n');
}

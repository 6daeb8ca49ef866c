import { capturedBody, maskDeep, rawQuery } from '@doppel/mock-kit';
import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { userFromHeaders, useHeaders } from '../auth.ts';
import type { OnesContext, OnesEnv } from '../context.ts';
import { type OnesErrorName, onesErrors } from '../errors.ts';
import { scopeOf } from './config.ts';
import { type Match, type Plugin, replaceKey } from './registry.ts';
import type { InterceptType, PluginRequest, PluginResponse } from './types.ts';

/** Go's canonical header name (ONES is written in Go): `ones-user-id` → `Ones-User-Id`. */
export const canonicalHeader = (name: string) =>
  name
    .split('-')
    .map((p) => (p ? p[0]!.toUpperCase() + p.slice(1).toLowerCase() : p))
    .join('-');

function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((v, k) => {
    out[canonicalHeader(k)] = v;
  });
  return out;
}

const flat = (headers: Record<string, string | string[]>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));

/** Statuses that carry no body. */
const NO_BODY = new Set([204, 205, 304]);

/** Headers a plugin or fetchONES must not copy onto a new message. */
const HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'host', 'content-encoding']);

type Failure = { ok: false; error: OnesErrorName; message: string; durationMs: number };
type Outcome = { ok: true; response: PluginResponse; durationMs: number } | Failure;

const ms = (since: number) => Math.round((performance.now() - since) * 1000) / 1000;

/** An HTTP header name (RFC 9110 §5.1: a token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * What an HTTP/1.1 header value may hold (RFC 9110 §5.5; Node's http module checks the same): visible ASCII, space,
 * tab and obs-text (0x80–0xFF); no CR, LF, NUL or other control character, nothing above U+00FF.
 */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Why these headers cannot go on an HTTP message, or undefined. */
function headerProblem(headers: Record<string, string>): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) return `header name ${JSON.stringify(name)} is not an HTTP header name`;
    if (!FIELD_VALUE.test(value))
      return `header ${name} has a value HTTP cannot carry (a line break, a control character or a character above U+00FF): ${JSON.stringify(value)}`;
  }
  return undefined;
}

function checkResponse(value: unknown, type: InterceptType): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'the answer is not a JSON object (a PluginResponse)';
  const r = value as PluginResponse;
  const status = r.statusCode;
  if (status !== undefined) {
    if (!Number.isInteger(status) || status < 100 || status > 599) return `statusCode ${JSON.stringify(status)} is not an HTTP status`;
    // A replace's statusCode is the final answer, and a prefix's non-2xx one a rejection: an informational
    // status (101 included) cannot be either.
    if (type !== 'suffix' && status < 200) return `statusCode ${status} is informational, not an answer`;
  }
  if (r.headers !== undefined && (!r.headers || typeof r.headers !== 'object' || Array.isArray(r.headers))) {
    return 'headers is not a map';
  }
  // A replace's or a prefix's headers go on an HTTP message (the answer, or the request ONES handles).
  if (r.headers && type !== 'suffix') return headerProblem(flat(r.headers));
  return undefined;
}

/** Call one plugin function; never throws, never waits longer than the plugin's timeout. */
async function invoke(plugin: Plugin, fn: string, request: PluginRequest): Promise<Outcome> {
  const started = performance.now();
  const fail = (error: OnesErrorName, message: string): Outcome => ({ ok: false, error, message, durationMs: ms(started) });
  const timeoutMsg = `did not answer within ${plugin.timeoutMs} ms`;
  let value: unknown;
  if ('baseUrl' in plugin.target) {
    const url = `${plugin.target.baseUrl.replace(/\/+$/, '')}/${fn}`;
    const signal = AbortSignal.timeout(plugin.timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
        signal,
      });
      text = await res.text();
    } catch (err) {
      if (signal.aborted) return fail('PLUGIN_TIMEOUT', `POST ${url} ${timeoutMsg}`);
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      return fail('PLUGIN_UNREACHABLE', `POST ${url} failed: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }
    if (res.status >= 400) return fail('PLUGIN_BAD_STATUS', `POST ${url} answered HTTP ${res.status}: ${text.slice(0, 200)}`);
    try {
      value = JSON.parse(text);
    } catch {
      return fail('PLUGIN_INVALID_RESPONSE', `POST ${url} answered HTTP ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
  } else {
    const f = plugin.target.functions[fn];
    if (typeof f !== 'function') return fail('PLUGIN_FUNCTION_FAILED', `the plugin exports no function ${fn}`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), plugin.timeoutMs);
    });
    try {
      const result = await Promise.race([Promise.resolve().then(() => f(request)), timeout]);
      if (result === 'timeout') return fail('PLUGIN_TIMEOUT', `${fn} ${timeoutMsg}`);
      value = result;
    } catch (err) {
      return fail('PLUGIN_FUNCTION_FAILED', `${fn} threw: ${(err as Error)?.message ?? String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }
  const problem = checkResponse(value, request.type);
  if (problem) return fail('PLUGIN_INVALID_RESPONSE', `${fn}: ${problem}`);
  return { ok: true, response: value as PluginResponse, durationMs: ms(started) };
}

/** One stage of an intercepted request, as the journal shows it. */
export interface Stage {
  stage: 'request' | InterceptType | 'ones' | 'response';
  /** Milliseconds since the twin received the request. */
  atMs: number;
  durationMs?: number;
  plugin?: string;
  function?: string;
  [k: string]: unknown;
}

const masked = (v: unknown) => maskDeep(v);

/** The path can be unescaped (`decodeURIComponent` accepts it). */
function unescapable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The answer a plugin's PluginResponse makes (a replace's, or a prefix's rejection): `statusCode` (200 by default),
 * its headers but the hop-by-hop ones, and its body: none with 204, 205 or 304, text for a string, else JSON
 * (`{}` by default). `checkResponse` has already refused what HTTP cannot carry.
 */
function answerOf(c: OnesContext, response: PluginResponse): { res: Response; body: unknown } {
  const status = (response.statusCode ?? 200) as ContentfulStatusCode;
  const headers = Object.fromEntries(Object.entries(flat(response.headers ?? {})).filter(([k]) => !HOP.has(k.toLowerCase())));
  // HTTP forbids a body with these statuses (and `Response` refuses one).
  if (NO_BODY.has(status)) return { res: c.body(null, status as 204, headers), body: undefined };
  const body = response.body ?? {};
  if (typeof body === 'string') {
    return { res: c.body(body, status, { 'content-type': 'text/plain; charset=utf-8', ...headers }), body };
  }
  return { res: c.json(body, status, headers), body };
}

/**
 * The interception chain (README "One request, stage by stage"): for a request some plugin intercepts, runs
 * prefix → replace or ONES → suffix, and records the chain in the journal notes (`notes.interception`).
 */
const intercept: MiddlewareHandler<OnesEnv> = async (c, next) => {
  const scoped = scopeOf(c.req.path);
  if (!scoped) return next();
  const notes = c.get('notes');
  if (c.req.header('replace')?.toLowerCase() === 'replace') {
    notes.interception = { skipped: 'Replace: replace (a plugin calling the original ONES API); not intercepted' };
    return next();
  }
  const twin = c.get('twin');
  const registry = twin.state.plugins;
  const method = c.req.method;
  // The same API by the same user while that user's replace function for it runs: the plugin calling the
  // original API (with fetch, fetchONES or axios and only the user id and token), which reaches ONES.
  if (registry.isReplacing(replaceKey(method, scoped.scope, scoped.path, c.req.header('ones-user-id')))) {
    notes.interception = {
      skipped: 'the same API by the same user while its replace function runs (the plugin calling the original ONES API); not intercepted',
    };
    return next();
  }
  const search = rawQuery(c.req.url);
  const query = new URLSearchParams(search);
  const shape = { method, scope: scoped.scope, path: scoped.path, query };
  const prefix = registry.find('prefix', shape);
  const replace = registry.find('replace', shape);
  const suffix = registry.find('suffix', shape);
  if (!prefix && !replace && !suffix) return next();
  // A body ONES cannot parse is refused exactly as without plugins (route, authentication, then the body), and
  // no plugin sees it: a PluginRequest's body is JSON.
  if (c.get('rawBody') !== undefined && c.get('body') === undefined) {
    notes.interception = { skipped: 'the body cannot be parsed: ONES answers as without plugins, no plugin was called' };
    return next();
  }
  // ONES authenticates the caller before any plugin sees the request (login and other anonymous APIs excepted).
  const routed = twin.spec.match(method === 'HEAD' ? 'GET' : method, c.req.path);
  if ((!routed || routed.op.secured) && !userFromHeaders(c)) {
    notes.interception = { refused: 'invalid credentials: no plugin was called' };
    return onesErrors.raise('INVALID_TOKEN');
  }

  const started = performance.now();
  const stages: Stage[] = [];
  const describe = (m: Match | undefined) => (m ? { plugin: m.plugin.name, function: m.rule.function, url: m.rule.url } : null);
  notes.interception = { prefix: describe(prefix), replace: describe(replace), suffix: describe(suffix), stages };

  const url = search ? `${scoped.path}?${search}` : scoped.path;
  let headers = headerRecord(c.req.raw.headers);
  let body: unknown = c.get('body') ?? {};
  const requestFor = (type: InterceptType, m: Match, response?: PluginRequest['response']): PluginRequest => ({
    type,
    plugin: m.plugin.name,
    function: m.rule.function,
    method,
    url,
    path: scoped.path,
    scope: scoped.scope,
    ...(m.teamUUID !== undefined && { teamUUID: m.teamUUID }),
    query: Object.fromEntries(query),
    params: m.params,
    headers,
    body,
    ...(response && { response }),
  });
  const finish = (status: number, resBody: unknown) => {
    stages.push({ stage: 'response', atMs: ms(started), status, body: masked(resBody) });
  };
  /** A prefix or replace failure ends the chain with the plugin error, in ONES's shape. */
  const fail = (type: 'prefix' | 'replace', m: Match, at: number, out: Failure): never => {
    stages.push({
      stage: type,
      atMs: at,
      durationMs: out.durationMs,
      plugin: m.plugin.name,
      function: m.rule.function,
      error: out.error,
      message: out.message,
    });
    const overrides = {
      plugin: m.plugin.name,
      function: m.rule.function,
      message: `plugin "${m.plugin.name}" function ${m.rule.function}: ${out.message}`,
    };
    const template = onesErrors.catalogue[out.error];
    finish(template.status, { ...(template.body as object), ...overrides });
    return onesErrors.raise(out.error, { body: overrides });
  };

  stages.push({ stage: 'request', atMs: 0, method, url, scope: scoped.scope, headers: masked(headers), body: masked(body) });

  // 1. Prefix: a non-2xx statusCode rejects the request with that answer; otherwise what it returns replaces
  // the request's headers and body.
  if (prefix) {
    const at = ms(started);
    const out = await invoke(prefix.plugin, prefix.rule.function, requestFor('prefix', prefix));
    if (!out.ok) return fail('prefix', prefix, at, out);
    const stage: Stage = {
      stage: 'prefix',
      atMs: at,
      durationMs: out.durationMs,
      plugin: prefix.plugin.name,
      function: prefix.rule.function,
      returned: masked(out.response),
    };
    const status = out.response.statusCode;
    if (status !== undefined && (status < 200 || status > 299)) {
      // A rejection ends the chain: neither a replace, ONES nor the suffix is called.
      const rejected = answerOf(c, out.response);
      stages.push({ ...stage, rejected: status });
      c.res = rejected.res;
      finish(status, rejected.body);
      return;
    }
    if (out.response.headers) headers = flat(out.response.headers);
    if (out.response.body !== undefined && method !== 'GET' && method !== 'HEAD') body = out.response.body;
    stages.push(stage);
  }

  // 2. Replace answers instead of ONES; otherwise ONES's own handler sees the (rewritten) request. Either way the
  // answer is in c.res.
  let responseBody: unknown;
  if (replace) {
    const at = ms(started);
    // While it runs, the same API called by the user it was sent is the plugin's own call (README "No recursion").
    const userId = Object.entries(headers).find(([k]) => k.toLowerCase() === 'ones-user-id')?.[1];
    const key = replaceKey(method, scoped.scope, scoped.path, userId);
    const out = await registry.whileReplacing(key, () => invoke(replace.plugin, replace.rule.function, requestFor('replace', replace)));
    if (!out.ok) return fail('replace', replace, at, out);
    const replaced = answerOf(c, out.response);
    c.res = replaced.res;
    responseBody = replaced.body;
    stages.push({
      stage: 'replace',
      atMs: at,
      durationMs: out.durationMs,
      plugin: replace.plugin.name,
      function: replace.rule.function,
      returned: masked(out.response),
    });
  } else {
    const at = ms(started);
    if (prefix) {
      // ONES (authentication, validation, the handler) reads the rewritten headers and `body`; the request object,
      // and so the journal entry, stays as the client sent it.
      useHeaders(c, headers);
      c.set('body', body);
    }
    // Whatever the pipeline answers, a refusal the kit rendered included, is in c.res when next() returns.
    await next();
    responseBody = capturedBody(c);
    stages.push({ stage: 'ones', atMs: at, durationMs: ms(started) - at, status: c.res.status, body: masked(responseBody) });
  }
  finish(c.res.status, responseBody);

  // 3. Suffix: a notification, not a gate. The client gets its answer now; the suffix is sent the request and that
  // answer, and its stage (journaled now, `pending`) gets the outcome when the call completes or times out. What it
  // returns is ignored.
  if (suffix) {
    const sent = requestFor('suffix', suffix, { statusCode: c.res.status, headers: headerRecord(c.res.headers), body: responseBody });
    const stage: Stage = {
      stage: 'suffix',
      atMs: ms(started),
      plugin: suffix.plugin.name,
      function: suffix.rule.function,
      sent: masked(sent),
      pending: true,
    };
    stages.push(stage);
    registry.track(
      invoke(suffix.plugin, suffix.rule.function, sent).then((out) => {
        delete stage.pending;
        Object.assign(
          stage,
          { durationMs: out.durationMs },
          out.ok ? { ignored: masked(out.response) } : { error: out.error, message: out.message },
        );
      }),
    );
  }
};

/**
 * ONES's front door, the kit's `beforeRouting` hook: a path that cannot be unescaped is refused before routing
 * (as Go's net/http does, in ONES's shape), and a request some plugin intercepts goes through `intercept`.
 */
export const frontDoor: MiddlewareHandler<OnesEnv> = (c, next) => {
  const path = c.req.path;
  if (path.includes('%') && !unescapable(path)) onesErrors.raise('INVALID_PARAMETER', { body: { field: 'path' } });
  if (c.get('twin').state.plugins.size === 0) return next();
  return intercept(c, next);
};

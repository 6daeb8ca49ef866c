import { capturedBody, maskDeep } from '@doppel/mock-kit';
import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type OnesErrorName, onesErrors } from '../errors.ts';
import type { OnesFixtures } from '../fixtures.ts';
import { userFromHeaders } from '../routes/auth.ts';
import type { OnesState } from '../state.ts';
import type { Match, Plugin } from './registry.ts';
import type { InterceptType, PluginRequest, PluginResponse, Scope } from './types.ts';

type Env = { Variables: import('@doppel/mock-kit').TwinVariables<OnesFixtures, OnesState> };

export const SCOPE_PREFIX: Record<Scope, string> = { project: '/project/api/project', wiki: '/wiki/api/wiki' };

/** `/wiki/api/wiki/team/x/…` → `{ scope: 'wiki', path: '/team/x/…' }`; undefined outside both scopes. */
export function scopeOf(fullPath: string): { scope: Scope; path: string } | undefined {
  for (const scope of ['project', 'wiki'] as const) {
    const prefix = SCOPE_PREFIX[scope];
    if (fullPath === prefix || fullPath.startsWith(`${prefix}/`)) return { scope, path: fullPath.slice(prefix.length) || '/' };
  }
  return undefined;
}

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

/** Headers a plugin or fetchONES must not copy onto a new message. */
const HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'host', 'content-encoding']);

type Outcome =
  | { ok: true; response: PluginResponse; durationMs: number }
  | { ok: false; error: OnesErrorName; message: string; durationMs: number };

const ms = (since: number) => Math.round((performance.now() - since) * 1000) / 1000;

function checkResponse(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'the answer is not a JSON object (a PluginResponse)';
  const r = value as PluginResponse;
  if (r.statusCode !== undefined && (!Number.isInteger(r.statusCode) || r.statusCode < 100 || r.statusCode > 599)) {
    return `statusCode ${JSON.stringify(r.statusCode)} is not an HTTP status`;
  }
  if (r.headers !== undefined && (!r.headers || typeof r.headers !== 'object' || Array.isArray(r.headers))) {
    return 'headers is not a map';
  }
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
  const problem = checkResponse(value);
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

function pluginError(c: Parameters<MiddlewareHandler<Env>>[0], error: OnesErrorName, match: Match, message: string) {
  return onesErrors.response(c, error, {
    body: { plugin: match.plugin.name, function: match.rule.function, message: `plugin "${match.plugin.name}" function ${match.rule.function}: ${message}` },
  });
}

/**
 * The interception gateway (kit `gateway` hook): for a request some plugin intercepts, runs
 * prefix → replace or ONES → suffix, and records the chain in the journal notes (`notes.interception`).
 */
export const interceptionGateway: MiddlewareHandler<Env> = async (c, next) => {
  const twin = c.get('twin');
  const registry = twin.state.plugins;
  if (registry.size === 0) return next();
  const scoped = scopeOf(c.req.path);
  if (!scoped) return next();
  if ((c.req.header('replace') ?? '').toLowerCase() === 'replace') {
    c.get('notes').interception = { skipped: 'Replace: replace (a plugin calling the original ONES API); not intercepted' };
    return next();
  }
  const method = c.req.method;
  const url = new URL(c.req.url);
  const shape = { method, scope: scoped.scope, path: scoped.path, query: url.searchParams };
  const prefix = registry.find('prefix', shape);
  const replace = registry.find('replace', shape);
  const suffix = registry.find('suffix', shape);
  if (!prefix && !replace && !suffix) return next();
  // ONES authenticates the caller before any plugin sees the request (login and other anonymous APIs excepted).
  const routed = twin.spec.match(method === 'HEAD' ? 'GET' : method, c.req.path);
  if ((!routed || routed.op.secured) && !userFromHeaders(c)) {
    c.get('notes').interception = { refused: 'invalid credentials: no plugin was called' };
    return onesErrors.response(c, 'INVALID_TOKEN');
  }

  const started = performance.now();
  const stages: Stage[] = [];
  const describe = (m: Match | undefined) => (m ? { plugin: m.plugin.name, function: m.rule.function, url: m.rule.url } : null);
  c.get('notes').interception = { prefix: describe(prefix), replace: describe(replace), suffix: describe(suffix), stages };

  let headers = headerRecord(c.req.raw.headers);
  let body: unknown = c.get('body') ?? {};
  const requestFor = (type: InterceptType, m: Match, response?: PluginRequest['response']): PluginRequest => ({
    type,
    plugin: m.plugin.name,
    function: m.rule.function,
    method,
    url: scoped.path + url.search,
    path: scoped.path,
    scope: scoped.scope,
    ...(m.teamUUID !== undefined && { teamUUID: m.teamUUID }),
    query: Object.fromEntries(url.searchParams),
    params: m.params,
    headers,
    body,
    ...(response && { response }),
  });
  const finish = (res: Response, resBody: unknown) => {
    stages.push({ stage: 'response', atMs: ms(started), status: res.status, body: masked(resBody) });
  };

  stages.push({ stage: 'request', atMs: 0, method, url: scoped.path + url.search, scope: scoped.scope, headers: masked(headers), body: masked(body) });

  // 1. Prefix: what it returns replaces the request's headers and body.
  if (prefix) {
    const sent = requestFor('prefix', prefix);
    const at = ms(started);
    const out = await invoke(prefix.plugin, prefix.rule.function, sent);
    if (!out.ok) {
      stages.push({ stage: 'prefix', atMs: at, durationMs: out.durationMs, plugin: prefix.plugin.name, function: prefix.rule.function, error: out.error, message: out.message });
      const res = await pluginError(c, out.error, prefix, out.message);
      finish(res, capturedBody(c));
      return res;
    }
    if (out.response.headers) headers = flat(out.response.headers);
    if (out.response.body !== undefined && method !== 'GET' && method !== 'HEAD') body = out.response.body;
    stages.push({ stage: 'prefix', atMs: at, durationMs: out.durationMs, plugin: prefix.plugin.name, function: prefix.rule.function, returned: masked(out.response) });
  }

  // 2. Replace answers instead of ONES; otherwise ONES's own handler sees the (rewritten) request.
  let response: Response;
  let responseBody: unknown;
  if (replace) {
    const sent = requestFor('replace', replace);
    const at = ms(started);
    const out = await invoke(replace.plugin, replace.rule.function, sent);
    if (!out.ok) {
      stages.push({ stage: 'replace', atMs: at, durationMs: out.durationMs, plugin: replace.plugin.name, function: replace.rule.function, error: out.error, message: out.message });
      const res = await pluginError(c, out.error, replace, out.message);
      finish(res, capturedBody(c));
      return res;
    }
    const status = out.response.statusCode ?? 200;
    const outHeaders = Object.entries(flat(out.response.headers ?? {})).filter(([k]) => !HOP.has(k.toLowerCase()));
    responseBody = out.response.body ?? {};
    response =
      typeof responseBody === 'string'
        ? c.body(responseBody, status as ContentfulStatusCode, Object.fromEntries([['content-type', 'text/plain; charset=utf-8'], ...outHeaders]))
        : c.json(responseBody, status as ContentfulStatusCode, Object.fromEntries(outHeaders));
    stages.push({ stage: 'replace', atMs: at, durationMs: out.durationMs, plugin: replace.plugin.name, function: replace.rule.function, returned: masked(out.response) });
  } else {
    const at = ms(started);
    const original = { raw: c.req.raw, body: c.get('body'), rawBody: c.get('rawBody') };
    if (prefix) {
      const rewritten = new Headers(Object.entries(headers).filter(([k]) => !HOP.has(k.toLowerCase())));
      c.req.raw = new Request(c.req.url, { method, headers: rewritten });
      if (method !== 'GET' && method !== 'HEAD') {
        c.set('body', body);
        c.set('rawBody', JSON.stringify(body));
      }
    }
    try {
      await next();
    } finally {
      // The journal entry keeps the request as the client sent it; the chain shows the rewrite.
      c.req.raw = original.raw;
      c.set('body', original.body);
      c.set('rawBody', original.rawBody);
    }
    response = c.res;
    responseBody = capturedBody(c);
    stages.push({ stage: 'ones', atMs: at, durationMs: ms(started) - at, status: response.status, body: masked(responseBody) });
  }

  // 3. Suffix: notified with the request and the final response; what it returns is ignored.
  if (suffix) {
    const sent = requestFor('suffix', suffix, {
      statusCode: response.status,
      headers: headerRecord(response.headers),
      body: responseBody,
    });
    const at = ms(started);
    const out = await invoke(suffix.plugin, suffix.rule.function, sent);
    stages.push({
      stage: 'suffix',
      atMs: at,
      durationMs: out.durationMs,
      plugin: suffix.plugin.name,
      function: suffix.rule.function,
      sent: masked(sent),
      ...(out.ok ? { ignored: masked(out.response) } : { error: out.error, message: out.message }),
    });
  }

  finish(response, responseBody);
  // ONES's own answer is already c.res; setting it again would make Hono re-wrap its body as a stream.
  if (response !== c.res) return response;
};

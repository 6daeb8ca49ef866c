import { Hono } from 'hono';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { adminRoutes } from './admin.ts';
import { renderError } from './errors.ts';
import { maskDeep, maskRecord } from './mask.ts';
import type { ValidationIssue } from './openapi.ts';
import { type Twin, Twin as TwinClass, type TwinDefinition, type TwinEnv, type TwinOptions } from './twin.ts';

/** Thrown to simulate a dropped connection: `app.request()` rejects, a real socket is destroyed. */
export class ConnectionDropped extends Error {
  constructor() {
    super('doppel: connection dropped by a scenario');
    this.name = 'ConnectionDropped';
  }
}

export const SCENARIO_HEADER = 'x-doppel-scenario';

export interface TwinApp<F, S> {
  app: Hono<TwinEnv<F, S>>;
  twin: Twin<F, S>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function defaultParseBody(raw: string, contentType: string | undefined): unknown {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(raw));
  if (type === '' || type === 'application/json' || type.endsWith('+json') || type === 'text/plain') {
    try {
      return JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of params) {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else out[k] = Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

async function responseBody(res: Response): Promise<unknown> {
  const type = res.headers.get('content-type') ?? '';
  if (!res.body || !/json|text|xml|form/.test(type)) return undefined;
  const text = await res.clone().text();
  if (type.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text.length > 4096 ? `${text.slice(0, 4096)}…` : text;
}

/**
 * Build a twin's Hono app. It never listens: tests call `app.request()`, `serve.ts` binds a port.
 * Pipeline for a platform request: journal → scenarios → route (spec) → authenticate → validate → handler.
 */
export function createTwinApp<F, S>(def: TwinDefinition<F, S>, options: TwinOptions<F> = {}): TwinApp<F, S> {
  const twin = new TwinClass(def, options);
  const app = new Hono<TwinEnv<F, S>>();
  const parseBody = def.parseBody ?? defaultParseBody;

  app.onError(async (err, c) => {
    if (err instanceof ConnectionDropped) throw err;
    if (err instanceof HTTPException) return err.getResponse();
    if (c.var.notes) c.var.notes.error = String(err.stack ?? err);
    console.error(`[doppel:${def.name}] defect while serving ${c.req.method} ${c.req.path}:`, err);
    if (def.internalError) return def.internalError(c, err);
    return c.json({ message: 'doppel twin defect', error: String(err) }, 500);
  });

  app.use('*', async (c, next) => {
    c.set('twin', twin);
    c.set('notes', {});
    return next();
  });

  // The admin API first, so it never passes through the platform's pipeline.
  app.route('/__admin', adminRoutes(twin));

  // Journal.
  app.use('*', async (c, next) => {
    const started = performance.now();
    const id = twin.journal.nextId();
    const method = c.req.method;
    let raw: string | undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      raw = await c.req.text();
      if (raw === '') raw = undefined;
    }
    c.set('rawBody', raw);
    const contentType = c.req.header('content-type');
    c.set('body', raw === undefined ? undefined : parseBody(raw, contentType));
    c.set('tenant', def.tenantOf?.(c));
    try {
      await next();
    } finally {
      const url = new URL(c.req.url);
      const headers = maskRecord(Object.fromEntries(c.req.raw.headers), def.secretNames);
      const body = c.var.body === undefined ? raw : maskDeep(c.var.body, def.secretNames);
      const notes = c.var.notes;
      twin.journal.record({
        id,
        time: new Date(twin.clock.now()).toISOString(),
        method,
        path: url.pathname,
        query: maskRecord(queryRecord(url.searchParams), def.secretNames),
        headers,
        body,
        status: c.res.status,
        responseBody: maskDeep(await responseBody(c.res), def.secretNames),
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
        ...(c.var.tenant !== undefined && { tenant: c.var.tenant }),
        ...(typeof notes.scenario === 'string' && { scenario: notes.scenario }),
        ...(Object.keys(notes).length > 0 && { notes }),
      });
    }
  });

  // Scenarios: a per-request header, then the rules.
  app.use('*', async (c, next) => {
    const named = c.req.header(SCENARIO_HEADER);
    if (named !== undefined) {
      const template = def.errors[named];
      if (!template) {
        return c.json(
          { error: { code: 'unknown_scenario', message: `unknown scenario "${named}"`, known: Object.keys(def.errors) } },
          400,
        );
      }
      c.var.notes.scenario = named;
      return renderError(c, template);
    }
    if (twin.rules.size === 0) return next();
    const url = new URL(c.req.url);
    const rule = twin.rules.take({
      method: c.req.method,
      path: url.pathname,
      query: url.searchParams,
      header: (n) => c.req.header(n),
      tenant: c.var.tenant,
    });
    if (!rule) return next();
    c.var.notes.scenario = rule.scenario ?? `fault:${rule.fault?.type}`;
    c.var.notes.rule = rule.id;
    if (rule.fault?.type === 'delay') await sleep(rule.fault.ms);
    if (rule.scenario) {
      const template = def.errors[rule.scenario];
      if (template) return renderError(c, template);
    }
    if (rule.fault?.type === 'status') {
      const { status, body, headers } = rule.fault;
      if (body === undefined || typeof body === 'string') {
        return new Response(body ?? null, { status, headers });
      }
      return c.json(body, status as 200, headers);
    }
    if (rule.fault?.type === 'drop') {
      const incoming = (c.env as { incoming?: { socket?: { destroy(): void } } } | undefined)?.incoming;
      incoming?.socket?.destroy();
      throw new ConnectionDropped();
    }
    return next();
  });

  // Route against the spec, authenticate, validate.
  app.use('*', async (c, next) => {
    const matched = twin.spec.match(c.req.method === 'HEAD' ? 'GET' : c.req.method, c.req.path);
    if (!matched) return def.notFound(c);
    c.set('op', matched.op);
    await def.authenticate?.(c, matched.op);
    const issues: ValidationIssue[] = [];
    // `x-doppel-body: handler`: the platform checks its body itself, in its own order.
    const bodyByHandler = matched.op.extensions['x-doppel-body'] === 'handler';
    if (!bodyByHandler && c.var.rawBody !== undefined && c.var.body === undefined) {
      issues.push({ in: 'body', name: '', keyword: 'parse', message: 'body is not valid for its content type' });
    }
    issues.push(
      ...matched.op.validate({
        query: new URL(c.req.url).searchParams,
        header: (n) => c.req.header(n),
        pathParams: matched.params,
        contentType: c.req.header('content-type'),
        body: bodyByHandler ? undefined : c.var.body,
        skipBody: bodyByHandler,
      }),
    );
    if (issues.length) {
      c.var.notes.validation = issues;
      return def.onInvalid(c, issues, matched.op);
    }
    return next();
  });

  def.routes(app);
  app.notFound((c) => def.notFound(c));
  return { app, twin };
}

export type { Context };

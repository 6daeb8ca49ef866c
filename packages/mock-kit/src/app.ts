import { Hono } from 'hono';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { HtmlEscapedCallbackPhase, resolveCallback } from 'hono/utils/html';
import { adminError, adminRoutes } from './admin.ts';
import { type ErrorTemplate, Refusal, render, templateOf } from './errors.ts';
import { cut, JOURNAL_BODY_LIMIT, type RawJournalEntry } from './journal.ts';
import { parseJson } from './json.ts';
import { TwinRouter } from './router.ts';
import type { ValidationIssue } from './openapi.ts';
import {
  type Callers,
  liveFacts,
  type Twin,
  Twin as TwinClass,
  type TwinContext,
  type TwinDefinition,
  type TwinEnv,
  type TwinOptions,
} from './twin.ts';

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
  if (type === '' || type === 'application/json' || type.endsWith('+json') || type === 'text/plain') return parseJson(raw);
  return undefined;
}

const CAPTURED = Symbol('doppel.responseBody');
const CAPTURED_JSON = Symbol('doppel.responseIsJson');
/** Set once a handler calls `c.header()` or `c.status()`: Hono then has headers or a status to merge. */
const PREPARED = Symbol('doppel.preparedHeaders');
type Capturing = Context & { [CAPTURED]?: unknown; [CAPTURED_JSON]?: boolean; [PREPARED]?: boolean };
const JSON_TYPE = { 'content-type': 'application/json' };

/**
 * The headers of a JSON answer as one plain object, or undefined when Hono must build them (a value that is not a
 * string). A plain object is what @hono/node-server writes without building a `Headers` first.
 */
function plainJsonHeaders(headers: Record<string, unknown>): Record<string, string> | undefined {
  let typed = false;
  for (const k in headers) {
    if (typeof headers[k] !== 'string') return undefined;
    if (k.length === 12 && k.toLowerCase() === 'content-type') typed = true;
  }
  return (typed ? headers : { ...JSON_TYPE, ...headers }) as Record<string, string>;
}

/** Keep a text answer (or none): it replaces what an earlier answer left, a gateway may answer after the handler's c.json. */
function keep(c: Capturing, value: unknown): void {
  c[CAPTURED] = typeof value === 'string' ? value : undefined;
  c[CAPTURED_JSON] = false;
}

/**
 * Remember what a handler answers as it builds the response, so the journal never clones a Response
 * (a clone tees the body stream and takes @hono/node-server off its fast path). Hono defines these
 * helpers per instance, so they are wrapped per request. `c.json` is serialised here, once, and the
 * journal keeps that text: one flat string per entry is far cheaper for the garbage collector than the
 * object graph it came from. When the handler has set no header or status on the context, the answer is
 * built here as Hono would build it, but with plain-object headers: no `Headers` object is made and
 * @hono/node-server writes them as they are.
 */
function captureBodies(c: Capturing): void {
  const body = c.body as (value: unknown, ...rest: unknown[]) => Response;
  const json = c.json as (value: unknown, ...rest: unknown[]) => Response;
  const header = c.header as (...args: unknown[]) => void;
  const status = c.status as (...args: unknown[]) => void;
  const anyC = c as unknown as Record<string, unknown>;
  anyC.header = (...args: unknown[]) => {
    c[PREPARED] = true;
    return header(...args);
  };
  anyC.status = (...args: unknown[]) => {
    c[PREPARED] = true;
    return status(...args);
  };
  anyC.json = (value: unknown, arg?: unknown, headers?: unknown) => {
    const plainHeaders = headers === undefined || (typeof headers === 'object' && !(headers instanceof Headers));
    const plainArg = arg === undefined || typeof arg === 'number' || !((arg as ResponseInit).headers instanceof Headers);
    const text = JSON.stringify(value);
    c[CAPTURED] = text;
    c[CAPTURED_JSON] = true;
    // Headers objects: Hono merges them; the journal still keeps the text sent (a Date as its ISO string).
    if (!plainHeaders || !plainArg) return json(value, arg, headers);
    if ((arg === undefined || typeof arg === 'number') && !c[PREPARED] && !c.finalized) {
      const plain = headers === undefined ? JSON_TYPE : plainJsonHeaders(headers as Record<string, unknown>);
      if (plain) return new Response(text, { status: (arg as number | undefined) ?? 200, headers: plain });
    }
    return body(text, arg, headers ? { ...JSON_TYPE, ...(headers as object) } : JSON_TYPE);
  };
  anyC.body = (value: unknown, ...rest: unknown[]) => {
    keep(c, value);
    return body(value, ...rest);
  };
  const text = c.text as (value: unknown, ...rest: unknown[]) => Response;
  anyC.text = (value: unknown, ...rest: unknown[]) => {
    keep(c, value);
    return text(value, ...rest);
  };
  const html = c.html as (value: unknown, ...rest: unknown[]) => Response | Promise<Response>;
  anyC.html = (value: unknown, ...rest: unknown[]) => {
    if (typeof value === 'string') {
      keep(c, value);
      return html(value, ...rest);
    }
    // `hono/html` and JSX give a String object or a promise of one, which Hono resolves into the text it sends:
    // resolved here the same way (its callbacks run once), so the journal keeps the text the client received.
    if (typeof value !== 'object' || value === null) return html(value, ...rest);
    return resolveCallback(value as unknown as string, HtmlEscapedCallbackPhase.Stringify, false, {}).then((resolved) => {
      const sent = String(resolved);
      keep(c, sent);
      return html(sent, ...rest);
    });
  };
}

/**
 * What the handler (or an error template) answered for this request so far, as it was given to
 * `c.json()` / `c.body()`: a gateway reads it instead of cloning the Response.
 */
export function capturedBody(c: Context): unknown {
  const cc = c as Capturing;
  const v = cc[CAPTURED];
  return cc[CAPTURED_JSON] && typeof v === 'string' ? JSON.parse(v) : v;
}

/** The journal's copy of the response body: JSON text (parsed when read), form fields, or text. */
function responseBody(c: Capturing): { body: unknown; json: boolean } {
  const v = c[CAPTURED];
  if (typeof v !== 'string') return { body: v, json: false };
  if (v.length > JOURNAL_BODY_LIMIT) return { body: cut(v), json: false };
  if (c[CAPTURED_JSON]) return { body: v, json: true };
  // Form replies (OAuth token endpoints) become fields, so secret-named ones are masked like JSON's.
  if (c.res.headers.get('content-type')?.includes('x-www-form-urlencoded')) {
    return { body: Object.fromEntries(new URLSearchParams(v)), json: false };
  }
  return { body: v, json: false };
}

/** What the journal keeps of a request body: parsed, else the text; cut past the limit; a marker if refused unread. */
function journalBody(raw: string | undefined, parsed: unknown, limit: number, refusedUnread: boolean): unknown {
  if (refusedUnread) return `[not kept: the body was over the twin's limit of ${limit} bytes]`;
  if (raw === undefined) return undefined;
  if (raw.length > JOURNAL_BODY_LIMIT) return cut(raw);
  return parsed === undefined ? raw : parsed;
}

/** The kit's own refusals, whatever the platform. */
export const KIT_ERRORS = {
  unknownScenario: (named: string, known: string[]): Refusal =>
    new Refusal(
      'unknown_scenario',
      {},
      {
        description: `The ${SCENARIO_HEADER} header names no error of this twin`,
        status: 400,
        body: { error: { code: 'unknown_scenario', message: `unknown scenario "${named}"`, known } },
      },
    ),
  tooLarge: (limit: number): Refusal =>
    new Refusal(
      'payload_too_large',
      {},
      {
        description: "The request body is over the twin's limit",
        status: 413,
        body: { error: { code: 'payload_too_large', message: `the request body is over the limit of ${limit} bytes` } },
      },
    ),
  defect: {
    description: 'A defect in the twin itself (never expected)',
    status: 500,
    body: { message: 'doppel twin defect' },
  } satisfies ErrorTemplate,
};

/** A generic `status` fault as a refusal, so it is rendered and journaled like any other. */
function statusFault(status: number, body: unknown, headers: Record<string, string> | undefined): Refusal {
  return new Refusal(`fault:status`, {}, { description: 'status fault', status, body, ...(headers && { headers }) });
}

/**
 * Build a twin's Hono app. It never listens: tests call `app.request()`, `serve.ts` binds a port.
 * Pipeline for a platform request: journal → scenarios → beforeRouting (if any) → route (spec) → authenticate →
 * validate → handler. Whatever is thrown on the way — a Refusal, a fault, a defect — becomes the answer in one
 * place, `answer()`, before the journal records the exchange.
 */
export function createTwinApp<F, S>(def: TwinDefinition<F, S>, options: TwinOptions<F> = {}): TwinApp<F, S> {
  const twin = new TwinClass(def, options);
  // Not strict: `/things/` is `/things`, as the spec matcher has it.
  const app = new Hono<TwinEnv<F, S>>({ strict: false, router: new TwinRouter() });
  const parseBody = def.parseBody ?? defaultParseBody;
  type C = TwinContext<F, S>;

  /** The one place a thrown value becomes the response. A dropped connection has no response: rethrown. */
  async function answer(c: C, thrown: unknown): Promise<Response> {
    if (thrown instanceof ConnectionDropped) throw thrown;
    if (thrown instanceof HTTPException && !(thrown instanceof Refusal)) return thrown.getResponse();
    if (thrown instanceof Refusal) {
      const template = templateOf(thrown, def.errors);
      if (template) {
        c.set('refusal', thrown.errorName);
        return render(c, template, thrown.overrides);
      }
      thrown = new Error(`the twin raised "${thrown.errorName}", which is not in its error catalogue`);
    }
    const err = thrown instanceof Error ? thrown : new Error(String(thrown));
    const notes = c.get('notes');
    if (notes) notes.error = String(err.stack ?? err);
    console.error(`[doppel:${def.name}] defect while serving ${c.req.method} ${c.req.path}:`, err);
    const refusal = def.internalError?.(c, err);
    const template = refusal ? templateOf(refusal, def.errors) : undefined;
    c.set('refusal', template ? refusal!.errorName : 'defect');
    return render(c, template ?? KIT_ERRORS.defect, template ? refusal!.overrides : {});
  }

  // A handler's throw is caught by Hono at the handler's level: the same answer(), before the journal's turn.
  app.onError((err, c) => answer(c as C, err));

  // The admin API first, so it never passes through the platform's pipeline.
  app.use('/__admin/*', async (c, next) => {
    c.set('twin', twin);
    c.set('notes', {});
    return next();
  });
  app.route('/__admin', adminRoutes(twin));

  /**
   * The request body as text, refused over the twin's limit in the platform's shape: by its Content-Length
   * before reading anything, else (chunked) as soon as the bytes read pass it. A refused body is drained and
   * the connection closed after the answer, so the client reads the 413 instead of a reset.
   */
  async function readBody(c: C): Promise<string> {
    const limit = twin.bodyLimit;
    const declared = c.req.header('content-length');
    if (declared !== undefined) {
      if (Number(declared) <= limit) return c.req.text();
      drain(c);
      throw tooLarge(c, limit, Number(declared));
    }
    const stream = c.req.raw.body;
    if (!stream) return '';
    const reader = stream.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw tooLarge(c, limit, size);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function tooLarge(c: C, limit: number, size: number): Refusal {
    c.header('connection', 'close');
    c.get('notes').bodyLimit = { limit, received: size };
    return def.tooLarge?.(c, limit) ?? KIT_ERRORS.tooLarge(limit);
  }

  /** Read and discard what the client still sends (over HTTP; in-process there is nothing to drain). */
  function drain(c: C): void {
    (c.env as { incoming?: { resume?: () => void } } | undefined)?.incoming?.resume?.();
  }

  /** Scenarios: the per-request header, then the rules. Throws the forced answer, if any. */
  async function scenario(c: C, query: () => URLSearchParams, callers: () => Callers | undefined): Promise<void> {
    const notes = c.get('notes');
    const named = c.req.header(SCENARIO_HEADER);
    if (named !== undefined) {
      if (!Object.hasOwn(def.errors, named)) throw KIT_ERRORS.unknownScenario(named, Object.keys(def.errors));
      notes.scenario = named;
      throw new Refusal(named);
    }
    if (twin.rules.size === 0) return;
    const rule = twin.rules.take({
      method: c.req.method,
      path: c.req.path,
      query: query(),
      header: (n) => c.req.header(n),
      callers,
      body: c.get('body'),
    });
    if (!rule) return;
    notes.scenario = rule.scenario ?? `fault:${rule.fault?.type}`;
    notes.rule = rule.id;
    notes.ruleSummary = rule.summary;
    if (rule.fault?.type === 'delay') await sleep(rule.fault.ms);
    if (rule.scenario) throw new Refusal(rule.scenario);
    if (rule.fault?.type === 'status') throw statusFault(rule.fault.status, rule.fault.body, rule.fault.headers);
    if (rule.fault?.type === 'drop') {
      const incoming = (c.env as { incoming?: { socket?: { destroy(): void } } } | undefined)?.incoming;
      incoming?.socket?.destroy();
      throw new ConnectionDropped();
    }
  }

  /** Route against the spec, authenticate, validate. Throws the platform's refusal, if any. */
  async function admit(c: C, query: () => URLSearchParams): Promise<void> {
    const method = c.req.method;
    const matched = twin.spec.match(method === 'HEAD' ? 'GET' : method, c.req.path);
    if (!matched) throw def.notFound(c);
    c.set('op', matched.op);
    // Synchronous on success, so the hot path has no extra await.
    const auth = def.authenticate?.(c, matched.op);
    if (auth instanceof Promise) await auth;
    const issues: ValidationIssue[] = [];
    // `x-doppel-body: handler`: the platform checks its body itself, in its own order.
    const bodyByHandler = matched.op.extensions['x-doppel-body'] === 'handler';
    const body = c.get('body');
    const unparseable = !bodyByHandler && c.get('rawBody') !== undefined && body === undefined;
    if (unparseable) issues.push({ in: 'body', name: '', keyword: 'parse', message: 'body is not valid for its content type' });
    issues.push(
      ...matched.op.validate({
        query: query(),
        header: (n) => c.req.header(n),
        pathParams: matched.params,
        contentType: c.req.header('content-type'),
        body: bodyByHandler ? undefined : body,
        skipBody: bodyByHandler || unparseable,
      }),
    );
    if (issues.length) {
      c.get('notes').validation = issues;
      throw def.onInvalid(c, issues, matched.op);
    }
  }

  // The platform pipeline, one middleware: scenarios → beforeRouting → route → authenticate → validate → handler,
  // then the journal records what the client receives.
  app.use('*', async (c, next) => {
    const started = performance.now();
    captureBodies(c as unknown as Capturing);
    c.set('twin', twin);
    const notes: Record<string, unknown> = {};
    c.set('notes', notes);
    const id = twin.journal.nextId();
    const method = c.req.method;
    const url = c.req.url;
    let search: URLSearchParams | undefined;
    const query = () => {
      if (!search) search = new URLSearchParams(rawQuery(url));
      return search;
    };
    let raw: string | undefined;
    let body: unknown;
    // Who called: computed only when a caller-scoped rule is tried (else the journal works it out when read).
    let callers: Callers | null | undefined;
    let dropped: ConnectionDropped | undefined;
    try {
      if (method !== 'GET' && method !== 'HEAD') {
        raw = await readBody(c);
        if (raw === '') raw = undefined;
      }
      c.set('rawBody', raw);
      body = raw === undefined ? undefined : parseBody(raw, c.req.header('content-type'));
      c.set('body', body);
      // Most requests name no scenario and the twin has no rules: skip the async step entirely.
      if (c.req.header(SCENARIO_HEADER) !== undefined || twin.rules.size !== 0) {
        await scenario(c, query, (): Callers | undefined => {
          if (callers === undefined) {
            try {
              callers = def.callers?.of(liveFacts(c, body, notes, query), twin) ?? null;
            } catch (err) {
              console.error(`[doppel:${def.name}] the callers hook failed:`, err);
              callers = null;
            }
            if (callers && Object.keys(callers).length === 0) callers = null;
          }
          return callers ?? undefined;
        });
      }
      if (def.beforeRouting) {
        // The platform's interception layer sees the request before routing; whatever the rest of the pipeline
        // answers (a refusal included) is in `c.res` when its `next` returns.
        const answered = await def.beforeRouting(c, async () => {
          try {
            await admit(c, query);
            await next();
          } catch (err) {
            c.res = await answer(c, err);
          }
        });
        if (answered) c.res = answered;
      } else {
        await admit(c, query);
        await next();
      }
    } catch (err) {
      if (err instanceof ConnectionDropped) dropped = err;
      else c.res = await answer(c, err);
    }
    const answered = dropped ? { body: undefined, json: false } : responseBody(c as Capturing);
    let noted = false;
    for (const _ in notes) {
      noted = true;
      break;
    }
    const entry: RawJournalEntry = {
      id,
      at: twin.clock.now(),
      method,
      url,
      headers: (c.env as { incoming?: { rawHeaders?: string[] } } | undefined)?.incoming?.rawHeaders ?? c.req.raw.headers,
      body: journalBody(raw, body, twin.bodyLimit, c.get('notes').bodyLimit !== undefined),
      // A dropped connection answered nothing: status 0.
      status: dropped ? 0 : c.res.status,
      responseBody: answered.body,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    };
    const refusal = c.get('refusal');
    if (refusal !== undefined) entry.error = refusal;
    if (answered.json) entry.responseJson = true;
    if (noted) entry.notes = notes;
    if (callers !== undefined) entry.callers = callers;
    twin.journal.record(entry);
    if (dropped) throw dropped;
  });

  for (const [base, routes] of def.routes) app.route(base, routes);
  app.notFound((c) =>
    c.req.path === '/__admin' || c.req.path.startsWith('/__admin/')
      ? adminError(c, 404, 'not_found', `no admin route ${c.req.method} ${c.req.path}`)
      : answer(c as C, def.notFound(c as C)),
  );
  return { app, twin };
}

/** The query string of a URL, without `?` and fragment ('' for none), exactly as sent. */
export function rawQuery(url: string): string {
  const i = url.indexOf('?');
  if (i < 0) return '';
  const hash = url.indexOf('#', i);
  return hash < 0 ? url.slice(i + 1) : url.slice(i + 1, hash);
}

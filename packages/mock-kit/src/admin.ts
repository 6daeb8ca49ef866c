import { existsSync, readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { stringify as stringifyYaml } from 'yaml';
import { FixtureError, parseYamlText } from './fixtures.ts';
import { refuseAdmin } from './guard.ts';
import { type JournalEvent, type JournalFilter, matches, pathMatcher } from './journal.ts';
import { MAX_JSON_DEPTH, parseJson } from './json.ts';
import { type LoadedSpec, loadSpec } from './openapi.ts';
import type { RuleInput } from './scenarios.ts';
import { specFile } from './spec-file.ts';
import type { Twin, TwinEnv } from './twin.ts';

/** The largest admin request body (a fixtures document), in bytes. */
export const ADMIN_BODY_LIMIT = 16 * 1024 * 1024;

/** The admin API's own contract, shared by every twin. */
export const ADMIN_SPEC = specFile('admin', import.meta.url);

export function adminError(c: Context, status: 400 | 401 | 403 | 404 | 409 | 413, code: string, message: string, details?: unknown) {
  return c.json({ error: { code, message, ...(details !== undefined && { details }) } }, status);
}

function filterFrom(c: Context): JournalFilter {
  const q = c.req.query();
  const f: JournalFilter = {};
  if (q.method) f.method = q.method;
  if (q.path) f.path = q.path;
  if (q.status) f.status = Number(q.status);
  if (q.tenant) f.tenant = q.tenant;
  if (q.caller) f.caller = q.caller;
  return f;
}

/** The media types an admin body may be YAML in (`PUT /__admin/fixtures`: fixtures files are often YAML). */
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml']);

/** A keep-alive comment on an idle journal stream, so proxies keep it open. */
const KEEP_ALIVE_MS = 15_000;

type Json = Record<string, unknown>;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Every admin route of `spec` (paths under /__admin), with its one-line summary. */
function adminRoutesOf(spec: LoadedSpec): { method: string; path: string; summary: string }[] {
  const out: { method: string; path: string; summary: string }[] = [];
  for (const [path, item] of Object.entries((spec.doc.paths ?? {}) as Record<string, Json>)) {
    if (path !== '/__admin' && !path.startsWith('/__admin/')) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const text = String(op.summary ?? op.description ?? op.operationId ?? '')
        .replace(/\s+/g, ' ')
        .trim();
      // One line: the summary, else the description's first sentence.
      const stop = op.summary === undefined ? text.indexOf('. ') : -1;
      out.push({ method: method.toUpperCase(), path, summary: stop < 0 ? text : text.slice(0, stop + 1) });
    }
  }
  return out;
}

/** The twin's OpenAPI document as YAML: the file as written when the twin has it, else the document serialised. */
function specYaml(spec: LoadedSpec, file: string): string {
  const yamlFile = /\.ya?ml$/i.test(file) ? file : file.replace(/\.json$/i, '.yaml');
  return existsSync(yamlFile) ? readFileSync(yamlFile, 'utf8') : stringifyYaml(spec.doc);
}

/** `/__admin`: health, reset, fixtures, states, journal, scenarios, clock; plus the twin's own admin routes. */
export function adminRoutes<F, S>(twin: Twin<F, S>): Hono<TwinEnv<F, S>> {
  const admin = new Hono<TwinEnv<F, S>>({ strict: false });
  const adminSpec = loadSpec(ADMIN_SPEC);
  const started = Date.now();

  // Every admin request passes the guard (host, origin, token), then is validated against admin.yaml (or the
  // twin's spec for its own admin routes).
  admin.use('*', async (c, next) => {
    const refused = refuseAdmin((name) => c.req.header(name), twin.adminGuard);
    if (refused) return adminError(c, ...refused);
    const path = c.req.path;
    const matched = adminSpec.match(c.req.method, path) ?? twin.spec.match(c.req.method, path);
    if (!matched) return adminError(c, 404, 'not_found', `no admin route ${c.req.method} ${path}`);
    let body: unknown;
    if (Number(c.req.header('content-length') ?? 0) > ADMIN_BODY_LIMIT) {
      return adminError(c, 413, 'payload_too_large', `admin bodies are limited to ${ADMIN_BODY_LIMIT} bytes`);
    }
    const raw = c.req.method === 'GET' || c.req.method === 'DELETE' ? '' : await c.req.text();
    if (raw.length > ADMIN_BODY_LIMIT)
      return adminError(c, 413, 'payload_too_large', `admin bodies are limited to ${ADMIN_BODY_LIMIT} bytes`);
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (raw !== '' && YAML_TYPES.has(type)) {
      try {
        body = parseYamlText(raw, 'request body');
      } catch (err) {
        if (!(err instanceof FixtureError)) throw err;
        return adminError(c, 400, 'invalid_yaml', err.problems[0]!.reason, err.problems);
      }
    } else if (raw !== '') {
      body = parseJson(raw);
      if (body === undefined) {
        return adminError(c, 400, 'invalid_json', `the body is not valid JSON (or nests deeper than ${MAX_JSON_DEPTH} levels)`);
      }
    }
    c.set('body', body);
    const issues = matched.op.validate({
      query: new URL(c.req.url).searchParams,
      header: (n) => c.req.header(n),
      pathParams: matched.params,
      contentType: 'application/json',
      body,
    });
    if (issues.length) return adminError(c, 400, 'invalid_request', issues.map((i) => i.message).join('; '), issues);
    return next();
  });

  let routeList: { method: string; path: string; summary: string }[] | undefined;
  admin.get('/', (c) => {
    routeList ??= [...adminRoutesOf(adminSpec), ...adminRoutesOf(twin.spec)];
    return c.json({
      twin: twin.def.name,
      title: twin.def.title,
      console: twin.consoleUrl ?? null,
      reference: { openapi: '/__admin/openapi.yaml', openapiJson: '/__admin/openapi.json' },
      routes: routeList,
    });
  });
  let yamlText: string | undefined;
  admin.get('/openapi.yaml', (c) => {
    yamlText ??= specYaml(twin.spec, twin.def.spec);
    return c.body(yamlText, 200, { 'content-type': 'application/yaml; charset=utf-8' });
  });
  admin.get('/openapi.json', (c) => c.json(twin.spec.doc));

  admin.get('/health', (c) =>
    c.json({
      status: 'ok',
      twin: twin.def.name,
      title: twin.def.title,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      fixtures: twin.fixturesSource,
      state: twin.activeState ?? null,
      journal: { size: twin.journal.capacity, recorded: twin.journal.recorded(), ...twin.journal.usage(), maxBytes: twin.journal.maxBytes },
      bodyLimit: twin.bodyLimit,
      stores: Object.fromEntries(Object.entries(twin.def.stores?.(twin.state) ?? {}).map(([name, store]) => [name, store.usage()])),
      rules: twin.rules.size,
      clock: new Date(twin.clock.now()).toISOString(),
      store: twin.storeStatus?.() ?? { kind: 'memory' },
    }),
  );

  admin.post('/reset', (c) => {
    twin.reset();
    return c.json({ reset: true, fixtures: twin.fixturesSource });
  });

  admin.get('/fixtures', (c) => c.json(twin.fixtures as object));
  admin.put('/fixtures', (c) => {
    try {
      twin.replaceFixtures(c.get('body'), 'request body');
    } catch (err) {
      if (err instanceof FixtureError) return adminError(c, 400, 'invalid_fixtures', err.message, err.problems);
      throw err;
    }
    return c.json({ replaced: true });
  });

  admin.get('/states', (c) => c.json({ active: twin.activeState ?? null, states: twin.stateNames() }));
  admin.post('/states/:name', (c) => {
    const name = c.req.param('name');
    try {
      twin.useState(name, (c.get('body') as { params?: Record<string, unknown> } | undefined)?.params ?? {});
    } catch (err) {
      if (err instanceof RangeError) return adminError(c, 404, 'unknown_state', err.message);
      if (err instanceof FixtureError) return adminError(c, 400, 'invalid_fixtures', err.message, err.problems);
      throw err;
    }
    return c.json({ active: name });
  });

  admin.get('/journal', (c) => {
    const limit = Number(c.req.query('limit') ?? 100);
    const entries = twin.journal.find(filterFrom(c));
    return c.json({ total: entries.length, entries: entries.slice(-limit).reverse() });
  });
  admin.delete('/journal', (c) => {
    twin.journal.clear();
    return c.json({ cleared: true });
  });
  admin.get('/journal/stream', (c) => {
    const filter = filterFrom(c);
    const pathOk = filter.path ? pathMatcher(filter.path) : () => true;
    return streamSSE(c, async (stream) => {
      let chain: Promise<unknown> = Promise.resolve();
      const send = (write: () => Promise<unknown>) => {
        chain = chain.then(write).catch(() => undefined);
      };
      const listener = (event: JournalEvent) => {
        if (event.type === 'cleared') send(() => stream.writeSSE({ event: 'cleared', data: '{}' }));
        else if (matches(event.entry, filter, pathOk)) {
          const data = JSON.stringify(event.entry);
          send(() => stream.writeSSE({ event: 'entry', id: String(event.entry.id), data }));
        }
      };
      const unsubscribe = twin.journal.subscribe(listener);
      const keepAlive = setInterval(() => send(() => stream.write(': keep-alive\n\n')), KEEP_ALIVE_MS);
      keepAlive.unref?.();
      const closed = new Promise<void>((resolve) => {
        stream.onAbort(() => resolve());
      });
      send(() => stream.writeSSE({ event: 'ready', data: JSON.stringify({ twin: twin.def.name, recorded: twin.journal.recorded() }) }));
      await closed;
      clearInterval(keepAlive);
      unsubscribe();
    });
  });
  admin.post('/journal/count', (c) => c.json({ count: twin.journal.count((c.get('body') ?? {}) as JournalFilter) }));
  admin.get('/journal/:id', (c) => {
    const entry = twin.journal.get(Number(c.req.param('id')));
    return entry ? c.json(entry) : adminError(c, 404, 'not_found', `no journal entry ${c.req.param('id')}`);
  });

  admin.get('/scenarios', (c) =>
    c.json({
      callerKinds: Object.entries(twin.def.callers?.kinds ?? {}).map(([kind, description]) => ({ kind, description })),
      callers: twin.def.callers?.known(twin.fixtures) ?? [],
      scenarios: Object.entries(twin.def.errors).map(([name, t]) => ({
        name,
        description: t.description,
        status: t.status,
        body: t.body,
        ...(t.headers && { headers: t.headers }),
      })),
    }),
  );
  admin.get('/scenarios/rules', (c) => c.json({ rules: twin.rules.list() }));
  admin.post('/scenarios/rules', (c) => {
    const input = c.get('body') as RuleInput;
    if (!input.scenario && !input.fault) {
      return adminError(c, 400, 'invalid_request', 'a rule needs a scenario or a fault');
    }
    if (input.scenario && !Object.hasOwn(twin.def.errors, input.scenario)) {
      return adminError(c, 404, 'unknown_scenario', `unknown scenario "${input.scenario}"`, Object.keys(twin.def.errors));
    }
    const refused = unknownCaller(twin, input);
    if (refused) return adminError(c, 400, ...refused);
    return c.json(twin.rules.add(input), 201);
  });
  admin.delete('/scenarios/rules', (c) => {
    twin.rules.clear();
    return c.json({ cleared: true });
  });
  admin.delete('/scenarios/rules/:id', (c) =>
    twin.rules.remove(c.req.param('id'))
      ? c.json({ removed: c.req.param('id') })
      : adminError(c, 404, 'not_found', `no rule ${c.req.param('id')}`),
  );

  const clockBody = () => ({ now: new Date(twin.clock.now()).toISOString(), offsetMs: twin.clock.offset() });
  admin.get('/clock', (c) => c.json(clockBody()));
  const moveClock = (c: Context, move: () => void) => {
    try {
      move();
    } catch (err) {
      if (err instanceof RangeError) return adminError(c, 400, 'clock_out_of_range', err.message);
      throw err;
    }
    return c.json(clockBody());
  };
  admin.put('/clock', (c) => {
    const at = Date.parse((c.get('body') as { now: string }).now);
    if (Number.isNaN(at)) return adminError(c, 400, 'invalid_request', 'now must be an ISO 8601 date-time');
    return moveClock(c, () => twin.clock.set(at));
  });
  admin.post('/clock/advance', (c) => {
    const b = c.get('body') as { ms?: number; seconds?: number; minutes?: number };
    const ms = Math.round((b.ms ?? 0) + (b.seconds ?? 0) * 1000 + (b.minutes ?? 0) * 60_000);
    return moveClock(c, () => twin.clock.advance(ms));
  });
  admin.delete('/clock', (c) => {
    twin.clock.reset();
    return c.json(clockBody());
  });

  if (twin.def.adminRoutes) admin.route('/', twin.def.adminRoutes);
  return admin;
}

/** Why a rule's caller scope names no caller the fixtures know (code, message, the known ones), if it does not. */
function unknownCaller<F, S>(twin: Twin<F, S>, input: RuleInput): [string, string, unknown] | undefined {
  if (input.caller === undefined && input.tenant === undefined) return undefined;
  const hooks = twin.def.callers;
  const kinds = Object.keys(hooks?.kinds ?? {});
  const known = hooks?.known(twin.fixtures) ?? [];
  for (const [kind, id] of Object.entries(input.caller ?? {})) {
    if (!kinds.includes(kind)) {
      const has = kinds.length ? `its caller kinds are: ${kinds.join(', ')}` : 'it names no callers';
      return ['unknown_caller_kind', `${twin.def.name} has no caller kind "${kind}"; ${has}`, { kinds }];
    }
    if (!known.some((k) => k.kind === kind && k.id === id)) {
      const ofKind = known.filter((k) => k.kind === kind);
      const list = ofKind.map((k) => k.id).join(', ') || 'none';
      return ['unknown_caller', `the fixtures know no ${kind} "${id}"; known ${kind}s: ${list}`, { known: ofKind }];
    }
  }
  const tenant = input.tenant;
  if (tenant !== undefined && !known.some((k) => k.id === tenant)) {
    const list = known.map((k) => `${k.kind} ${k.id}`).join(', ') || 'none';
    return ['unknown_caller', `the fixtures know no caller "${tenant}" (tenant is deprecated: use caller); known: ${list}`, { known }];
  }
  return undefined;
}

import type { components, operations, paths } from '../generated/admin.ts';
import { type Answer, type BaseOptions, openapi, type Result, settle } from '../http.ts';

export type RuleInput = components['schemas']['RuleInput'];
export type Rule = components['schemas']['Rule'];
export type JournalEntry = components['schemas']['JournalEntry'];
export type JournalFilter = components['schemas']['JournalFilter'];
export type Clock = components['schemas']['Clock'];
export type AdminIndex = components['schemas']['AdminIndex'];
export type KnownCaller = components['schemas']['KnownCaller'];
export type Scenarios = operations['listScenarios']['responses']['200']['content']['application/json'];
export type JournalStreamFilter = NonNullable<operations['streamJournal']['parameters']['query']>;

/**
 * What `watchJournal` yields: `ready` once subscribed (requests from then on are seen), each new entry, and
 * `cleared` when the journal is cleared (or the twin reset).
 */
export type JournalStreamEvent = { type: 'ready' } | { type: 'entry'; entry: JournalEntry } | { type: 'cleared' };

export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AdminError';
  }

  /** The error of a refused admin call: its `{error: {code, message, details}}`, or `http` when the body is not that. */
  static of<C extends typeof AdminError>(this: C, body: unknown, status: number): InstanceType<C> {
    const e = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    return new this(status, e?.code ?? 'http', e?.message ?? `HTTP ${status}`, e?.details) as InstanceType<C>;
  }
}

const judge = (body: unknown, response: Response) => (response.ok ? undefined : AdminError.of(body, response.status));

/** The admin API every twin serves under `/__admin`: states, scenarios, journal, clock. */
export function createAdminClient(options: BaseOptions) {
  const api = openapi<paths>(options);
  const text = { parseAs: 'text' } as const;
  const ok = <T>(pending: Promise<Answer>) => settle<T, AdminError>(pending, judge);
  return {
    health: () => ok<components['schemas']['Health']>(api.GET('/__admin/health', text)),
    reset: () => ok<object>(api.POST('/__admin/reset', text)),
    useState: (name: string, params?: Record<string, unknown>) =>
      ok<object>(api.POST('/__admin/states/{name}', { params: { path: { name } }, body: params && { params }, ...text })),
    /** Replace the live fixtures: an object is sent as JSON, a string as YAML (a fixtures file's text). */
    replaceFixtures: (fixtures: object | string) =>
      ok<object>(
        typeof fixtures === 'string'
          ? api.PUT('/__admin/fixtures', {
              body: fixtures as never,
              bodySerializer: (b: unknown) => b as string,
              headers: { 'content-type': 'application/yaml' },
              ...text,
            })
          : api.PUT('/__admin/fixtures', { body: fixtures as Record<string, unknown>, ...text }),
      ),
    /** The admin API's routes, the twin's API reference and the console's URL. */
    index: () => ok<AdminIndex>(api.GET('/__admin', text)),
    /** The twin's own API description: its OpenAPI document as YAML text, or parsed from JSON. */
    openapi: () => ok<Record<string, unknown>>(api.GET('/__admin/openapi.json', text)),
    openapiYaml: () => ok<string>(api.GET('/__admin/openapi.yaml', text)),
    /** The platform's error catalogue, its caller kinds and the callers the fixtures know. */
    scenarios: () => ok<Scenarios>(api.GET('/__admin/scenarios', text)),
    rules: () => ok<{ rules: Rule[] }>(api.GET('/__admin/scenarios/rules', text)),
    removeRule: (id: string) => ok<object>(api.DELETE('/__admin/scenarios/rules/{id}', { params: { path: { id } }, ...text })),
    addRule: (rule: RuleInput) => ok<Rule>(api.POST('/__admin/scenarios/rules', { body: rule, ...text })),
    clearRules: () => ok<object>(api.DELETE('/__admin/scenarios/rules', text)),
    journal: (filter: NonNullable<operations['listJournal']['parameters']['query']> = {}) =>
      ok<{ total: number; entries: JournalEntry[] }>(api.GET('/__admin/journal', { params: { query: filter }, ...text })),
    clearJournal: () => ok<object>(api.DELETE('/__admin/journal', text)),
    count: (filter: JournalFilter = {}) => ok<{ count: number }>(api.POST('/__admin/journal/count', { body: filter, ...text })),
    advanceClock: (by: { ms?: number; seconds?: number; minutes?: number }) =>
      ok<Clock>(api.POST('/__admin/clock/advance', { body: by, ...text })),
    setClock: (now: Date | string) =>
      ok<Clock>(api.PUT('/__admin/clock', { body: { now: typeof now === 'string' ? now : now.toISOString() }, ...text })),
    restoreClock: () => ok<Clock>(api.DELETE('/__admin/clock', text)),
    /**
     * The journal live: `ready`, then every new entry matching the filter (and `cleared`), until `signal` aborts or
     * the loop stops. Nothing is sent before the iterator is first awaited; wait for `ready` before the requests.
     */
    watchJournal: (filter: JournalStreamFilter = {}, init: { signal?: AbortSignal } = {}) => watch(options, filter, init.signal),
    /** Any other admin route (a twin's own, e.g. `/inbox`), under `/__admin`. */
    request: <T>(method: string, path: string, body?: unknown): Promise<Result<T, AdminError>> =>
      ok<T>(api.request(method as 'get', `/__admin${path}` as '/__admin/health', { body: body as never, ...text })),
  };
}

export type AdminClient = ReturnType<typeof createAdminClient>;

/** The journal stream (`GET /__admin/journal/stream`, server-sent events) as an async iterable. */
async function* watch(options: BaseOptions, filter: JournalStreamFilter, signal?: AbortSignal): AsyncGenerator<JournalStreamEvent> {
  const query = new URLSearchParams(Object.entries(filter).map(([k, v]) => [k, String(v)]));
  const url = `${options.baseUrl.replace(/\/$/, '')}/__admin/journal/stream${query.size ? `?${query}` : ''}`;
  const request = new Request(url, { headers: { accept: 'text/event-stream' }, ...(signal && { signal }) });
  const response = await (options.fetch ?? ((r: Request) => fetch(r)))(request);
  if (!response.ok || !response.body) {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    throw AdminError.of(body, response.status);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n?/g, '\n');
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (event === 'ready') yield { type: 'ready' };
        else if (event === 'entry') yield { type: 'entry', entry: JSON.parse(data.join('\n')) as JournalEntry };
        else if (event === 'cleared') yield { type: 'cleared' };
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

import type { components, operations, paths } from '../generated/admin.ts';
import { type Answer, type BaseOptions, openapi, type Result, settle } from '../http.ts';

export type RuleInput = components['schemas']['RuleInput'];
export type Rule = components['schemas']['Rule'];
export type JournalEntry = components['schemas']['JournalEntry'];
export type JournalFilter = components['schemas']['JournalFilter'];
export type Clock = components['schemas']['Clock'];

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
    replaceFixtures: (fixtures: object) => ok<object>(api.PUT('/__admin/fixtures', { body: fixtures as Record<string, unknown>, ...text })),
    addRule: (rule: RuleInput) => ok<Rule>(api.POST('/__admin/scenarios/rules', { body: rule, ...text })),
    clearRules: () => ok<object>(api.DELETE('/__admin/scenarios/rules', text)),
    journal: (filter: NonNullable<operations['listJournal']['parameters']['query']> = {}) =>
      ok<{ total: number; entries: JournalEntry[] }>(api.GET('/__admin/journal', { params: { query: filter }, ...text })),
    count: (filter: JournalFilter = {}) => ok<{ count: number }>(api.POST('/__admin/journal/count', { body: filter, ...text })),
    advanceClock: (by: { ms?: number; seconds?: number; minutes?: number }) =>
      ok<Clock>(api.POST('/__admin/clock/advance', { body: by, ...text })),
    setClock: (now: Date | string) =>
      ok<Clock>(api.PUT('/__admin/clock', { body: { now: typeof now === 'string' ? now : now.toISOString() }, ...text })),
    restoreClock: () => ok<Clock>(api.DELETE('/__admin/clock', text)),
    /** Any other admin route (a twin's own, e.g. `/inbox`), under `/__admin`. */
    request: <T>(method: string, path: string, body?: unknown): Promise<Result<T, AdminError>> =>
      ok<T>(api.request(method as 'get', `/__admin${path}` as '/__admin/health', { body: body as never, ...text })),
  };
}

export type AdminClient = ReturnType<typeof createAdminClient>;

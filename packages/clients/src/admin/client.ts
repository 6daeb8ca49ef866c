import type { components } from '../generated/admin.ts';
import { type BaseOptions, joinUrl, readBody, resolveFetch, type Result } from '../http.ts';

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
}

/** The admin API every twin serves under `/__admin`: states, scenarios, journal, clock. */
export function createAdminClient(options: BaseOptions) {
  const doFetch = resolveFetch(options.fetch);
  async function call<T>(method: string, path: string, body?: unknown): Promise<Result<T, AdminError>> {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    const response = await doFetch(new Request(joinUrl(options.baseUrl, `/__admin${path}`), init));
    const data = (await readBody(response.clone())) as T & { error?: { code: string; message: string; details?: unknown } };
    if (!response.ok) {
      const e = data?.error;
      return { error: new AdminError(response.status, e?.code ?? 'http', e?.message ?? `HTTP ${response.status}`, e?.details), response };
    }
    return { data, response };
  }
  return {
    health: () => call<components['schemas']['Health']>('GET', '/health'),
    reset: () => call<object>('POST', '/reset'),
    useState: (name: string, params?: Record<string, unknown>) =>
      call<object>('POST', `/states/${encodeURIComponent(name)}`, params ? { params } : undefined),
    replaceFixtures: (fixtures: object) => call<object>('PUT', '/fixtures', fixtures),
    addRule: (rule: RuleInput) => call<Rule>('POST', '/scenarios/rules', rule),
    clearRules: () => call<object>('DELETE', '/scenarios/rules'),
    journal: (filter: { method?: string; path?: string; status?: number; tenant?: string; limit?: number } = {}) => {
      const q = new URLSearchParams(Object.entries(filter).map(([k, v]) => [k, String(v)]));
      return call<{ total: number; entries: JournalEntry[] }>('GET', `/journal${q.size ? `?${q}` : ''}`);
    },
    count: (filter: JournalFilter = {}) => call<{ count: number }>('POST', '/journal/count', filter),
    advanceClock: (by: { ms?: number; seconds?: number; minutes?: number }) => call<Clock>('POST', '/clock/advance', by),
    setClock: (now: Date | string) => call<Clock>('PUT', '/clock', { now: typeof now === 'string' ? now : now.toISOString() }),
    restoreClock: () => call<Clock>('DELETE', '/clock'),
    /** Any other admin route (a twin's own, e.g. `/inbox`). */
    request: call,
  };
}

export type AdminClient = ReturnType<typeof createAdminClient>;

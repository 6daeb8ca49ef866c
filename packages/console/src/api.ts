import { createAdminClient, type JournalEntry } from '@doppel/clients/admin';

/** A twin as the console's server lists it (`GET config.json`): its admin API is proxied at `twins/<name>`. */
export interface TwinInfo {
  name: string;
  title: string;
  /** The twin's own URL, the one clients use. */
  url: string;
}

const TOKEN_KEY = 'doppel-admin-token';

/** The admin token, when the twins need one (bound beyond loopback): kept for this tab only. */
export const adminToken = {
  get: () => sessionStorage.getItem(TOKEN_KEY) ?? '',
  set: (token: string) => (token ? sessionStorage.setItem(TOKEN_KEY, token) : sessionStorage.removeItem(TOKEN_KEY)),
};

function withToken(request: Request): Promise<Response> {
  const token = adminToken.get();
  if (token) request.headers.set('x-doppel-admin-token', token);
  return fetch(request);
}

/** The twin's admin API through the console's own server (same origin: no CORS). */
export const adminOf = (twin: TwinInfo) =>
  createAdminClient({ baseUrl: new URL(`twins/${twin.name}`, document.baseURI).href.replace(/\/$/, ''), fetch: withToken });

export type Admin = ReturnType<typeof adminOf>;

export async function loadConfig(): Promise<TwinInfo[]> {
  const res = await fetch('config.json');
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  return ((await res.json()) as { twins: TwinInfo[] }).twins;
}

/** A platform operation a rule may match: its method and its path as a pattern (`{id}` → `*`). */
export interface Operation {
  method: string;
  path: string;
  summary: string;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function operationsOf(doc: Record<string, unknown>): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(
    (doc.paths ?? {}) as Record<string, Record<string, { summary?: string; operationId?: string }>>,
  )) {
    if (path.startsWith('/__admin')) continue;
    for (const m of METHODS) {
      const op = item[m];
      if (op) out.push({ method: m.toUpperCase(), path: path.replace(/\{[^}]+\}/g, '*'), summary: op.summary ?? op.operationId ?? '' });
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** `app:dingdoppelselfbuilt org:dingdoppelcorp` */
export const callersText = (e: JournalEntry) =>
  Object.entries(e.callers ?? {})
    .map(([k, v]) => `${k}:${v}`)
    .join(' ');

export interface JournalView {
  caller: string;
  path: string;
  status: string;
}

const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

/** The filters of the journal view: a caller (`kind:id` or an id), a path (part of it, or a pattern with *), a status. */
export function matches(e: JournalEntry, f: JournalView): boolean {
  const caller = f.caller.trim();
  if (caller) {
    const all = Object.entries(e.callers ?? {});
    if (!all.some(([k, v]) => `${k}:${v}` === caller || v === caller)) return false;
  }
  const path = f.path.trim();
  if (path && !(path.includes('*') ? glob(path).test(e.path) : e.path.includes(path))) return false;
  const status = f.status.trim();
  if (status && !String(e.status).startsWith(status.replace(/x+$/i, ''))) return false;
  return true;
}

/** A refused admin call as the console shows it: the twin's code, message and details (`[{path, reason}]` for fixtures). */
export interface AdminFailure {
  code?: string;
  message?: string;
  details?: unknown;
}

/**
 * `PUT /__admin/fixtures` with the editor's text as it is, as YAML (`application/yaml`) or JSON: the twin parses and
 * validates it, so its own error (a path and a reason) is what the console shows.
 */
export async function sendFixtures(twin: TwinInfo, text: string, format: 'yaml' | 'json'): Promise<{ error?: AdminFailure }> {
  const url = new URL(`twins/${twin.name}/__admin/fixtures`, document.baseURI).href;
  const res = await withToken(
    new Request(url, {
      method: 'PUT',
      headers: { 'content-type': format === 'yaml' ? 'application/yaml' : 'application/json' },
      body: text,
    }),
  );
  if (res.ok) return {};
  const body = (await res.json().catch(() => ({}))) as { error?: AdminFailure };
  return { error: body.error ?? { code: 'http', message: `HTTP ${res.status}` } };
}

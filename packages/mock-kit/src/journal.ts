import { maskDeep, maskRecord } from './mask.ts';

/** A bounded request journal (a ring buffer), the twin's memory of what it was asked. */
export interface JournalEntry {
  id: number;
  /** ISO time on the twin's clock. */
  time: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  responseBody: unknown;
  durationMs: number;
  tenant?: string;
  /** The name of the platform error (or kit error, or `fault:status`) the client received, if it was refused. */
  error?: string;
  /** The scenario or fault that produced this answer, if any. */
  scenario?: string;
  /** The id of the scenario rule that forced this answer, if any. */
  rule?: string;
  /** Twin-specific notes (signature debugger, interception chain, …). */
  notes?: Record<string, unknown>;
}

/**
 * What the hot path stores: references only. Parsing, copying and masking happen when the journal is
 * read, so recording costs a request almost nothing.
 */
export interface RawJournalEntry {
  id: number;
  /** Epoch ms on the twin's clock. */
  at: number;
  method: string;
  /** The request URL (absolute or path + query). */
  url: string;
  /** The request's headers, or Node's rawHeaders [name, value, …] (kept without the socket behind them). */
  headers: Headers | string[];
  /** The parsed body, else the raw text, else undefined. */
  body: unknown;
  status: number;
  responseBody: unknown;
  /** `responseBody` is JSON text, parsed when the journal is read. */
  responseJson?: boolean;
  durationMs: number;
  tenant?: string;
  /** The error template that answered, if the request was refused. */
  error?: string;
  notes?: Record<string, unknown>;
}

function parsedResponse(raw: RawJournalEntry): unknown {
  if (!raw.responseJson || typeof raw.responseBody !== 'string') return raw.responseBody;
  try {
    return JSON.parse(raw.responseBody);
  } catch {
    return raw.responseBody;
  }
}

function headerRecord(h: Headers | string[]): Record<string, string> {
  if (!Array.isArray(h)) return Object.fromEntries(h);
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < h.length; i += 2) {
    const k = h[i]!.toLowerCase();
    out[k] = out[k] === undefined ? h[i + 1]! : `${out[k]}, ${h[i + 1]}`;
  }
  return out;
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

export function materialize(raw: RawJournalEntry, secretNames?: RegExp): JournalEntry {
  const url = new URL(raw.url, 'http://twin.local');
  const notes = raw.notes && Object.keys(raw.notes).length > 0 ? raw.notes : undefined;
  return {
    id: raw.id,
    time: new Date(raw.at).toISOString(),
    method: raw.method,
    path: url.pathname,
    query: maskRecord(queryRecord(url.searchParams), secretNames),
    headers: maskRecord(headerRecord(raw.headers), secretNames),
    body: maskDeep(raw.body, secretNames),
    status: raw.status,
    responseBody: maskDeep(parsedResponse(raw), secretNames),
    durationMs: raw.durationMs,
    ...(raw.tenant !== undefined && { tenant: raw.tenant }),
    ...(raw.error !== undefined && { error: raw.error }),
    ...(typeof notes?.scenario === 'string' && { scenario: notes.scenario }),
    ...(typeof notes?.rule === 'string' && { rule: notes.rule }),
    ...(notes && { notes }),
  };
}

export interface JournalFilter {
  method?: string;
  /** Exact path, or a pattern where `*` matches any run of characters. */
  path?: string;
  status?: number;
  tenant?: string;
  /** Every key/value must be in the request's query. */
  query?: Record<string, string>;
}

export function pathMatcher(pattern: string): (path: string) => boolean {
  if (!pattern.includes('*')) return (p) => p === pattern;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return (p) => re.test(p);
}

function matches(entry: JournalEntry, f: JournalFilter, pathOk: (p: string) => boolean): boolean {
  if (f.method && entry.method !== f.method.toUpperCase()) return false;
  if (f.path && !pathOk(entry.path)) return false;
  if (f.status !== undefined && entry.status !== Number(f.status)) return false;
  if (f.tenant && entry.tenant !== f.tenant) return false;
  if (f.query) {
    for (const [k, v] of Object.entries(f.query)) {
      const got = entry.query[k];
      if (Array.isArray(got) ? !got.includes(v) : got !== v) return false;
    }
  }
  return true;
}

export class Journal {
  private readonly ring: (RawJournalEntry | undefined)[];
  private next = 0;
  private seq = 0;
  private total = 0;

  constructor(
    readonly capacity = 1000,
    private readonly secretNames?: RegExp,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`journal size must be a positive integer, got ${capacity}`);
    }
    this.ring = new Array(capacity);
  }

  nextId(): number {
    this.seq += 1;
    return this.seq;
  }

  record(entry: RawJournalEntry): void {
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    this.total += 1;
  }

  /** Entries oldest first, secrets masked. */
  all(): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const e = this.ring[(this.next + i) % this.capacity];
      if (e) out.push(materialize(e, this.secretNames));
    }
    return out;
  }

  find(filter: JournalFilter = {}): JournalEntry[] {
    const pathOk = filter.path ? pathMatcher(filter.path) : () => true;
    return this.all().filter((e) => matches(e, filter, pathOk));
  }

  count(filter: JournalFilter = {}): number {
    return this.find(filter).length;
  }

  get(id: number): JournalEntry | undefined {
    return this.all().find((e) => e.id === id);
  }

  /** How many requests were recorded since the last clear, including those the ring dropped. */
  recorded(): number {
    return this.total;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.total = 0;
  }
}

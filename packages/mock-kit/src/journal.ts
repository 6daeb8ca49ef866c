import { maskDeep, maskRecord, maskText } from './mask.ts';
import type { Shared, Space } from './shared.ts';

/** What the journal keeps of each request or response body, in characters: the rest is cut, with a marker. */
export const JOURNAL_BODY_LIMIT = 64 * 1024;
/** What the journal may hold in all by default, in bytes (estimated): past it the oldest entries go. */
export const JOURNAL_BYTES = 32 * 1024 * 1024;

/** `text` cut to the journal's body limit, saying how long it was. */
export function cut(text: string, limit = JOURNAL_BODY_LIMIT): string {
  return `${text.slice(0, limit)}… [cut: ${text.length} characters in all, the journal keeps ${limit}]`;
}

/** About how many bytes an entry holds (its strings; a parsed body counts as the text it came from). */
function sizeOf(e: RawJournalEntry): number {
  let n = 256 + e.url.length;
  if (typeof e.body === 'string') n += e.body.length;
  else if (e.body !== undefined) n += JOURNAL_BODY_LIMIT / 16;
  if (typeof e.responseBody === 'string') n += e.responseBody.length;
  else if (e.responseBody !== undefined) n += JOURNAL_BODY_LIMIT / 16;
  if (Array.isArray(e.headers)) for (const h of e.headers) n += h.length;
  return n * 2;
}

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
  /** Who called, by caller kind (`app`, `org`, `user`…: the twin's README, "Callers"). */
  callers?: Record<string, string>;
  /** Deprecated: the first of `callers` in the twin's tenant kinds (read `callers`). */
  tenant?: string;
  /** The name of the platform error (or kit error, or `fault:status`) the client received, if it was refused. */
  error?: string;
  /** The scenario or fault that produced this answer, if any. */
  scenario?: string;
  /** The id of the scenario rule that forced this answer, if any. */
  rule?: string;
  /** What that rule says, in one line (its `summary`). */
  ruleSummary?: string;
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
  /**
   * Who called: set when the pipeline computed it (a caller-scoped rule was tried), else computed when the entry is
   * first read and kept (`null`: none).
   */
  callers?: Record<string, string> | null;
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

/** How the journal learns who called: the twin's caller hook over a recorded request. */
export interface JournalCallers {
  of(raw: RawJournalEntry): Record<string, string> | undefined;
  /** The kinds whose first present caller is the deprecated `tenant`. */
  tenant?: string[];
}

function callersOf(raw: RawJournalEntry, resolve: JournalCallers | undefined): Record<string, string> | undefined {
  if (raw.callers === undefined) {
    let found: Record<string, string> | undefined;
    try {
      found = resolve?.of(raw);
    } catch {
      found = undefined;
    }
    raw.callers = found && Object.keys(found).length > 0 ? found : null;
  }
  return raw.callers ?? undefined;
}

export function materialize(raw: RawJournalEntry, secretNames?: RegExp, resolve?: JournalCallers): JournalEntry {
  const url = new URL(raw.url, 'http://twin.local');
  const notes = raw.notes && Object.keys(raw.notes).length > 0 ? raw.notes : undefined;
  const callers = callersOf(raw, resolve);
  const tenant = callers && resolve?.tenant?.map((k) => callers[k]).find((v) => v !== undefined);
  return {
    id: raw.id,
    time: new Date(raw.at).toISOString(),
    method: raw.method,
    path: url.pathname,
    query: maskRecord(queryRecord(url.searchParams), secretNames),
    headers: maskRecord(headerRecord(raw.headers), secretNames),
    body: typeof raw.body === 'string' ? maskText(raw.body, secretNames) : maskDeep(raw.body, secretNames),
    status: raw.status,
    responseBody: maskBody(parsedResponse(raw), secretNames),
    durationMs: raw.durationMs,
    ...(callers && { callers: { ...callers } }),
    ...(tenant !== undefined && { tenant }),
    ...(raw.error !== undefined && { error: raw.error }),
    ...(typeof notes?.scenario === 'string' && { scenario: notes.scenario }),
    ...(typeof notes?.rule === 'string' && { rule: notes.rule }),
    ...(typeof notes?.ruleSummary === 'string' && { ruleSummary: notes.ruleSummary }),
    ...(notes && { notes }),
  };
}

function maskBody(body: unknown, secretNames?: RegExp): unknown {
  return typeof body === 'string' ? maskText(body, secretNames) : maskDeep(body, secretNames);
}

export interface JournalFilter {
  method?: string;
  /** Exact path, or a pattern where `*` matches any run of characters. */
  path?: string;
  status?: number;
  /** Deprecated: a caller of any kind (read `caller`). */
  tenant?: string;
  /** A caller: `kind:id` (`app:dingdoppelselfbuilt`), or an id of any kind. */
  caller?: string;
  /** Every key/value must be in the request's query. */
  query?: Record<string, string>;
}

/** Whether `callers` has the caller `spec` names (`kind:id`, or an id of any kind). */
export function hasCaller(callers: Record<string, string> | undefined, spec: string): boolean {
  if (!callers) return false;
  const colon = spec.indexOf(':');
  if (colon > 0 && Object.hasOwn(callers, spec.slice(0, colon)) && callers[spec.slice(0, colon)] === spec.slice(colon + 1)) return true;
  return Object.values(callers).includes(spec);
}

/** What a journal listener hears: a new entry (masked like the journal's), or the journal cleared. */
export type JournalEvent = { type: 'entry'; entry: JournalEntry } | { type: 'cleared' };

/**
 * `pattern` with `*` as any run of characters (across `/` too), everything else literal. Matched by the classic
 * greedy wildcard walk with one backtrack point, O(pattern × path) at worst and linear in practice: no RegExp
 * is built from the pattern, so `*a*a*a*a*b` cannot blow up the way a backtracking RegExp (or a glob library
 * compiling to one) does.
 */
export function pathMatcher(pattern: string): (path: string) => boolean {
  if (!pattern.includes('*')) return (p) => p === pattern;
  return (path) => {
    let p = 0;
    let s = 0;
    let star = -1;
    let mark = 0;
    while (s < path.length) {
      if (p < pattern.length && pattern[p] !== '*' && pattern[p] === path[s]) {
        p++;
        s++;
      } else if (p < pattern.length && pattern[p] === '*') {
        star = p++;
        mark = s;
      } else if (star >= 0) {
        p = star + 1;
        s = ++mark;
      } else return false;
    }
    while (pattern[p] === '*') p++;
    return p === pattern.length;
  };
}

export function matches(entry: JournalEntry, f: JournalFilter, pathOk: (p: string) => boolean): boolean {
  if (f.method && entry.method !== f.method.toUpperCase()) return false;
  if (f.path && !pathOk(entry.path)) return false;
  if (f.status !== undefined && entry.status !== Number(f.status)) return false;
  if (f.tenant && !hasCaller(entry.callers, f.tenant)) return false;
  if (f.caller && !hasCaller(entry.callers, f.caller)) return false;
  if (f.query) {
    for (const [k, v] of Object.entries(f.query)) {
      const got = entry.query[k];
      if (Array.isArray(got) ? !got.includes(v) : got !== v) return false;
    }
  }
  return true;
}

export class Journal implements Shared {
  private readonly ring: (RawJournalEntry | undefined)[];
  private readonly sizes: number[];
  private next = 0;
  private kept = 0;
  private bytes = 0;
  private seq = 0;
  private total = 0;
  private readonly listeners = new Set<(event: JournalEvent) => void>();
  /** Who called, for each entry: set by the twin from its caller hook. */
  callers: JournalCallers | undefined;
  /** Bound when the twin's state is shared between replicas (shared.ts): entries are committed, then recorded. */
  private space: Space | undefined;
  private name = '';

  constructor(
    readonly capacity = 1000,
    private readonly secretNames?: RegExp,
    /** What the entries may hold in all, in (estimated) bytes: the oldest go first. */
    readonly maxBytes = JOURNAL_BYTES,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`journal size must be a positive integer, got ${capacity}`);
    }
    if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new RangeError(`journal bytes must be a positive integer, got ${maxBytes}`);
    this.ring = new Array(capacity);
    this.sizes = new Array(capacity).fill(0);
  }

  nextId(): number {
    // Shared: the id is given when the committed entry reaches the journal, in the order of the shared log.
    if (this.space?.current() !== undefined) return 0;
    this.seq += 1;
    return this.seq;
  }

  record(entry: RawJournalEntry): void {
    const tx = this.space?.current();
    if (tx) {
      tx.ops.push([this.name, 'rec', portable(entry)]);
      return;
    }
    if (this.kept === this.capacity) this.dropOldest();
    const size = sizeOf(entry);
    this.ring[this.next] = entry;
    this.sizes[this.next] = size;
    this.next = (this.next + 1) % this.capacity;
    this.kept += 1;
    this.bytes += size;
    this.total += 1;
    // The newest entry always stays, whatever its size (its bodies are already cut).
    while (this.bytes > this.maxBytes && this.kept > 1) this.dropOldest();
    if (this.listeners.size !== 0) this.emit({ type: 'entry', entry: materialize(entry, this.secretNames, this.callers) });
  }

  /** Hear every entry as it is recorded, and every clear; returns the unsubscribe function. */
  subscribe(listener: (event: JournalEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** How many listeners are subscribed (live streams). */
  get listening(): number {
    return this.listeners.size;
  }

  private emit(event: JournalEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        console.error('[doppel] a journal listener failed:', err);
      }
    }
  }

  private dropOldest(): void {
    const oldest = (this.next - this.kept + this.capacity) % this.capacity;
    this.bytes -= this.sizes[oldest]!;
    this.ring[oldest] = undefined;
    this.sizes[oldest] = 0;
    this.kept -= 1;
  }

  /** Entries oldest first, secrets masked. */
  all(): JournalEntry[] {
    const out: JournalEntry[] = [];
    const first = this.next - this.kept + this.capacity;
    for (let i = 0; i < this.kept; i++) out.push(materialize(this.ring[(first + i) % this.capacity]!, this.secretNames, this.callers));
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

  /** How many entries it holds now, and their estimated size in bytes. */
  usage(): { entries: number; bytes: number } {
    return { entries: this.kept, bytes: this.bytes };
  }

  clear(): void {
    const tx = this.space?.current();
    if (tx) {
      tx.ops.push([this.name, 'clear']);
      return;
    }
    this.ring.fill(undefined);
    this.sizes.fill(0);
    this.next = 0;
    this.kept = 0;
    this.bytes = 0;
    this.total = 0;
    if (this.listeners.size !== 0) this.emit({ type: 'cleared' });
  }

  // The shared store (shared.ts): every replica records the committed entries in the same order.

  bindShared(space: Space, name: string): void {
    this.space = space;
    this.name = name;
  }

  applyShared(action: string, args: unknown[]): void {
    if (action === 'clear') this.clear();
    else if (action === 'rec') {
      const entry = args[0] as RawJournalEntry;
      entry.id = this.nextId();
      this.record(entry);
    }
  }

  dumpShared(): unknown {
    const entries: RawJournalEntry[] = [];
    const first = this.next - this.kept + this.capacity;
    for (let i = 0; i < this.kept; i++) entries.push(portable(this.ring[(first + i) % this.capacity]!));
    return { seq: this.seq, total: this.total, entries };
  }

  restoreShared(dump: unknown): void {
    const d = dump as { seq: number; total: number; entries: RawJournalEntry[] };
    this.clear();
    for (const e of d.entries) this.record(e);
    this.seq = d.seq;
    this.total = d.total;
  }
}

/** An entry as JSON can carry it: headers as a flat [name, value, …] list. */
function portable(entry: RawJournalEntry): RawJournalEntry {
  if (Array.isArray(entry.headers)) return entry;
  const flat: string[] = [];
  for (const [k, v] of entry.headers) flat.push(k, v);
  return { ...entry, headers: flat };
}

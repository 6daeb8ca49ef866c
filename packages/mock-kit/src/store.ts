import type { Shared, Space, Tx } from './shared.ts';

/** A pending entry of a transaction: null when deleted; `upd` keeps the entry's place and expiry. */
type Pending<V> = { value: V; expiresAt: number; upd?: boolean } | null;
interface Overlay<K, V> {
  cleared: boolean;
  m: Map<K, Pending<V>>;
}

/**
 * A map that cannot grow without bound: every store a twin fills from traffic (tokens, codes, sessions, an
 * inbox) is one of these. Entries may expire on the twin's clock; expired ones are swept from the oldest end
 * as new ones arrive, and past `max` the oldest entry goes first. Reads never return an expired entry.
 */
export class BoundedMap<K, V> implements Shared {
  private readonly map = new Map<K, { value: V; expiresAt: number; seq: number }>();
  /**
   * Keys in the order they were set, each with the `seq` of that set (an older copy of a replaced or deleted key
   * is stale and skipped): the oldest live entry is found from `head` in O(1) amortised. Asking the Map for its
   * first key instead walks over every hole its deletions left, which made each eviction O(max).
   */
  private order: K[] = [];
  private orderSeq: number[] = [];
  private head = 0;
  private seq = 0;
  /** Entries evicted because the store was full (expired ones not counted). */
  evicted = 0;
  /** Bound when the twin's state is shared between replicas (shared.ts); undefined in memory. */
  private space: Space | undefined;
  private name = '';

  constructor(
    /** The most entries kept. */
    readonly max: number,
    /** The clock that decides expiry (the twin's). */
    private readonly now: () => number,
  ) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`a store's size must be a positive integer, got ${max}`);
  }

  get size(): number {
    const tx = this.space?.current();
    if (tx) return this.txEntries(tx).length;
    return this.map.size;
  }

  /** Add or replace (a replaced entry becomes the newest). `expiresAt` in ms on the clock; none: never. */
  set(key: K, value: V, expiresAt = Number.POSITIVE_INFINITY): this {
    const tx = this.space?.current();
    if (tx) {
      this.wrote(tx, key).m.set(key, { value, expiresAt });
      tx.ops.push([this.name, 'set', key, value, expiresAt === Number.POSITIVE_INFINITY ? null : expiresAt]);
      return this;
    }
    this.map.delete(key);
    this.seq += 1;
    this.map.set(key, { value, expiresAt, seq: this.seq });
    this.order.push(key);
    this.orderSeq.push(this.seq);
    this.sweep();
    while (this.map.size > this.max) {
      this.map.delete(this.oldest()!);
      this.evicted += 1;
    }
    this.compact();
    return this;
  }

  /** The oldest key still in the map (stale order entries before it are passed over for good). */
  private oldest(): K | undefined {
    while (this.head < this.order.length) {
      const k = this.order[this.head]!;
      if (this.map.get(k)?.seq === this.orderSeq[this.head]) return k;
      this.head += 1;
    }
    return undefined;
  }

  /** Drop the order's stale entries once they outnumber the live ones (amortised O(1) per set). */
  private compact(): void {
    if (this.order.length - this.head <= 2 * this.map.size + 64 && this.head <= this.order.length / 2) return;
    this.order = [];
    this.orderSeq = [];
    this.head = 0;
    for (const [k, e] of this.map) {
      this.order.push(k);
      this.orderSeq.push(e.seq);
    }
  }

  /**
   * Replace the value of a live entry, keeping its place and expiry (a record changed, not renewed: a token
   * revoked). Returns whether there was one. Change records this way, never in place, so a shared twin sees it.
   */
  update(key: K, value: V): boolean {
    const tx = this.space?.current();
    if (tx) {
      const expiresAt = this.expiresAt(key);
      if (expiresAt === undefined) return false;
      this.wrote(tx, key).m.set(key, { value, expiresAt, upd: true });
      tx.ops.push([this.name, 'upd', key, value]);
      return true;
    }
    if (this.get(key) === undefined) return false;
    this.map.get(key)!.value = value;
    return true;
  }

  get(key: K): V | undefined {
    const tx = this.space?.current();
    if (tx) return this.pending(tx, key)?.value;
    const hit = this.map.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= this.now()) {
      this.map.delete(key);
      return undefined;
    }
    return hit.value;
  }

  /** When `key` expires (ms on the clock), if it is live. */
  expiresAt(key: K): number | undefined {
    const tx = this.space?.current();
    if (tx) return this.pending(tx, key)?.expiresAt;
    return this.get(key) === undefined ? undefined : this.map.get(key)!.expiresAt;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  delete(key: K): boolean {
    const tx = this.space?.current();
    if (tx) {
      const had = this.pending(tx, key) !== undefined;
      this.wrote(tx, key).m.set(key, null);
      tx.ops.push([this.name, 'del', key]);
      return had;
    }
    return this.map.delete(key);
  }

  clear(): void {
    const tx = this.space?.current();
    if (tx) {
      tx.write(this.name);
      tx.write(`${this.name}!`);
      tx.overlays.set(this, { cleared: true, m: new Map() });
      tx.ops.push([this.name, 'clear']);
      return;
    }
    this.map.clear();
    this.order = [];
    this.orderSeq = [];
    this.head = 0;
  }

  /** Live entries, oldest first. */
  *entries(): IterableIterator<[K, V]> {
    const tx = this.space?.current();
    if (tx) {
      yield* this.txEntries(tx);
      return;
    }
    const now = this.now();
    for (const [k, e] of this.map) if (e.expiresAt > now) yield [k, e.value];
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  keys(): K[] {
    return [...this.entries()].map(([k]) => k);
  }

  values(): V[] {
    return [...this.entries()].map(([, v]) => v);
  }

  /**
   * Drop expired entries from the oldest end, stopping at the first live one: entries that share a lifetime
   * expire in the order they came, so this costs only what it removes. `all` scans everything.
   */
  sweep(all = false): number {
    // Within a transaction expired entries are already invisible; the local copy sweeps as changes apply.
    if (this.space?.current() !== undefined) return 0;
    const now = this.now();
    let removed = 0;
    if (all) {
      for (const [k, e] of this.map) {
        if (e.expiresAt > now) continue;
        this.map.delete(k);
        removed += 1;
      }
      return removed;
    }
    for (let k = this.oldest(); k !== undefined && this.map.get(k)!.expiresAt <= now; k = this.oldest()) {
      this.map.delete(k);
      removed += 1;
    }
    return removed;
  }

  /** For `/__admin/health`: how full the store is. */
  usage(): { size: number; max: number; evicted: number } {
    return { size: this.size, max: this.max, evicted: this.evicted };
  }

  // The shared store (shared.ts): a transaction's reads and writes, and committed changes applied.

  bindShared(space: Space, name: string): void {
    this.space = space;
    this.name = name;
  }

  /** Record a write of `key` and return the transaction's overlay. */
  private wrote(tx: Tx, key: K): Overlay<K, V> {
    tx.write(`${this.name}\0${String(key)}`);
    tx.write(this.name);
    return this.overlay(tx);
  }

  private overlay(tx: Tx): Overlay<K, V> {
    let ov = tx.overlays.get(this) as Overlay<K, V> | undefined;
    if (!ov) {
      ov = { cleared: false, m: new Map() };
      tx.overlays.set(this, ov);
    }
    return ov;
  }

  /** The live entry of `key` as the transaction sees it (its own writes first), recording the read. */
  private pending(tx: Tx, key: K): { value: V; expiresAt: number } | undefined {
    tx.read(`${this.name}\0${String(key)}`);
    tx.read(`${this.name}!`);
    const ov = tx.overlays.get(this) as Overlay<K, V> | undefined;
    const now = this.now();
    if (ov?.m.has(key)) {
      const p = ov.m.get(key)!;
      return p !== null && p.expiresAt > now ? p : undefined;
    }
    if (ov?.cleared) return undefined;
    const hit = this.map.get(key);
    return hit && hit.expiresAt > now ? hit : undefined;
  }

  /** Live entries as the transaction sees them, oldest first (its new ones last), recording a read of them all. */
  private txEntries(tx: Tx): [K, V][] {
    tx.read(this.name);
    tx.read(`${this.name}!`);
    const ov = tx.overlays.get(this) as Overlay<K, V> | undefined;
    const now = this.now();
    const out: [K, V][] = [];
    if (!ov?.cleared) {
      for (const [k, e] of this.map) {
        if (ov?.m.has(k)) {
          const p = ov.m.get(k)!;
          if (p?.upd && p.expiresAt > now) out.push([k, p.value]);
          continue;
        }
        if (e.expiresAt > now) out.push([k, e.value]);
      }
    }
    if (ov) {
      for (const [k, p] of ov.m) {
        if (p === null || p.expiresAt <= now) continue;
        if (p.upd && !ov.cleared && this.map.has(k)) continue;
        out.push([k, p.value]);
      }
    }
    return out;
  }

  applyShared(action: string, args: unknown[]): void {
    if (action === 'set') this.set(args[0] as K, args[1] as V, (args[2] as number | null) ?? Number.POSITIVE_INFINITY);
    else if (action === 'upd') this.update(args[0] as K, args[1] as V);
    else if (action === 'del') this.delete(args[0] as K);
    else if (action === 'clear') this.clear();
  }

  dumpShared(): unknown {
    const entries: [K, V, number | null][] = [];
    for (const [k, e] of this.map) entries.push([k, e.value, e.expiresAt === Number.POSITIVE_INFINITY ? null : e.expiresAt]);
    return { entries, evicted: this.evicted };
  }

  restoreShared(dump: unknown): void {
    const d = dump as { entries: [K, V, number | null][]; evicted: number };
    this.clear();
    for (const [k, v, exp] of d.entries) this.set(k, v, exp ?? Number.POSITIVE_INFINITY);
    this.evicted = d.evicted;
  }
}

/**
 * A list that cannot grow without bound (an inbox): items are appended, and past `max` the oldest go, in batches of
 * `slack` more than needed so a full list costs an append one array shift per many appends rather than one each.
 * A kit container like BoundedMap: a shared store (shared.ts) keeps it in step across replicas.
 */
export class BoundedList<T> implements Shared {
  private list: T[] = [];
  /** Items dropped because the list was full. */
  evicted = 0;
  private space: Space | undefined;
  private name = '';

  constructor(
    readonly max: number,
    /** How many more than needed go when the list is trimmed (default: a tenth of `max`). */
    private readonly slack = Math.floor(max / 10),
  ) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`a store's size must be a positive integer, got ${max}`);
  }

  /** The items, oldest first (read-only: change the list with `push` and `clear`). */
  items(): readonly T[] {
    const tx = this.space?.current();
    if (tx) {
      tx.read(this.name);
      const ov = tx.overlays.get(this) as { cleared: boolean; added: T[] } | undefined;
      if (ov) return [...(ov.cleared ? [] : this.list), ...ov.added];
    }
    return this.list;
  }

  get length(): number {
    return this.items().length;
  }

  push(item: T): void {
    const tx = this.space?.current();
    if (tx) {
      this.overlay(tx).added.push(item);
      tx.write(this.name);
      tx.ops.push([this.name, 'push', item]);
      return;
    }
    this.list.push(item);
    const over = this.list.length - this.max;
    if (over > 0) {
      const drop = Math.min(this.list.length, over + this.slack);
      this.list.splice(0, drop);
      this.evicted += drop;
    }
  }

  clear(): void {
    const tx = this.space?.current();
    if (tx) {
      tx.overlays.set(this, { cleared: true, added: [] });
      tx.write(this.name);
      tx.ops.push([this.name, 'clear']);
      return;
    }
    this.list = [];
  }

  usage(): { size: number; max: number; evicted: number } {
    return { size: this.length, max: this.max, evicted: this.evicted };
  }

  private overlay(tx: Tx): { cleared: boolean; added: T[] } {
    let ov = tx.overlays.get(this) as { cleared: boolean; added: T[] } | undefined;
    if (!ov) {
      ov = { cleared: false, added: [] };
      tx.overlays.set(this, ov);
    }
    return ov;
  }

  bindShared(space: Space, name: string): void {
    this.space = space;
    this.name = name;
  }

  applyShared(action: string, args: unknown[]): void {
    if (action === 'push') this.push(args[0] as T);
    else if (action === 'clear') this.clear();
  }

  dumpShared(): unknown {
    return { items: this.list, evicted: this.evicted };
  }

  restoreShared(dump: unknown): void {
    const d = dump as { items: T[]; evicted: number };
    this.list = [...d.items];
    this.evicted = d.evicted;
  }
}

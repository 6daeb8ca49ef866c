/**
 * A map that cannot grow without bound: every store a twin fills from traffic (tokens, codes, sessions, an
 * inbox) is one of these. Entries may expire on the twin's clock; expired ones are swept from the oldest end
 * as new ones arrive, and past `max` the oldest entry goes first. Reads never return an expired entry.
 */
export class BoundedMap<K, V> {
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

  constructor(
    /** The most entries kept. */
    readonly max: number,
    /** The clock that decides expiry (the twin's). */
    private readonly now: () => number,
  ) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`a store's size must be a positive integer, got ${max}`);
  }

  get size(): number {
    return this.map.size;
  }

  /** Add or replace (a replaced entry becomes the newest). `expiresAt` in ms on the clock; none: never. */
  set(key: K, value: V, expiresAt = Number.POSITIVE_INFINITY): this {
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

  get(key: K): V | undefined {
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
    return this.get(key) === undefined ? undefined : this.map.get(key)!.expiresAt;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
    this.order = [];
    this.orderSeq = [];
    this.head = 0;
  }

  /** Live entries, oldest first. */
  *entries(): IterableIterator<[K, V]> {
    const now = this.now();
    for (const [k, e] of this.map) if (e.expiresAt > now) yield [k, e.value];
  }

  values(): V[] {
    return [...this.entries()].map(([, v]) => v);
  }

  /**
   * Drop expired entries from the oldest end, stopping at the first live one: entries that share a lifetime
   * expire in the order they came, so this costs only what it removes. `all` scans everything.
   */
  sweep(all = false): number {
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
    return { size: this.map.size, max: this.max, evicted: this.evicted };
  }
}

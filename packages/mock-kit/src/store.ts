/**
 * A map that cannot grow without bound: every store a twin fills from traffic (tokens, codes, sessions, an
 * inbox) is one of these. Entries may expire on the twin's clock; expired ones are swept from the oldest end
 * as new ones arrive, and past `max` the oldest entry goes first. Reads never return an expired entry.
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, { value: V; expiresAt: number }>();
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
    this.map.set(key, { value, expiresAt });
    this.sweep();
    while (this.map.size > this.max) {
      this.map.delete(this.map.keys().next().value as K);
      this.evicted += 1;
    }
    return this;
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
    for (const [k, e] of this.map) {
      if (e.expiresAt > now) {
        if (all) continue;
        break;
      }
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

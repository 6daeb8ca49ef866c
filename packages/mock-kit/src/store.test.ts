import { describe, expect, it } from 'vitest';
import { Space, Tx } from './shared.ts';
import { BoundedList, BoundedMap } from './store.ts';

describe('BoundedMap', () => {
  it('keeps at most max entries, evicting the oldest, and counts evictions', () => {
    const m = new BoundedMap<string, number>(3, () => 0);
    for (const [i, k] of ['a', 'b', 'c', 'd', 'e'].entries()) m.set(k, i);
    expect([...m.entries()]).toEqual([
      ['c', 2],
      ['d', 3],
      ['e', 4],
    ]);
    expect(m.usage()).toEqual({ size: 3, max: 3, evicted: 2 });
    // Replacing makes an entry the newest.
    m.set('c', 9);
    m.set('f', 5);
    expect([...m.entries()].map(([k]) => k)).toEqual(['e', 'c', 'f']);
  });

  it('never returns an expired entry, and sweeps expired ones as new ones arrive', () => {
    let now = 1000;
    const m = new BoundedMap<string, string>(100, () => now);
    m.set('a', 'A', 2000);
    m.set('b', 'B', 3000);
    m.set('forever', 'F');
    expect(m.get('a')).toBe('A');
    expect(m.expiresAt('b')).toBe(3000);
    now = 2000;
    expect(m.get('a')).toBeUndefined();
    expect(m.has('b')).toBe(true);
    now = 5000;
    expect(m.values()).toEqual(['F']);
    m.set('c', 'C', 6000);
    expect(m.size).toBe(2);
    expect(m.expiresAt('b')).toBeUndefined();
  });

  it('sweep(all) removes expired entries behind a live one', () => {
    let now = 0;
    const m = new BoundedMap<string, number>(10, () => now);
    m.set('live', 1);
    m.set('short', 2, 10);
    now = 20;
    expect(m.sweep()).toBe(0);
    expect(m.sweep(true)).toBe(1);
    expect(m.size).toBe(1);
    m.delete('live');
    m.clear();
    expect(m.size).toBe(0);
  });

  it('evicts in set order across many replacements and deletes (the oldest live entry, never a stale copy)', () => {
    const m = new BoundedMap<string, number>(3, () => 0);
    // The same key set many times (a renewed token) leaves one entry, the newest.
    for (let i = 0; i < 1000; i++) m.set('renewed', i);
    m.set('a', 1);
    m.set('b', 2);
    m.delete('a');
    m.set('c', 3);
    m.set('renewed', 1000);
    m.set('d', 4);
    // Full at 3: 'b' (the oldest live one) went, not the deleted 'a' nor the renewed key.
    expect([...m.entries()]).toEqual([
      ['c', 3],
      ['renewed', 1000],
      ['d', 4],
    ]);
    expect(m.evicted).toBe(1);
    m.clear();
    m.set('x', 1);
    expect([...m.entries()]).toEqual([['x', 1]]);
  });

  it('evicts in constant time: 200,000 sets into a full store of 50,000 take well under 5 s', () => {
    const m = new BoundedMap<number, number>(50_000, () => 0);
    const started = performance.now();
    for (let i = 0; i < 200_000; i++) m.set(i, i, 1e15);
    // Before the order queue each eviction walked the Map's holes: ~20 s for this loop.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(m.usage()).toEqual({ size: 50_000, max: 50_000, evicted: 150_000 });
    expect(m.get(149_999)).toBeUndefined();
    expect(m.get(150_000)).toBe(150_000);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => new BoundedMap(0, () => 0)).toThrow(RangeError);
  });
});

describe('BoundedMap edges', () => {
  it('accepts a size of 1 and names a bad size', () => {
    const one = new BoundedMap<string, number>(1, () => 0);
    one.set('a', 1).set('b', 2);
    expect([...one.entries()]).toEqual([['b', 2]]);
    expect(() => new BoundedMap(0, () => 0)).toThrow(new RangeError("a store's size must be a positive integer, got 0"));
    const list = new BoundedList<number>(1);
    list.push(1);
    list.push(2);
    expect(list.items()).toEqual([2]);
    expect(() => new BoundedList(0)).toThrow(new RangeError("a store's size must be a positive integer, got 0"));
  });

  it('a full sweep drops the entries expiring at this very instant and keeps the later ones', () => {
    let now = 100;
    const m = new BoundedMap<string, number>(10, () => now);
    m.set('a', 1, 200).set('b', 2, 300).set('c', 3);
    now = 200;
    expect(m.sweep(true)).toBe(1);
    expect([...m.entries()]).toEqual([
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('an entry expires at its instant, not after; has, delete and clear act on it', () => {
    let now = 100;
    const m = new BoundedMap<string, number>(10, () => now);
    m.set('a', 1, 200).set('b', 2);
    expect(m.has('a')).toBe(true);
    expect(m.has('zz')).toBe(false);
    now = 200;
    expect([...m.entries()]).toEqual([['b', 2]]);
    expect(m.has('a')).toBe(false);
    expect(m.delete('b')).toBe(true);
    expect(m.delete('b')).toBe(false);
    expect(m.get('b')).toBeUndefined();
    m.set('c', 3);
    m.clear();
    expect(m.size).toBe(0);
    expect(m.get('c')).toBeUndefined();
  });
});

describe('BoundedMap inside a shared-store transaction', () => {
  it('lists its entries, committed and its own (a set one last), as outside: each expires at its instant', () => {
    let now = 100;
    const space = new Space();
    const m = new BoundedMap<string, number>(10, () => now);
    space.register('m', m);
    m.set('old', 1, 200).set('kept', 2, 300).set('updated', 3, 200).set('in place', 7, 200);
    const seen = space.run(new Tx(0), () => {
      m.set('mine', 4, 200).set('mine later', 5, 300).set('updated', 6, 300);
      // An update keeps the entry's place and its expiry.
      m.update('in place', 8);
      const before = [...m.entries()];
      now = 200;
      return [before, [...m.entries()]];
    });
    expect(seen).toEqual([
      [
        ['old', 1],
        ['kept', 2],
        ['in place', 8],
        ['mine', 4],
        ['mine later', 5],
        ['updated', 6],
      ],
      [
        ['kept', 2],
        ['mine later', 5],
        ['updated', 6],
      ],
    ]);
  });
});

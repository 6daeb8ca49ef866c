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

describe('BoundedMap, the rest of its interface', () => {
  it('update replaces the value of a live entry in place, keeping its expiry, and refuses a missing or expired one', () => {
    let now = 100;
    const m = new BoundedMap<string, string>(10, () => now);
    m.set('a', 'A', 200).set('b', 'B');
    expect(m.update('a', 'A2')).toBe(true);
    expect([...m.entries()]).toEqual([
      ['a', 'A2'],
      ['b', 'B'],
    ]);
    expect(m.expiresAt('a')).toBe(200);
    expect(m.update('missing', 'X')).toBe(false);
    expect(m.has('missing')).toBe(false);
    now = 200;
    expect(m.update('a', 'A3')).toBe(false);
    expect(m.get('a')).toBeUndefined();
  });

  it('iterates, and lists the keys and the values of its live entries, oldest first', () => {
    let now = 0;
    const m = new BoundedMap<string, number>(10, () => now);
    m.set('x', 1).set('y', 2, 50).set('z', 3);
    expect([...m]).toEqual([
      ['x', 1],
      ['y', 2],
      ['z', 3],
    ]);
    expect(m.keys()).toEqual(['x', 'y', 'z']);
    now = 50;
    expect(m.keys()).toEqual(['x', 'z']);
    expect(m.values()).toEqual([1, 3]);
  });

  it('sweep() drops the expired entries at the oldest end (those expiring this instant too) and says how many; one set already expired goes at once', () => {
    let now = 0;
    const m = new BoundedMap<string, number>(10, () => now);
    expect(m.sweep()).toBe(0);
    // An entry given an instant already past is swept as it arrives.
    m.set('born expired', 0, 0);
    expect(m.size).toBe(0);
    m.set('a', 1, 100).set('b', 2, 100).set('c', 3, 300).set('d', 4, 100);
    now = 100;
    // 'a' and 'b' go; the sweep stops at the live 'c', and 'd' behind it waits for a full sweep.
    expect(m.sweep()).toBe(2);
    expect(m.sweep(true)).toBe(1);
    now = 300;
    // The last entry expired: the sweep empties the store and stops there.
    expect(m.sweep()).toBe(1);
    expect(m.size).toBe(0);
    m.set('e', 5);
    m.clear();
    expect(m.sweep()).toBe(0);
    m.set('born expired', 0, 300);
    expect(m.size).toBe(0);
    m.set('f', 6, 400);
    expect([...m]).toEqual([['f', 6]]);
  });

  it('dumps its entries as JSON (null: never expires), and a replica restored from the dump reads the same', () => {
    const now = 0;
    const m = new BoundedMap<string, number>(2, () => now);
    m.set('gone', 0).set('a', 1, 500).set('b', 2);
    const dump = m.dumpShared();
    expect(dump).toEqual({
      entries: [
        ['a', 1, 500],
        ['b', 2, null],
      ],
      evicted: 1,
    });
    const copy = new BoundedMap<string, number>(2, () => now);
    copy.set('stale', 9);
    copy.restoreShared(JSON.parse(JSON.stringify(dump)));
    expect([...copy]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(copy.expiresAt('a')).toBe(500);
    expect(copy.expiresAt('b')).toBe(Number.POSITIVE_INFINITY);
    expect(copy.usage()).toEqual({ size: 2, max: 2, evicted: 1 });
  });
});

describe('BoundedMap inside a shared-store transaction: writes, expiry, clear, replay', () => {
  it('reads its own writes (set, update, delete) over the committed entries, records them as ops, and the local copy changes only when they are applied', () => {
    const now = 100;
    const space = new Space();
    const m = new BoundedMap<string, string>(10, () => now);
    space.register('m', m);
    m.set('a', 'A', 500).set('b', 'B').set('c', 'C');
    const tx = new Tx(0);
    const seen = space.run(tx, () => ({
      updated: m.update('a', 'A2'),
      updatedMissing: m.update('zz', 'Z'),
      deleted: m.delete('b'),
      deletedAgain: m.delete('b'),
      updatedDeleted: m.update('b', 'B2'),
      set: m.set('d', 'D', 400).set('e', 'E').get('d'),
      a: m.get('a'),
      aExpires: m.expiresAt('a'),
      b: m.get('b'),
      bExpires: m.expiresAt('b'),
      hasB: m.has('b'),
      dExpires: m.expiresAt('d'),
      eExpires: m.expiresAt('e'),
      size: m.size,
      entries: [...m],
      keys: m.keys(),
    }));
    expect(seen).toEqual({
      updated: true,
      updatedMissing: false,
      deleted: true,
      deletedAgain: false,
      updatedDeleted: false,
      set: 'D',
      a: 'A2',
      aExpires: 500,
      b: undefined,
      bExpires: undefined,
      hasB: false,
      dExpires: 400,
      eExpires: Number.POSITIVE_INFINITY,
      size: 4,
      entries: [
        ['a', 'A2'],
        ['c', 'C'],
        ['d', 'D'],
        ['e', 'E'],
      ],
      keys: ['a', 'c', 'd', 'e'],
    });
    expect(tx.ops).toEqual([
      ['m', 'upd', 'a', 'A2'],
      ['m', 'del', 'b'],
      ['m', 'del', 'b'],
      ['m', 'set', 'd', 'D', 400],
      ['m', 'set', 'e', 'E', null],
    ]);
    // Not committed yet: the local copy is as it was.
    expect([...m]).toEqual([
      ['a', 'A'],
      ['b', 'B'],
      ['c', 'C'],
    ]);
    // Committed: every replica applies the ops and reads what the transaction saw.
    space.apply(tx.ops);
    expect([...m]).toEqual(seen.entries);
    expect(m.expiresAt('a')).toBe(500);
    expect(m.expiresAt('d')).toBe(400);
    // An op this version does not know (a newer replica's) changes nothing.
    space.apply([['m', 'unknown', 'a']]);
    expect([...m]).toEqual(seen.entries);
  });

  it('sees committed and its own entries expire at their instant, as outside, and leaves sweeping to the local copy', () => {
    let now = 100;
    const space = new Space();
    const m = new BoundedMap<string, string>(10, () => now);
    space.register('m', m);
    m.set('c', 'C', 200).set('k', 'K');
    const seen = space.run(new Tx(0), () => {
      m.set('own', 'O', 200).set('own later', 'L', 300);
      now = 200;
      return {
        c: m.get('c'),
        cExpires: m.expiresAt('c'),
        own: m.get('own'),
        later: m.get('own later'),
        entries: [...m],
        size: m.size,
        swept: m.sweep(),
        updated: m.update('c', 'X'),
        updatedOwn: m.update('own', 'X'),
      };
    });
    expect(seen).toEqual({
      c: undefined,
      cExpires: undefined,
      own: undefined,
      later: 'L',
      entries: [
        ['k', 'K'],
        ['own later', 'L'],
      ],
      size: 2,
      swept: 0,
      updated: false,
      updatedOwn: false,
    });
    // The expired 'c' is still in the local copy, for its own sweep.
    expect(m.sweep()).toBe(1);
  });

  it('a clear hides every committed entry and its earlier writes, keeps its later ones, and replays as a clear', () => {
    const space = new Space();
    const m = new BoundedMap<string, string>(10, () => 0);
    space.register('m', m);
    m.set('a', 'A').set('b', 'B');
    const tx = new Tx(0);
    const seen = space.run(tx, () => {
      m.set('before', 'X');
      m.clear();
      m.set('n', 'N');
      return {
        a: m.get('a'),
        before: m.get('before'),
        n: m.get('n'),
        entries: [...m],
        size: m.size,
        deleted: m.delete('a'),
        updated: m.update('b', 'B2'),
      };
    });
    expect(seen).toEqual({ a: undefined, before: undefined, n: 'N', entries: [['n', 'N']], size: 1, deleted: false, updated: false });
    expect(tx.ops).toEqual([
      ['m', 'set', 'before', 'X', null],
      ['m', 'clear'],
      ['m', 'set', 'n', 'N', null],
      ['m', 'del', 'a'],
    ]);
    expect([...m]).toEqual([
      ['a', 'A'],
      ['b', 'B'],
    ]);
    space.apply(tx.ops);
    expect([...m]).toEqual(seen.entries);
  });

  it('records the keys it read and wrote, so a commit conflicts with a change to what it saw', () => {
    const space = new Space();
    const m = new BoundedMap<string, number>(10, () => 0);
    space.register('m', m);
    m.set('a', 1);
    const reader = new Tx(0);
    space.run(reader, () => m.get('a'));
    // The key, and the store as a whole (a clear changes every key).
    expect([...reader.reads]).toEqual(['m\0a', 'm!']);
    expect([...reader.writes]).toEqual([]);
    const lister = new Tx(0);
    space.run(lister, () => m.keys());
    expect([...lister.reads]).toEqual(['m', 'm!']);
    const writer = new Tx(0);
    space.run(writer, () => m.set('b', 2));
    expect([...writer.writes]).toEqual(['m\0b', 'm']);
    const clearer = new Tx(0);
    space.run(clearer, () => m.clear());
    expect([...clearer.writes].sort()).toEqual(['m', 'm!']);
  });
});

describe('BoundedList', () => {
  it('keeps its items in order up to max, then drops the oldest with slack to spare (a tenth of max), counting them', () => {
    const list = new BoundedList<number>(10);
    for (let i = 1; i <= 10; i++) list.push(i);
    expect(list.items()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(list.usage()).toEqual({ size: 10, max: 10, evicted: 0 });
    list.push(11);
    expect(list.items()).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(list.length).toBe(9);
    expect(list.usage()).toEqual({ size: 9, max: 10, evicted: 2 });
  });

  it('drops `slack` more than needed when given one', () => {
    const list = new BoundedList<number>(5, 2);
    for (let i = 1; i <= 6; i++) list.push(i);
    expect(list.items()).toEqual([4, 5, 6]);
    expect(list.evicted).toBe(3);
  });

  it('clear empties it and keeps the count of evictions', () => {
    const list = new BoundedList<string>(1);
    list.push('a');
    list.push('b');
    list.clear();
    expect(list.items()).toEqual([]);
    expect(list.usage()).toEqual({ size: 0, max: 1, evicted: 1 });
    list.push('c');
    expect(list.items()).toEqual(['c']);
  });

  it('dumps its items as JSON, and a replica restored from the dump holds the same items in its own array', () => {
    const list = new BoundedList<string>(3, 0);
    for (const s of ['a', 'b', 'c', 'd']) list.push(s);
    const dump = list.dumpShared();
    expect(dump).toEqual({ items: ['b', 'c', 'd'], evicted: 1 });
    const copy = new BoundedList<string>(3, 0);
    copy.push('stale');
    copy.restoreShared(dump);
    expect(copy.items()).toEqual(['b', 'c', 'd']);
    expect(copy.usage()).toEqual({ size: 3, max: 3, evicted: 1 });
    copy.push('e');
    expect(copy.items()).toEqual(['c', 'd', 'e']);
    expect(list.items()).toEqual(['b', 'c', 'd']);
  });
});

describe('BoundedList inside a shared-store transaction', () => {
  /** An inbox of 10 bound to a space, holding the committed items `a`, `b`, and a new transaction. */
  const committedInbox = () => {
    const space = new Space();
    const list = new BoundedList<string>(10);
    space.register('inbox', list);
    list.push('a');
    list.push('b');
    return { space, list, tx: new Tx(0) };
  };

  it('shows the committed items then its own pushes, records them as ops, and the local copy changes only when they are applied', () => {
    const { space, list, tx } = committedInbox();
    const seen = space.run(tx, () => {
      const first = [...list.items()];
      list.push('c');
      list.push('d');
      return { first, items: [...list.items()], length: list.length, usage: list.usage() };
    });
    expect(seen).toEqual({ first: ['a', 'b'], items: ['a', 'b', 'c', 'd'], length: 4, usage: { size: 4, max: 10, evicted: 0 } });
    expect(tx.ops).toEqual([
      ['inbox', 'push', 'c'],
      ['inbox', 'push', 'd'],
    ]);
    expect([...tx.reads]).toEqual(['inbox']);
    expect([...tx.writes]).toEqual(['inbox']);
    expect(list.items()).toEqual(['a', 'b']);
    space.apply(tx.ops);
    expect(list.items()).toEqual(seen.items);
    space.apply([['inbox', 'unknown', 'e']]);
    expect(list.items()).toEqual(seen.items);
  });

  it('a clear hides the committed items and its earlier pushes, keeps its later ones, and replays as a clear', () => {
    const { space, list, tx } = committedInbox();
    const seen = space.run(tx, () => {
      list.push('x');
      list.clear();
      const cleared = [...list.items()];
      list.push('n');
      return { cleared, items: [...list.items()] };
    });
    expect(seen).toEqual({ cleared: [], items: ['n'] });
    expect(tx.ops).toEqual([
      ['inbox', 'push', 'x'],
      ['inbox', 'clear'],
      ['inbox', 'push', 'n'],
    ]);
    expect([...tx.writes]).toEqual(['inbox']);
    expect(list.items()).toEqual(['a', 'b']);
    space.apply(tx.ops);
    expect(list.items()).toEqual(['n']);
  });
});

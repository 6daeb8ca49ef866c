import { describe, expect, it } from 'vitest';
import { createClock } from './clock.ts';
import { json, make } from './test-support.ts';

describe('createClock', () => {
  it('follows its source, jumps, advances (both ways) and resets', () => {
    let t = 1_000_000;
    const clock = createClock(() => t);
    expect(clock.now()).toBe(1_000_000);
    expect(clock.nowSeconds()).toBe(1000);
    t += 1500;
    expect(clock.now()).toBe(1_001_500);
    expect(clock.nowSeconds()).toBe(1001);
    clock.advance(2000);
    expect(clock.offset()).toBe(2000);
    clock.advance(-500);
    expect(clock.now()).toBe(1_003_000);
    clock.set(5_000_000);
    expect(clock.now()).toBe(5_000_000);
    t += 10;
    expect(clock.now()).toBe(5_000_010);
    clock.reset();
    expect(clock.offset()).toBe(0);
    expect(clock.now()).toBe(t);
  });
});

describe('clock over the admin API', () => {
  it('can be read, set, advanced and restored, and expiries obey it', async () => {
    const { app } = make();
    expect(await (await app.request('/open')).json()).toEqual({ expired: false });
    const adv = (await (await app.request('/__admin/clock/advance', json({ minutes: 1, seconds: 1, ms: 1 }))).json()) as {
      offsetMs: number;
    };
    expect(adv.offsetMs).toBe(61_001);
    expect(await (await app.request('/open')).json()).toEqual({ expired: true });
    const read = (await (await app.request('/__admin/clock')).json()) as { offsetMs: number };
    expect(read.offsetMs).toBe(61_001);
    await app.request('/__admin/clock', { method: 'DELETE' });
    expect(await (await app.request('/open')).json()).toEqual({ expired: false });
    const set = (await (await app.request('/__admin/clock', json({ now: '2030-01-01T00:00:00Z' }, 'PUT'))).json()) as { now: string };
    expect(set.now.startsWith('2030-01-01T00:00:0')).toBe(true);
    expect((await app.request('/__admin/clock', json({ now: 'tomorrow' }, 'PUT'))).status).toBe(400);
  });
});

describe('the clock cannot be poisoned', () => {
  it('refuses an advance or a set outside 1970–9999 and changes nothing', async () => {
    const { app, twin } = make();
    for (const body of ['{"ms":9007199254740993}', '{"seconds":1e300}', '{"ms":-9000000000000000}', '{"minutes":5e9}']) {
      const res = await app.request('/__admin/clock/advance', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status, body).toBe(400);
    }
    // 1e400 is Infinity in JSON.parse: refused by the schema.
    const inf = await app.request('/__admin/clock/advance', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"ms":1e400}',
    });
    expect(inf.status).toBe(400);
    const far = await app.request('/__admin/clock/advance', json({ minutes: 5_000_000_000 }));
    expect(far.status).toBe(400);
    expect(((await far.json()) as { error: { code: string } }).error.code).toBe('clock_out_of_range');
    expect((await app.request('/__admin/clock', json({ now: '0001-01-01T00:00:00Z' }, 'PUT'))).status).toBe(400);
    expect(twin.clock.offset()).toBe(0);
    expect((await app.request('/__admin/health')).status).toBe(200);
    expect((await app.request('/open')).status).toBe(200);
    expect((await app.request('/__admin/journal')).status).toBe(200);
  });

  it('createClock refuses out-of-range instants itself', () => {
    const clock = createClock(() => 1000);
    expect(() => clock.set(-1)).toThrow(RangeError);
    expect(() => clock.set(253_402_300_800_000)).toThrow(RangeError);
    expect(() => clock.advance(Number.MAX_SAFE_INTEGER)).toThrow(RangeError);
    expect(() => clock.advance(-1001)).toThrow(RangeError);
    expect(clock.now()).toBe(1000);
    clock.set(253_402_300_799_999);
    expect(clock.now()).toBe(253_402_300_799_999);
  });
});

describe('clock bounds and offsets', () => {
  it('may show the epoch itself, counts seconds from the offset, and says why it refuses', () => {
    let t = 10_000;
    const clock = createClock(() => t);
    clock.set(0);
    expect(clock.now()).toBe(0);
    clock.set(5_000_000);
    expect(clock.nowSeconds()).toBe(5_000);
    t += 2_500;
    expect(clock.nowSeconds()).toBe(5_002);
    clock.advance(1_000);
    expect(clock.now()).toBe(5_003_500);
    expect(() => clock.set(-1)).toThrow(new RangeError('the clock can show 1970 to 9999 only, not -1'));
    expect(() => clock.advance(-6_000_000)).toThrow(new RangeError('advancing by -6000000 ms would take the clock outside 1970 to 9999'));
    expect(clock.now()).toBe(5_003_500);
  });
});

describe('a clock over a shared offset cell (replicas sharing a twin)', () => {
  it('shows, sets, advances, refuses and resets as a clock of its own, keeping the offset in the cell', () => {
    let t = 1_000_000;
    let stored = 0;
    const cell = {
      get: () => stored,
      set: (ms: number) => {
        stored = ms;
      },
    };
    const clock = createClock(() => t, cell);
    clock.set(5_000_000);
    expect([clock.now(), clock.offset(), stored]).toEqual([5_000_000, 4_000_000, 4_000_000]);
    t += 1_500;
    expect([clock.now(), clock.nowSeconds()]).toEqual([5_001_500, 5_001]);
    clock.advance(-1_500);
    expect(clock.now()).toBe(5_000_000);
    expect(() => clock.set(-1)).toThrow(new RangeError('the clock can show 1970 to 9999 only, not -1'));
    expect(() => clock.advance(-5_000_001)).toThrow(new RangeError('advancing by -5000001 ms would take the clock outside 1970 to 9999'));
    expect(clock.now()).toBe(5_000_000);
    // Another replica's clock over the same cell shows the same time.
    expect(createClock(() => t, cell).now()).toBe(5_000_000);
    clock.advance(-5_000_000);
    expect(clock.now()).toBe(0);
    clock.reset();
    expect([clock.now(), stored]).toEqual([t, 0]);
  });
});

/**
 * The twin's clock. Every expiry in every twin reads `now()` from here, so the
 * admin API can set or advance time and make a token expire mid-flow without waiting.
 */
export interface Clock {
  /** Milliseconds since the epoch, as the twin sees it. */
  now(): number;
  /** Seconds since the epoch (what most platforms put in tokens). */
  nowSeconds(): number;
  /** Jump to an absolute instant; the clock keeps ticking from there. RangeError outside 1970–9999 (unchanged). */
  set(epochMs: number): void;
  /** Move forward (or back, with a negative value) by `ms`. RangeError past 1970–9999 (unchanged). */
  advance(ms: number): void;
  /** Back to the machine's time. */
  reset(): void;
  /** How far the twin's time is from the machine's, in ms. */
  offset(): number;
}

/** The latest instant a twin's clock may show: 9999-12-31T23:59:59.999Z (a Date can go further; nothing else can). */
export const CLOCK_MAX = 253_402_300_799_999;

/** Whether `epochMs` is an instant the clock may be set to (1970 to 9999, a whole number of ms). */
export function clockInRange(epochMs: number): boolean {
  return Number.isSafeInteger(epochMs) && epochMs >= 0 && epochMs <= CLOCK_MAX;
}

/** Where a clock keeps its offset: a local variable, or a shared cell (shared.ts) when replicas share the twin. */
export interface OffsetCell {
  get(): number;
  set(ms: number): void;
}

export function createClock(source: () => number = Date.now, cell?: OffsetCell): Clock {
  if (cell) {
    return {
      now: () => source() + cell.get(),
      nowSeconds: () => Math.floor((source() + cell.get()) / 1000),
      set(epochMs) {
        if (!clockInRange(epochMs)) throw new RangeError(`the clock can show 1970 to 9999 only, not ${epochMs}`);
        cell.set(epochMs - source());
      },
      advance(ms) {
        const next = source() + cell.get() + ms;
        if (!clockInRange(next)) throw new RangeError(`advancing by ${ms} ms would take the clock outside 1970 to 9999`);
        cell.set(cell.get() + ms);
      },
      reset() {
        cell.set(0);
      },
      offset: () => cell.get(),
    };
  }
  let offset = 0;
  return {
    now: () => source() + offset,
    nowSeconds: () => Math.floor((source() + offset) / 1000),
    set(epochMs) {
      if (!clockInRange(epochMs)) throw new RangeError(`the clock can show 1970 to 9999 only, not ${epochMs}`);
      offset = epochMs - source();
    },
    advance(ms) {
      const next = source() + offset + ms;
      if (!clockInRange(next)) throw new RangeError(`advancing by ${ms} ms would take the clock outside 1970 to 9999`);
      offset += ms;
    },
    reset() {
      offset = 0;
    },
    offset: () => offset,
  };
}

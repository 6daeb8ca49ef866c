/**
 * The twin's clock. Every expiry in every twin reads `now()` from here, so the
 * admin API can set or advance time and make a token expire mid-flow without waiting.
 */
export interface Clock {
  /** Milliseconds since the epoch, as the twin sees it. */
  now(): number;
  /** Seconds since the epoch (what most platforms put in tokens). */
  nowSeconds(): number;
  /** Jump to an absolute instant; the clock keeps ticking from there. */
  set(epochMs: number): void;
  /** Move forward (or back, with a negative value) by `ms`. */
  advance(ms: number): void;
  /** Back to the machine's time. */
  reset(): void;
  /** How far the twin's time is from the machine's, in ms. */
  offset(): number;
}

export function createClock(source: () => number = Date.now): Clock {
  let offset = 0;
  return {
    now: () => source() + offset,
    nowSeconds: () => Math.floor((source() + offset) / 1000),
    set(epochMs) {
      offset = epochMs - source();
    },
    advance(ms) {
      offset += ms;
    },
    reset() {
      offset = 0;
    },
    offset: () => offset,
  };
}

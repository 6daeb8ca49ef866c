import type { RunningTwin } from '@doppel/mock-kit';
import type autocannon from 'autocannon';

/** One twin's hot endpoint, loaded by `pnpm bench` beside a bare Hono app serving the same bytes. */
export interface BenchTarget {
  name: string;
  /** What it measures, for the report. */
  label: string;
  // biome-ignore lint/suspicious/noExplicitAny: any twin
  start(): Promise<RunningTwin<any, any>>;
  request: { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string };
  /** A fresh body for each request, for endpoints whose input is single-use (OAuth codes). */
  nextBody?(): string;
  /** The twin's growth endpoints for `pnpm bench --soak`: requests that add to a store (inbox, tokens, sessions). */
  soak?: SoakEndpoint | SoakEndpoint[];
  /** How the soak mode starts the twin, when `start()` preloads what only the hot-path bench needs (default: start). */
  // biome-ignore lint/suspicious/noExplicitAny: any twin
  soakStart?(): Promise<RunningTwin<any, any>>;
}

/** One growth endpoint, soaked on a fresh twin of its own. */
export interface SoakEndpoint extends Pick<BenchTarget, 'label' | 'request' | 'nextBody'> {
  /**
   * A chained flow instead of the one request (autocannon's `requests`, cycled per connection): a step may read
   * the previous answer (`onResponse`) and build its request from it (`setupRequest`), e.g. authorize, then
   * exchange the code it gave.
   */
  flow?: autocannon.Request[];
}

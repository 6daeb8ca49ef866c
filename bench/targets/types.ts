import type { RunningTwin } from '@doppel/mock-kit';

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
  /** The twin's growth endpoint for `pnpm bench --soak`: requests that add to a store (inbox, tokens, sessions). */
  soak?: Pick<BenchTarget, 'label' | 'request' | 'nextBody'>;
}

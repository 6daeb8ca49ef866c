/** Helpers for the kit's own tests (not exported from the package). */
import { createApp } from '../example/index.ts';
import type { ExampleFixtures } from '../example/index.ts';
import type { TwinOptions } from './twin.ts';

export const make = (opts: TwinOptions<ExampleFixtures> = {}) => createApp(opts);
export const json = (body: unknown, method = 'POST') => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
export const K1 = { headers: { 'x-key': 'k1' } };
export const withKey = (init: { headers?: Record<string, string> } & RequestInit, key = 'k1') => ({
  ...init,
  headers: { ...init.headers, 'x-key': key },
});

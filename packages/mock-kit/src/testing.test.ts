import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { type ExampleEnv, exampleTwin } from '../example/index.ts';
import { createTwinApp } from './app.ts';
import { loadSpec } from './openapi.ts';
import { probeBadInput } from './testing.ts';
import { make } from './test-support.ts';

describe('probeBadInput', () => {
  it('finds a handler that crashes on input it did not expect, and nothing in a sound twin', async () => {
    // A defect: reads a property of null when the query has no q.
    const fragile = new Hono<ExampleEnv>().get('/', (c) => c.json({ length: JSON.parse(c.req.query('q') ?? 'null').length }));
    const { app } = createTwinApp({
      ...exampleTwin,
      routes: [
        ['/things', exampleTwin.routes[0]![1]],
        ['/open', fragile],
      ],
    });
    const spec = loadSpec(exampleTwin.spec);
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const failures = await probeBadInput(app, spec, { headers: { 'x-key': 'k1' } });
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.every((f) => f.method === 'GET' && f.url.includes('/open') && f.status === 500)).toBe(true);
      expect(await probeBadInput(make().app, spec, { headers: { 'x-key': 'k1' } })).toEqual([]);
    } finally {
      quiet.mockRestore();
    }
  });
});

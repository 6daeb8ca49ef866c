import { describe, expect, it } from 'vitest';
import { EXAMPLE_SPEC } from '../example/index.ts';
import { ADMIN_SPEC } from './admin.ts';
import { formatReport, fuzz } from './fuzz.ts';
import { loadSpec } from './openapi.ts';
import { make } from './test-support.ts';

// Under `pnpm mutation` (scripts/mutation.mjs sets DOPPEL_MUTATION) every mutant of the pipeline runs this test, so
// it sends fewer requests there; the README test command sends the full 2,000.
const REQUESTS = process.env.DOPPEL_MUTATION ? 400 : 2000;

describe('the spec-driven fuzzer', () => {
  it('every answer of the example twin and its admin API is below 500 and declared (2,000 requests each, fixed seed)', async () => {
    const { app, twin } = make();
    const platform = await fuzz(app, loadSpec(EXAMPLE_SPEC), { seed: 20261128, requests: REQUESTS, headers: { 'x-key': 'k1' } });
    expect(platform.sent).toBe(REQUESTS);
    expect(platform.failures, formatReport('example', platform)).toEqual([]);
    const admin = await fuzz(app, loadSpec(ADMIN_SPEC), { seed: 20261128, requests: REQUESTS, after: () => twin.reset() });
    expect(admin.failures, formatReport('admin', admin)).toEqual([]);
    // It reached past authentication and validation: successes and refusals both.
    expect(platform.outcomes['2xx']).toBeGreaterThan(REQUESTS / 10);
    expect(platform.outcomes['4xx']).toBeGreaterThan(REQUESTS / 10);
    expect((await app.request('/things', { headers: { 'x-key': 'k1' } })).status).toBe(200);
  }, 60_000);

  it('finds what a twin answers that its spec does not declare, and a 5xx', async () => {
    const { app } = make();
    const spec = loadSpec(EXAMPLE_SPEC);
    const doc = structuredClone(spec.doc) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    delete doc.paths['/things']!.get!.responses['422'];
    const { compileSpec } = await import('./openapi.ts');
    const narrowed = compileSpec(doc, 'narrowed');
    const report = await fuzz(app, narrowed, { seed: 7, requests: 300, headers: { 'x-key': 'k1' }, only: ['GET /things'] });
    expect(report.failures.map((f) => [f.kind, f.operation, f.status])).toContainEqual(['undeclared status', 'GET /things', 422]);
    expect(formatReport('x', report)).toMatch(/undeclared status — GET \/things/);
  });

  it('the same seed sends the same requests', async () => {
    const run = async () => {
      const { app } = make();
      return (await fuzz(app, loadSpec(EXAMPLE_SPEC), { seed: 99, requests: 200, headers: { 'x-key': 'k1' } })).outcomes;
    };
    expect(await run()).toEqual(await run());
  });
});

import { ADMIN_SPEC, createTwinApp, loadSpec } from '@doppel/mock-kit';
import { formatReport, fuzz } from '@doppel/mock-kit/testing';
import { describe, expect, it } from 'vitest';
import { twinCases } from './twins.ts';

/**
 * The spec-driven fuzzer over every twin, with a fixed seed: 2,000 requests to the platform's own API and
 * 2,000 to its admin API. Every answer is below 500 and declared in the spec (status, content type, body
 * schema), and the twin keeps answering afterwards. `pnpm fuzz` runs 10,000 per twin with a random seed.
 */
const SEED = 20261128;

describe('the fuzzer finds nothing undeclared in any twin', () => {
  for (const c of twinCases) {
    it(`${c.def.name}: 2,000 requests to its API, 2,000 to its admin API`, async () => {
      const { app, twin } = createTwinApp(c.def);
      const ready = () => (c.state ? twin.useState(c.state) : twin.reset());
      ready();
      const own = await fuzz(app, loadSpec(c.def.spec), {
        seed: SEED,
        requests: 2000,
        ...(c.headers && { headers: c.headers }),
        ...(c.sign && { sign: c.sign }),
        ...(c.values && { values: c.values }),
      });
      expect(own.failures, formatReport(c.def.name, own)).toEqual([]);
      expect(own.outcomes['2xx'] ?? 0, formatReport(c.def.name, own)).toBeGreaterThan(0);
      const admin = await fuzz(app, loadSpec(ADMIN_SPEC), { seed: SEED, requests: 2000, after: ready });
      expect(admin.failures, formatReport(`${c.def.name} admin`, admin)).toEqual([]);
      expect((await app.request('/__admin/health')).status).toBe(200);
    }, 120_000);
  }
});

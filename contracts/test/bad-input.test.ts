import { ADMIN_SPEC, createTwinApp, loadSpec } from '@doppel/mock-kit';
import { probeBadInput } from '@doppel/mock-kit/testing';
import { describe, expect, it } from 'vitest';
import { twinCases } from './twins.ts';

/**
 * Bad input never crashes a twin and never answers 5xx: every operation of every spec (and of the admin API)
 * gets malformed paths, queries, bodies and content types, with credentials so the probes reach the handlers.
 */
const cases = twinCases;

describe('no twin answers bad input with a 5xx', () => {
  for (const { def, state, headers, sign } of cases) {
    it(`${def.name}: its own API`, async () => {
      const { app, twin } = createTwinApp(def);
      if (state) twin.useState(state);
      const failures = await probeBadInput(app, loadSpec(def.spec), { ...(headers && { headers }), ...(sign && { sign }) });
      expect(failures).toEqual([]);
    });

    it(`${def.name}: the admin API`, async () => {
      const { app } = createTwinApp(def);
      expect(await probeBadInput(app, loadSpec(ADMIN_SPEC))).toEqual([]);
    });
  }
});

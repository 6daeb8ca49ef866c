import type { NamedState } from '../src/index.ts';
import type { ExampleFixtures } from './fixtures.ts';

/** Named states: `POST /__admin/states/{name}`, and the same names are the twin's Pact provider states. */
export const exampleStates: Record<string, NamedState<ExampleFixtures>> = {
  empty: { description: 'No things at all', apply: (f) => ({ ...f, things: [] }) },
  'many things': {
    description: 'params.count things',
    apply: (f, p) => ({ ...f, things: Array.from({ length: Number(p.count ?? 3) }, (_, i) => ({ id: `t${i}`, name: `n${i}` })) }),
  },
};

import type { Twin } from '../src/index.ts';
import type { ExampleFixtures } from './fixtures.ts';

/** The live, mutable state the handlers read and change; seeded from fixtures on start, reset and state changes. */
export interface ExampleRuntime {
  things: Map<string, { id: string; name: string }>;
  /** When the demo token expires, on the twin's clock. */
  tokenExpiresAt: number;
}

export function seed(f: ExampleFixtures, twin: Twin<ExampleFixtures, ExampleRuntime>): ExampleRuntime {
  return { things: new Map(f.things.map((t) => [t.id, t])), tokenExpiresAt: twin.clock.now() + 60_000 };
}

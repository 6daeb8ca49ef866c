import { BoundedMap, type Twin } from '../src/index.ts';
import type { ExampleFixtures } from './fixtures.ts';

/** The live, mutable state the handlers read and change; seeded from fixtures on start, reset and state changes. */
export interface ExampleRuntime {
  /** A kit container, so a shared store (the kit's README, "A shared QA twin") keeps it in step across replicas. */
  things: BoundedMap<string, { id: string; name: string }>;
  /** When the demo token expires, on the twin's clock. */
  tokenExpiresAt: number;
}

export function seed(f: ExampleFixtures, twin: Twin<ExampleFixtures, ExampleRuntime>): ExampleRuntime {
  const things = new BoundedMap<string, { id: string; name: string }>(10_000, () => twin.clock.now());
  for (const t of f.things) things.set(t.id, t);
  return { things, tokenExpiresAt: twin.clock.now() + 60_000 };
}

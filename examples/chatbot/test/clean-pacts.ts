import { rmSync } from 'node:fs';

/** Pact merges into an existing file: start from none, so a renamed interaction leaves nothing behind. */
export default function setup() {
  rmSync(new URL('../pacts', import.meta.url), { recursive: true, force: true });
}

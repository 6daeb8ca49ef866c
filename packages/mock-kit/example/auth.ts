import type { Operation } from '../src/index.ts';
import type { ExampleContext } from './context.ts';
import { exampleErrors } from './errors.ts';

/** The API key's tenant, or undefined. */
export function tenantOf(c: ExampleContext): string | undefined {
  const key = c.req.header('x-key');
  return key ? c.get('twin').fixtures.keys[key] : undefined;
}

/** The platform's entry check: every secured operation needs a known key. */
export function authenticate(c: ExampleContext, op: Operation): void {
  if (op.secured && tenantOf(c) === undefined) exampleErrors.raise('BAD_KEY');
}

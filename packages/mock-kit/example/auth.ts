import type { CallerHooks, Operation } from '../src/index.ts';
import type { ExampleContext } from './context.ts';
import { exampleErrors } from './errors.ts';
import type { ExampleFixtures } from './fixtures.ts';
import type { ExampleRuntime } from './runtime.ts';

/** The API key's tenant, or undefined. */
export function tenantOf(c: ExampleContext): string | undefined {
  const key = c.req.header('x-key');
  return key ? c.get('twin').fixtures.keys[key] : undefined;
}

/** Who calls the example platform: the API key, and the tenant it belongs to. */
export const exampleCallers: CallerHooks<ExampleFixtures, ExampleRuntime> = {
  kinds: { key: 'the API key (x-key)', tenant: 'the tenant the key belongs to' },
  of(req, twin) {
    const key = req.header('x-key');
    const tenant = key === undefined ? undefined : twin.fixtures.keys[key];
    return key === undefined || tenant === undefined ? undefined : { key, tenant };
  },
  known: (f) => [
    ...Object.keys(f.keys).map((id) => ({ kind: 'key', id })),
    ...[...new Set(Object.values(f.keys))].map((id) => ({ kind: 'tenant', id })),
  ],
  tenant: ['tenant'],
};

/** The platform's entry check: every secured operation needs a known key. */
export function authenticate(c: ExampleContext, op: Operation): void {
  if (op.secured && tenantOf(c) === undefined) exampleErrors.raise('BAD_KEY');
}

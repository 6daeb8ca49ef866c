import { fileURLToPath } from 'node:url';
import type { TwinDefinition } from '../src/index.ts';
import { authenticate, exampleCallers } from './auth.ts';
import { exampleErrors } from './errors.ts';
import { defaultFixtures, type ExampleFixtures, fixturesSchema } from './fixtures.ts';
import { exampleAdminRoutes } from './routes/admin.ts';
import { openRoutes, thingsRoutes } from './routes/things.ts';
import { type ExampleRuntime, seed } from './runtime.ts';
import { exampleStates } from './states.ts';

/** The twin's OpenAPI document (for a real twin: `contracts/openapi/<platform>.yaml`). */
export const EXAMPLE_SPEC = fileURLToPath(new URL('./openapi.yaml', import.meta.url));

/** Everything the kit needs to build the twin: spec, fixtures, states, errors, the platform's hooks and routes. */
export const exampleTwin: TwinDefinition<ExampleFixtures, ExampleRuntime> = {
  name: 'example',
  title: 'Example platform',
  defaultPort: 4999,
  spec: EXAMPLE_SPEC,
  fixtures: { schema: fixturesSchema, defaults: defaultFixtures },
  states: exampleStates,
  seed,
  errors: exampleErrors.catalogue,
  callers: exampleCallers,
  authenticate,
  onInvalid: (_c, issues) => exampleErrors.refuse('INVALID', { body: { issues: issues.map((i) => i.message) } }),
  notFound: () => exampleErrors.refuse('NO_ROUTE'),
  internalError: () => exampleErrors.refuse('SERVER_ERROR'),
  routes: [
    ['/things', thingsRoutes],
    ['/open', openRoutes],
  ],
  adminRoutes: exampleAdminRoutes,
};

import type { TwinDefinition } from '@doppel/mock-kit';
import { specFile } from '@doppel/mock-kit';
import { authenticate, onesCallers } from './auth.ts';
import { onesErrors } from './errors.ts';
import { defaultFixtures, fixturesSchema, type OnesFixtures } from './fixtures.ts';
import { frontDoor } from './plugins/engine.ts';
import { onesAdminRoutes } from './routes/admin.ts';
import { projectRoutes } from './routes/project.ts';
import { wikiRoutes } from './routes/wiki.ts';
import { type OnesRuntime, seed } from './runtime.ts';
import { onesStates } from './states.ts';

/** The twin's OpenAPI document: routes, validation and types. */
export const ONES_SPEC = specFile('ones', import.meta.url);

/** Everything the kit needs to build the ONES twin: spec, fixtures, states, errors, hooks and routes. */
export const onesTwin: TwinDefinition<OnesFixtures, OnesRuntime> = {
  name: 'ones',
  title: 'ONES (project + wiki API, plugin API interception)',
  defaultPort: 4030,
  spec: ONES_SPEC,
  fixtures: { schema: fixturesSchema, defaults: defaultFixtures },
  states: onesStates,
  seed,
  errors: onesErrors.catalogue,
  callers: onesCallers,
  beforeRouting: frontDoor,
  authenticate,
  // ONES names the first bad field: a body pointer without its leading slash, a parameter by its name.
  onInvalid: (_c, issues) => onesErrors.refuse('INVALID_PARAMETER', { body: { field: issues[0]!.name.replace(/^\//, '') || 'body' } }),
  notFound: () => onesErrors.refuse('ROUTE_NOT_FOUND'),
  tooLarge: () => onesErrors.refuse('PAYLOAD_TOO_LARGE'),
  internalError: () => onesErrors.refuse('SERVER_ERROR'),
  credentials: (f) =>
    f.users.map((u) => ({
      label: `${u.name} (${u.email})`,
      value: `password ${u.password} · Ones-User-Id ${u.uuid} · Ones-Auth-Token ${u.token}`,
    })),
  routes: [
    ['/project/api/project', projectRoutes],
    ['/wiki/api/wiki', wikiRoutes],
  ],
  adminRoutes: onesAdminRoutes,
};

import { fileURLToPath } from 'node:url';
import { createTwinApp, type TwinApp, type TwinDefinition, type TwinOptions } from '@doppel/mock-kit';
import { onesErrors } from './errors.ts';
import { defaultFixtures, fixturesSchema, type OnesFixtures } from './fixtures.ts';
import { interceptionGateway } from './plugins/engine.ts';
import { pluginAdminRoutes } from './routes/admin.ts';
import { userFromHeaders } from './routes/auth.ts';
import { projectRoutes } from './routes/project.ts';
import { wikiRoutes } from './routes/wiki.ts';
import { type OnesState, seed } from './state.ts';
import { onesStates } from './states.ts';

export const ONES_SPEC = fileURLToPath(new URL('../../../contracts/openapi/ones.yaml', import.meta.url));
export const ONES_DEFAULT_PORT = 4030;

export const onesTwin: TwinDefinition<OnesFixtures, OnesState> = {
  name: 'ones',
  title: 'ONES (project + wiki API, plugin API interception)',
  defaultPort: ONES_DEFAULT_PORT,
  spec: ONES_SPEC,
  fixtures: { schema: fixturesSchema, defaults: defaultFixtures },
  states: onesStates,
  seed: (f) => seed(f),
  errors: onesErrors.catalogue,
  // The team in the path, else the calling user.
  tenantOf: (c) => /\/team\/([^/?]+)/.exec(c.req.path)?.[1] ?? c.req.header('ones-user-id'),
  gateway: interceptionGateway,
  async authenticate(c, op) {
    if (!op.secured) return;
    const user = userFromHeaders(c);
    if (!user) return onesErrors.raise(c, 'INVALID_TOKEN');
    c.get('twin').state.accessTimes.set(user.uuid, c.get('twin').clock.now() * 1000);
  },
  onInvalid: (c, issues) => onesErrors.response(c, 'INVALID_PARAMETER', { body: { field: issues[0]?.name.replace(/^\//, '') || 'body' } }),
  notFound: (c) => onesErrors.response(c, 'ROUTE_NOT_FOUND'),
  internalError: (c) => onesErrors.response(c, 'SERVER_ERROR'),
  secretNames: /^ones-auth-token$/i,
  credentials: (f) =>
    f.users.map((u) => ({ label: `${u.name} (${u.email})`, value: `password ${u.password} · Ones-User-Id ${u.uuid} · Ones-Auth-Token ${u.token}` })),
  routes(app) {
    projectRoutes(app);
    wikiRoutes(app);
  },
  adminRoutes: pluginAdminRoutes,
};

/** The ONES twin's app (never listens): tests call `app.request()`. */
export function createApp(options: TwinOptions<OnesFixtures> = {}): TwinApp<OnesFixtures, OnesState> {
  return createTwinApp(onesTwin, options);
}

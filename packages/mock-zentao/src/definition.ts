import type { TwinDefinition } from '@doppel/mock-kit';
import { specFile } from '@doppel/mock-kit';
import { checkEntry, zentaoCallers } from './auth.ts';
import { zentaoErrors } from './errors.ts';
import { defaultFixtures, fixturesSchema, type ZentaoFixtures } from './fixtures.ts';
import { zentaoAdminRoutes } from './routes/admin.ts';
import { imRoutes } from './routes/im.ts';
import { seed, type ZentaoRuntime } from './runtime.ts';
import { zentaoStates } from './states.ts';

/** The twin's contract: contracts/openapi/zentao.yaml. */
export const ZENTAO_SPEC = specFile('zentao', import.meta.url);

/** ZenTao reads the raw body with json_decode whatever the Content-Type; anything else decodes to null. */
function parseBody(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

/** Everything the kit needs to build the ZenTao twin: spec, fixtures, states, errors, hooks and routes. */
export const zentaoTwin: TwinDefinition<ZentaoFixtures, ZentaoRuntime> = {
  name: 'zentao',
  title: 'ZenTao / xuanxuan IM notifications',
  defaultPort: 4020,
  spec: ZENTAO_SPEC,
  fixtures: { schema: fixturesSchema, defaults: defaultFixtures },
  states: zentaoStates,
  seed,
  errors: zentaoErrors.catalogue,
  callers: zentaoCallers,
  authenticate: checkEntry,
  // Only m/f values can fail the spec here (checkEntry ran first): ZenTao has no such method.
  onInvalid: (c, issues) =>
    zentaoErrors.refuse('UNKNOWN_METHOD', {
      body: { message: `方法不存在：m=${c.req.query('m')}&f=${c.req.query('f')}（${issues.map((i) => i.message).join('; ')}）。` },
    }),
  notFound: () => zentaoErrors.refuse('PAGE_NOT_FOUND'),
  // The web server in front of ZenTao refuses a body over its limit before PHP sees it: its HTML 413 page.
  tooLarge: () => zentaoErrors.refuse('REQUEST_TOO_LARGE'),
  parseBody,
  stores: (rt) => ({ inbox: rt.deliveries }),
  credentials: (f) => {
    const app = f.apps[0];
    return app ? [{ label: 'app code / key', value: `${app.code} / ${app.key}` }] : [];
  },
  routes: [['/api.php', imRoutes]],
  adminRoutes: zentaoAdminRoutes,
};

import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';
import type { TwinContext, TwinDefinition, TwinEnv } from '@doppel/mock-kit';
import { checkEntry } from './entry.ts';
import { errors } from './errors.ts';
import { defaultFixtures, fixturesSchema, type ZentaoFixtures } from './fixtures.ts';
import { imRoutes } from './routes/im.ts';
import { inboxRoutes } from './routes/inbox.ts';
import { seed, type ZentaoState } from './state.ts';
import { states } from './states.ts';

export type ZentaoEnv = TwinEnv<ZentaoFixtures, ZentaoState>;
export type ZentaoContext = TwinContext<ZentaoFixtures, ZentaoState>;

export const ZENTAO_SPEC = fileURLToPath(new URL('../../../contracts/openapi/zentao.yaml', import.meta.url));

/** ZenTao reads the raw body with json_decode whatever the Content-Type; anything else decodes to null. */
function parseBody(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

export const zentaoTwin: TwinDefinition<ZentaoFixtures, ZentaoState> = {
  name: 'zentao',
  title: 'ZenTao / xuanxuan IM notifications',
  defaultPort: 4020,
  spec: ZENTAO_SPEC,
  fixtures: { schema: fixturesSchema, defaults: defaultFixtures },
  states,
  seed,
  errors: errors.catalogue,
  tenantOf: (c) => c.req.query('code') || undefined,
  authenticate: checkEntry,
  // Only m/f values can fail the spec here (checkEntry ran first): ZenTao has no such method.
  onInvalid: (c, issues) =>
    errors.response(c, 'UNKNOWN_METHOD', {
      body: { message: `方法不存在：m=${c.req.query('m') ?? ''}&f=${c.req.query('f') ?? ''}（${issues.map((i) => i.message).join('; ')}）。` },
    }),
  notFound: (c: Context) => c.html('<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>', 404),
  parseBody,
  credentials: (f) => {
    const app = f.apps[0];
    return app ? [{ label: 'app code / key', value: `${app.code} / ${app.key}` }] : [];
  },
  routes(app) {
    app.route('/', imRoutes);
  },
  adminRoutes(admin) {
    admin.route('/', inboxRoutes);
  },
};

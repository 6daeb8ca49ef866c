import { fileURLToPath } from 'node:url';
import type { TwinDefinition, ValidationIssue } from '@doppel/mock-kit';
import { errors } from './errors.ts';
import { type DingTalkFixtures, defaultFixtures, fixturesSchema } from './fixtures.ts';
import { authenticate, paramError, TOKEN_HEADER } from './gateway.ts';
import { dingtalkAdminRoutes } from './routes/admin.ts';
import { assetRoutes } from './routes/assets.ts';
import { authorityRoutes } from './routes/authority.ts';
import { instanceRoutes } from './routes/instances.ts';
import { oauthRoutes } from './routes/oauth.ts';
import { type DingTalkState, findApp, seed } from './state.ts';
import { states } from './states.ts';
import type { Ctx } from './types.ts';

export const DINGTALK_SPEC = fileURLToPath(new URL('../../../contracts/openapi/dingtalk.yaml', import.meta.url));
export const DEFAULT_PORT = 4010;

/** The platform's answer to a request that fails the spec, by the kind of call. */
async function onInvalid(c: Ctx, issues: ValidationIssue[], op: { extensions: Record<string, unknown> }) {
  const style = op.extensions['x-dingtalk-errors'];
  if (style === 'legacy') return errors.response(c, 'legacy40089');
  if (style === 'gateway-token') {
    // No body, a body that is not JSON, or JSON that is not an object: the gateway sees no body.
    if (issues.some((i) => i.in === 'body' && i.name === '')) {
      return errors.response(c, 'Missingbody');
    }
    const missing = issues.find((i) => i.keyword === 'required');
    const field = (missing?.name ?? issues[0]?.name ?? '').replace(/^\//, '');
    if (missing) return errors.response(c, 'MissingParameter', { body: { code: `Missing${field}`, message: `${field} is mandatory for this action.` } });
    return errors.response(c, 'MissingParameter', {
      body: { code: `Invalid${field}`, message: `Specified parameter ${field} is not valid.` },
    });
  }
  return paramError(c, issues.map((i) => i.message).join('; ')).catch((err: { response: Response }) => err.response);
}

function tenantOf(c: Ctx): string | undefined {
  const { state } = c.get('twin');
  const token = c.req.header(TOKEN_HEADER);
  if (token) return state.tokens.get(token)?.corpId;
  const body = (c.get('body') ?? {}) as Record<string, unknown>;
  const path = c.req.path;
  if (path === '/v1.0/oauth2/accessToken') return findApp(state, String(body.appKey ?? ''))?.corpId;
  if (path === '/v1.0/oauth2/corpAccessToken') return typeof body.authCorpId === 'string' ? body.authCorpId : undefined;
  if (path === '/gettoken') return findApp(state, c.req.query('appkey') ?? '')?.corpId;
  if (path === '/connect/authority') return c.req.query('corpId') ?? (typeof body.corpId === 'string' ? body.corpId : undefined);
  return undefined;
}

export const dingtalkTwin: TwinDefinition<DingTalkFixtures, DingTalkState> = {
  name: 'dingtalk',
  title: 'DingTalk Connect',
  defaultPort: DEFAULT_PORT,
  spec: DINGTALK_SPEC,
  fixtures: { schema: fixturesSchema, defaults: defaultFixtures },
  states,
  seed,
  errors: errors.catalogue,
  tenantOf,
  authenticate,
  onInvalid,
  notFound: (c) => errors.response(c, 'NotFound'),
  internalError: (c, err) =>
    // Never expected; still in the gateway's shape rather than a bare 500 page.
    c.json({ code: 'InternalError', requestid: String((c.get('notes') as { requestId?: string } | undefined)?.requestId ?? ''), message: String(err) }, 500),
  secretNames: /appsecret|suiteSecret|suiteTicket|access-token/i,
  credentials: (f) => [
    ...f.orgs.slice(0, 1).map((o) => ({ label: 'organisation (corpId)', value: o.corpId })),
    ...f.apps.map((a) => ({ label: `self-built app ${a.name}`, value: `appKey ${a.appKey} / appSecret ${a.appSecret}` })),
    ...f.suites.map((s) => ({
      label: `suite ${s.name}`,
      value: `suiteKey ${s.suiteKey} / suiteSecret ${s.suiteSecret} / suiteTicket ${s.suiteTicket}`,
    })),
  ],
  routes(app) {
    app.route('/', oauthRoutes());
    app.route('/', assetRoutes());
    app.route('/', instanceRoutes());
    app.route('/', authorityRoutes());
  },
  adminRoutes: dingtalkAdminRoutes,
};

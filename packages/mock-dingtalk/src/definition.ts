import type { Operation, TwinDefinition, ValidationIssue } from '@doppel/mock-kit';
import { specFile } from '@doppel/mock-kit';
import { authenticate, dingtalkCallers } from './auth.ts';
import type { DingTalkContext } from './context.ts';
import { denials, dingtalkErrors, refusalOf } from './errors.ts';
import { type DingTalkFixtures, defaultFixtures, fixturesSchema } from './fixtures.ts';
import { dingtalkAdminRoutes } from './routes/admin.ts';
import { assetRoutes } from './routes/assets.ts';
import { authorityRoutes } from './routes/authority.ts';
import { instanceRoutes } from './routes/instances.ts';
import { legacyTokenRoutes, oauthRoutes } from './routes/oauth.ts';
import type { DingTalkRuntime } from './runtime.ts';
import { seed } from './runtime.ts';
import { dingtalkStates } from './states.ts';

/** The twin's OpenAPI document. */
export const DINGTALK_SPEC = specFile('dingtalk', import.meta.url);

/**
 * The platform's refusal of a request that fails the spec, by the kind of call (`x-dingtalk-errors` in the spec):
 * the legacy token call answers 40089, the new gateway's token calls `Missingbody` / `Missing<field>` /
 * `Invalid<field>`, and the connector API 4001 naming every problem.
 */
function onInvalid(_c: DingTalkContext, issues: ValidationIssue[], op: Operation) {
  const style = op.extensions['x-dingtalk-errors'];
  if (style === 'legacy') return dingtalkErrors.refuse('legacy40089');
  if (style === 'gateway-token') {
    // Token calls have no parameters: every issue is about the body. No body, a body that is not JSON, or JSON
    // that is not an object is one issue of the body itself: the gateway sees no body.
    const first = issues[0]!;
    if (first.name === '') return dingtalkErrors.refuse('Missingbody');
    // Every other issue names a field by its pointer (`/appKey`).
    const missing = issues.find((i) => i.keyword === 'required');
    const field = (missing ?? first).name.slice(1);
    const body = missing
      ? { code: `Missing${field}`, message: `${field} is mandatory for this action.` }
      : { code: `Invalid${field}`, message: `Specified parameter ${field} is not valid.` };
    return dingtalkErrors.refuse('MissingParameter', { body });
  }
  return refusalOf(denials.param(issues.map((i) => i.message).join('; ')));
}

/** Everything the kit needs to build the twin: spec, fixtures, states, errors, the platform's hooks and routes. */
export const dingtalkTwin: TwinDefinition<DingTalkFixtures, DingTalkRuntime> = {
  name: 'dingtalk',
  title: 'DingTalk Connect',
  defaultPort: 4010,
  spec: DINGTALK_SPEC,
  fixtures: { schema: fixturesSchema, defaults: defaultFixtures },
  states: dingtalkStates,
  seed,
  errors: dingtalkErrors.catalogue,
  callers: dingtalkCallers,
  authenticate,
  onInvalid,
  notFound: () => dingtalkErrors.refuse('NotFound'),
  // Never expected; still in the gateway's shape rather than a bare 500 page.
  internalError: (_c, err) => dingtalkErrors.refuse('InternalError', { body: { message: String(err) } }),
  tooLarge: (_c, limit) => dingtalkErrors.refuse('PayloadTooLarge', { body: { message: `请求体过大: 超过 ${limit} 字节` } }),
  secretNames: /appsecret|suiteSecret|suiteTicket|access-token|password/i,
  stores: (rt) => ({ tokens: rt.tokens, instances: rt.instances, executions: rt.executions }),
  credentials: (f) => [
    ...f.orgs.slice(0, 1).map((o) => ({ label: 'organisation (corpId)', value: o.corpId })),
    ...f.orgs
      .filter((o) => o.admin)
      .map((o) => ({
        label: `administrator of ${o.name} (authority page)`,
        value: `login ${o.admin!.login} / password ${o.admin!.password}`,
      })),
    ...f.apps.map((a) => ({ label: `self-built app ${a.name}`, value: `appKey ${a.appKey} / appSecret ${a.appSecret}` })),
    ...f.suites.map((s) => ({
      label: `suite ${s.name}`,
      value: `suiteKey ${s.suiteKey} / suiteSecret ${s.suiteSecret} / suiteTicket ${s.suiteTicket}`,
    })),
  ],
  routes: [
    ['/v1.0/oauth2', oauthRoutes],
    ['/gettoken', legacyTokenRoutes],
    ['/v1.0/connector/assets', assetRoutes],
    ['/v1.0/connector', instanceRoutes],
    ['/connect/authority', authorityRoutes],
  ],
  adminRoutes: dingtalkAdminRoutes,
};

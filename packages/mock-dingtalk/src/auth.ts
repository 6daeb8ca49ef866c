import type { CallerHooks, Callers, Operation } from '@doppel/mock-kit';
import { findApp } from './access.ts';
import type { DingTalkContext } from './context.ts';
import { dingtalkErrors } from './errors.ts';
import type { DingTalkFixtures } from './fixtures.ts';
import type { Caller, DingTalkRuntime, TokenRecord } from './runtime.ts';

const TOKEN_HEADER = 'x-acs-dingtalk-access-token';

/** The live token record of this request, or undefined (missing, unknown or expired). */
function tokenOf(c: DingTalkContext): TokenRecord | undefined {
  const twin = c.get('twin');
  // No header finds no token.
  const rec = twin.state.tokens.get(c.req.header(TOKEN_HEADER) as string);
  return rec && rec.expiresAt > twin.clock.now() ? rec : undefined;
}

/** The kit's authenticate hook: every secured operation needs a live token; the caller goes into the notes. */
export function authenticate(c: DingTalkContext, op: Operation): void {
  if (!op.secured) return;
  const rec = tokenOf(c);
  const notes = c.get('notes');
  if (rec) {
    notes.caller = { corpId: rec.corpId, clientId: rec.clientId, kind: rec.kind } satisfies Caller;
    return;
  }
  notes.auth = c.req.header(TOKEN_HEADER) ? 'unknown or expired token' : 'no x-acs-dingtalk-access-token header';
  dingtalkErrors.raise('InvalidAuthentication');
}

/** The caller of an authenticated request, as `authenticate` noted it (it has already refused the others). */
export function callerOf(c: DingTalkContext): Caller {
  return c.get('notes').caller as Caller;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `{ app, org }` without the absent ones. */
function pair(app: string | undefined, org: string | undefined): Callers | undefined {
  if (app === undefined && org === undefined) return undefined;
  return { ...(app !== undefined && { app }), ...(org !== undefined && { org }) };
}

/**
 * Who calls (package README, "Callers"): the app (a self-built app's appKey or a suite's suiteKey) and the
 * organisation it acts for (corpId). A connector call is the token's; a token call names its app in the body or
 * query; the authority page names both.
 */
export const dingtalkCallers: CallerHooks<DingTalkFixtures, DingTalkRuntime> = {
  kinds: {
    app: "the calling app: a self-built app's appKey or a third-party suite's suiteKey",
    org: 'the organisation (corpId) the app acts for',
  },
  of(req, twin) {
    const { state } = twin;
    const noted = req.notes.caller as Caller | undefined;
    if (noted) return { app: noted.clientId, org: noted.corpId };
    const token = req.header(TOKEN_HEADER);
    if (token) {
      const rec = state.tokens.get(token);
      return rec && { app: rec.clientId, org: rec.corpId };
    }
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    switch (req.path) {
      case '/v1.0/oauth2/accessToken': {
        const appKey = text(body.appKey);
        return pair(appKey, appKey === undefined ? undefined : findApp(state, appKey)?.corpId);
      }
      case '/v1.0/oauth2/corpAccessToken':
        return pair(text(body.suiteKey), text(body.authCorpId));
      case '/gettoken': {
        const appKey = req.query('appkey');
        return pair(appKey, appKey === undefined ? undefined : findApp(state, appKey)?.corpId);
      }
      case '/connect/authority':
        return pair(req.query('clientId') ?? text(body.clientId), req.query('corpId') ?? text(body.corpId));
    }
    return undefined;
  },
  known: (f) => [
    ...f.apps.map((a) => ({ kind: 'app', id: a.appKey, name: a.name })),
    ...f.suites.map((s) => ({ kind: 'app', id: s.suiteKey, name: s.name })),
    ...f.orgs.map((o) => ({ kind: 'org', id: o.corpId, name: o.name })),
  ],
  tenant: ['org'],
};

import type { Operation } from '@doppel/mock-kit';
import { findApp } from './access.ts';
import type { DingTalkContext } from './context.ts';
import { dingtalkErrors } from './errors.ts';
import type { Caller, TokenRecord } from './runtime.ts';

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

/** The calling organisation, for tenant-scoped scenario rules (package README, "Errors"). */
export function tenantOf(c: DingTalkContext): string | undefined {
  const { state } = c.get('twin');
  const token = c.req.header(TOKEN_HEADER);
  if (token) return state.tokens.get(token)?.corpId;
  const body = (c.get('body') ?? {}) as Record<string, unknown>;
  switch (c.req.path) {
    case '/v1.0/oauth2/accessToken':
      return findApp(state, String(body.appKey))?.corpId;
    case '/v1.0/oauth2/corpAccessToken':
      return typeof body.authCorpId === 'string' ? body.authCorpId : undefined;
    case '/gettoken':
      return findApp(state, c.req.query('appkey') as string)?.corpId;
    case '/connect/authority':
      return c.req.query('corpId') ?? (typeof body.corpId === 'string' ? body.corpId : undefined);
  }
  return undefined;
}

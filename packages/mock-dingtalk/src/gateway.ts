import type { Operation } from '@doppel/mock-kit';
import { errors } from './errors.ts';
import type { Caller, TokenRecord } from './state.ts';
import type { Ctx } from './types.ts';

export const TOKEN_HEADER = 'x-acs-dingtalk-access-token';

/** The live token record of this request, or undefined (missing, unknown or expired). */
export function tokenOf(c: Ctx): TokenRecord | undefined {
  const token = c.req.header(TOKEN_HEADER);
  if (!token) return undefined;
  const rec = c.get('twin').state.tokens.get(token);
  if (!rec || rec.expiresAt <= c.get('twin').clock.now()) return undefined;
  return rec;
}

/** The kit's authenticate hook: every secured operation needs a live token. */
export async function authenticate(c: Ctx, op: Operation): Promise<void> {
  if (!op.secured) return;
  const rec = tokenOf(c);
  if (!rec) {
    c.get('notes').auth = c.req.header(TOKEN_HEADER) ? 'unknown or expired token' : 'no x-acs-dingtalk-access-token header';
    await errors.raise(c, 'InvalidAuthentication');
  }
  c.get('notes').caller = { corpId: rec!.corpId, clientId: rec!.clientId, kind: rec!.kind };
}

/** The caller of an authenticated request (authenticate has already refused the others). */
export function callerOf(c: Ctx): Caller {
  const rec = tokenOf(c)!;
  return { corpId: rec.corpId, clientId: rec.clientId, kind: rec.kind };
}

/** A 4001 parameter error naming the problem. */
export function paramError(c: Ctx, detail: string): Promise<never> {
  return errors.raise(c, '4001', { body: { message: `参数错误: ${detail}` } });
}

import { type Clock, createClock } from '@doppel/mock-kit';
import type { DingTalkApp } from './context.ts';
import { connectAssetUri, DEFAULT_CORP_ID, IDS, ISV_CORP_ID, OFFICIAL_CORP_ID, SELF_BUILT_APP, SUITE } from './fixtures.ts';
import { createApp } from './server.ts';

export const post = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export async function selfBuiltToken(app: DingTalkApp): Promise<string> {
  const res = await app.request('/v1.0/oauth2/accessToken', post({ appKey: SELF_BUILT_APP.appKey, appSecret: SELF_BUILT_APP.appSecret }));
  return ((await res.json()) as { accessToken: string }).accessToken;
}

export async function suiteToken(app: DingTalkApp, authCorpId = DEFAULT_CORP_ID): Promise<string> {
  const res = await app.request(
    '/v1.0/oauth2/corpAccessToken',
    post({ suiteKey: SUITE.suiteKey, suiteSecret: SUITE.suiteSecret, suiteTicket: SUITE.suiteTicket, authCorpId }),
  );
  return ((await res.json()) as { accessToken: string }).accessToken;
}

export const auth = (token: string) => ({ 'x-acs-dingtalk-access-token': token });

/** A JSON call with a token. */
export function call(app: DingTalkApp, token: string, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') {
  return app.request(path, {
    method,
    headers: { ...auth(token), ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
}

/** A clock that stands still at 2024-05-01T00:00:00Z until a test moves it, so expiry can be tested to the millisecond. */
export const frozenClock = (): Clock => createClock(() => Date.UTC(2024, 4, 1));

export { createApp };

/** The three actions the tests use most: 创建客户 (the default org's own), 创建销售订单 (the ISV's), 创建待办 (official). */
export const CUSTOMER = connectAssetUri(DEFAULT_CORP_ID, IDS.createCustomer);
export const ORDER = connectAssetUri(ISV_CORP_ID, IDS.createOrder);
export const TODO = connectAssetUri(OFFICIAL_CORP_ID, IDS.createTodo);

import { randomUUID } from 'node:crypto';
import { defineErrors } from '@doppel/mock-kit';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The request id of this request (made once, kept in the journal notes so a body and its entry agree). */
export function requestIdOf(c: Context): string {
  const notes = c.get('notes') as Record<string, unknown> | undefined;
  if (notes && typeof notes.requestId === 'string') return notes.requestId;
  const id = randomUUID().toUpperCase();
  if (notes) notes.requestId = id;
  return id;
}

/** The `x-acs-*` headers every DingTalk response carries. */
export function acsHeaders(c: Context): Record<string, string> {
  const id = requestIdOf(c);
  // The trace id is derived from the request id (32 hex digits), as cheap as it is unique.
  return { 'x-acs-request-id': id, 'x-acs-trace-id': id.replace(/-/g, '').toLowerCase() };
}

/** The new gateway's error: HTTP 4xx, `{code, requestid, message}`. */
function gateway(description: string, status: number, code: string, message: string) {
  return {
    description,
    status,
    body: { code, requestid: '<per request>', message },
    respond: (c: Context, body: unknown, st: number) => {
      const b = { ...(body as object), requestid: requestIdOf(c) };
      return c.json(b, st as ContentfulStatusCode, acsHeaders(c));
    },
  };
}

/**
 * DingTalk's named errors. Each is also a scenario: `x-doppel-scenario: <name>` or a rule forces it.
 * The integration codes are named after their code (`4001`, `4003`, `4004`).
 */
export const errors = defineErrors({
  InvalidAuthentication: gateway(
    'Missing, unknown or expired x-acs-dingtalk-access-token',
    400,
    'InvalidAuthentication',
    '不合法的access_token',
  ),
  AccessTokenPermissionDenied: gateway(
    'The app lacks the permission the API needs (scenario only: the twin grants every permission)',
    403,
    'Forbidden.AccessDenied.AccessTokenPermissionDenied',
    '应用尚未开通所需的权限：[Connector.Asset.Read]',
  ),
  Missingbody: gateway('A token call whose body is absent or not JSON', 400, 'Missingbody', 'body is mandatory for this action.'),
  MissingParameter: gateway(
    'A token call without a required field (the message names it)',
    400,
    'MissingParameter',
    'parameter is mandatory for this action.',
  ),
  invalidClientIdOrSecret: gateway(
    'Unknown appKey or wrong appSecret (POST /v1.0/oauth2/accessToken)',
    400,
    'invalidClientIdOrSecret',
    '无效的clientId或者clientSecret',
  ),
  invalidSuiteKey: gateway('Unknown suiteKey or wrong suiteSecret (corpAccessToken)', 400, 'invalidSuiteKey', 'suitekey不合法'),
  invalidSuiteTicket: gateway('Wrong suiteTicket (corpAccessToken)', 400, 'invalidSuiteTicket', 'suiteTicket无效'),
  invalidAuthInfo: gateway('The organisation did not install the suite (corpAccessToken)', 400, 'invalidAuthInfo', '授权关系不存在'),
  legacy40089: {
    description: 'Legacy GET /gettoken with bad appkey/appsecret: HTTP 200 with errcode 40089',
    status: 200,
    body: { errcode: 40089, errmsg: '不合法的corpId或corpSecret' },
    respond: (c: Context, body: unknown, st: number) => c.json(body, st as ContentfulStatusCode, acsHeaders(c)),
  },
  '4001': gateway('Parameter error: bad JSON, input failing the schema, missing fields, bad paging', 400, '4001', '参数错误'),
  '4003': gateway('The caller is not authorized for the asset (no grant, or revoked)', 403, '4003', '调用发起未授权'),
  '4004': gateway('The connect asset or the instance does not exist', 404, '4004', '连接资产不存在/调用的实例不存在'),
  actionFailed: {
    description: 'The invoked action failed: HTTP 200 with a non-zero errorCode (the platform wraps the business error)',
    status: 200,
    body: { outputJson: '{}', instanceId: '<per request>', cost: 0, errorCode: 'ACTION_EXECUTE_FAILED', errorMessage: '执行动作调用失败' },
    respond: (c: Context, body: unknown, st: number) => {
      const b = { ...(body as object), instanceId: `SCENARIO-${requestIdOf(c)}` };
      return c.json(b, st as ContentfulStatusCode, acsHeaders(c));
    },
  },
  NotFound: gateway('No such API (path or method)', 404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.'),
  Throttling: gateway('Too many calls (scenario only)', 429, 'Throttling.Api', 'Request was denied due to api flow control.'),
});

export type DingTalkErrorName = keyof typeof errors.catalogue;

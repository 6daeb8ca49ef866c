import { randomUUID } from 'node:crypto';
import { defineErrors, type ErrorTemplate, type Refusal } from '@doppel/mock-kit';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The request id of this request (made once, kept in the journal notes so a body and its entry agree). */
function requestIdOf(c: Context): string {
  const notes = c.get('notes') as Record<string, unknown>;
  if (typeof notes.requestId === 'string') return notes.requestId;
  const id = randomUUID().toUpperCase();
  notes.requestId = id;
  return id;
}

/** The `x-acs-*` headers every DingTalk response carries. */
export function acsHeaders(c: Context): Record<string, string> {
  const id = requestIdOf(c);
  // The trace id is derived from the request id (32 hex digits), as cheap as it is unique.
  return { 'x-acs-request-id': id, 'x-acs-trace-id': id.replace(/-/g, '').toLowerCase() };
}

/** The new gateway's error: HTTP 4xx, `{code, requestid, message}`, with the request's own id. */
function gateway(description: string, status: number, code: string, message: string): ErrorTemplate {
  return {
    description,
    status,
    body: { code, requestid: '<per request>', message },
    respond: (c, body, st) => c.json({ ...(body as object), requestid: requestIdOf(c) }, st as ContentfulStatusCode, acsHeaders(c)),
  };
}

/**
 * DingTalk's named errors. Each is also a scenario: `x-doppel-scenario: <name>` or a rule forces it.
 * The integration codes are named after their code (`4001`, `4003`, `4004`).
 */
export const dingtalkErrors = defineErrors({
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
    respond: (c, body, st) => c.json(body, st as ContentfulStatusCode, acsHeaders(c)),
  },
  '4001': gateway('Parameter error: bad JSON, input failing the schema, missing fields, bad paging', 400, '4001', '参数错误'),
  '4003': gateway('The caller is not authorized for the asset (no grant, or revoked)', 403, '4003', '调用发起未授权'),
  '4004': gateway('The connect asset or the instance does not exist', 404, '4004', '连接资产不存在/调用的实例不存在'),
  actionFailed: {
    description: 'The invoked action failed: HTTP 200 with a non-zero errorCode (the platform wraps the business error)',
    status: 200,
    body: { outputJson: '{}', instanceId: '<per request>', cost: 0, errorCode: 'ACTION_EXECUTE_FAILED', errorMessage: '执行动作调用失败' },
    respond: (c, body, st) =>
      c.json({ ...(body as object), instanceId: `SCENARIO-${requestIdOf(c)}` }, st as ContentfulStatusCode, acsHeaders(c)),
  },
  NotFound: gateway(
    'No such API (path or method)',
    404,
    'InvalidAction.NotFound',
    'Specified api is not found, please check your url and method.',
  ),
  PayloadTooLarge: gateway(
    "The request body is over the twin's limit (1 MiB unless bodyLimit says otherwise); the connection then closes",
    413,
    'PayloadTooLarge',
    '请求体过大',
  ),
  Throttling: gateway('Too many calls (scenario only)', 429, 'Throttling.Api', 'Request was denied due to api flow control.'),
  InternalError: gateway('A defect in the twin itself (never expected; the message names it)', 500, 'InternalError', 'internal error'),
});

export type DingTalkErrorName = keyof typeof dingtalkErrors.catalogue;

/**
 * One of the integration errors (4001 / 4003 / 4004) with the message its body carries, as data: the handler
 * that refuses an invoke writes the same code and message into the execution record.
 */
export interface Denial {
  name: '4001' | '4003' | '4004';
  message: string;
}

export const denials = {
  param: (detail: string): Denial => ({ name: '4001', message: `参数错误: ${detail}` }),
  unauthorized: (uri: string): Denial => ({ name: '4003', message: `调用发起未授权: 组织尚未授权该连接资产 ${uri}` }),
  noAsset: (uri: string): Denial => ({ name: '4004', message: `连接资产不存在: ${uri}` }),
  noConnector: (id: string): Denial => ({ name: '4004', message: `连接器不存在: ${id}` }),
  noInstance: (instanceKey: string): Denial => ({ name: '4004', message: `调用的实例不存在: ${instanceKey}` }),
};

/** The refusal of a denial: its template, with the message in the body. */
export function refusalOf(d: Denial): Refusal {
  return dingtalkErrors.refuse(d.name, { body: { message: d.message } });
}

/** Refuse the request with a denial (throws). */
export function deny(d: Denial): never {
  throw refusalOf(d);
}

import { defineErrors, type ErrorCatalogue, type Errors } from '@doppel/mock-kit';

const entry = (errcode: number, errmsg: string, description: string) => ({ description, status: 200, body: { errcode, errmsg } });
const fail = (message: string, description: string) => ({ description, status: 200, body: { result: 'fail', message } });

/**
 * ZenTao's own errors, as `commonModel::checkEntry` and the im methods answer them: always HTTP 200.
 * The entry errors carry ZenTao's errcode table; method failures are `result: fail`. A path other than
 * `api.php` gets the web server's 404 page.
 */
const catalogue = {
  EMPTY_ENTRY: entry(404, '应用不存在', 'm or f missing, or no app has this code'),
  PARAM_CODE_MISSING: entry(401, '缺少code参数', 'The code parameter is missing or empty'),
  PARAM_TOKEN_MISSING: entry(401, '缺少token参数', 'The token parameter is missing or empty'),
  EMPTY_KEY: entry(401, '应用未设置密钥', 'The app has no key'),
  IP_DENIED: entry(403, '该IP被限制访问', "The caller's IP is not in the app's whitelist"),
  INVALID_TOKEN: entry(401, '无效的token参数', 'The token does not verify'),
  ACCOUNT_UNBOUND: entry(403, '未绑定用户', 'The app requires a bound account and has none'),
  INVALID_ACCOUNT: entry(406, '用户不存在', "The app's bound account does not exist or was deleted"),
  CALLED_TIME: entry(405, 'Token已失效', 'The time parameter is not newer than the last accepted one'),
  ERROR_TIMESTAMP: entry(407, '错误的时间戳。', 'The time parameter is not a 10-digit Unix time'),
  USERS_REQUIRED: fail('应当设置接收者用户列表。', 'sendNotification without users'),
  SENDER_REQUIRED: fail('应当设置发送方信息。', 'A send without sender (required, although the doc marks it optional)'),
  TITLE_REQUIRED: fail('请提供通知信息的标题。', 'A send without title'),
  GID_REQUIRED: fail('应当设置接收讨论组。', 'sendChatMessage without gid'),
  UNKNOWN_USERS: fail('找不到接收者用户。', 'sendNotification to users none of whom exist (twin: lists the unknown ones)'),
  UNKNOWN_GROUP: fail('讨论组不存在。', 'sendChatMessage to a gid that is not a live group chat'),
  INVALID_MESSAGE: fail('通知消息格式不正确。', 'A field of the message has the wrong type or value (twin: names it)'),
  UNKNOWN_METHOD: fail('方法不存在。', 'm/f name no notification method'),
  DATABASE_ERROR: fail('SQLSTATE[HY000]: General error: 2006 MySQL server has gone away', 'A database failure inside a method'),
  REQUEST_TOO_LARGE: {
    description: "A request body over the twin's limit: the web server refuses it with its HTML 413 page before PHP runs",
    status: 413,
    body: '<html><head><title>413 Request Entity Too Large</title></head><body><h1>Request Entity Too Large</h1></body></html>',
    respond: (c, body, status) => c.html(String(body), status as 413),
  },
  PAGE_NOT_FOUND: {
    description: 'A path other than api.php: the web server answers its HTML 404 page',
    status: 404,
    body: '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>',
    respond: (c, body, status) => c.html(String(body), status as 404),
  },
} satisfies ErrorCatalogue;

export type ZentaoErrorName = keyof typeof catalogue;

// Declared with its type so that TypeScript knows `zentaoErrors.raise(…)` never returns.
export const zentaoErrors: Errors<ZentaoErrorName> = defineErrors(catalogue);

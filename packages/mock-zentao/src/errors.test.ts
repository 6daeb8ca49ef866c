import { describe, expect, it } from 'vitest';
import { type ZentaoErrorName, zentaoErrors } from './errors.ts';
import { createApp } from './server.ts';
import { GROUPS, signed } from './test-helpers.ts';

const entry = (errcode: number, errmsg: string) => ({ errcode, errmsg });
const fail = (message: string) => ({ result: 'fail', message });

/** Every ZenTao error as a client receives it (README: "Signature check" and "Scenarios"). */
const ANSWERS: Record<Exclude<ZentaoErrorName, 'PAGE_NOT_FOUND' | 'REQUEST_TOO_LARGE'>, object> = {
  EMPTY_ENTRY: entry(404, '应用不存在'),
  PARAM_CODE_MISSING: entry(401, '缺少code参数'),
  PARAM_TOKEN_MISSING: entry(401, '缺少token参数'),
  EMPTY_KEY: entry(401, '应用未设置密钥'),
  IP_DENIED: entry(403, '该IP被限制访问'),
  INVALID_TOKEN: entry(401, '无效的token参数'),
  ACCOUNT_UNBOUND: entry(403, '未绑定用户'),
  INVALID_ACCOUNT: entry(406, '用户不存在'),
  CALLED_TIME: entry(405, 'Token已失效'),
  ERROR_TIMESTAMP: entry(407, '错误的时间戳。'),
  USERS_REQUIRED: fail('应当设置接收者用户列表。'),
  SENDER_REQUIRED: fail('应当设置发送方信息。'),
  TITLE_REQUIRED: fail('请提供通知信息的标题。'),
  GID_REQUIRED: fail('应当设置接收讨论组。'),
  UNKNOWN_USERS: fail('找不到接收者用户。'),
  UNKNOWN_GROUP: fail('讨论组不存在。'),
  INVALID_MESSAGE: fail('通知消息格式不正确。'),
  UNKNOWN_METHOD: fail('方法不存在。'),
  DATABASE_ERROR: fail('SQLSTATE[HY000]: General error: 2006 MySQL server has gone away'),
};

describe('the error catalogue', () => {
  it.each(Object.entries(ANSWERS))('forces %s with HTTP 200 and its body', async (name, body) => {
    const { app, twin } = createApp();
    const res = await app.request(signed(GROUPS), { headers: { 'x-doppel-scenario': name } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(body);
    expect(twin.journal.all()[0]!.error).toBe(name);
  });

  it('forces the web server’s HTML 404 page', async () => {
    const res = await createApp().app.request(signed(GROUPS), { headers: { 'x-doppel-scenario': 'PAGE_NOT_FOUND' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toBe('<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>');
  });

  it('forces the web server’s HTML 413 page (what a body over the limit gets)', async () => {
    const res = await createApp().app.request(signed(GROUPS), { headers: { 'x-doppel-scenario': 'REQUEST_TOO_LARGE' } });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toBe(
      '<html><head><title>413 Request Entity Too Large</title></head><body><h1>Request Entity Too Large</h1></body></html>',
    );
  });

  it('describes every error, for GET /__admin/scenarios', async () => {
    const res = await createApp().app.request('/__admin/scenarios');
    const { scenarios } = (await res.json()) as { scenarios: { name: string; description: string }[] };
    expect(scenarios.map((s) => s.name)).toEqual(Object.keys(zentaoErrors.catalogue));
    expect(scenarios.map((s) => s.name).sort()).toEqual([...Object.keys(ANSWERS), 'PAGE_NOT_FOUND', 'REQUEST_TOO_LARGE'].sort());
    for (const s of scenarios) expect(s.description, s.name).toMatch(/^[A-Za-z].{8,}/);
    expect(new Set(scenarios.map((s) => s.description)).size).toBe(scenarios.length);
  });
});

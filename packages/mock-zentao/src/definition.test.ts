import { ADMIN_SPEC, drift, loadSpec } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import { ZENTAO_SPEC, zentaoTwin } from './definition.ts';
import { defaultFixtures } from './fixtures.ts';
import { createApp } from './server.ts';
import { call, GROUPS, post, SEND, signed } from './test-helpers.ts';

describe('the ZenTao twin definition', () => {
  it('serves exactly its spec (no drift)', () => {
    const { app } = createApp();
    expect(drift(app, [loadSpec(ZENTAO_SPEC), loadSpec(ADMIN_SPEC)])).toEqual({ unserved: [], undocumented: [] });
  });

  it('is the zentao twin on port 4020', () => {
    expect([zentaoTwin.name, zentaoTwin.defaultPort, zentaoTwin.title]).toEqual(['zentao', 4020, 'ZenTao / xuanxuan IM notifications']);
  });

  it('answers a path other than api.php with the web server’s 404 page', async () => {
    const { app, twin } = createApp();
    for (const path of ['/index.php', '/', `/index.php?${GROUPS}`]) {
      const res = await app.request(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
      expect(await res.text()).toBe('<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>');
    }
    expect(twin.journal.all().map((e) => [e.status, e.error])).toEqual([
      [404, 'PAGE_NOT_FOUND'],
      [404, 'PAGE_NOT_FOUND'],
      [404, 'PAGE_NOT_FOUND'],
    ]);
  });

  it('answers an m or f that names no method in the fail shape, naming them', async () => {
    expect(await call(signed('m=im&f=deleteEverything&code=myAppCode'))).toEqual({
      result: 'fail',
      message:
        '方法不存在：m=im&f=deleteEverything（f must be one of ["getGroupChats","getChatUsers","sendNotification","sendChatMessage"]）。',
    });
    expect(await call(signed('m=user&f=getGroupChats&code=myAppCode'))).toEqual({
      result: 'fail',
      message: '方法不存在：m=user&f=getGroupChats（m must be one of ["im"]）。',
    });
    expect(await call(signed('m=user&f=x&code=myAppCode'))).toEqual({
      result: 'fail',
      message: expect.stringMatching(/^方法不存在：m=user&f=x（m must be one of \["im"\]; f must be one of \["getGroupChats",.*\]）。$/),
    });
  });

  it('reads the body as json_decode does: JSON whatever the Content-Type, anything else as null', async () => {
    const { app, twin } = createApp();
    const body = { users: [1], title: 't', sender: { id: 'x' } };
    await call(signed(SEND), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(body) }, app);
    await call(signed(SEND), post('users=1'), app);
    expect(twin.journal.all().map((e) => e.body)).toEqual([body, null]);
    expect(twin.state.inbox).toHaveLength(1);
  });

  it('answers a body over the twin’s limit with the web server’s HTML 413 page', async () => {
    const { app, twin } = createApp({ bodyLimit: 64 });
    const res = await app.request(signed(SEND), post({ users: [1], title: 'x'.repeat(200), sender: { id: 'x' } }));
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toBe(
      '<html><head><title>413 Request Entity Too Large</title></head><body><h1>Request Entity Too Large</h1></body></html>',
    );
    expect(twin.journal.all()[0]!.error).toBe('REQUEST_TOO_LARGE');
    expect(twin.state.inbox).toHaveLength(0);
  });

  it('forces an error for one request, or for one app code only', async () => {
    const fixtures = defaultFixtures();
    fixtures.apps.push({ code: 'otherApp', key: '0123456789abcdef0123456789abcdef', ip: '*' });
    const { app } = createApp({ fixtures });
    const q = signed(GROUPS);
    expect(await call(q, { headers: { 'x-doppel-scenario': 'IP_DENIED' } }, app)).toEqual({ errcode: 403, errmsg: '该IP被限制访问' });
    const unknown = await app.request('/__admin/scenarios/rules', post({ scenario: 'DATABASE_ERROR', caller: { app: 'noSuchApp' } }));
    expect(await unknown.json()).toMatchObject({
      error: { code: 'unknown_caller', message: expect.stringContaining('known apps: myAppCode, otherApp') },
    });
    await app.request('/__admin/scenarios/rules', post({ scenario: 'DATABASE_ERROR', caller: { app: 'otherApp' } }));
    expect(await call(q, undefined, app)).toEqual(expect.objectContaining({ result: 'success' }));
    await app.request('/__admin/scenarios/rules', post({ scenario: 'INVALID_TOKEN', tenant: 'myAppCode', times: 1 }));
    expect(await call(q, undefined, app)).toEqual({ errcode: 401, errmsg: '无效的token参数' });
    expect(await call(q, undefined, app)).toEqual(expect.objectContaining({ result: 'success' }));
  });

  it('clears the inbox with reset', async () => {
    const { app, twin } = createApp();
    await call(signed(SEND), post({ users: [1], title: 't', sender: { id: 1 } }), app);
    expect(twin.state.inbox).toHaveLength(1);
    await app.request('/__admin/reset', { method: 'POST' });
    expect(twin.state.inbox).toHaveLength(0);
  });

  it('shows the first app’s code and key in the CLI table, and nothing without apps', () => {
    expect(zentaoTwin.credentials!(defaultFixtures())).toEqual([
      { label: 'app code / key', value: 'myAppCode / 3cd0914d656e90ab181f1d52ff352cfe' },
    ]);
    expect(zentaoTwin.credentials!({ apps: [], users: [], chats: [] })).toEqual([]);
  });
});

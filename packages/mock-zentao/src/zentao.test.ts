import { ADMIN_SPEC, drift, loadSpec } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { defaultChats } from './fixtures.ts';
import { queryToken, timeToken } from './php.ts';
import { startZentaoMock } from './server.ts';
import { ZENTAO_SPEC } from './twin.ts';

const KEY = '3cd0914d656e90ab181f1d52ff352cfe';
/** Sign a query the way a correct ZenTao client does. */
const signed = (q: string, key = KEY) => `/api.php?${q}&token=${queryToken(q, key)}`;
const post = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const sender = { id: 'ci-bot', name: 'CI', avatar: 'https://example.test/bot.png' };
const SEND = 'm=im&f=sendNotification&code=myAppCode';
const CHAT = 'm=im&f=sendChatMessage&code=myAppCode';
const GID = defaultChats[0]!.gid;

async function call(path: string, init?: RequestInit, app = createApp().app) {
  const res = await app.request(path, init);
  expect(res.status).toBe(200);
  return res.json();
}

describe('im/getGroupChats and im/getChatUsers', () => {
  it("lists the doc's group chats", async () => {
    expect(await call(signed('m=im&f=getGroupChats&code=myAppCode'))).toEqual({
      result: 'success',
      data: {
        '30683aea-7a1f-4ec8-a6d6-834e0310fd7d': '第四期项目讨论',
        '81c6ba89-00ab-4431-8e47-063556ae4886': '研发部',
        '64da14c3-c07a-45af-9c61-4e638de4af26': '公司总群',
      },
    });
  });

  it('lists only live group chats, and [] when there are none (as PHP encodes an empty array)', async () => {
    const { app, twin } = createApp();
    twin.useState('a dismissed group and a private chat');
    const { data } = (await call(signed('m=im&f=getGroupChats&code=myAppCode'), undefined, app)) as { data: object };
    expect(Object.keys(data)).toHaveLength(3);
    twin.useState('no group chats');
    expect(await call(signed('m=im&f=getGroupChats&code=myAppCode'), undefined, app)).toEqual({ result: 'success', data: [] });
  });

  it('lists the members of one chat, or of any chat without gid', async () => {
    expect(await call(signed(`m=im&f=getChatUsers&gid=${GID}&code=myAppCode`))).toEqual({
      result: 'success',
      data: { '1': '管理员', '3': '张三', '4': '李四' },
    });
    const rd = defaultChats[1]!.gid;
    expect(await call(signed(`m=im&f=getChatUsers&gid=${rd}&code=myAppCode`))).toEqual({ result: 'success', data: { '1': '管理员', '3': '张三' } });
    expect(((await call(signed('m=im&f=getChatUsers&code=myAppCode'))) as { data: object }).data).toEqual({ '1': '管理员', '3': '张三', '4': '李四' });
    expect(await call(signed('m=im&f=getChatUsers&gid=nope&code=myAppCode'))).toEqual({ result: 'success', data: [] });
  });

  it('answers POST too, as PHP ignores the verb', async () => {
    const res = await call(signed('m=im&f=getGroupChats&code=myAppCode'), { method: 'POST' });
    expect((res as { result: string }).result).toBe('success');
  });
});

describe('checkEntry: errors in ZenTao order, always HTTP 200', () => {
  it.each([
    ['m and f missing', '/api.php?code=myAppCode&token=x', 404, '应用不存在'],
    ['code missing', '/api.php?m=im&f=getGroupChats', 401, '缺少code参数'],
    ['code empty, token missing too (code first)', '/api.php?m=im&f=getGroupChats&code=', 401, '缺少code参数'],
    ['token missing', '/api.php?m=im&f=getGroupChats&code=myAppCode', 401, '缺少token参数'],
    ['unknown app', signed('m=im&f=getGroupChats&code=nobody'), 404, '应用不存在'],
    ['wrong token', '/api.php?m=im&f=getGroupChats&code=myAppCode&token=0123456789abcdef0123456789abcdef', 401, '无效的token参数'],
  ])('%s', async (_label, path, errcode, errmsg) => {
    expect(await call(path)).toEqual({ errcode, errmsg });
  });

  it('refuses an app without a key, a caller outside the whitelist, and unbound or deleted accounts', async () => {
    const { app, twin } = createApp();
    twin.useState('an app without a key');
    expect(await call(signed('m=im&f=getGroupChats&code=noKeyApp', 'ffff'), undefined, app)).toEqual({ errcode: 401, errmsg: '应用未设置密钥' });
    twin.useState('the app only allows 10.0.0.1');
    expect(await call(signed('m=im&f=getGroupChats&code=myAppCode'), undefined, app)).toEqual({ errcode: 403, errmsg: '该IP被限制访问' });
    twin.useState('the app must be bound to an account');
    expect(await call(signed('m=im&f=getGroupChats&code=myAppCode'), undefined, app)).toEqual({ errcode: 403, errmsg: '未绑定用户' });
    twin.useState('the app is bound to a deleted account');
    expect(await call(signed('m=im&f=getGroupChats&code=myAppCode'), undefined, app)).toEqual({ errcode: 406, errmsg: '用户不存在' });
  });

  it('checks the IP before the token, as ZenTao does', async () => {
    const { app, twin } = createApp();
    twin.useState('the app only allows 10.0.0.1');
    expect(await call('/api.php?m=im&f=getGroupChats&code=myAppCode&token=bad', undefined, app)).toEqual({ errcode: 403, errmsg: '该IP被限制访问' });
  });

  it('signs the query in the order sent: a reordered query needs its own token', async () => {
    const q = 'f=getGroupChats&code=myAppCode&m=im';
    expect((await call(signed(q))) as object).toHaveProperty('result', 'success');
    const tokenOfOther = queryToken('m=im&f=getGroupChats&code=myAppCode', KEY);
    expect(await call(`/api.php?${q}&token=${tokenOfOther}`)).toEqual({ errcode: 401, errmsg: '无效的token参数' });
  });

  it('accepts + for spaces and refuses a token signed over %20', async () => {
    const gidWithSpace = 'my group';
    const good = `m=im&f=getChatUsers&gid=my+group&code=myAppCode`;
    expect(await call(signed(good))).toEqual({ result: 'success', data: [] });
    const { app, twin } = createApp();
    const bad = `/api.php?m=im&f=getChatUsers&gid=my%20group&code=myAppCode&token=${queryToken(`m=im&f=getChatUsers&gid=${encodeURIComponent(gidWithSpace)}&code=myAppCode`, KEY)}`;
    // %20 and + decode to the same value, so ZenTao signs `gid=my+group` either way.
    expect(await call(bad, undefined, app)).toEqual({ errcode: 401, errmsg: '无效的token参数' });
    const note = twin.journal.all()[0]!.notes!.signature as Record<string, string>;
    expect(note.signed).toBe('m=im&f=getChatUsers&gid=my+group&code=myAppCode');
    expect(note.hint).toMatch(/%20/);
    expect(JSON.stringify(twin.journal.all()[0])).not.toContain(KEY);
  });

  it("explains the doc's misprinted token in the journal", async () => {
    const { app, twin } = createApp();
    await call('/api.php?m=im&f=getChatUsers&code=myAppCode&token=f5633c34c0c551a16c1d63bceb38d6a8', undefined, app);
    const note = twin.journal.all()[0]!.notes!.signature as Record<string, string>;
    expect(note.received).toBe('f5633c34c0c551a16c1d63bceb38d6a8');
    expect(note.expected).toBe('6611ac3952bcdeb4277274d081885dd2');
    expect(note.hint).toMatch(/m=chat&f=getChatUsers/);
  });

  describe('the time variant md5(code + key + time)', () => {
    const timed = (time: string, token = timeToken('myAppCode', KEY, time)) =>
      `/api.php?m=im&f=getGroupChats&code=myAppCode&time=${time}&token=${token}`;

    it('accepts a newer time once, then calls it stale (CALLED_TIME)', async () => {
      const { app } = createApp();
      expect(((await call(timed('1700000000'), undefined, app)) as { result: string }).result).toBe('success');
      expect(await call(timed('1700000000'), undefined, app)).toEqual({ errcode: 405, errmsg: 'Token已失效' });
      expect(await call(timed('1699999999'), undefined, app)).toEqual({ errcode: 405, errmsg: 'Token已失效' });
      expect(((await call(timed('1700000001'), undefined, app)) as { result: string }).result).toBe('success');
    });

    it('refuses a time that is not 10 digits (ERROR_TIMESTAMP)', async () => {
      expect(await call(timed('170000000'))).toEqual({ errcode: 407, errmsg: '错误的时间戳。' });
      expect(await call(timed('17000000000x'))).toEqual({ errcode: 407, errmsg: '错误的时间戳。' });
    });

    it('falls back to the query token, which then covers time too', async () => {
      const q = 'm=im&f=getGroupChats&code=myAppCode&time=1700000000';
      expect(((await call(signed(q))) as { result: string }).result).toBe('success');
    });
  });
});

describe('im/sendNotification', () => {
  it('delivers to users by id or account, defaults contentType to text, and answers message ""', async () => {
    const { app } = createApp();
    expect(await call(signed(SEND), post({ users: [1, 'zhangsan'], title: '构建失败', content: '**main** 红了', sender }), app)).toEqual({
      result: 'success',
      message: '',
    });
    const inbox = (await (await app.request('/__admin/inbox/users/zhangsan')).json()) as { deliveries: Record<string, unknown>[] };
    expect(inbox.deliveries).toEqual([
      expect.objectContaining({ kind: 'notification', users: [1, 3], title: '构建失败', content: '**main** 红了', contentType: 'text', sender, appCode: 'myAppCode' }),
    ]);
    expect(((await (await app.request('/__admin/inbox/users/4')).json()) as { deliveries: unknown[] }).deliveries).toEqual([]);
  });

  it('checks users, then sender (required, although the doc says optional), then title', async () => {
    expect(await call(signed(SEND), post({}))).toEqual({ result: 'fail', message: '应当设置接收者用户列表。' });
    expect(await call(signed(SEND), post({ users: [1], title: 't' }))).toEqual({ result: 'fail', message: '应当设置发送方信息。' });
    expect(await call(signed(SEND), post({ users: [1], sender }))).toEqual({ result: 'fail', message: '请提供通知信息的标题。' });
    expect(await call(signed(SEND), post({ users: [], title: 't', sender }))).toEqual({ result: 'fail', message: '应当设置接收者用户列表。' });
  });

  it('reads a body that is not JSON as nothing, as json_decode does', async () => {
    expect(await call(signed(SEND), post('users=1&title=x'))).toEqual({ result: 'fail', message: '应当设置接收者用户列表。' });
  });

  it('rejects unknown users, naming them, and delivers nothing', async () => {
    const { app, twin } = createApp();
    expect(await call(signed(SEND), post({ users: [1, 99, 'nobody'], title: 't', sender }), app)).toEqual({
      result: 'fail',
      message: '找不到接收者用户：99, nobody。',
    });
    expect(twin.state.inbox).toEqual([]);
  });

  it('rejects a wrong contentType or a malformed action, naming the field', async () => {
    const bad = (await call(signed(SEND), post({ users: [1], title: 't', sender, contentType: 'html' }))) as { result: string; message: string };
    expect(bad.result).toBe('fail');
    expect(bad.message).toContain('contentType');
    const action = (await call(signed(SEND), post({ users: [1], title: 't', sender, actions: [{ label: 'x' }] }))) as { message: string };
    expect(action.message).toContain('url is required');
  });

  it("accepts the doc's own example, including its `normal` action type", async () => {
    const doc = {
      users: [1, 3],
      title: '测试通知消息',
      subtitle: '测试通知消息副标题',
      content: '**测试消息**内容',
      contentType: 'text',
      url: 'http://xuan.im',
      actions: [
        { type: 'danger', label: '更新日志', url: 'https://xuan.im/page/changelogs.html' },
        { type: 'normal', label: '下载地址', url: 'http://xuan.im/page/download.html' },
      ],
      sender: { avatar: 'https://avatars2.githubusercontent.com/u/472425?s=460&v=4', name: 'Catouse', id: 'catouse' },
    };
    expect(await call(signed(SEND), post(doc))).toEqual({ result: 'success', message: '' });
  });
});

describe('im/sendChatMessage', () => {
  it('delivers to the group, and every member sees it', async () => {
    const { app } = createApp();
    const rd = defaultChats[1]!.gid;
    expect(await call(signed(CHAT), post({ gid: rd, title: '发布完成', sender, contentType: 'plain' }), app)).toEqual({ result: 'success', message: '' });
    const group = (await (await app.request(`/__admin/inbox/groups/${rd}`)).json()) as { deliveries: unknown[] };
    expect(group.deliveries).toEqual([expect.objectContaining({ kind: 'chatMessage', gid: rd, title: '发布完成', contentType: 'plain' })]);
    const member = (await (await app.request('/__admin/inbox/users/admin')).json()) as { deliveries: unknown[] };
    expect(member.deliveries).toHaveLength(1);
    const outsider = (await (await app.request('/__admin/inbox/users/lisi')).json()) as { deliveries: unknown[] };
    expect(outsider.deliveries).toEqual([]);
  });

  it('checks gid, then sender, then title; rejects unknown and dismissed groups', async () => {
    const { app, twin } = createApp();
    expect(await call(signed(CHAT), post({ title: 't', sender }), app)).toEqual({ result: 'fail', message: '应当设置接收讨论组。' });
    expect(await call(signed(CHAT), post({ gid: GID, title: 't' }), app)).toEqual({ result: 'fail', message: '应当设置发送方信息。' });
    expect(await call(signed(CHAT), post({ gid: GID, sender }), app)).toEqual({ result: 'fail', message: '请提供通知信息的标题。' });
    expect(await call(signed(CHAT), post({ gid: 'nope', title: 't', sender }), app)).toEqual({ result: 'fail', message: '讨论组不存在：nope。' });
    twin.useState('a dismissed group and a private chat');
    const dismissed = 'dismissed-0000-4000-8000-000000000001';
    expect(await call(signed(CHAT), post({ gid: dismissed, title: 't', sender }), app)).toEqual({ result: 'fail', message: `讨论组不存在：${dismissed}。` });
  });
});

describe('the rest of the surface', () => {
  it('answers an unknown method in the fail shape and an unknown path with a 404 page', async () => {
    const res = (await call(signed('m=im&f=deleteEverything&code=myAppCode'))) as { result: string; message: string };
    expect(res.result).toBe('fail');
    expect(res.message).toContain('deleteEverything');
    const page = await createApp().app.request('/index.php');
    expect(page.status).toBe(404);
  });

  it('forces any ZenTao error for one request, or for one app code only', async () => {
    const { app } = createApp();
    const q = signed('m=im&f=getGroupChats&code=myAppCode');
    expect(await call(q, { headers: { 'x-doppel-scenario': 'IP_DENIED' } }, app)).toEqual({ errcode: 403, errmsg: '该IP被限制访问' });
    await app.request('/__admin/scenarios/rules', post({ scenario: 'DATABASE_ERROR', tenant: 'otherApp' }));
    expect(((await call(q, undefined, app)) as { result: string }).result).toBe('success');
    await app.request('/__admin/scenarios/rules', post({ scenario: 'INVALID_TOKEN', tenant: 'myAppCode', times: 1 }));
    expect(await call(q, undefined, app)).toEqual({ errcode: 401, errmsg: '无效的token参数' });
    expect(((await call(q, undefined, app)) as { result: string }).result).toBe('success');
  });

  it('clears the inbox with reset', async () => {
    const { app, twin } = createApp();
    await call(signed(SEND), post({ users: [1], title: 't', sender }), app);
    expect(twin.state.inbox).toHaveLength(1);
    await app.request('/__admin/reset', { method: 'POST' });
    expect(twin.state.inbox).toHaveLength(0);
  });

  it('serves exactly its spec (no drift)', () => {
    const { app } = createApp();
    expect(drift(app, [loadSpec(ZENTAO_SPEC), loadSpec(ADMIN_SPEC)])).toEqual({ unserved: [], undocumented: [] });
  });

  it('serves over HTTP, checking the real socket address against the whitelist', async () => {
    const running = await startZentaoMock({
      fixtures: { apps: [{ code: 'local', key: 'abc123', ip: '127.0.0.1' }, { code: 'remote', key: 'abc123', ip: '10.9.9.9' }], users: [], chats: [] },
    });
    try {
      const ok = await fetch(`${running.url}${signed('m=im&f=getGroupChats&code=local', 'abc123')}`);
      expect(await ok.json()).toEqual({ result: 'success', data: [] });
      const denied = await fetch(`${running.url}${signed('m=im&f=getGroupChats&code=remote', 'abc123')}`);
      expect(await denied.json()).toEqual({ errcode: 403, errmsg: '该IP被限制访问' });
    } finally {
      await running.close();
    }
  });
});

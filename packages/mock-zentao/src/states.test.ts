import { describe, expect, it } from 'vitest';
import { createApp } from './server.ts';
import { zentaoStates } from './states.ts';
import { call, entryError, GROUPS, KEY, ok, post, signed } from './test-helpers.ts';

/** The live state of a fresh twin after `POST /__admin/states/{name}`. */
async function afterState(name: string, params?: Record<string, unknown>) {
  const { app, twin } = createApp();
  const res = await app.request(`/__admin/states/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params ? { params } : {}),
  });
  expect(res.status).toBe(200);
  return twin;
}

describe('named states (= Pact provider states)', () => {
  it('are the Pact provider states, each described', () => {
    expect(Object.keys(zentaoStates)).toEqual([
      'the default fixtures',
      'no group chats',
      'an app without a key',
      'the app only allows 10.0.0.1',
      'the app must be bound to an account',
      'the app is bound to a deleted account',
      'the app was last called at time',
      'a dismissed group and a private chat',
    ]);
    for (const [name, s] of Object.entries(zentaoStates)) expect(s.description, name).toMatch(/^[A-Za-z].{16,}/);
  });

  it('the default fixtures: the defaults as they are', async () => {
    const twin = await afterState('the default fixtures');
    expect(twin.fixtures).toEqual(createApp().twin.fixtures);
  });

  it('no group chats: the same app and users, no chats', async () => {
    const twin = await afterState('no group chats');
    expect(twin.fixtures.chats).toEqual([]);
    expect(twin.fixtures.users).toHaveLength(3);
    expect(twin.state.apps.has('myAppCode')).toBe(true);
  });

  it('an app without a key: noKeyApp beside myAppCode', async () => {
    const twin = await afterState('an app without a key');
    expect(twin.fixtures.apps).toEqual([expect.objectContaining({ code: 'myAppCode' }), { code: 'noKeyApp', key: '', ip: '*' }]);
  });

  it('the app only allows 10.0.0.1: only myAppCode changes', async () => {
    const twin = await afterState('the app only allows 10.0.0.1');
    expect(twin.fixtures.apps.map((a) => [a.code, a.ip])).toEqual([['myAppCode', '10.0.0.1']]);
  });

  it('the app must be bound to an account: 免密 off, no account', async () => {
    const twin = await afterState('the app must be bound to an account');
    expect(twin.fixtures.apps[0]).toEqual(expect.objectContaining({ code: 'myAppCode', freePasswd: false }));
    expect(twin.fixtures.apps[0]!.account).toBeUndefined();
  });

  it('the app is bound to a deleted account: ghost, deleted', async () => {
    const twin = await afterState('the app is bound to a deleted account');
    expect(twin.fixtures.apps[0]).toEqual(expect.objectContaining({ freePasswd: false, account: 'ghost' }));
    expect(twin.fixtures.users.at(-1)).toEqual({ id: 9, account: 'ghost', realname: '已删除', deleted: true });
  });

  it('the app was last called at time: params.time, 4102444800 by default', async () => {
    const calledTime = async (params?: Record<string, unknown>) =>
      (await afterState('the app was last called at time', params)).state.calledTimes.get('myAppCode');
    expect(await calledTime()).toBe(4102444800);
    expect(await calledTime({ time: 1700000000 })).toBe(1700000000);
    expect(await calledTime({ time: '1700000001' })).toBe(1700000001);
  });

  it('a dismissed group and a private chat: added after the doc’s groups', async () => {
    const twin = await afterState('a dismissed group and a private chat');
    expect(twin.fixtures.chats.slice(3)).toEqual([
      { gid: 'dismissed-0000-4000-8000-000000000001', name: '已解散', type: 'group', dismissed: true, members: [1] },
      { gid: '1&3', name: '', type: 'one2one', members: [1, 3] },
    ]);
  });

  it('change only myAppCode when the fixtures have other apps', () => {
    const other = { code: 'other', key: 'abc', ip: '10.9.9.9' };
    const base = { apps: [{ code: 'myAppCode', key: 'abc', ip: '*' }, other], users: [], chats: [] };
    for (const name of ['the app only allows 10.0.0.1', 'the app must be bound to an account', 'the app is bound to a deleted account']) {
      expect(zentaoStates[name]!.apply(structuredClone(base), {}).apps[1], name).toEqual(other);
    }
    expect(zentaoStates['the app was last called at time']!.apply(structuredClone(base), {}).apps[1]).toEqual(other);
  });
});

describe('the default fixtures with params (doppel verify maps a consumer’s app to it)', () => {
  it('renames the default app and sets its key; without params it is the defaults', async () => {
    const twin = await afterState('the default fixtures', { code: 'chatbot', key: '0123456789abcdef0123456789abcdef' });
    expect(twin.fixtures.apps[0]).toEqual(expect.objectContaining({ code: 'chatbot', key: '0123456789abcdef0123456789abcdef' }));
    expect((await afterState('the default fixtures')).fixtures.apps[0]).toEqual(expect.objectContaining({ code: 'myAppCode' }));
  });

  it('takes code or key alone, keeping the other; the new key signs, the old one no longer does', async () => {
    const renamed = (await afterState('the default fixtures', { code: 'chatbot' })).fixtures.apps[0]!;
    expect([renamed.code, renamed.key]).toEqual(['chatbot', KEY]);
    const NEW_KEY = '0123456789abcdef0123456789abcdef';
    const { app } = createApp();
    await app.request('/__admin/states/the%20default%20fixtures', post({ params: { key: NEW_KEY } }));
    expect(await call(signed(GROUPS, NEW_KEY), undefined, app)).toEqual(expect.objectContaining(ok));
    expect(await call(signed(GROUPS), undefined, app)).toEqual(entryError(401, '无效的token参数'));
  });

  it('changes only the first app when the fixtures have others', () => {
    const other = { code: 'other', key: 'abc', ip: '10.9.9.9' };
    const base = { apps: [{ code: 'myAppCode', key: 'abc', ip: '*' }, other], users: [], chats: [] };
    expect(zentaoStates['the default fixtures']!.apply(base, { code: 'chatbot', key: 'k' }).apps).toEqual([
      { code: 'chatbot', key: 'k', ip: '*' },
      other,
    ]);
  });
});

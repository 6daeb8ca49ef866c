import { describe, expect, it } from 'vitest';
import { defaultApp, defaultFixtures, type ZentaoFixtures } from './fixtures.ts';
import { createApp } from './server.ts';

const valid = (): ZentaoFixtures => ({
  apps: [{ code: 'a', key: 'abc', ip: '*', name: 'n', freePasswd: false, account: 'x', calledTime: 0 }],
  users: [{ id: 1, account: 'x', realname: 'X', deleted: false }],
  chats: [{ gid: 'g', name: 'G', type: 'group', dismissed: false, members: [1] }],
});

/** A valid fixtures document with the value at `path` (dot-separated) replaced, or removed when `value` is DROP. */
const DROP = Symbol('drop');
function broken(path: string, value: unknown): unknown {
  const doc = valid() as unknown as Record<string, unknown>;
  const keys = path.split('.');
  const last = keys.pop()!;
  const parent = keys.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, doc);
  if (value === DROP) delete parent[last];
  else parent[last] = value;
  return doc;
}

describe('fixtures', () => {
  it("defaults to the doc's app, three users and three group chats, a fresh copy each time", () => {
    const a = defaultFixtures();
    expect(a.apps).toEqual([{ code: 'myAppCode', key: '3cd0914d656e90ab181f1d52ff352cfe', ip: '*', name: 'Doppel default app' }]);
    expect(a.users.map((u) => [u.id, u.account, u.realname])).toEqual([
      [1, 'admin', '管理员'],
      [3, 'zhangsan', '张三'],
      [4, 'lisi', '李四'],
    ]);
    expect(a.chats.map((c) => [c.name, c.members])).toEqual([
      ['第四期项目讨论', [1, 3, 4]],
      ['研发部', [1, 3]],
      ['公司总群', [1, 3, 4]],
    ]);
    a.apps[0]!.key = 'changed';
    a.users.length = 0;
    expect(defaultFixtures().apps[0]!.key).toBe(defaultApp.key);
    expect(defaultFixtures().users).toHaveLength(3);
    expect(defaultApp.key).toBe('3cd0914d656e90ab181f1d52ff352cfe');
  });

  it('accepts every documented field', () => {
    expect(createApp({ fixtures: valid() }).twin.fixtures).toEqual(valid());
  });

  it.each([
    ['no apps', 'apps', DROP],
    ['no users', 'users', DROP],
    ['no chats', 'chats', DROP],
    ['an unknown top-level field', 'extra', 1],
    ['apps not an array', 'apps', {}],
    ['an app without code', 'apps.0.code', DROP],
    ['an app without key', 'apps.0.key', DROP],
    ['an app without ip', 'apps.0.ip', DROP],
    ['an empty app code', 'apps.0.code', ''],
    ['a key in upper case', 'apps.0.key', 'ABC'],
    ['a key that is not hex', 'apps.0.key', 'xyz'],
    ['an unknown app field', 'apps.0.secret', 's'],
    ['an app name that is no string', 'apps.0.name', 1],
    ['an ip that is no string', 'apps.0.ip', 1],
    ['freePasswd not a boolean', 'apps.0.freePasswd', 'no'],
    ['an account that is no string', 'apps.0.account', 1],
    ['a negative calledTime', 'apps.0.calledTime', -1],
    ['a fractional calledTime', 'apps.0.calledTime', 1.5],
    ['a user without id', 'users.0.id', DROP],
    ['a user without account', 'users.0.account', DROP],
    ['a user without realname', 'users.0.realname', DROP],
    ['a user id 0', 'users.0.id', 0],
    ['an empty account', 'users.0.account', ''],
    ['deleted not a boolean', 'users.0.deleted', 1],
    ['an unknown user field', 'users.0.email', 'x'],
    ['a chat without gid', 'chats.0.gid', DROP],
    ['a chat without name', 'chats.0.name', DROP],
    ['a chat without type', 'chats.0.type', DROP],
    ['a chat without members', 'chats.0.members', DROP],
    ['an empty gid', 'chats.0.gid', ''],
    ['an unknown chat type', 'chats.0.type', 'channel'],
    ['dismissed not a boolean', 'chats.0.dismissed', 'yes'],
    ['a member that is no integer', 'chats.0.members', ['1']],
    ['an unknown chat field', 'chats.0.topic', 't'],
  ])('refuses %s', (_what, path, value) => {
    expect(() => createApp({ fixtures: broken(path, value) as ZentaoFixtures })).toThrow(/invalid fixtures/);
  });
});

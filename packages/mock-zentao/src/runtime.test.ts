import { describe, expect, it } from 'vitest';
import type { ZentaoFixtures } from './fixtures.ts';
import { findUser, seed, type ZentaoRuntime } from './runtime.ts';
import { createApp } from './server.ts';

const fixtures: ZentaoFixtures = {
  apps: [{ code: 'a', key: 'abc', ip: '10.0.0.1, *' }],
  users: [
    { id: 1, account: 'admin', realname: '管理员' },
    { id: 2, account: 'r2d2', realname: 'R2' },
    { id: 3, account: '3cpo', realname: 'C3' },
    { id: 12, account: 'twelve', realname: 'XII' },
    { id: 9, account: 'ghost', realname: '已删除', deleted: true },
  ],
  chats: [{ gid: 'g', name: 'g', type: 'group', members: [1] }],
};

describe('the runtime', () => {
  const state: ZentaoRuntime = seed(structuredClone(fixtures), createApp().twin);

  it('parses each app’s whitelist once, when seeded', () => {
    expect(state.apps.get('a')!.whitelist).toEqual([{ kind: 'range', lo: 0x0a000001, hi: 0x0a000001 }, { kind: 'any' }]);
    expect(state.apps.get('a')!.ip).toBe('10.0.0.1, *');
  });

  it('starts with an empty inbox and the chats by gid', () => {
    expect(state.inbox).toEqual([]);
    expect([...state.chats.keys()]).toEqual(['g']);
  });

  it.each([
    [1, 'admin'],
    ['1', 'admin'],
    ['admin', 'admin'],
    ['r2d2', 'r2d2'],
    ['3cpo', '3cpo'],
    [2, 'r2d2'],
    ['3', '3cpo'],
    ['12', 'twelve'],
  ])('finds user %j: %s', (ref, account) => {
    expect(findUser(state, ref)?.account).toBe(account);
  });

  it.each([[9], ['9'], ['ghost'], [4], ['nobody'], ['']])('finds no live user %j', (ref) => {
    expect(findUser(state, ref)).toBeUndefined();
  });
});

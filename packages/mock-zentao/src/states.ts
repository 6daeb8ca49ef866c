import type { NamedState } from '@doppel/mock-kit';
import type { ZentaoFixtures } from './fixtures.ts';

/**
 * Named fixture states. The Pact provider states use exactly these names, so what CI verifies and what
 * QA reproduces (`POST /__admin/states/{name}`) is one thing.
 */
export const zentaoStates: Record<string, NamedState<ZentaoFixtures>> = {
  'the default fixtures': {
    description:
      "App myAppCode with the doc's key, users 1/3/4 and the doc's three group chats; params.code and params.key rename the app and set its key",
    apply: (f, p) =>
      p.code === undefined && p.key === undefined
        ? f
        : {
            ...f,
            apps: f.apps.map((a, i) => (i === 0 ? { ...a, code: String(p.code ?? a.code), key: String(p.key ?? a.key) } : a)),
          },
  },
  'no group chats': {
    description: 'The default app and users, no chats at all',
    apply: (f) => ({ ...f, chats: [] }),
  },
  'an app without a key': {
    description: 'App noKeyApp exists but has no key set (EMPTY_KEY)',
    apply: (f) => ({ ...f, apps: [...f.apps, { code: 'noKeyApp', key: '', ip: '*' }] }),
  },
  'the app only allows 10.0.0.1': {
    description: "myAppCode's whitelist is 10.0.0.1, so local callers are refused (IP_DENIED)",
    apply: (f) => ({ ...f, apps: f.apps.map((a) => (a.code === 'myAppCode' ? { ...a, ip: '10.0.0.1' } : a)) }),
  },
  'the app must be bound to an account': {
    description: 'myAppCode has 免密 off and no bound account (ACCOUNT_UNBOUND)',
    apply: (f) => ({ ...f, apps: f.apps.map((a) => (a.code === 'myAppCode' ? { ...a, freePasswd: false } : a)) }),
  },
  'the app is bound to a deleted account': {
    description: 'myAppCode has 免密 off and is bound to the deleted account ghost (INVALID_ACCOUNT)',
    apply: (f) => ({
      ...f,
      users: [...f.users, { id: 9, account: 'ghost', realname: '已删除', deleted: true }],
      apps: f.apps.map((a) => (a.code === 'myAppCode' ? { ...a, freePasswd: false, account: 'ghost' } : a)),
    }),
  },
  'the app was last called at time': {
    description: 'myAppCode last accepted time params.time (default 4102444800), so older times are stale (CALLED_TIME)',
    apply: (f, p) => ({
      ...f,
      apps: f.apps.map((a) => (a.code === 'myAppCode' ? { ...a, calledTime: Number(p.time ?? 4102444800) } : a)),
    }),
  },
  'a dismissed group and a private chat': {
    description: 'Adds a dismissed group and a one-to-one chat, which getGroupChats must not list',
    apply: (f) => ({
      ...f,
      chats: [
        ...f.chats,
        { gid: 'dismissed-0000-4000-8000-000000000001', name: '已解散', type: 'group', dismissed: true, members: [1] },
        { gid: '1&3', name: '', type: 'one2one', members: [1, 3] },
      ],
    }),
  },
};

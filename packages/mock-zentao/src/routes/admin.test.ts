import { describe, expect, it } from 'vitest';
import { defaultChats } from '../fixtures.ts';
import { createApp } from '../server.ts';
import { CHAT, call, post, SEND, sender, signed } from '../test-helpers.ts';

const [PROJECT, RD, COMPANY] = defaultChats.map((c) => c.gid) as [string, string, string];

/** The titles of what `GET /__admin/…` lists. */
async function titles(app: ReturnType<typeof createApp>['app'], path: string): Promise<string[]> {
  const res = await app.request(`/__admin${path}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { deliveries: { title: string }[] }).deliveries.map((d) => d.title);
}

/** A twin that delivered: a notification to 1 and 3, one to 4, a message to 研发部 (1, 3), one to 公司总群 (1, 3, 4). */
async function delivered() {
  const { app, twin } = createApp();
  await call(signed(SEND), post({ users: [1, 3], title: 'n13', sender }), app);
  await call(signed(SEND), post({ users: ['lisi'], title: 'n4', sender }), app);
  await call(signed(CHAT), post({ gid: RD, title: 'rd', sender }), app);
  await call(signed(CHAT), post({ gid: COMPANY, title: 'all', sender }), app);
  return { app, twin };
}

describe('/__admin/inbox', () => {
  it('lists every delivery in order, and DELETE clears them', async () => {
    const { app, twin } = await delivered();
    expect(await titles(app, '/inbox')).toEqual(['n13', 'n4', 'rd', 'all']);
    const cleared = await app.request('/__admin/inbox', { method: 'DELETE' });
    expect(await cleared.json()).toEqual({ cleared: true });
    expect(twin.state.inbox).toEqual([]);
    expect(await titles(app, '/inbox')).toEqual([]);
  });

  it('shows each person their own notifications and their groups’ messages, by id or account', async () => {
    const { app } = await delivered();
    expect(await titles(app, '/inbox/users/1')).toEqual(['n13', 'rd', 'all']);
    expect(await titles(app, '/inbox/users/admin')).toEqual(['n13', 'rd', 'all']);
    expect(await titles(app, '/inbox/users/zhangsan')).toEqual(['n13', 'rd', 'all']);
    expect(await titles(app, '/inbox/users/4')).toEqual(['n4', 'all']);
  });

  it('shows a person nothing of a group they are not in', async () => {
    const { app, twin } = createApp();
    await call(signed(CHAT), post({ gid: RD, title: 'rd', sender }), app);
    expect(await titles(app, '/inbox/users/lisi')).toEqual([]);
    expect(twin.state.inbox).toHaveLength(1);
  });

  it('shows the messages one group received', async () => {
    const { app } = await delivered();
    expect(await titles(app, `/inbox/groups/${RD}`)).toEqual(['rd']);
    expect(await titles(app, `/inbox/groups/${PROJECT}`)).toEqual([]);
  });

  it('answers 404 for an unknown, deleted or removed user, and an unknown group', async () => {
    const { app, twin } = createApp();
    twin.useState('the app is bound to a deleted account');
    for (const [path, message] of [
      ['/inbox/users/99', 'no user 99'],
      ['/inbox/users/ghost', 'no user ghost'],
      ['/inbox/groups/nope', 'no chat nope'],
    ] as const) {
      const res = await app.request(`/__admin${path}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'not_found', message } });
    }
    twin.replaceFixtures({ ...twin.fixtures, users: twin.fixtures.users.filter((u) => u.account !== 'lisi') });
    expect((await app.request('/__admin/inbox/users/lisi')).status).toBe(404);
  });
});

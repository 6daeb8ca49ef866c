import { createApp, defaultApp, defaultChats } from '@doppel/mock-zentao';
import { describe, expect, it } from 'vitest';
import { createAdminClient } from '../admin/client.ts';
import { unwrap } from '../http.ts';
import { buildQuery, createZentaoClient, signQuery, ZentaoError } from './client.ts';

function setup(overrides: Partial<Parameters<typeof createZentaoClient>[0]> = {}) {
  const { app, twin } = createApp();
  const fetch = (r: Request) => Promise.resolve(app.fetch(r));
  const client = createZentaoClient({ baseUrl: 'http://zentao.test', code: defaultApp.code, key: defaultApp.key, fetch, ...overrides });
  return { client, twin, admin: createAdminClient({ baseUrl: 'http://zentao.test', fetch }) };
}
const sender = { id: 'ci', name: 'CI', avatar: 'https://example.test/ci.png' };

describe('ZenTao client against the twin', () => {
  it('signs every request so ZenTao accepts it, in query and time mode', async () => {
    const { client } = setup();
    expect(unwrap(await client.getGroupChats())).toEqual(Object.fromEntries(defaultChats.map((c) => [c.gid, c.name])));
    const timed = setup({ signing: 'time', now: () => 1_700_000_000_123 }).client;
    expect(timed.url('getGroupChats')).toContain('&time=1700000000&token=');
    expect((await timed.getGroupChats()).data).toBeDefined();
  });

  it('signs parameters with spaces and symbols like PHP', async () => {
    const { client } = setup();
    const r = await client.getChatUsers('a gid with spaces & ~symbols!');
    expect(r.error).toBeUndefined();
    expect(r.data).toEqual({});
  });

  it('turns PHP’s [] for an empty map into {}', async () => {
    const { client, admin } = setup();
    await admin.useState('no group chats');
    expect((await client.getGroupChats()).data).toEqual({});
  });

  it('sends notifications and chat messages that land in the inbox', async () => {
    const { client, twin } = setup();
    expect((await client.sendNotification({ users: ['lisi'], title: '部署完成', sender })).data).toBe(true);
    expect((await client.sendChatMessage({ gid: defaultChats[2]!.gid, title: '全员通知', sender })).data).toBe(true);
    expect(twin.state.inbox.map((d) => [d.kind, d.users ?? d.gid])).toEqual([
      ['notification', [4]],
      ['chatMessage', defaultChats[2]!.gid],
    ]);
  });

  it('turns result != success into a typed error: fail, with ZenTao’s message', async () => {
    const { client } = setup();
    const r = await client.sendNotification({ users: [1], title: 't' } as never);
    expect(r.error).toBeInstanceOf(ZentaoError);
    expect(r.error).toMatchObject({ kind: 'fail', message: '应当设置发送方信息。' });
    expect(() => unwrap(r)).toThrow('应当设置发送方信息。');
  });

  it('turns entry errors into a typed error carrying the errcode', async () => {
    const { client } = setup({ key: '0'.repeat(32) });
    const r = await client.getGroupChats();
    expect(r.error).toMatchObject({ kind: 'entry', errcode: 401, message: '无效的token参数' });
    expect(r.error?.candidates).toContain('INVALID_TOKEN');
  });

  it('reports a non-JSON answer as an http error, not a crash', async () => {
    const { client } = setup({ entry: '/nowhere.php' });
    const r = await client.getGroupChats();
    expect(r.error).toMatchObject({ kind: 'http', status: 404 });
  });

  it('uses the key in lower case, as ZenTao requires', () => {
    const q = buildQuery([['m', 'im'], ['f', 'getGroupChats'], ['code', 'myAppCode']]);
    expect(signQuery(q, defaultApp.key.toUpperCase())).toBe('07a22de5b9c287eaaf5c04320fe48aba');
  });
});

import { createClock } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import { defaultChats, type ZentaoFixtures } from '../fixtures.ts';
import { createApp } from '../server.ts';
import { CHAT, call, failure, GROUPS, KEY, post, SEND, sender, signed } from '../test-helpers.ts';

const GID = defaultChats[0]!.gid;
/** A clock stopped at 2024-05-01T08:00:00Z. */
const STOPPED = createClock(() => Date.parse('2024-05-01T08:00:00.000Z'));
const RD = defaultChats[1]!.gid;
const SUCCESS = { result: 'success', message: '' };
const USERS_REQUIRED = failure('应当设置接收者用户列表。');
const SENDER_REQUIRED = failure('应当设置发送方信息。');
const TITLE_REQUIRED = failure('请提供通知信息的标题。');
const GID_REQUIRED = failure('应当设置接收讨论组。');
const invalid = (...problems: string[]) => failure(`通知消息格式不正确：${problems.join('; ')}。`);

/** PHP's empty() values: each is "not set" for ZenTao. */
const EMPTY_VALUES: [string, unknown][] = [
  ['absent', undefined],
  ['null', null],
  ["''", ''],
  ['0', 0],
  ["'0'", '0'],
  ['false', false],
  ['[]', []],
];

const fixtures = (patch: Partial<ZentaoFixtures>): ZentaoFixtures => ({
  apps: [{ code: 'myAppCode', key: KEY, ip: '*' }],
  users: [],
  chats: [],
  ...patch,
});

describe('im/getGroupChats', () => {
  it("lists the doc's group chats, {gid: name}", async () => {
    expect(await call(signed(GROUPS))).toEqual({
      result: 'success',
      data: {
        '30683aea-7a1f-4ec8-a6d6-834e0310fd7d': '第四期项目讨论',
        '81c6ba89-00ab-4431-8e47-063556ae4886': '研发部',
        '64da14c3-c07a-45af-9c61-4e638de4af26': '公司总群',
      },
    });
  });

  it('lists neither dismissed groups nor private chats', async () => {
    const { app } = createApp({
      fixtures: fixtures({
        chats: [
          { gid: 'live', name: '研发部', type: 'group', members: [] },
          { gid: 'gone', name: '已解散', type: 'group', dismissed: true, members: [] },
          { gid: '1&3', name: '', type: 'one2one', members: [] },
          { gid: 'sys', name: 'system', type: 'system', members: [] },
          { gid: 'kept', name: '保留', type: 'group', dismissed: false, members: [] },
        ],
      }),
    });
    expect(await call(signed(GROUPS), undefined, app)).toEqual({ result: 'success', data: { live: '研发部', kept: '保留' } });
  });

  it('answers data: [] when there are none, as PHP encodes an empty array', async () => {
    const { app, twin } = createApp();
    twin.useState('no group chats');
    expect(await call(signed(GROUPS), undefined, app)).toEqual({ result: 'success', data: [] });
  });

  it('answers POST too, as PHP ignores the verb', async () => {
    expect(await call(signed(GROUPS), { method: 'POST' })).toEqual(expect.objectContaining({ result: 'success' }));
  });
});

describe('im/getChatUsers', () => {
  const users = (gid?: string) => signed(`m=im&f=getChatUsers${gid === undefined ? '' : `&gid=${gid}`}&code=myAppCode`);

  it('lists the members of one chat, {userId: realname}', async () => {
    expect(await call(users(GID))).toEqual({ result: 'success', data: { '1': '管理员', '3': '张三', '4': '李四' } });
    expect(await call(users(RD))).toEqual({ result: 'success', data: { '1': '管理员', '3': '张三' } });
  });

  it('lists the members of any chat without gid, or with an empty one, in ascending id order', async () => {
    const { app } = createApp({
      fixtures: fixtures({
        users: [
          { id: 2, account: 'b', realname: 'B' },
          { id: 10, account: 'j', realname: 'J' },
          { id: 7, account: 'g', realname: 'G' },
          { id: 8, account: 'h', realname: 'H' },
        ],
        chats: [
          { gid: 'x', name: 'x', type: 'group', members: [10, 2] },
          { gid: 'y', name: 'y', type: 'one2one', members: [7, 2] },
        ],
      }),
    });
    const expected = { result: 'success', data: { '2': 'B', '7': 'G', '10': 'J' } };
    const all = await call(users(), undefined, app);
    expect(all).toEqual(expected);
    expect(Object.keys((all as { data: object }).data)).toEqual(['2', '7', '10']);
    expect(await call(users(''), undefined, app)).toEqual(expected);
  });

  it('leaves out deleted members and member ids with no user', async () => {
    const { app } = createApp({
      fixtures: fixtures({
        users: [
          { id: 1, account: 'a', realname: 'A' },
          { id: 2, account: 'gone', realname: '已删除', deleted: true },
        ],
        chats: [{ gid: 'x', name: 'x', type: 'group', members: [1, 2, 99] }],
      }),
    });
    expect(await call(users('x'), undefined, app)).toEqual({ result: 'success', data: { '1': 'A' } });
  });

  it('answers data: [] for an unknown gid, as ZenTao does', async () => {
    expect(await call(users('nope'))).toEqual({ result: 'success', data: [] });
  });
});

describe('im/sendNotification', () => {
  it('delivers to users by id or account, once each, and records the delivery as sent', async () => {
    const { app, twin } = createApp({ clock: STOPPED });
    const message = {
      users: [1, 'zhangsan', '1', 'admin'],
      title: '构建失败',
      subtitle: 'main',
      content: '**main** 红了',
      url: 'https://ci.example.test/1',
      actions: [{ label: '查看', url: 'https://ci.example.test/1', type: 'danger' }],
      sender,
    };
    expect(await call(signed(SEND), post(message), app)).toEqual(SUCCESS);
    expect(twin.state.inbox).toEqual([
      {
        id: 1,
        kind: 'notification',
        users: [1, 3],
        appCode: 'myAppCode',
        time: '2024-05-01T08:00:00.000Z',
        title: '构建失败',
        subtitle: 'main',
        content: '**main** 红了',
        contentType: 'text',
        url: 'https://ci.example.test/1',
        actions: [{ label: '查看', url: 'https://ci.example.test/1', type: 'danger' }],
        sender,
      },
    ]);
    expect(twin.journal.all()[0]!.notes).toEqual({ delivered: 1 });
  });

  it('keeps only the fields sent, and the contentType sent', async () => {
    const { app, twin } = createApp();
    await call(signed(SEND), post({ users: [4], title: 't', sender, contentType: 'plain' }), app);
    await call(signed(SEND), post({ users: [3], title: 'u', sender }), app);
    // Strict: a field not sent is absent, not undefined.
    expect(twin.state.inbox).toStrictEqual([
      { id: 1, kind: 'notification', users: [4], appCode: 'myAppCode', time: expect.any(String), title: 't', contentType: 'plain', sender },
      { id: 2, kind: 'notification', users: [3], appCode: 'myAppCode', time: expect.any(String), title: 'u', contentType: 'text', sender },
    ]);
  });

  it('checks users, then sender (required, although the doc says optional), then title', async () => {
    expect(await call(signed(SEND), post({}))).toEqual(USERS_REQUIRED);
    expect(await call(signed(SEND), post({ title: 't', sender }))).toEqual(USERS_REQUIRED);
    expect(await call(signed(SEND), post({ users: [1] }))).toEqual(SENDER_REQUIRED);
    expect(await call(signed(SEND), post({ users: [1], title: 't' }))).toEqual(SENDER_REQUIRED);
    expect(await call(signed(SEND), post({ users: [1], sender }))).toEqual(TITLE_REQUIRED);
  });

  it.each(EMPTY_VALUES)('takes users %s as not set', async (_what, users) => {
    expect(await call(signed(SEND), post({ users, title: 't', sender }))).toEqual(USERS_REQUIRED);
  });

  it.each(EMPTY_VALUES)('takes sender %s as not set', async (_what, value) => {
    expect(await call(signed(SEND), post({ users: [1], title: 't', sender: value }))).toEqual(SENDER_REQUIRED);
  });

  it.each(EMPTY_VALUES)('takes title %s as not set', async (_what, title) => {
    expect(await call(signed(SEND), post({ users: [1], title, sender }))).toEqual(TITLE_REQUIRED);
  });

  it.each([
    ['users {}', { users: {}, title: 't', sender }, invalid('/users must be array')],
    ['users "1"', { users: '1', title: 't', sender }, invalid('/users must be array')],
    ['users [true]', { users: [true], title: 't', sender }, invalid('/users/0 must be string,integer')],
    ['title 1', { users: [1], title: 1, sender }, invalid('/title must be string')],
    ['sender "bot"', { users: [1], title: 't', sender: 'bot' }, invalid('/sender must be object')],
    ['sender {}', { users: [1], title: 't', sender: {} }, invalid('/sender/id is required')],
    ['contentType html', { users: [1], title: 't', sender, contentType: 'html' }, invalid('/contentType must be one of ["plain","text"]')],
    ['an action without url', { users: [1], title: 't', sender, actions: [{ label: 'x' }] }, invalid('/actions/0/url is required')],
    [
      'two bad fields',
      { users: [1], title: 't', sender, url: 1, actions: [{ label: 'x', url: 'u', type: 'big' }] },
      invalid(
        '/url must be string',
        '/actions/0/type must be one of ["primary","success","danger","warning","info","important","special","normal"]',
      ),
    ],
  ])('takes a non-empty but malformed field as a bad message, naming it (%s)', async (_what, message, answer) => {
    const { app, twin } = createApp();
    expect(await call(signed(SEND), post(message), app)).toEqual(answer);
    expect(twin.journal.all()[0]!.notes!.validation).toEqual(answer.message.slice('通知消息格式不正确：'.length, -1).split('; '));
    expect(twin.state.inbox).toEqual([]);
  });

  it('accepts a title of "00" or " " (not empty for PHP)', async () => {
    expect(await call(signed(SEND), post({ users: [1], title: '00', sender }))).toEqual(SUCCESS);
    expect(await call(signed(SEND), post({ users: [1], title: ' ', sender }))).toEqual(SUCCESS);
  });

  it.each([
    ['not JSON', 'users=1&title=x'],
    ['a JSON array', '[{"users":[1],"title":"t"}]'],
    ['a JSON string', '"users"'],
    ['JSON null', 'null'],
  ])('reads a body that is %s as nothing, as json_decode does', async (_what, body) => {
    expect(await call(signed(SEND), post(body))).toEqual(USERS_REQUIRED);
  });

  it('reads no body on GET, so it fails on users', async () => {
    expect(await call(signed(SEND))).toEqual(USERS_REQUIRED);
  });

  it('rejects unknown users, naming them, and delivers nothing', async () => {
    const { app, twin } = createApp();
    expect(await call(signed(SEND), post({ users: [1, 99, 'nobody'], title: 't', sender }), app)).toEqual(
      failure('找不到接收者用户：99, nobody。'),
    );
    expect(twin.state.inbox).toEqual([]);
  });

  it('takes deleted users as unknown, by id and by account', async () => {
    const { app, twin } = createApp({
      fixtures: fixtures({
        users: [
          { id: 1, account: 'admin', realname: '管理员' },
          { id: 9, account: 'ghost', realname: '已删除', deleted: true },
        ],
      }),
    });
    expect(await call(signed(SEND), post({ users: [1, 9, 'ghost'], title: 't', sender }), app)).toEqual(
      failure('找不到接收者用户：9, ghost。'),
    );
    expect(twin.state.inbox).toEqual([]);
  });

  it('takes a removed user as unknown once the fixtures no longer have them', async () => {
    const { app, twin } = createApp();
    expect(await call(signed(SEND), post({ users: ['lisi'], title: 't', sender }), app)).toEqual(SUCCESS);
    twin.replaceFixtures({ ...twin.fixtures, users: twin.fixtures.users.filter((u) => u.account !== 'lisi') });
    expect(await call(signed(SEND), post({ users: ['lisi', 4], title: 't', sender }), app)).toEqual(failure('找不到接收者用户：lisi, 4。'));
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
    expect(await call(signed(SEND), post(doc))).toEqual(SUCCESS);
  });
});

describe('im/sendChatMessage', () => {
  it('delivers to a live group chat and records the delivery', async () => {
    const { app, twin } = createApp({ clock: STOPPED });
    expect(await call(signed(CHAT), post({ gid: RD, title: '发布完成', sender, contentType: 'plain' }), app)).toEqual(SUCCESS);
    expect(twin.state.inbox).toEqual([
      {
        id: 1,
        kind: 'chatMessage',
        gid: RD,
        appCode: 'myAppCode',
        time: '2024-05-01T08:00:00.000Z',
        title: '发布完成',
        contentType: 'plain',
        sender,
      },
    ]);
  });

  it('checks gid, then sender, then title', async () => {
    expect(await call(signed(CHAT), post({ title: 't', sender }))).toEqual(GID_REQUIRED);
    expect(await call(signed(CHAT), post({ gid: GID }))).toEqual(SENDER_REQUIRED);
    expect(await call(signed(CHAT), post({ gid: GID, title: 't' }))).toEqual(SENDER_REQUIRED);
    expect(await call(signed(CHAT), post({ gid: GID, sender }))).toEqual(TITLE_REQUIRED);
    expect(await call(signed(CHAT), post('not json'))).toEqual(GID_REQUIRED);
  });

  it.each(EMPTY_VALUES)('takes gid %s as not set', async (_what, gid) => {
    expect(await call(signed(CHAT), post({ gid, title: 't', sender }))).toEqual(GID_REQUIRED);
  });

  it('takes a gid that is not a string as a bad message', async () => {
    expect(await call(signed(CHAT), post({ gid: 5, title: 't', sender }))).toEqual(invalid('/gid must be string'));
  });

  it('rejects unknown and dismissed groups and private chats, naming the gid', async () => {
    const { app, twin } = createApp();
    twin.useState('a dismissed group and a private chat');
    for (const gid of ['nope', 'dismissed-0000-4000-8000-000000000001', '1&3']) {
      expect(await call(signed(CHAT), post({ gid, title: 't', sender }), app)).toEqual(failure(`讨论组不存在：${gid}。`));
    }
    expect(twin.state.inbox).toEqual([]);
  });
});

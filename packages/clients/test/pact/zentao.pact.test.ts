import { Matchers } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { createZentaoClient, type ZentaoClientOptions } from '../../src/zentao/client.ts';
import { pactBetween } from './pact.ts';

/**
 * Consumer side of the ZenTao contract: the real client drives every interaction, and the pact it writes
 * (contracts/pacts/) is verified against the twin in contracts/test/zentao.provider.test.ts.
 */
const pact = pactBetween('doppel-zentao-client', 'doppel-zentao');

const KEY = '3cd0914d656e90ab181f1d52ff352cfe';
const GID = '30683aea-7a1f-4ec8-a6d6-834e0310fd7d';
const sender = { id: 'doppel-ci', name: 'Doppel CI', avatar: 'https://example.test/ci.png' };
/** A fixed clock, so time-signed requests are the same on every run. */
const TIME_MS = 1_700_000_000_000;

const client = (baseUrl: string, o: Partial<ZentaoClientOptions> = {}) =>
  createZentaoClient({ baseUrl, code: 'myAppCode', key: KEY, now: () => TIME_MS, ...o });

/** The query the client sends, as a pact query map (order is re-established by the client's signing rules). */
function queryOf(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams);
}

const entryError = (errcode: number, errmsg: string) => ({ errcode, errmsg });
const BAD_CONTENT_TYPE = '通知消息格式不正确：/contentType must be one of ["plain","text"]。';
const fail = (message: string) => ({ result: 'fail', message });

describe('ZenTao client ↔ twin contract', () => {
  it('lists group chats', () =>
    pact
      .addInteraction()
      .given('the default fixtures')
      .uponReceiving('a signed getGroupChats')
      .withRequest('GET', '/api.php', (b) => b.query(queryOf(client('http://x').url('getGroupChats'))))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          result: 'success',
          data: {
            '30683aea-7a1f-4ec8-a6d6-834e0310fd7d': '第四期项目讨论',
            '81c6ba89-00ab-4431-8e47-063556ae4886': '研发部',
            '64da14c3-c07a-45af-9c61-4e638de4af26': '公司总群',
          },
        }),
      )
      .executeTest(async (server) => {
        const r = await client(server.url).getGroupChats();
        expect(r.data).toEqual({
          '30683aea-7a1f-4ec8-a6d6-834e0310fd7d': '第四期项目讨论',
          '81c6ba89-00ab-4431-8e47-063556ae4886': '研发部',
          '64da14c3-c07a-45af-9c61-4e638de4af26': '公司总群',
        });
      }));

  it('gets [] when there are no group chats', () =>
    pact
      .addInteraction()
      .given('no group chats')
      .uponReceiving('a signed getGroupChats with no chats')
      .withRequest('GET', '/api.php', (b) => b.query(queryOf(client('http://x').url('getGroupChats'))))
      .willRespondWith(200, (b) => b.jsonBody({ result: 'success', data: [] }))
      .executeTest(async (server) => {
        expect((await client(server.url).getGroupChats()).data).toEqual({});
      }));

  it("lists one chat's users", () =>
    pact
      .addInteraction()
      .given('the default fixtures')
      .uponReceiving('a signed getChatUsers with gid')
      .withRequest('GET', '/api.php', (b) => b.query(queryOf(client('http://x').url('getChatUsers', [['gid', GID]]))))
      .willRespondWith(200, (b) => b.jsonBody({ result: 'success', data: { '1': '管理员', '3': '张三', '4': '李四' } }))
      .executeTest(async (server) => {
        expect((await client(server.url).getChatUsers(GID)).data).toEqual({ '1': '管理员', '3': '张三', '4': '李四' });
      }));

  it('signs with a time', () =>
    pact
      .addInteraction()
      .given('the default fixtures')
      .uponReceiving('a time-signed getChatUsers without gid')
      .withRequest('GET', '/api.php', (b) => b.query(queryOf(client('http://x', { signing: 'time' }).url('getChatUsers'))))
      .willRespondWith(200, (b) => b.jsonBody({ result: 'success', data: { '1': '管理员', '3': '张三', '4': '李四' } }))
      .executeTest(async (server) => {
        expect((await client(server.url, { signing: 'time' }).getChatUsers()).data).toHaveProperty('3', '张三');
      }));

  const sends: [string, 'sendNotification' | 'sendChatMessage', object, { result: string; message: string }][] = [
    [
      'a notification to users by id and account',
      'sendNotification',
      { users: [1, 'zhangsan'], title: '构建失败', content: '**main**', contentType: 'text', sender },
      { result: 'success', message: '' },
    ],
    [
      'a chat message to a group',
      'sendChatMessage',
      {
        gid: GID,
        title: '发布完成',
        contentType: 'plain',
        sender,
        actions: [{ label: '查看', url: 'https://example.test/r/1', type: 'primary' }],
      },
      { result: 'success', message: '' },
    ],
    ['a notification without users', 'sendNotification', { users: [], title: 't', sender }, fail('应当设置接收者用户列表。')],
    ['a notification without sender', 'sendNotification', { users: [1], title: 't' }, fail('应当设置发送方信息。')],
    ['a notification without title', 'sendNotification', { users: [1], sender }, fail('请提供通知信息的标题。')],
    ['a notification to an unknown user', 'sendNotification', { users: [99], title: 't', sender }, fail('找不到接收者用户：99。')],
    ['a chat message without gid', 'sendChatMessage', { title: 't', sender }, fail('应当设置接收讨论组。')],
    [
      'a chat message to an unknown group',
      'sendChatMessage',
      { gid: 'no-such-gid', title: 't', sender },
      fail('讨论组不存在：no-such-gid。'),
    ],
  ];
  for (const [label, method, message, reply] of sends) {
    it(`sends ${label}`, () =>
      pact
        .addInteraction()
        .given('the default fixtures')
        .uponReceiving(`a signed ${method}: ${label}`)
        .withRequest('POST', '/api.php', (b) => b.query(queryOf(client('http://x').url(method))).jsonBody(message))
        .willRespondWith(200, (b) => b.jsonBody(reply))
        .executeTest(async (server) => {
          const r = await client(server.url)[method](message as never);
          if (reply.result === 'fail') expect(r.error?.message).toBe(reply.message);
          else expect(r.data).toBe(true);
        }));
  }

  it('gets fail for a contentType ZenTao does not know', () =>
    pact
      .addInteraction()
      .given('the default fixtures')
      .uponReceiving('a notification with contentType html')
      .withRequest('POST', '/api.php', (b) =>
        b.query(queryOf(client('http://x').url('sendNotification'))).jsonBody({ users: [1], title: 't', sender, contentType: 'html' }),
      )
      // ZenTao's sentence, then the validator's own wording of the reason: the contract is the sentence.
      .willRespondWith(200, (b) => b.jsonBody({ result: 'fail', message: Matchers.regex('^通知消息格式不正确：.+。$', BAD_CONTENT_TYPE) }))
      .executeTest(async (server) => {
        const r = await client(server.url).sendNotification({ users: [1], title: 't', sender, contentType: 'html' as 'text' });
        expect(r.error).toMatchObject({ kind: 'fail', message: BAD_CONTENT_TYPE });
      }));

  const entryCases: [string, string, Partial<ZentaoClientOptions>, [number, string]][] = [
    ['the default fixtures', 'an empty app code', { code: '' }, [401, '缺少code参数']],
    ['the default fixtures', 'no token', { signing: 'none' }, [401, '缺少token参数']],
    ['the default fixtures', 'an unknown app code', { code: 'noSuchApp' }, [404, '应用不存在']],
    ['an app without a key', 'an app without a key', { code: 'noKeyApp', key: 'ffff' }, [401, '应用未设置密钥']],
    ['the app only allows 10.0.0.1', 'a caller outside the whitelist', {}, [403, '该IP被限制访问']],
    ['the default fixtures', 'a token signed with the wrong key', { key: '00000000000000000000000000000000' }, [401, '无效的token参数']],
    ['the app must be bound to an account', 'an app with no bound account', {}, [403, '未绑定用户']],
    ['the app is bound to a deleted account', 'an app bound to a deleted account', {}, [406, '用户不存在']],
    ['the app was last called at time', 'a time older than the last call', { signing: 'time' }, [405, 'Token已失效']],
    ['the default fixtures', 'a time that is not 10 digits', { signing: 'time', now: () => 123_456_789_000 }, [407, '错误的时间戳。']],
  ];
  for (const [state, label, options, [errcode, errmsg]] of entryCases) {
    it(`is refused for ${label} (errcode ${errcode})`, () =>
      pact
        .addInteraction()
        .given(state)
        .uponReceiving(`getGroupChats with ${label}`)
        .withRequest('GET', '/api.php', (b) => b.query(queryOf(client('http://x', options).url('getGroupChats'))))
        .willRespondWith(200, (b) => b.jsonBody(entryError(errcode, errmsg)))
        .executeTest(async (server) => {
          const r = await client(server.url, options).getGroupChats();
          expect(r.error).toMatchObject({ kind: 'entry', errcode, message: errmsg });
        }));
  }
});

import { createHash } from 'node:crypto';
import { createApp, defaultApp, defaultChats } from '@doppel/mock-zentao';
import { describe, expect, it } from 'vitest';
import { createAdminClient } from '../admin/client.ts';
import { unwrap } from '../http.ts';
import { buildQuery, createZentaoClient, signQuery, signTime, type ZentaoClientOptions, ZentaoError } from './client.ts';

function setup(overrides: Partial<ZentaoClientOptions> = {}) {
  const { app, twin } = createApp();
  const fetch = (r: Request) => Promise.resolve(app.fetch(r));
  const client = createZentaoClient({ baseUrl: 'http://zentao.test', code: defaultApp.code, key: defaultApp.key, fetch, ...overrides });
  return { client, twin, admin: createAdminClient({ baseUrl: 'http://zentao.test', fetch }) };
}

/** A client whose every call is answered with `body` (JSON unless a string), keeping the requests it sent. */
function answering(body: unknown, overrides: Partial<ZentaoClientOptions> = {}, status = 200) {
  const seen: Request[] = [];
  const fetch = async (r: Request) => {
    seen.push(r);
    return typeof body === 'string' ? new Response(body, { status }) : Response.json(body, { status });
  };
  const client = createZentaoClient({ baseUrl: 'http://zentao.test', code: 'myAppCode', key: 'ABCdef', fetch, ...overrides });
  return { client, seen };
}

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
const sender = { id: 'ci', name: 'CI', avatar: 'https://example.test/ci.png' };
const success = { result: 'success', data: { g1: 'chat one' } };

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
});

describe('signing: the query ZenTao rebuilds, in the doc’s order, PHP-encoded', () => {
  const q = 'm=im&f=getChatUsers&gid=a+b%21%27%28%29%2A%7E&code=myAppCode';

  it('query mode: m, f, the parameters, code, then token = md5(md5(q) + lower-case key)', () => {
    const { client } = answering(success);
    expect(client.url('getChatUsers', [['gid', "a b!'()*~"]])).toBe(`http://zentao.test/api.php?${q}&token=${md5(md5(q) + 'abcdef')}`);
  });

  it('time mode: adds the 10-digit time (floored) and token = md5(code + lower-case key + time)', () => {
    const { client } = answering(success, { signing: 'time', now: () => 1_700_000_000_999 });
    const time = '1700000000';
    expect(client.url('getGroupChats')).toBe(
      `http://zentao.test/api.php?m=im&f=getGroupChats&code=myAppCode&time=${time}&token=${md5(`myAppCodeabcdef${time}`)}`,
    );
  });

  it('time mode reads the clock at each call', () => {
    let ms = 1_700_000_000_000;
    const { client } = answering(success, { signing: 'time', now: () => ms });
    const first = client.url('getGroupChats');
    ms += 5000;
    expect(client.url('getGroupChats')).not.toBe(first);
    expect(client.url('getGroupChats')).toContain('&time=1700000005&');
  });

  it('none: the query alone, with neither time nor token', () => {
    const { client } = answering(success, { signing: 'none' });
    expect(client.url('getGroupChats')).toBe('http://zentao.test/api.php?m=im&f=getGroupChats&code=myAppCode');
  });

  it('sends what url() gives, for GETs and POSTs alike', async () => {
    const { client, seen } = answering({ result: 'success', message: '' });
    await client.getChatUsers("a b!'()*~");
    await client.sendChatMessage({ gid: 'g1', title: 't', sender });
    expect(seen.map((r) => [r.method, r.url])).toEqual([
      ['GET', client.url('getChatUsers', [['gid', "a b!'()*~"]])],
      ['POST', client.url('sendChatMessage')],
    ]);
  });

  it('leaves gid out of getChatUsers when none is given', async () => {
    const { client, seen } = answering(success);
    await client.getChatUsers();
    expect(new URL(seen[0]!.url).searchParams.has('gid')).toBe(false);
    expect(seen[0]!.url).toBe(client.url('getChatUsers'));
  });

  it('joins the base URL and the entry script with one slash', () => {
    const { client } = answering(success, { baseUrl: 'http://zentao.test/', entry: '/zentao/api.php', signing: 'none' });
    expect(client.url('getGroupChats')).toBe('http://zentao.test/zentao/api.php?m=im&f=getGroupChats&code=myAppCode');
  });

  it('posts the message as JSON', async () => {
    const { client, seen } = answering({ result: 'success', message: '' });
    const message = { users: [1, 'zhangsan'], title: '构建失败', sender };
    await client.sendNotification(message);
    expect(seen[0]!.headers.get('content-type')).toBe('application/json');
    expect(await seen[0]!.json()).toEqual(message);
  });

  it('buildQuery keeps the object’s order, encodes keys and values, and leaves out null and undefined as PHP does', () => {
    expect(buildQuery({ f: 'x y', 'a&b': 1, gone: undefined, none: null, m: '~' })).toBe('f=x+y&a%26b=1&m=%7E');
    expect(buildQuery({ gone: undefined, m: 'im' })).toBe('m=im');
    expect(buildQuery({})).toBe('');
  });

  it('uses the key in lower case, as ZenTao requires', () => {
    const query = buildQuery({ m: 'im', f: 'getGroupChats', code: 'myAppCode' });
    expect(signQuery(query, defaultApp.key.toUpperCase())).toBe('07a22de5b9c287eaaf5c04320fe48aba');
    expect(signQuery(query, defaultApp.key.toUpperCase())).toBe(signQuery(query, defaultApp.key));
    expect(signTime('c', 'KEY', '1700000000')).toBe(md5('ckey1700000000'));
  });
});

describe('reading the answer', () => {
  it('gives data as a map, {} for PHP’s [] and for a missing data', async () => {
    expect((await answering(success).client.getGroupChats()).data).toEqual({ g1: 'chat one' });
    expect((await answering({ result: 'success', data: [] }).client.getGroupChats()).data).toEqual({});
    expect((await answering({ result: 'success' }).client.getChatUsers()).data).toEqual({});
  });

  it('gives true for a sent message', async () => {
    const r = await answering({ result: 'success', message: '' }).client.sendChatMessage({ gid: 'g', title: 't', sender });
    expect(r).toMatchObject({ data: true });
    expect(r.error).toBeUndefined();
  });

  it('an entry error: kind entry, the errcode, errmsg as the message (empty when absent), the body', async () => {
    const r = await answering({ errcode: 403, errmsg: '该IP被限制访问' }).client.getGroupChats();
    expect(r.error).toMatchObject({ kind: 'entry', errcode: 403, status: 200, message: '该IP被限制访问', body: { errcode: 403 } });
    expect(r.error?.candidates).toEqual(['IP_DENIED', 'ACCOUNT_UNBOUND']);
    expect((await answering({ errcode: 999 }).client.getGroupChats()).error).toMatchObject({ kind: 'entry', message: '', candidates: [] });
  });

  it('names the checks each entry errcode can come from', async () => {
    const candidates = async (errcode: number) => (await answering({ errcode, errmsg: 'x' }).client.getGroupChats()).error?.candidates;
    expect(await candidates(401)).toEqual(['PARAM_CODE_MISSING', 'PARAM_TOKEN_MISSING', 'EMPTY_KEY', 'INVALID_TOKEN']);
    expect(await candidates(404)).toEqual(['EMPTY_ENTRY']);
    expect(await candidates(405)).toEqual(['CALLED_TIME']);
    expect(await candidates(406)).toEqual(['INVALID_ACCOUNT']);
    expect(await candidates(407)).toEqual(['ERROR_TIMESTAMP']);
  });

  it('a failure: kind fail, with message, or error, or a default', async () => {
    const fail = async (body: object) => (await answering(body).client.sendNotification({ users: [1], title: 't', sender })).error;
    expect(await fail({ result: 'fail', message: '讨论组不存在' })).toMatchObject({ kind: 'fail', message: '讨论组不存在', status: 200 });
    expect(await fail({ result: 'fail', error: 'no such method' })).toMatchObject({ kind: 'fail', message: 'no such method' });
    expect(await fail({ result: 'fail' })).toMatchObject({ kind: 'fail', message: 'ZenTao reported a failure', body: { result: 'fail' } });
    expect((await fail({ result: 'fail' }))?.candidates).toEqual([]);
  });

  it('an answer that is not JSON (a login page, an empty body): kind http, with the status and the text', async () => {
    const page = await answering('<html>请登录</html>').client.getGroupChats();
    expect(page.error).toMatchObject({
      kind: 'http',
      status: 200,
      body: '<html>请登录</html>',
      message: 'ZenTao answered HTTP 200 without JSON',
    });
    expect(page.error?.name).toBe('ZentaoError');
    const empty = await answering('', {}, 502).client.getGroupChats();
    expect(empty.error).toMatchObject({ kind: 'http', status: 502, body: undefined });
  });
});

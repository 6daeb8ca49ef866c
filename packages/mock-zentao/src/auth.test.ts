import { describe, expect, it } from 'vitest';
import { queryToken, timeToken } from './php.ts';
import { createApp } from './server.ts';
import { call, entryError, GROUPS, KEY, ok, signed } from './test-helpers.ts';

const EMPTY_ENTRY = entryError(404, '应用不存在');
const CODE_MISSING = entryError(401, '缺少code参数');
const TOKEN_MISSING = entryError(401, '缺少token参数');
const INVALID_TOKEN = entryError(401, '无效的token参数');
const ERROR_TIMESTAMP = entryError(407, '错误的时间戳。');
const CALLED_TIME = entryError(405, 'Token已失效');
const SUCCESS = expect.objectContaining(ok);

/** The journal's signature note of the last request. */
function lastNotes(twin: ReturnType<typeof createApp>['twin']) {
  const all = twin.journal.all();
  return all[all.length - 1]!.notes ?? {};
}

describe('checkEntry: errors in ZenTao order, always HTTP 200', () => {
  it.each([
    ['m and f missing', '/api.php?code=myAppCode&token=x', EMPTY_ENTRY],
    ['f missing', '/api.php?m=im&code=myAppCode&token=x', EMPTY_ENTRY],
    ['m missing', '/api.php?f=getGroupChats&code=myAppCode&token=x', EMPTY_ENTRY],
    ['no query at all', '/api.php', EMPTY_ENTRY],
    ['code missing', '/api.php?m=im&f=getGroupChats', CODE_MISSING],
    ['code empty, token missing too (code first)', '/api.php?m=im&f=getGroupChats&code=', CODE_MISSING],
    ['token missing', '/api.php?m=im&f=getGroupChats&code=myAppCode', TOKEN_MISSING],
    ['unknown app', signed('m=im&f=getGroupChats&code=nobody'), EMPTY_ENTRY],
    ['wrong token', `/api.php?${GROUPS}&token=0123456789abcdef0123456789abcdef`, INVALID_TOKEN],
  ])('%s', async (_label, path, answer) => {
    expect(await call(path)).toEqual(answer);
  });

  describe("PHP's empty(): absent, '' and '0' are empty; '00', ' ' and 'a' are not", () => {
    it.each([
      ['m', 'm=0&f=getGroupChats&code=myAppCode', EMPTY_ENTRY],
      ['m', 'm=&f=getGroupChats&code=myAppCode', EMPTY_ENTRY],
      ['f', 'm=im&f=0&code=myAppCode', EMPTY_ENTRY],
      ['f', 'm=im&f=&code=myAppCode', EMPTY_ENTRY],
      ['code', 'm=im&f=getGroupChats&code=0', CODE_MISSING],
      ['code', 'm=im&f=getGroupChats&code=', CODE_MISSING],
      // Not empty, so the next check speaks: here, that no app has this code.
      ['code', 'm=im&f=getGroupChats&code=00', EMPTY_ENTRY],
      ['code', 'm=im&f=getGroupChats&code=+', EMPTY_ENTRY],
      ['code', 'm=im&f=getGroupChats&code=a', EMPTY_ENTRY],
      // An array (code[]=…) is taken as absent.
      ['code', 'm=im&f=getGroupChats&code[]=myAppCode', CODE_MISSING],
    ])('%s in %s', async (_name, q, answer) => {
      expect(await call(`/api.php?${q}&token=${queryToken(q, KEY)}`)).toEqual(answer);
    });

    it.each([
      ['token=0', TOKEN_MISSING],
      ['token=', TOKEN_MISSING],
      ['token', TOKEN_MISSING],
      ['token=00', INVALID_TOKEN],
      ['token=+', INVALID_TOKEN],
      ['token=a', INVALID_TOKEN],
    ])('%s', async (token, answer) => {
      expect(await call(`/api.php?${GROUPS}&${token}`)).toEqual(answer);
    });

    it.each([
      ['m', 'm=00&f=getGroupChats&code=myAppCode', '方法不存在：m=00&f=getGroupChats（m must be one of ["im"]）。'],
      ['m', 'm=+&f=getGroupChats&code=myAppCode', '方法不存在：m= &f=getGroupChats（m must be one of ["im"]）。'],
      ['f', 'm=im&f=a&code=myAppCode', expect.stringMatching(/^方法不存在：m=im&f=a（f must be one of \["getGroupChats",/)],
    ])('a non-empty %s passes the entry check, and then names no method (%s)', async (_name, q, message) => {
      expect(await call(signed(q))).toEqual({ result: 'fail', message });
    });
  });

  it('refuses an app without a key, before looking at the token', async () => {
    const { app, twin } = createApp();
    twin.useState('an app without a key');
    expect(await call('/api.php?m=im&f=getGroupChats&code=noKeyApp&token=whatever', undefined, app)).toEqual(
      entryError(401, '应用未设置密钥'),
    );
  });

  it('checks the IP before the token and notes who called and what the whitelist is', async () => {
    const { app, twin } = createApp();
    twin.useState('the app only allows 10.0.0.1');
    expect(await call(`/api.php?${GROUPS}&token=bad`, undefined, app)).toEqual(entryError(403, '该IP被限制访问'));
    expect(lastNotes(twin)).toEqual({ ip: { caller: '127.0.0.1', whitelist: '10.0.0.1' } });
  });

  it('lets a caller in through a whitelist entry that matches, beside broken ones', async () => {
    const fixtures = { apps: [{ code: 'c', key: 'abc', ip: '10.0.0.(*, 127.0.0.0/24' }], users: [], chats: [] };
    const { app } = createApp({ fixtures });
    expect(await call(signed('m=im&f=getGroupChats&code=c', 'abc'), undefined, app)).toEqual({ result: 'success', data: [] });
  });

  it('refuses, never crashes on, a whitelist made only of broken entries', async () => {
    const fixtures = { apps: [{ code: 'c', key: 'abc', ip: '10.0.0.(*' }], users: [], chats: [] };
    const { app } = createApp({ fixtures });
    expect(await call(signed('m=im&f=getGroupChats&code=c', 'abc'), undefined, app)).toEqual(entryError(403, '该IP被限制访问'));
  });

  it('requires a bound, live account when 免密 is off', async () => {
    const { app, twin } = createApp();
    twin.useState('the app must be bound to an account');
    expect(await call(signed(GROUPS), undefined, app)).toEqual(entryError(403, '未绑定用户'));
    twin.useState('the app is bound to a deleted account');
    expect(await call(signed(GROUPS), undefined, app)).toEqual(entryError(406, '用户不存在'));
    const bound = (account: string) => ({
      apps: [{ code: 'myAppCode', key: KEY, ip: '*', freePasswd: false, account }],
      users: [{ id: 1, account: 'admin', realname: '管理员' }],
      chats: [],
    });
    twin.replaceFixtures(bound('admin'));
    expect(await call(signed(GROUPS), undefined, app)).toEqual({ result: 'success', data: [] });
    twin.replaceFixtures(bound('nobody'));
    expect(await call(signed(GROUPS), undefined, app)).toEqual(entryError(406, '用户不存在'));
    // Only an explicit `false` turns 免密 off.
    twin.replaceFixtures({ ...bound('nobody'), apps: [{ code: 'myAppCode', key: KEY, ip: '*', account: 'nobody' }] });
    expect(await call(signed(GROUPS), undefined, app)).toEqual({ result: 'success', data: [] });
  });

  it('names the app code as the tenant, so scenario rules can be scoped to one app', async () => {
    const { app, twin } = createApp();
    await app.request(signed(GROUPS));
    await app.request('/api.php?m=im&f=getGroupChats&code=&token=x');
    const [named, blank] = twin.journal.all();
    expect(named!.tenant).toBe('myAppCode');
    expect(named!.callers).toEqual({ app: 'myAppCode' });
    expect(blank!.tenant).toBeUndefined();
    expect(blank!.callers).toBeUndefined();
  });

  it('lists each app as a known caller for GET /__admin/scenarios, with its name when the fixtures give one', async () => {
    const { app, twin } = createApp();
    twin.replaceFixtures({
      ...twin.fixtures,
      apps: [...twin.fixtures.apps, { code: 'unnamedApp', key: KEY, ip: '*' }],
    });
    const { callers } = (await (await app.request('/__admin/scenarios')).json()) as { callers: unknown[] };
    expect(callers).toEqual([
      { kind: 'app', id: 'myAppCode', name: 'Doppel default app' },
      { kind: 'app', id: 'unnamedApp' },
    ]);
    // In process too: an app without a name has no name key (not one set to undefined).
    expect(twin.def.callers!.known(twin.fixtures)).toStrictEqual(callers);
  });
});

describe('the query token: md5(md5(q) + key) over the query as PHP re-encodes it', () => {
  it('signs the query in the order sent: a reordered query needs its own token', async () => {
    const q = 'f=getGroupChats&code=myAppCode&m=im';
    expect(await call(`/api.php?${q}&token=1d35ef24602b3ddfd5b41b1cfba614bc`)).toEqual(SUCCESS);
    expect(await call(`/api.php?${q}&token=07a22de5b9c287eaaf5c04320fe48aba`)).toEqual(INVALID_TOKEN);
  });

  it('accepts the token wherever it stands in the query', async () => {
    expect(await call('/api.php?token=07a22de5b9c287eaaf5c04320fe48aba&m=im&f=getGroupChats&code=myAppCode')).toEqual(SUCCESS);
  });

  it.each([
    ['a space sent as +', 'gid=my+group'],
    ['a space sent as %20', 'gid=my%20group'],
  ])('signs %s as + (known token 91510574…)', async (_what, gid) => {
    const res = await call(`/api.php?m=im&f=getChatUsers&${gid}&code=myAppCode&token=91510574e112d2e83f08b783f4743fe2`);
    expect(res).toEqual({ result: 'success', data: [] });
  });

  it.each([
    ['~ sent bare', 'gid=a~b'],
    ['~ sent as %7E', 'gid=a%7Eb'],
    ['~ sent as %7e', 'gid=a%7eb'],
  ])('signs %s as %7E (known token 828964b1…)', async (_what, gid) => {
    const res = await call(`/api.php?m=im&f=getChatUsers&${gid}&code=myAppCode&token=828964b1ecda8451c3564b2a158a3ec7`);
    expect(res).toEqual({ result: 'success', data: [] });
  });

  it('signs a dot in a name as _ (known token 60016955…)', async () => {
    const token = '600169553d8581f5ce3483cc1459edfe';
    expect(await call(`/api.php?m=im&f=getChatUsers&code=myAppCode&a.b=1&token=${token}`)).toEqual(SUCCESS);
    expect(await call(`/api.php?m=im&f=getChatUsers&code=myAppCode&a_b=1&token=${token}`)).toEqual(SUCCESS);
    expect(await call('/api.php?m=im&f=getChatUsers&code=myAppCode&a.b=1&token=386bcb630100d87d77907251b77eeaa2')).toEqual(INVALID_TOKEN);
  });

  it('signs UTF-8 values in upper-case hex (known token 6a3eaf36…)', async () => {
    const gid = '%e7%a0%94%e5%8f%91%e9%83%a8';
    const res = await call(`/api.php?m=im&f=getChatUsers&gid=${gid}&code=myAppCode&token=6a3eaf365172b77a1cddae18f5c6ffa3`);
    expect(res).toEqual({ result: 'success', data: [] });
  });

  it('signs a repeated name once, in its first place, with its last value', async () => {
    const q = 'm=im&f=getChatUsers&gid=x&code=myAppCode&gid=my+group';
    expect(await call(`/api.php?${q}&token=91510574e112d2e83f08b783f4743fe2`)).toEqual(expect.objectContaining(ok));
  });

  it('rejects the doc token printed beside every URL (it belongs to the doc’s $query, m=chat)', async () => {
    expect(await call('/api.php?m=im&f=getChatUsers&code=myAppCode&token=f5633c34c0c551a16c1d63bceb38d6a8')).toEqual(INVALID_TOKEN);
    expect(await call('/api.php?m=im&f=getChatUsers&code=myAppCode&token=6611ac3952bcdeb4277274d081885dd2')).toEqual(SUCCESS);
  });
});

describe('the time variant md5(code + key + time)', () => {
  const timed = (time: string, token = timeToken('myAppCode', KEY, time)) => `/api.php?${GROUPS}&time=${time}&token=${token}`;

  it('accepts the known token of time 1700000000, once; then calls that time and older ones stale', async () => {
    const { app } = createApp();
    expect(await call(`/api.php?${GROUPS}&time=1700000000&token=1a0aabecd05b665a5fdfc93fec5d4a1e`, undefined, app)).toEqual(SUCCESS);
    expect(await call(timed('1700000000'), undefined, app)).toEqual(CALLED_TIME);
    expect(await call(timed('1699999999'), undefined, app)).toEqual(CALLED_TIME);
    expect(await call(`/api.php?${GROUPS}&time=1700000001&token=1ff75d0d4f8e5cb37abc157c24ac6e1f`, undefined, app)).toEqual(SUCCESS);
  });

  it('notes the last accepted time when it calls a time stale', async () => {
    const { app, twin } = createApp();
    twin.useState('the app was last called at time', { time: 1700000005 });
    expect(await call(timed('1700000005'), undefined, app)).toEqual(CALLED_TIME);
    expect(lastNotes(twin)).toEqual({ signature: { mode: 'time', time: '1700000005', lastCalledTime: 1700000005 } });
    expect(await call(timed('1700000006'), undefined, app)).toEqual(SUCCESS);
  });

  it('accepts any 10-digit time for an app never called (the last time is 0)', async () => {
    expect(await call(timed('0000000001'))).toEqual(SUCCESS);
  });

  it('refuses a wrong token with a valid time, and does not count that time as used', async () => {
    const { app, twin } = createApp();
    const wrong = timeToken('myAppCode', KEY, '1700000001');
    expect(await call(timed('1700000000', wrong), undefined, app)).toEqual(INVALID_TOKEN);
    expect(lastNotes(twin)).toEqual({
      signature: {
        mode: 'query (the time token did not match either)',
        signed: `${GROUPS}&time=1700000000`,
        formula: 'md5(md5(signed) + key)',
        received: wrong,
        expected: 'cef74780434898e6174bb824b6a61eee',
        timeSigned: 'myAppCode + key + 1700000000',
        hint: 'check the key and that no parameter was added or changed after signing',
      },
    });
    expect(await call(timed('1700000000'), undefined, app)).toEqual(SUCCESS);
  });

  it("refuses a time token signed with another app's code or key", async () => {
    expect(await call(timed('1700000000', timeToken('otherApp', KEY, '1700000000')))).toEqual(INVALID_TOKEN);
    expect(await call(timed('1700000000', timeToken('myAppCode', 'ffff', '1700000000')))).toEqual(INVALID_TOKEN);
  });

  it.each([
    ['9 digits', '170000000'],
    ['11 digits', '17000000000'],
    ['13 digits (milliseconds)', '1700000000000'],
    ['a letter', '170000000x'],
    ['a trailing letter', '1700000000x'],
    ['a leading letter', 'x1700000000'],
    ['empty', ''],
    ['a sign', '-170000000'],
  ])('refuses a time of %s (ERROR_TIMESTAMP), whatever the token', async (_what, time) => {
    expect(await call(timed(time))).toEqual(ERROR_TIMESTAMP);
  });

  it('refuses a time sent as an array', async () => {
    expect(await call(`/api.php?${GROUPS}&time[]=1700000000&token=${timeToken('myAppCode', KEY, '1700000000')}`)).toEqual(ERROR_TIMESTAMP);
  });

  it('falls back to the query token, which then covers time too (known token cef74780…)', async () => {
    const { app } = createApp();
    const path = `/api.php?${GROUPS}&time=1700000000&token=cef74780434898e6174bb824b6a61eee`;
    expect(await call(path, undefined, app)).toEqual(SUCCESS);
    // The query token does not use the time up: the same signed URL works again.
    expect(await call(path, undefined, app)).toEqual(SUCCESS);
  });
});

describe('the signature debugger (journal notes of a refused token)', () => {
  const refusedWith = async (path: string) => {
    const { app, twin } = createApp();
    expect(await call(path, undefined, app)).toEqual(INVALID_TOKEN);
    const note = lastNotes(twin).signature as Record<string, string>;
    expect(JSON.stringify(twin.journal.all())).not.toContain(KEY);
    return note;
  };

  it('shows the string signed, the token received and the one expected, never the key', async () => {
    const token = '0123456789abcdef0123456789abcdef';
    expect(await refusedWith(`/api.php?${GROUPS}&token=${token}`)).toEqual({
      mode: 'query',
      signed: GROUPS,
      formula: 'md5(md5(signed) + key)',
      received: token,
      expected: '07a22de5b9c287eaaf5c04320fe48aba',
      hint: 'check the key and that no parameter was added or changed after signing',
    });
  });

  it.each([
    ['the key in upper case', queryToken(GROUPS, KEY.toUpperCase()), /upper case/],
    ['a single md5', '4a2fc7acd303b577dea6fdce45bb732d', /single md5/],
    ['a leading ?', '04e64318f27be04f08cf163c4f183031', /leading "\?"/],
    ['a token of the wrong length', 'abc', /32 lower-case hex/],
  ])('recognises %s', async (_what, token, hint) => {
    expect((await refusedWith(`/api.php?${GROUPS}&token=${token}`)).hint).toMatch(hint);
  });

  it("recognises the doc's printed token", async () => {
    expect((await refusedWith(`/api.php?${GROUPS}&token=f5633c34c0c551a16c1d63bceb38d6a8`)).hint).toBe(
      "this is the token printed in ZenTao's doc: it belongs to q=m=chat&f=getChatUsers&code=myAppCode " +
        "(the doc's $query variable), not to the URL it is shown beside",
    );
  });

  it('recognises a token computed over the sorted query', async () => {
    const sorted = 'code=myAppCode&f=getChatUsers&gid=my+group&m=im';
    const note = await refusedWith(`/api.php?m=im&f=getChatUsers&gid=my+group&code=myAppCode&token=${queryToken(sorted, KEY)}`);
    expect(note.hint).toBe('the token was computed over the parameters sorted by name; ZenTao signs them in the order sent');
  });

  it('recognises a token computed over %20 instead of +', async () => {
    const note = await refusedWith(`/api.php?m=im&f=getChatUsers&gid=my%20group&code=myAppCode&token=2619c305704bb0001bf3bccce811f782`);
    expect(note.signed).toBe('m=im&f=getChatUsers&gid=my+group&code=myAppCode');
    expect(note.hint).toBe(
      'the token was computed over spaces encoded as %20; ZenTao re-encodes the query like http_build_query (spaces as +)',
    );
  });

  it('recognises a token computed over the query exactly as sent (~ not escaped)', async () => {
    const note = await refusedWith('/api.php?m=im&f=getChatUsers&gid=a~b&code=myAppCode&token=b9698fd24a767f51918de99f9dd5792f');
    expect(note.signed).toBe('m=im&f=getChatUsers&gid=a%7Eb&code=myAppCode');
    expect(note.hint).toBe(
      'the token was computed over the query exactly as sent; ZenTao decodes it and re-encodes it like http_build_query',
    );
  });

  it('leaves a bare `token` out of the query as sent, too', async () => {
    const note = await refusedWith('/api.php?m=im&f=getChatUsers&gid=a~b&token&code=myAppCode&token=b9698fd24a767f51918de99f9dd5792f');
    expect(note.hint).toMatch(/exactly as sent/);
  });
});

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alice, bob, PAGE_WELCOME, TEAM_ALPHA } from '../fixtures.ts';
import { startOnesMock } from '../server.ts';
import { api, as, auth, chainOf, functionsHandler, P, pluginServers, post, W, yamlOf } from '../test-helpers.ts';
import type { PluginFunction, PluginRequest, PluginResponse } from './types.ts';

/**
 * The engine over real sockets: the twin on port 0 and plugins as HTTP servers on port 0, for what depends on
 * HTTP itself (what a response may carry, a plugin that holds its answer, a plugin calling ONES back).
 */
let running: Awaited<ReturnType<typeof startOnesMock>>;
const plugins = pluginServers();
beforeAll(async () => {
  running = await startOnesMock();
});
afterAll(() => running.close());
beforeEach(() => {
  running.twin.reset();
});
afterEach(() => plugins.close());

const TITLE = '/team/:teamUUID/online_page/:pageUUID/update_title';
const TITLE_URL = `${W}/team/${TEAM_ALPHA}/online_page/${PAGE_WELCOME}/update_title`;
const ME = `${P}/users/me`;
const state = () => running.twin.state;
const call = (path: string, init?: RequestInit) => fetch(`${running.url}${path}`, init);
const title = () => state().pages.get(PAGE_WELCOME)!.title;

/** Register plugin `p` served over HTTP with these functions and plugin.yaml entries. */
async function withPlugin(functions: Record<string, PluginFunction>, apis: string[], timeoutMs?: number) {
  const baseUrl = await plugins.start(functionsHandler(functions));
  state().plugins.register({ name: 'p', config: yamlOf(...apis), target: { baseUrl }, ...(timeoutMs && { timeoutMs }) });
}

/** A plugin function that holds its answer until `release()`; `called` resolves when it is called. */
function held(answer: PluginResponse = {}) {
  let release!: () => void;
  let called!: (r: PluginRequest) => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const wasCalled = new Promise<PluginRequest>((r) => {
    called = r;
  });
  const fn: PluginFunction = async (r) => {
    called(r);
    await gate;
    return answer;
  };
  return { fn, release, wasCalled };
}

describe('a replace calling the original API (README "No recursion")', () => {
  /** jackFunc's way: plain fetch with only the user id and token of the request it was sent. */
  const callBack = (r: PluginRequest, body: unknown, user?: { uuid: string; token: string }, extra: Record<string, string> = {}) => {
    const init = post(user ?? { uuid: r.headers['Ones-User-Id']!, token: r.headers['Ones-Auth-Token']! }, body);
    return call(`${W}${r.url}`, { ...init, headers: { ...init.headers, ...extra } });
  };

  it('the same user’s call to the same API while the replace runs reaches ONES, once', async () => {
    const seen: string[] = [];
    await withPlugin(
      {
        rep: async (r) => {
          seen.push(r.body.title);
          const inner = await callBack(r, { title: `${r.body.title} (via plugin)` });
          return { statusCode: 201, body: { inner: inner.status } };
        },
      },
      [api('replace', 'POST', TITLE, 'rep')],
    );
    const res = await call(TITLE_URL, post(alice, { title: 'A' }));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ inner: 200 });
    expect(seen).toEqual(['A']);
    expect(title()).toBe('A (via plugin)');
    // Once the replace has answered, the same call is intercepted again.
    expect((await call(TITLE_URL, post(alice, { title: 'B' }))).status).toBe(201);
    expect(seen).toEqual(['A', 'B']);
    expect(title()).toBe('B (via plugin)');
  });

  it('another user’s call to that API while it runs is still intercepted; so is the same user’s call to another API', async () => {
    const gate = held({ body: { held: true } });
    const seen: string[] = [];
    await withPlugin(
      {
        rep: async (r) => {
          seen.push(r.headers['Ones-User-Id']!);
          return r.headers['Ones-User-Id'] === alice.uuid ? gate.fn(r) : { body: { replaced: 'bob' } };
        },
        me: () => ({ body: { replaced: 'me' } }),
      },
      [api('replace', 'POST', TITLE, 'rep'), api('replace', 'GET', '/users/me', 'me')],
    );
    const aliceCall = call(TITLE_URL, post(alice, { title: 'A' }));
    await gate.wasCalled;
    expect(await (await call(TITLE_URL, post(bob, { title: 'B' }))).json()).toEqual({ replaced: 'bob' });
    expect(await (await call(ME, as(alice))).json()).toEqual({ replaced: 'me' });
    gate.release();
    expect(await (await aliceCall).json()).toEqual({ held: true });
    expect(seen).toEqual([alice.uuid, bob.uuid]);
    expect(title()).toBe('Welcome');
  });

  it('the user is the one the replace was sent, after a prefix rewrote it', async () => {
    await withPlugin(
      {
        pre: (r) => ({ headers: { 'Ones-User-Id': bob.uuid, 'Ones-Auth-Token': bob.token }, body: r.body }),
        rep: async (r) => ({ body: { inner: (await callBack(r, { title: 'by bob' })).status } }),
      },
      [api('prefix', 'POST', TITLE, 'pre'), api('replace', 'POST', TITLE, 'rep')],
    );
    expect(await (await call(TITLE_URL, post(alice, { title: 'x' }))).json()).toEqual({ inner: 200 });
    expect(title()).toBe('by bob');
  });

  it('a replace the twin stopped waiting for (timeout) no longer makes the same call the plugin’s own', async () => {
    const gate = held();
    let calls = 0;
    await withPlugin(
      {
        rep: (r) => {
          calls += 1;
          return calls === 1 ? gate.fn(r) : { body: { second: true } };
        },
      },
      [api('replace', 'POST', TITLE, 'rep')],
      200,
    );
    expect(await (await call(TITLE_URL, post(alice, { title: 'x' }))).json()).toMatchObject({ errcode: 'PluginError.Timeout' });
    expect(await (await call(TITLE_URL, post(alice, { title: 'y' }))).json()).toEqual({ second: true });
    expect(title()).toBe('Welcome');
    gate.release();
  });

  it('Replace: replace reaches ONES whoever calls (here another user than the replace was sent)', async () => {
    await withPlugin(
      { rep: async (r) => ({ body: { inner: (await callBack(r, { title: 'as bob' }, bob, { Replace: 'replace' })).status } }) },
      [api('replace', 'POST', TITLE, 'rep')],
    );
    expect(await (await call(TITLE_URL, post(alice, { title: 'x' }))).json()).toEqual({ inner: 200 });
    expect(title()).toBe('as bob');
    expect(running.twin.journal.all()[0]!.notes?.interception).toEqual({
      skipped: 'Replace: replace (a plugin calling the original ONES API); not intercepted',
    });
  });
});

describe('what a replace or a prefix answers must go on an HTTP message', () => {
  it('statusCode 204 and 304 pass without a body (a body given is dropped)', async () => {
    for (const statusCode of [204, 304]) {
      running.twin.reset();
      await withPlugin({ f: () => ({ statusCode, headers: { ETag: '"v1"' }, body: { dropped: true } }) }, [
        api('replace', 'GET', '/users/me', 'f'),
      ]);
      const res = await call(ME, as(alice));
      expect(res.status).toBe(statusCode);
      expect(res.headers.get('etag')).toBe('"v1"');
      expect(await res.text()).toBe('');
      expect(running.twin.journal.all().at(-1)).toMatchObject({ status: statusCode });
    }
  });

  const invalid = 'PluginError.InvalidResponse';
  it.each([
    [{ statusCode: 101 }, 'statusCode 101 is informational, not an answer'],
    [{ headers: { 'X Bad': 'v' } }, 'header name "X Bad" is not an HTTP header name'],
    [{ headers: { '': 'v' } }, 'header name "" is not an HTTP header name'],
    [
      { headers: { 'X-Nl': 'a\nb' } },
      'header X-Nl has a value HTTP cannot carry (a line break, a control character or a character above U+00FF): "a\\nb"',
    ],
    [
      { headers: { 'X-Cr': ['ok', 'a\rb'] } },
      'header X-Cr has a value HTTP cannot carry (a line break, a control character or a character above U+00FF): "ok, a\\rb"',
    ],
    [
      { headers: { 'X-Wide': '中' } },
      'header X-Wide has a value HTTP cannot carry (a line break, a control character or a character above U+00FF): "中"',
    ],
  ])('a replace answering %j: 502 %s, never a 500', async (answer, why) => {
    await withPlugin({ f: () => answer as PluginResponse }, [api('replace', 'GET', '/users/me', 'f')]);
    const res = await call(ME, as(alice));
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      code: 502,
      errcode: invalid,
      reason: 'PluginRequestFailed',
      type: 'PluginError',
      plugin: 'p',
      function: 'f',
      message: `plugin "p" function f: f: ${why}`,
    });
  });

  it.each([
    [{ headers: { 'Ones-User-Id': alice.uuid, 'X Bad': 'v' } }, 'header name "X Bad"'],
    [{ headers: { 'Ones-User-Id': alice.uuid, 'X-Nl': 'a\r\nInjected: 1' } }, 'header X-Nl has a value HTTP cannot carry'],
    [{ statusCode: 101 }, 'statusCode 101 is informational'],
  ])('a prefix answering %j: 502, and ONES never runs', async (answer, why) => {
    await withPlugin({ f: () => answer as PluginResponse }, [api('prefix', 'POST', TITLE, 'f')]);
    const res = await call(TITLE_URL, post(alice, { title: 'never' }));
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ errcode: invalid, message: expect.stringContaining(why) });
    expect(title()).toBe('Welcome');
  });
});

describe('a prefix can reject (README "One request, stage by stage")', () => {
  it('a non-2xx statusCode stops the request with that status, headers and body; nothing else runs', async () => {
    const later: string[] = [];
    await withPlugin(
      {
        pre: () => ({ statusCode: 403, headers: { 'X-Reason': 'title locked' }, body: { code: 403, errcode: 'Plugin.Locked' } }),
        rep: () => {
          later.push('replace');
          return {};
        },
        suf: () => {
          later.push('suffix');
          return {};
        },
      },
      [api('prefix', 'POST', TITLE, 'pre'), api('replace', 'POST', TITLE, 'rep'), api('suffix', 'POST', TITLE, 'suf')],
    );
    const res = await call(TITLE_URL, post(alice, { title: 'rejected' }));
    expect(res.status).toBe(403);
    expect(res.headers.get('x-reason')).toBe('title locked');
    expect(await res.json()).toEqual({ code: 403, errcode: 'Plugin.Locked' });
    await state().plugins.settled();
    expect(later).toEqual([]);
    expect(title()).toBe('Welcome');
    const stages = chainOf(running.twin, TITLE_URL);
    expect(stages.map((s) => s.stage)).toEqual(['request', 'prefix', 'response']);
    expect(stages[1]).toMatchObject({ rejected: 403, function: 'pre' });
    expect(stages[2]).toMatchObject({ status: 403, body: { code: 403, errcode: 'Plugin.Locked' } });
    expect(running.twin.journal.all().at(-1)).toMatchObject({ status: 403, responseBody: { code: 403, errcode: 'Plugin.Locked' } });
  });

  it('a redirect or an error without a body answers {}; 304 answers nothing; a string body is text', async () => {
    const answers: [PluginResponse, number, string][] = [
      [{ statusCode: 302, headers: { Location: '/elsewhere' } }, 302, '{}'],
      [{ statusCode: 500 }, 500, '{}'],
      [{ statusCode: 304, body: { dropped: true } }, 304, ''],
      [{ statusCode: 429, body: 'slow down' }, 429, 'slow down'],
    ];
    for (const [answer, status, text] of answers) {
      running.twin.reset();
      await withPlugin({ pre: () => answer }, [api('prefix', 'GET', '/users/me', 'pre')]);
      const res = await call(ME, { ...as(alice), redirect: 'manual' });
      expect(res.status).toBe(status);
      expect(await res.text()).toBe(text);
    }
  });

  it('a plugin whose HTTP answer is 403 (not a statusCode in its PluginResponse) is a plugin failure: 502 BadStatus', async () => {
    const baseUrl = await plugins.start((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' }).end('{"statusCode":403}');
    });
    state().plugins.register({ name: 'p', config: yamlOf(api('prefix', 'POST', TITLE, 'pre')), target: { baseUrl } });
    const res = await call(TITLE_URL, post(alice, { title: 'x' }));
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({
      errcode: 'PluginError.BadStatus',
      message: `plugin "p" function pre: POST ${baseUrl}/pre answered HTTP 403: {"statusCode":403}`,
    });
    expect(title()).toBe('Welcome');
  });
});

describe('a suffix is a notification, not a gate (README "The journal")', () => {
  it('the client has ONES’s answer while the suffix still holds its own; the journal entry then gets the outcome', async () => {
    const suffix = held({ statusCode: 500, body: { ignored: true } });
    await withPlugin({ suf: suffix.fn }, [api('suffix', 'POST', TITLE, 'suf')], 60_000);
    const res = await call(TITLE_URL, post(alice, { title: 'fast' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(title()).toBe('fast');
    const sent = await suffix.wasCalled;
    expect(sent).toMatchObject({ type: 'suffix', body: { title: 'fast' }, response: { statusCode: 200, body: {} } });
    const entry = () => running.twin.journal.all().at(-1)!;
    expect(entry().status).toBe(200);
    expect(chainOf(running.twin, TITLE_URL).map((s) => s.stage)).toEqual(['request', 'ones', 'response', 'suffix']);
    expect(chainOf(running.twin, TITLE_URL).at(-1)).toMatchObject({ function: 'suf', pending: true });
    // Over HTTP, the admin journal shows the same entry, pending.
    const listed = (await (await call(`/__admin/journal/${entry().id}`)).json()) as { notes: { interception: { stages: object[] } } };
    expect(listed.notes.interception.stages.at(-1)).toMatchObject({ stage: 'suffix', pending: true });
    suffix.release();
    await state().plugins.settled();
    const done = chainOf(running.twin, TITLE_URL).at(-1)!;
    expect(done).toMatchObject({ function: 'suf', ignored: { statusCode: 500, body: { ignored: true } }, durationMs: expect.any(Number) });
    expect(done).not.toHaveProperty('pending');
    const again = (await (await call(`/__admin/journal/${entry().id}`)).json()) as { notes: { interception: { stages: object[] } } };
    expect(again.notes.interception.stages.at(-1)).toMatchObject({ stage: 'suffix', ignored: { statusCode: 500 } });
  });

  it('a suffix that never answers times out on its own and is journaled as such', async () => {
    const silent = await plugins.start(() => {});
    state().plugins.register({
      name: 'p',
      config: yamlOf(api('suffix', 'GET', '/users/me', 'suf')),
      target: { baseUrl: silent },
      timeoutMs: 100,
    });
    const res = await call(ME, as(alice));
    expect(await res.json()).toMatchObject({ uuid: alice.uuid });
    expect(chainOf(running.twin, ME).at(-1)).toMatchObject({ stage: 'suffix', pending: true });
    await state().plugins.settled();
    expect(chainOf(running.twin, ME).at(-1)).toMatchObject({
      stage: 'suffix',
      error: 'PLUGIN_TIMEOUT',
      message: `POST ${silent}/suf did not answer within 100 ms`,
    });
  });
});

describe('a body ONES cannot parse, with plugins registered', () => {
  const malformed = (user: { uuid: string; token: string } = alice) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth(user) },
    body: '{"title":',
  });

  it('is refused exactly as without plugins, and no plugin is called', async () => {
    const bare = await call(TITLE_URL, malformed());
    const expected = { status: bare.status, body: await bare.json() };
    expect(expected).toEqual({
      status: 400,
      body: { code: 400, errcode: 'InvalidParameter', reason: 'InvalidParameter', type: 'InvalidParameter', field: 'body' },
    });
    const seen: string[] = [];
    const record = (name: string) => (r: PluginRequest) => {
      seen.push(name);
      return { headers: r.headers, body: { title: 'from plugin' } };
    };
    await withPlugin({ pre: record('prefix'), rep: record('replace'), suf: record('suffix') }, [
      api('prefix', 'POST', TITLE, 'pre'),
      api('replace', 'POST', TITLE, 'rep'),
      api('suffix', 'POST', TITLE, 'suf'),
    ]);
    const res = await call(TITLE_URL, malformed());
    expect({ status: res.status, body: await res.json() }).toEqual(expected);
    await state().plugins.settled();
    expect(seen).toEqual([]);
    expect(title()).toBe('Welcome');
    expect(running.twin.journal.all().at(-1)!.notes?.interception).toEqual({
      skipped: 'the body cannot be parsed: ONES answers as without plugins, no plugin was called',
    });
  });

  it('ONES’s order still holds: bad credentials answer 401 first', async () => {
    await withPlugin({ pre: (r) => ({ headers: r.headers }) }, [api('prefix', 'POST', TITLE, 'pre')]);
    const res = await call(TITLE_URL, malformed({ uuid: alice.uuid, token: 'wrong' }));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ errcode: 'AuthFailure.InvalidToken' });
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { alice, bob, PAGE_WELCOME, TEAM_ALPHA, TEAM_BETA } from '../fixtures.ts';
import { createApp } from '../server.ts';
import { api, as, auth, chainOf, P, pluginServers, post, W, yamlOf } from '../test-helpers.ts';
import { canonicalHeader } from './engine.ts';
import type { PluginFunction, PluginRequest, PluginResponse } from './types.ts';

const TITLE = '/team/:teamUUID/online_page/:pageUUID/update_title';
const TITLE_URL = `${W}/team/${TEAM_ALPHA}/online_page/${PAGE_WELCOME}/update_title`;
const ME = `${P}/users/me`;

const plugins = pluginServers();
afterEach(async () => {
  vi.restoreAllMocks();
  await plugins.close();
});

/** A twin with one library plugin `p` of the given plugin.yaml entries. */
function withPlugin(functions: Record<string, PluginFunction>, ...apis: string[]) {
  const built = createApp();
  built.twin.state.plugins.register({ name: 'p', config: yamlOf(...apis), target: { functions } });
  return built;
}

/** A function that records what it was sent and answers `answer`. */
function recorder(answer: PluginResponse = {}) {
  const seen: PluginRequest[] = [];
  const fn: PluginFunction = (r) => {
    seen.push(structuredClone(r));
    return answer;
  };
  return { seen, fn };
}

describe('canonicalHeader (Go’s header names)', () => {
  it('capitalises each dash-separated word and lowercases the rest', () => {
    expect(canonicalHeader('ones-user-id')).toBe('Ones-User-Id');
    expect(canonicalHeader('CONTENT-TYPE')).toBe('Content-Type');
    expect(canonicalHeader('x--y-')).toBe('X--Y-');
  });
});

describe('what is intercepted', () => {
  it('nothing, when no rule matches or the path is outside both scopes; the journal has no chain', async () => {
    const pre = recorder();
    const { app, twin } = withPlugin({ pre: pre.fn }, api('prefix', 'GET', '/users/me', 'pre'), api('prefix', 'GET', '/', 'pre'));
    expect(await (await app.request(`${P}/organization/x/teams`, as(alice))).json()).toMatchObject({ errcode: 'NotFound.Organization' });
    expect((await app.request('/users/me', as(alice))).status).toBe(404);
    expect((await app.request(`${W}/users/me`, as(alice))).status).toBe(404);
    expect(pre.seen).toEqual([]);
    expect(twin.journal.all().map((e) => e.notes?.interception)).toEqual([undefined, undefined, undefined]);
  });

  it('never a request carrying Replace: replace (what fetchONES sends), whatever its case', async () => {
    const rep = recorder({ body: { replaced: true } });
    const { app, twin } = withPlugin({ rep: rep.fn }, api('replace', 'GET', '/users/me', 'rep'));
    for (const value of ['replace', 'REPLACE']) {
      expect(await (await app.request(ME, as(alice, { Replace: value }))).json()).toMatchObject({ uuid: alice.uuid });
    }
    expect(await (await app.request(ME, as(alice, { Replace: 'other' }))).json()).toEqual({ replaced: true });
    expect(rep.seen).toHaveLength(1);
    expect(twin.journal.all()[0]!.notes?.interception).toEqual({
      skipped: 'Replace: replace (a plugin calling the original ONES API); not intercepted',
    });
  });

  it('calls no plugin for a caller ONES does not authenticate, even on a path ONES does not serve', async () => {
    const rep = recorder({ body: {} });
    const { app, twin } = withPlugin({ rep: rep.fn }, api('replace', 'GET', '/users/me', 'rep'), api('replace', 'PUT', '/users/me', 'rep'));
    for (const init of [{ headers: auth({ uuid: alice.uuid, token: 'bad' }) }, { ...post(undefined, {}), method: 'PUT' }]) {
      const res = await app.request(ME, init);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ errcode: 'AuthFailure.InvalidToken' });
    }
    expect(rep.seen).toEqual([]);
    expect(twin.journal.all()[0]!.notes?.interception).toEqual({ refused: 'invalid credentials: no plugin was called' });
    expect(twin.journal.all()[0]!.error).toBe('INVALID_TOKEN');
  });

  it('intercepts an anonymous API (login) without credentials', async () => {
    const rep = recorder({ body: { intercepted: true } });
    const { app } = withPlugin({ rep: rep.fn }, api('replace', 'POST', '/auth/login', 'rep'));
    expect(await (await app.request(`${P}/auth/login`, post(undefined, { email: 'x', password: 'y' }))).json()).toEqual({
      intercepted: true,
    });
  });

  it('replace may answer a method ONES does not serve (interception is in front of routing)', async () => {
    const { app } = withPlugin({ f: () => ({ body: { put: true } }) }, api('replace', 'PUT', '/users/me', 'f'));
    expect(await (await app.request(ME, { ...post(alice, {}), method: 'PUT' })).json()).toEqual({ put: true });
  });

  it('nothing, and no note in the journal, while no plugin is registered (a fetchONES call included)', async () => {
    const { app, twin } = createApp();
    expect(await (await app.request(ME, as(alice))).json()).toMatchObject({ uuid: alice.uuid });
    expect(await (await app.request(ME, as(alice, { Replace: 'replace' }))).json()).toMatchObject({ uuid: alice.uuid });
    expect(twin.journal.all().map((e) => e.notes?.interception)).toEqual([undefined, undefined]);
  });
});

describe('the PluginRequest', () => {
  it('carries the path without its scope, the query, params, Go-canonical headers and the body ({} for none)', async () => {
    const rep = recorder({ body: {} });
    const { app } = withPlugin(
      { rep: rep.fn },
      api('replace', 'GET', '/team/:teamUUID/projects/my_project', 'rep'),
      api('replace', 'GET', '/users/me', 'rep'),
    );
    await app.request(`${P}/team/${TEAM_ALPHA}/projects/my_project?a=1&b=x%20y`, as(alice, { 'X-Trace': 't1' }));
    await app.request(ME, as(alice));
    const [team, org] = rep.seen;
    expect(team).toEqual({
      type: 'replace',
      plugin: 'p',
      function: 'rep',
      method: 'GET',
      url: `/team/${TEAM_ALPHA}/projects/my_project?a=1&b=x%20y`,
      path: `/team/${TEAM_ALPHA}/projects/my_project`,
      scope: 'project',
      teamUUID: TEAM_ALPHA,
      query: { a: '1', b: 'x y' },
      params: { teamUUID: TEAM_ALPHA },
      headers: { 'Ones-User-Id': alice.uuid, 'Ones-Auth-Token': alice.token, 'X-Trace': 't1' },
      body: {},
    });
    expect(org).toMatchObject({ url: '/users/me', path: '/users/me', query: {}, params: {} });
    expect(org).not.toHaveProperty('teamUUID');
    expect(org).not.toHaveProperty('response');
  });

  it('the HTTP form POSTs it as JSON to <baseUrl>/<function>', async () => {
    let seen: { url?: string; method?: string; type?: string; body?: PluginRequest } = {};
    const base = await plugins.start((req, res, body) => {
      seen = { url: req.url, method: req.method, type: req.headers['content-type'], body: JSON.parse(body) as PluginRequest };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ body: { via: 'http' } }));
    });
    const { app, twin } = createApp();
    twin.state.plugins.register({
      name: 'h',
      config: yamlOf(api('replace', 'GET', '/users/me', 'fn')),
      target: { baseUrl: `${base}/plugin//` },
    });
    expect(await (await app.request(ME, as(alice))).json()).toEqual({ via: 'http' });
    expect(seen).toMatchObject({ url: '/plugin/fn', method: 'POST', type: 'application/json' });
    expect(seen.body).toMatchObject({ type: 'replace', plugin: 'h', function: 'fn', method: 'GET', url: '/users/me', scope: 'project' });
    expect(seen.body!.headers['Ones-User-Id']).toBe(alice.uuid);
  });
});

describe('the interception chain', () => {
  it('runs prefix → ONES → suffix, the prefix rewriting the body ONES handles, and journals each stage', async () => {
    const order: string[] = [];
    let suffixGot: PluginRequest | undefined;
    const { app, twin } = withPlugin(
      {
        pre: (r) => {
          order.push('prefix');
          return { headers: r.headers, body: { title: `${(r.body as { title: string }).title}!` } };
        },
        post: (r) => {
          order.push('suffix');
          suffixGot = r;
          return { statusCode: 500, body: { ignored: true } };
        },
      },
      api('prefix', 'POST', TITLE, 'pre'),
      api('suffix', 'POST', TITLE, 'post'),
    );
    const res = await app.request(TITLE_URL, post(alice, { title: 'Hi' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(twin.state.pages.get(PAGE_WELCOME)!.title).toBe('Hi!');
    await twin.state.plugins.settled();
    expect(order).toEqual(['prefix', 'suffix']);
    expect(suffixGot).toMatchObject({ type: 'suffix', body: { title: 'Hi!' }, params: { teamUUID: TEAM_ALPHA }, teamUUID: TEAM_ALPHA });
    expect(suffixGot!.response).toEqual({ statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: {} });
    const entry = twin.journal.all()[0]!;
    expect(entry.notes?.interception).toMatchObject({
      prefix: { plugin: 'p', function: 'pre', url: TITLE },
      replace: null,
      suffix: { plugin: 'p', function: 'post', url: TITLE },
    });
    const stages = chainOf(twin, TITLE_URL);
    expect(stages.map((s) => s.stage)).toEqual(['request', 'prefix', 'ones', 'response', 'suffix']);
    expect(stages[0]).toMatchObject({ atMs: 0, method: 'POST', url: TITLE_URL.slice(W.length), scope: 'wiki', body: { title: 'Hi' } });
    expect(stages[0]!.headers).toMatchObject({ 'Ones-Auth-Token': '****0001', 'Content-Type': 'application/json' });
    expect(stages[1]).toMatchObject({
      plugin: 'p',
      function: 'pre',
      returned: { body: { title: 'Hi!' }, headers: { 'Ones-Auth-Token': '****0001' } },
    });
    expect(stages[2]).toMatchObject({ status: 200, body: {} });
    expect(stages[3]).toEqual({ stage: 'response', atMs: expect.any(Number), status: 200, body: {} });
    expect(stages[4]).toMatchObject({ plugin: 'p', function: 'post', ignored: { statusCode: 500 }, sent: { body: { title: 'Hi!' } } });
    expect(stages[4]).not.toHaveProperty('pending');
    // The journal entry itself keeps the request as the client sent it.
    expect(entry.body).toEqual({ title: 'Hi' });
    expect(entry.status).toBe(200);
  });

  it('times each stage from the request’s arrival (ms, to the microsecond)', async () => {
    let now = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const slow =
      (ms: number, answer: PluginResponse = {}) =>
      () => {
        now += ms;
        return answer;
      };
    const { app, twin } = withPlugin(
      { pre: slow(1.2344), post: slow(0.5) },
      api('prefix', 'GET', '/users/me', 'pre'),
      api('suffix', 'GET', '/users/me', 'post'),
    );
    await app.request(ME, as(alice));
    await twin.state.plugins.settled();
    const stages = chainOf(twin, ME);
    expect(stages.map((s) => [s.stage, s.atMs, s.durationMs])).toEqual([
      ['request', 0, undefined],
      ['prefix', 0, 1.234],
      ['ones', 1.234, 0],
      ['response', 1.234, undefined],
      ['suffix', 1.234, 0.5],
    ]);
  });

  it('a prefix’s headers replace the request’s: ONES answers the user they name', async () => {
    const { app, twin } = withPlugin(
      { pre: () => ({ headers: { 'Ones-User-Id': [bob.uuid], 'Ones-Auth-Token': bob.token, Host: 'x' } }) },
      api('prefix', 'GET', '/users/me', 'pre'),
    );
    const res = await app.request(ME, as(alice));
    expect(await res.json()).toMatchObject({ uuid: bob.uuid });
    expect(twin.state.accessTimes.has(bob.uuid)).toBe(true);
    expect(twin.state.accessTimes.has(alice.uuid)).toBe(false);
    // The journal keeps who really called.
    expect(twin.journal.all()[0]!.headers['ones-user-id']).toBe(alice.uuid);
  });

  it('a prefix’s headers are read by name whatever their case', async () => {
    const { app } = withPlugin(
      { pre: () => ({ headers: { 'ONES-USER-ID': bob.uuid, 'ones-auth-token': bob.token, 'X-Latin1': 'caf\u00e9' } }) },
      api('prefix', 'GET', '/users/me', 'pre'),
    );
    const res = await app.request(ME, as(alice));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ uuid: bob.uuid });
  });

  it('a prefix’s 2xx statusCode is ignored: the request goes on to ONES', async () => {
    for (const statusCode of [200, 201, 204, 299]) {
      const { app } = withPlugin({ pre: (r) => ({ statusCode, headers: r.headers }) }, api('prefix', 'GET', '/users/me', 'pre'));
      const res = await app.request(ME, as(alice));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ uuid: alice.uuid });
    }
  });

  it('a prefix that drops the credentials gets ONES’s 401; one that answers nothing keeps the request as it was', async () => {
    const dropped = withPlugin({ pre: () => ({ headers: {} }) }, api('prefix', 'GET', '/users/me', 'pre'));
    expect((await dropped.app.request(ME, as(alice))).status).toBe(401);
    const nothing = withPlugin({ pre: () => ({}) }, api('prefix', 'POST', TITLE, 'pre'));
    const res = await nothing.app.request(TITLE_URL, post(alice, { title: 'kept' }));
    expect(res.status).toBe(200);
    expect(nothing.twin.state.pages.get(PAGE_WELCOME)!.title).toBe('kept');
  });

  it('a prefix’s body is ignored for GET and HEAD; for a body-less POST ONES sees {}', async () => {
    for (const method of ['GET', 'HEAD']) {
      const pre = recorder({ body: { title: 'x' } });
      const suf = recorder();
      const { app } = withPlugin(
        { pre: pre.fn, suf: suf.fn },
        api('prefix', method, '/users/me', 'pre'),
        api('suffix', method, '/users/me', 'suf'),
      );
      expect((await app.request(ME, { method, headers: auth(alice) })).status).toBe(200);
      expect(pre.seen[0]).toMatchObject({ type: 'prefix', method, body: {} });
      expect(suf.seen[0]).toMatchObject({ type: 'suffix', headers: { 'Ones-User-Id': alice.uuid } });
      expect(suf.seen[0]!.body).toEqual({});
    }
    const post0 = withPlugin({ pre: (r) => ({ headers: r.headers }) }, api('prefix', 'POST', TITLE, 'pre'));
    const res = await post0.app.request(TITLE_URL, { method: 'POST', headers: auth(alice) });
    expect(await res.json()).toMatchObject({ errcode: 'InvalidParameter', field: 'title' });
  });

  it('a prefix that breaks the request gets ONES’s own validation answer, and the suffix is told so', async () => {
    const suffix = recorder();
    const { app, twin } = withPlugin(
      { pre: (r) => ({ headers: r.headers, body: { title: '' } }), post: suffix.fn },
      api('prefix', 'POST', TITLE, 'pre'),
      api('suffix', 'POST', TITLE, 'post'),
    );
    const res = await app.request(TITLE_URL, post(alice, { title: 'ok' }));
    expect(res.status).toBe(400);
    const refusal = { code: 400, errcode: 'InvalidParameter', reason: 'InvalidParameter', type: 'InvalidParameter', field: 'title' };
    expect(await res.json()).toEqual(refusal);
    expect(suffix.seen[0]!.response).toEqual({ statusCode: 400, headers: { 'Content-Type': 'application/json' }, body: refusal });
    expect(chainOf(twin, TITLE_URL).find((s) => s.stage === 'ones')).toMatchObject({ status: 400, body: refusal });
    expect(twin.journal.all()[0]).toMatchObject({ status: 400, error: 'INVALID_PARAMETER', body: { title: 'ok' } });
  });

  it('replace answers instead of ONES (status, headers, body), and may call the original API without recursion', async () => {
    const { app, twin } = createApp();
    let inner: unknown;
    twin.state.plugins.register({
      name: 'rep',
      config: yamlOf(api('replace', 'POST', TITLE, 'rename')),
      target: {
        functions: {
          rename: async (r) => {
            const res = await app.request(`${W}${r.url}`, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                ...auth({ uuid: r.headers['Ones-User-Id']!, token: r.headers['Ones-Auth-Token']! }),
                Replace: 'replace',
              },
              body: JSON.stringify({ title: 'plugin title' }),
            });
            inner = { statusCode: res.status, body: await res.json() };
            return {
              statusCode: 202,
              headers: { 'X-Plugin': 'rep', 'X-Multi': ['a', 'b'], 'Content-Length': '999' },
              body: { replaced: true },
            };
          },
        },
      },
    });
    const res = await app.request(TITLE_URL, post(alice, { title: 'client title' }));
    expect(res.status).toBe(202);
    expect(res.headers.get('x-plugin')).toBe('rep');
    expect(res.headers.get('x-multi')).toBe('a, b');
    expect(res.headers.get('content-length')).not.toBe('999');
    expect(await res.json()).toEqual({ replaced: true });
    expect(inner).toEqual({ statusCode: 200, body: {} });
    expect(twin.state.pages.get(PAGE_WELCOME)!.title).toBe('plugin title');
    const [innerEntry, outer] = twin.journal.all();
    expect(innerEntry!.notes?.interception).toMatchObject({ skipped: expect.stringContaining('Replace: replace') });
    expect(chainOf(twin, TITLE_URL).map((s) => s.stage)).toEqual(['request', 'replace', 'response']);
    expect(chainOf(twin, TITLE_URL)[2]).toMatchObject({ status: 202, body: { replaced: true } });
    expect(outer).toMatchObject({ status: 202, responseBody: { replaced: true } });
  });

  it('a request only a suffix intercepts reaches ONES as sent', async () => {
    const suf = recorder();
    const { app } = withPlugin({ suf: suf.fn }, api('suffix', 'POST', TITLE, 'suf'));
    const res = await app.request(TITLE_URL, { method: 'POST', headers: auth(alice) });
    expect(await res.json()).toMatchObject({ errcode: 'InvalidParameter', field: 'body' });
    expect(suf.seen[0]).toMatchObject({ body: {}, response: { statusCode: 400 } });
  });

  it('replace drops the hop-by-hop headers of its answer', async () => {
    const hop = { 'Content-Length': '9', 'Transfer-Encoding': 'x', Connection: 'x', 'Keep-Alive': 'x', Host: 'x', 'Content-Encoding': 'x' };
    const { app } = withPlugin(
      { f: () => ({ headers: { ...hop, 'X-Kept': 'yes' }, body: 'hi' }) },
      api('replace', 'GET', '/users/me', 'f'),
    );
    const res = await app.request(ME, as(alice));
    expect(res.headers.get('x-kept')).toBe('yes');
    for (const name of Object.keys(hop).slice(1)) expect(res.headers.get(name)).toBeNull();
    expect(res.headers.get('content-length')).not.toBe('9');
    expect(await res.text()).toBe('hi');
  });

  it('replace answers 200 {} by default, and a string body as text', async () => {
    const empty = withPlugin({ f: () => ({}) }, api('replace', 'GET', '/users/me', 'f'));
    const res = await empty.app.request(ME, as(alice));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const text = withPlugin(
      { f: () => ({ statusCode: 201, body: 'plain', headers: { 'X-A': '1' } }) },
      api('replace', 'GET', '/users/me', 'f'),
    );
    const t = await text.app.request(ME, as(alice));
    expect(t.status).toBe(201);
    expect(t.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(t.headers.get('x-a')).toBe('1');
    expect(await t.text()).toBe('plain');
  });

  it('replace may answer a status without a body (204, 205, 304)', async () => {
    for (const statusCode of [204, 205, 304]) {
      const suf = recorder();
      const { app, twin } = withPlugin(
        { f: () => ({ statusCode, body: { dropped: true }, headers: { 'X-A': '1' } }), suf: suf.fn },
        api('replace', 'GET', '/users/me', 'f'),
        api('suffix', 'GET', '/users/me', 'suf'),
      );
      const res = await app.request(ME, as(alice));
      expect(res.status).toBe(statusCode);
      expect(res.headers.get('x-a')).toBe('1');
      expect(await res.text()).toBe('');
      await twin.state.plugins.settled();
      expect(suf.seen[0]!.response).toEqual({ statusCode, headers: { 'X-A': '1' } });
      expect(chainOf(twin, ME).find((s) => s.stage === 'response')).toEqual({
        stage: 'response',
        atMs: expect.any(Number),
        status: statusCode,
        body: undefined,
      });
    }
  });

  it('a replace after a prefix gets the rewritten request; the suffix gets the replaced answer', async () => {
    const rep = recorder({ statusCode: 203, body: { r: 1 } });
    const suf = recorder();
    const { app } = withPlugin(
      { pre: () => ({ headers: { 'X-New': 'yes' }, body: { title: 'new' } }), rep: rep.fn, suf: suf.fn },
      api('prefix', 'POST', TITLE, 'pre'),
      api('replace', 'POST', TITLE, 'rep'),
      api('suffix', 'POST', TITLE, 'suf'),
    );
    expect((await app.request(TITLE_URL, post(alice, { title: 'old' }))).status).toBe(203);
    expect(rep.seen[0]).toMatchObject({ headers: { 'X-New': 'yes' }, body: { title: 'new' } });
    expect(suf.seen[0]).toMatchObject({
      headers: { 'X-New': 'yes' },
      body: { title: 'new' },
      response: { statusCode: 203, body: { r: 1 } },
    });
  });
});

describe('custom query matching (library form)', () => {
  const yaml = yamlOf(
    api('replace', 'GET', '/users/me', 'replaceFunc1', '    query:\n      k1: v1\n'),
    api('replace', 'GET', '/users/me', 'replaceFunc2', '    query:\n      k2: v2\n'),
  );
  const functions = { replaceFunc1: () => ({ body: { fn: 'replaceFunc1' } }), replaceFunc2: () => ({ body: { fn: 'replaceFunc2' } }) };

  it.each([
    ['?k2=v2', { fn: 'replaceFunc2' }],
    ['?k1=v1&k2=v2&k3=v3', { fn: 'replaceFunc1' }],
    ['?k1=v2', { uuid: bob.uuid }],
    ['', { uuid: bob.uuid }],
  ])('GET /users/me%s', async (query, expected) => {
    const { app, twin } = createApp();
    twin.state.plugins.register({ name: 'q', config: yaml, target: { functions } });
    expect(await (await app.request(`${ME}${query}`, as(bob))).json()).toMatchObject(expected);
  });
});

describe('plugin failures', () => {
  async function failing(target: { baseUrl: string } | { functions: Record<string, PluginFunction> }, type = 'replace', timeoutMs = 5000) {
    const built = createApp();
    built.twin.state.plugins.register({ name: 'flaky', config: yamlOf(api(type, 'GET', '/users/me', 'fn')), target, timeoutMs });
    const res = await built.app.request(ME, as(alice));
    return { ...built, res, body: (await res.json()) as Record<string, unknown> };
  }

  it('end the chain with ONES’s PluginError shape, naming plugin and function; the chain’s answer is the client’s', async () => {
    for (const type of ['prefix', 'replace']) {
      const { res, body, twin } = await failing({ functions: {} }, type);
      expect(res.status).toBe(502);
      expect(body).toEqual({
        code: 502,
        errcode: 'PluginError.FunctionFailed',
        reason: 'PluginRequestFailed',
        type: 'PluginError',
        plugin: 'flaky',
        function: 'fn',
        message: 'plugin "flaky" function fn: the plugin exports no function fn',
      });
      const stages = chainOf(twin, ME);
      expect(stages.map((s) => s.stage)).toEqual(['request', type, 'response']);
      expect(stages[1]).toMatchObject({
        plugin: 'flaky',
        function: 'fn',
        error: 'PLUGIN_FUNCTION_FAILED',
        message: 'the plugin exports no function fn',
      });
      const entry = twin.journal.all()[0]!;
      expect(stages[2]).toMatchObject({ status: entry.status, body: entry.responseBody });
      expect(entry.error).toBe('PLUGIN_FUNCTION_FAILED');
    }
  });

  it('a failing prefix calls neither ONES nor the suffix', async () => {
    const suf = recorder();
    const { app, twin } = withPlugin({ post: suf.fn }, api('prefix', 'POST', TITLE, 'pre'), api('suffix', 'POST', TITLE, 'post'));
    expect((await app.request(TITLE_URL, post(alice, { title: 'never' }))).status).toBe(502);
    expect(twin.state.pages.get(PAGE_WELCOME)!.title).toBe('Welcome');
    expect(suf.seen).toEqual([]);
  });

  it('unreachable: 502 PluginError.Unreachable', async () => {
    const closed = await plugins.start(() => {});
    await plugins.close();
    const { res, body, twin } = await failing({ baseUrl: closed });
    expect(res.status).toBe(502);
    expect(body).toMatchObject({ errcode: 'PluginError.Unreachable', plugin: 'flaky', function: 'fn' });
    expect(body.message).toBe(`plugin "flaky" function fn: POST ${closed}/fn failed: ECONNREFUSED`);
    expect(chainOf(twin, ME)[1]).toMatchObject({ error: 'PLUGIN_UNREACHABLE' });
  });

  it('unreachable without an error code: the reason fetch gives, else its message (never a 500)', async () => {
    // A scheme fetch cannot speak: its cause has a message ("unknown scheme") and no code.
    const reason = await fetch('ftp://plugins.invalid/fn', { method: 'POST' }).then(
      () => 'answered',
      (err: { cause?: { message?: string } }) => err.cause?.message,
    );
    expect(reason).toEqual(expect.any(String));
    const ftp = await failing({ baseUrl: 'ftp://plugins.invalid' });
    expect(ftp.res.status).toBe(502);
    expect(ftp.body).toMatchObject({ errcode: 'PluginError.Unreachable', plugin: 'flaky', function: 'fn' });
    expect(ftp.body.message).toBe(`plugin "flaky" function fn: POST ftp://plugins.invalid/fn failed: ${reason}`);
    // A fetch replaced by a mocking library can reject with no cause at all.
    vi.spyOn(globalThis, 'fetch').mockRejectedValueOnce(new TypeError('Failed to fetch'));
    const bare = await failing({ baseUrl: 'http://plugins.invalid' });
    expect(bare.res.status).toBe(502);
    expect(bare.body).toMatchObject({
      errcode: 'PluginError.Unreachable',
      message: 'plugin "flaky" function fn: POST http://plugins.invalid/fn failed: Failed to fetch',
    });
    expect(chainOf(bare.twin, ME)[1]).toMatchObject({ error: 'PLUGIN_UNREACHABLE' });
  });

  it('an HTTP error status: 502 PluginError.BadStatus with the start of what it said', async () => {
    const bad = await plugins.start((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`boom${'.'.repeat(300)}`);
    });
    const { body } = await failing({ baseUrl: bad });
    expect(body).toMatchObject({ errcode: 'PluginError.BadStatus', plugin: 'flaky', function: 'fn' });
    expect(body.message).toBe(`plugin "flaky" function fn: POST ${bad}/fn answered HTTP 500: boom${'.'.repeat(196)}`);
    const notFound = await plugins.start((_req, res) => {
      res.writeHead(400).end('no');
    });
    expect((await failing({ baseUrl: notFound })).body).toMatchObject({ errcode: 'PluginError.BadStatus' });
  });

  it('an answer that is not JSON, or not a PluginResponse: 502 PluginError.InvalidResponse', async () => {
    const html = await plugins.start((_req, res) => {
      res.writeHead(399, { 'content-type': 'text/html' }).end('<html>');
    });
    const { body } = await failing({ baseUrl: html });
    expect(body).toMatchObject({ errcode: 'PluginError.InvalidResponse', function: 'fn' });
    expect(body.message).toBe(`plugin "flaky" function fn: POST ${html}/fn answered HTTP 399 with a body that is not JSON: <html>`);
    const long = await plugins.start((_req, res) => {
      res.writeHead(200).end(`<${'x'.repeat(300)}`);
    });
    expect((await failing({ baseUrl: long })).body.message).toBe(
      `plugin "flaky" function fn: POST ${long}/fn answered HTTP 200 with a body that is not JSON: <${'x'.repeat(199)}`,
    );
    const cases: [unknown, string][] = [
      [[], 'the answer is not a JSON object (a PluginResponse)'],
      [null, 'the answer is not a JSON object (a PluginResponse)'],
      ['text', 'the answer is not a JSON object (a PluginResponse)'],
      [{ statusCode: 42 }, 'statusCode 42 is not an HTTP status'],
      [{ statusCode: 99 }, 'statusCode 99 is not an HTTP status'],
      [{ statusCode: 600 }, 'statusCode 600 is not an HTTP status'],
      [{ statusCode: 200.5 }, 'statusCode 200.5 is not an HTTP status'],
      [{ statusCode: '200' }, 'statusCode "200" is not an HTTP status'],
      [{ headers: [] }, 'headers is not a map'],
      [{ headers: null }, 'headers is not a map'],
      [{ headers: 'x' }, 'headers is not a map'],
    ];
    for (const [answer, why] of cases) {
      const failed = await failing({ functions: { fn: () => answer as PluginResponse } });
      expect(failed.body).toMatchObject({ errcode: 'PluginError.InvalidResponse', message: `plugin "flaky" function fn: fn: ${why}` });
    }
    for (const statusCode of [100, 199]) {
      const informational = await failing({ functions: { fn: () => ({ statusCode, body: 'x' }) } });
      expect(informational.body).toMatchObject({
        message: `plugin "flaky" function fn: fn: statusCode ${statusCode} is informational, not an answer`,
      });
    }
    expect((await failing({ functions: { fn: () => ({ statusCode: 599, body: { edge: true } }) } })).res.status).toBe(599);
    expect((await failing({ functions: { fn: () => ({ statusCode: 200, body: { edge: true } }) } })).res.status).toBe(200);
  });

  it('timeout: answered within the plugin timeout, never hanging the caller', async () => {
    const silent = await plugins.start(() => {});
    const { res, body, twin } = await failing({ baseUrl: silent }, 'replace', 50);
    expect(res.status).toBe(504);
    expect(body).toMatchObject({ code: 504, errcode: 'PluginError.Timeout', plugin: 'flaky', function: 'fn' });
    expect(body.message).toBe(`plugin "flaky" function fn: POST ${silent}/fn did not answer within 50 ms`);
    expect(chainOf(twin, ME)[1]).toMatchObject({ error: 'PLUGIN_TIMEOUT' });
    const lib = await failing({ functions: { fn: () => new Promise(() => {}) } }, 'prefix', 50);
    expect(lib.body).toMatchObject({
      errcode: 'PluginError.Timeout',
      message: 'plugin "flaky" function fn: fn did not answer within 50 ms',
    });
  });

  it('a library function’s timer is cleared once it answers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { res } = await failing({ functions: { fn: () => ({ body: { fast: true } }) } });
      expect(res.status).toBe(200);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('library functions that throw: 502 PluginError.FunctionFailed saying what they threw', async () => {
    const threw = await failing({
      functions: {
        fn: () => {
          throw new Error('nope');
        },
      },
    });
    expect(threw.body).toMatchObject({ errcode: 'PluginError.FunctionFailed', message: 'plugin "flaky" function fn: fn threw: nope' });
    const rejected = await failing({ functions: { fn: () => Promise.reject('plain') } });
    expect(rejected.body).toMatchObject({ message: 'plugin "flaky" function fn: fn threw: plain' });
    const nothing = await failing({ functions: { fn: () => Promise.reject(undefined) } });
    expect(nothing.body).toMatchObject({ message: 'plugin "flaky" function fn: fn threw: undefined' });
  });

  it('a failing suffix never changes the response; the chain shows the failure', async () => {
    const { res, body, twin } = await failing({ functions: {} }, 'suffix');
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ uuid: alice.uuid });
    expect(chainOf(twin, ME).find((s) => s.stage === 'suffix')).toMatchObject({
      error: 'PLUGIN_FUNCTION_FAILED',
      message: 'the plugin exports no function fn',
    });
  });

  it('a suffix’s answer is ignored, not checked: an informational statusCode or headers HTTP cannot carry are no failure', async () => {
    const answers: PluginResponse[] = [{ statusCode: 101 }, { headers: { 'Bad Name': 'x' } }, { headers: { 'X-A': 'line\nbreak' } }];
    for (const answer of answers) {
      const { res, body, twin } = await failing({ functions: { fn: () => answer } }, 'suffix');
      expect(res.status).toBe(200);
      expect(body).toMatchObject({ uuid: alice.uuid });
      await twin.state.plugins.settled();
      const stage = chainOf(twin, ME).find((s) => s.stage === 'suffix');
      expect(stage).toMatchObject({ ignored: answer });
      expect(stage).not.toHaveProperty('error');
    }
  });
});

describe('team-level rules', () => {
  it('fire only in the teams the plugin is installed in', async () => {
    const { app, twin } = createApp();
    twin.state.plugins.register({
      name: 'beta-only',
      config: yamlOf(api('replace', 'GET', '/team/:teamUUID/projects/my_project', 'f')),
      teams: [TEAM_BETA],
      target: { functions: { f: () => ({ body: { projects: [] } }) } },
    });
    const alpha = (await (await app.request(`${P}/team/${TEAM_ALPHA}/projects/my_project`, as(alice))).json()) as { projects: unknown[] };
    expect(alpha.projects).toHaveLength(2);
    expect(await (await app.request(`${P}/team/${TEAM_BETA}/projects/my_project`, as(alice))).json()).toEqual({ projects: [] });
  });
});

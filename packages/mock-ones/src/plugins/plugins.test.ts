import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { alice, bob, PAGE_WELCOME, TEAM_ALPHA, TEAM_BETA } from '../fixtures.ts';
import type { Stage } from './engine.ts';
import type { PluginFunction, PluginRequest } from './types.ts';

const P = '/project/api/project';
const W = '/wiki/api/wiki';
const TITLE_URL = `${W}/team/${TEAM_ALPHA}/online_page/${PAGE_WELCOME}/update_title`;
const auth = (u = alice) => ({ 'Ones-User-Id': u.uuid, 'Ones-Auth-Token': u.token });
const get = (u = alice) => ({ headers: auth(u) });
const post = (body: unknown, u = alice) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...auth(u) },
  body: JSON.stringify(body),
});
const adminPost = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const yamlOf = (...apis: string[]) => `service:\n  app_id: test\napis:\n${apis.join('')}`;
const api = (type: string, method: string, url: string, fn: string, extra = '') =>
  `  - type: ${type}\n    methods:\n      - ${method}\n    url: ${url}\n${url.startsWith('/team/') && url.includes('online_page') ? '    scope: wiki\n' : ''}    function: ${fn}\n${extra}`;

const TITLE = '/team/:teamUUID/online_page/:pageUUID/update_title';

function chainOf(twin: ReturnType<typeof createApp>['twin'], path: string): Stage[] {
  const entry = twin.journal.all().find((e) => e.path === path && (e.notes?.interception as { stages?: unknown })?.stages);
  return ((entry?.notes?.interception as { stages?: Stage[] } | undefined)?.stages ?? []) as Stage[];
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((r) => {
          s.closeAllConnections();
          s.close(() => r());
        }),
    ),
  );
});

async function httpPlugin(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('registration (admin API)', () => {
  it('registers plugin.yaml, reports each api with its level, lists what it ignores', async () => {
    const { app } = createApp();
    const yaml = yamlOf(
      api('prefix', 'POST', TITLE, 'prefixFunc'),
      api('suffix', 'GET', '/users/me', 'suffixFunc'),
      '  - type: addition\n    methods: [GET]\n    url: /hello\n    function: hello\n',
    );
    const res = await app.request('/__admin/plugins', adminPost({ yaml, baseUrl: 'http://127.0.0.1:9' }));
    expect(res.status).toBe(201);
    const summary = (await res.json()) as { name: string; apis: { level: string; scope: string }[]; ignored: string[]; replaced: boolean };
    expect(summary.name).toBe('test');
    expect(summary.apis.map((a) => [a.level, a.scope])).toEqual([
      ['team', 'wiki'],
      ['organization', 'project'],
    ]);
    expect(summary.ignored).toEqual([expect.stringContaining('type addition')]);
    expect(summary.replaced).toBe(false);
    const list = (await (await app.request('/__admin/plugins')).json()) as { plugins: { name: string }[] };
    expect(list.plugins.map((p) => p.name)).toEqual(['test']);
  });

  it('refuses bad configs saying which entry is wrong', async () => {
    const { app } = createApp();
    const cases: [string, RegExp][] = [
      ['apis: [\n', /not valid YAML/],
      [yamlOf(api('replace', 'FETCH', '/users/me', 'f')), /apis\[0\]\.methods: FETCH/],
      [yamlOf(api('replace', 'GET', '/project/api/project/users/me', 'f')), /without the \/project\/api\/project/],
      [yamlOf('  - type: replace\n    methods: [GET]\n    url: /users/me\n    scope: cloud\n    function: f\n'), /scope must be project or wiki/],
    ];
    for (const [yaml, message] of cases) {
      const res = await app.request('/__admin/plugins', adminPost({ yaml, baseUrl: 'http://127.0.0.1:9' }));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
    }
    const team = await app.request('/__admin/plugins', adminPost({ yaml: yamlOf(), baseUrl: 'http://127.0.0.1:9', teams: ['Nope0000'] }));
    expect(((await team.json()) as { error: { message: string } }).error.message).toMatch(/unknown team Nope0000/);
  });

  it('registering again replaces the previous configuration (npx op invoke clear)', async () => {
    const { app, twin } = createApp();
    const calls: string[] = [];
    const functions: Record<string, PluginFunction> = {
      old: async () => {
        calls.push('old');
        return { body: { from: 'old' } };
      },
      fresh: async () => {
        calls.push('fresh');
        return { body: { from: 'fresh' } };
      },
    };
    twin.state.plugins.register({ name: 'p', config: yamlOf(api('replace', 'GET', '/users/me', 'old')), target: { functions } });
    const again = twin.state.plugins.register({
      name: 'p',
      config: yamlOf(api('replace', 'GET', '/team/:teamUUID/projects/my_project', 'fresh')),
      target: { functions },
    });
    expect(again.replaced).toBe(true);
    expect(twin.state.plugins.size).toBe(1);
    expect(await (await app.request(`${P}/users/me`, get())).json()).toMatchObject({ uuid: alice.uuid });
    expect(await (await app.request(`${P}/team/${TEAM_ALPHA}/projects/my_project`, get())).json()).toEqual({ from: 'fresh' });
    expect(calls).toEqual(['fresh']);
  });
});

describe('conflict rules', () => {
  const fns = { f: async () => ({ body: {} }) };

  it('allows one plugin per organisation-level API and type, naming the one already there', async () => {
    const { app } = createApp();
    const first = await app.request('/__admin/plugins', adminPost({ name: 'first', yaml: yamlOf(api('suffix', 'GET', '/users/me', 'f')), baseUrl: 'http://127.0.0.1:9' }));
    expect(first.status).toBe(201);
    const second = await app.request(
      '/__admin/plugins',
      adminPost({ name: 'second', yaml: yamlOf(api('suffix', 'GET', '/users/me', 'g')), baseUrl: 'http://127.0.0.1:9' }),
    );
    expect(second.status).toBe(409);
    const err = (await second.json()) as { error: { code: string; message: string; details: Record<string, string> } };
    expect(err.error.code).toBe('plugin_conflict');
    expect(err.error.message).toContain('plugin "first" already intercepts');
    expect(err.error.details).toMatchObject({ plugin: 'first', type: 'suffix', method: 'GET' });
    // Another type on the same API, or the same path in the other scope, is not a conflict.
    const prefix = await app.request('/__admin/plugins', adminPost({ name: 'second', yaml: yamlOf(api('prefix', 'GET', '/users/me', 'g')), baseUrl: 'http://127.0.0.1:9' }));
    expect(prefix.status).toBe(201);
  });

  it('allows one plugin per team for a team-level API', async () => {
    const { twin } = createApp();
    const reg = twin.state.plugins;
    reg.register({ name: 'alpha-only', config: yamlOf(api('replace', 'POST', TITLE, 'f')), teams: [TEAM_ALPHA], target: { functions: fns } });
    // The same API written with other :param names is still the same API.
    const renamed = '/team/:teamUUID/online_page/:page/update_title';
    // Another team: fine.
    expect(() =>
      reg.register({ name: 'beta-only', config: yamlOf(api('replace', 'POST', TITLE, 'f')), teams: [TEAM_BETA], target: { functions: fns } }),
    ).not.toThrow();
    // The same team (explicitly, or by being installed everywhere): refused, naming the plugin and the team.
    expect(() =>
      reg.register({ name: 'everywhere', config: yamlOf(api('replace', 'POST', renamed, 'f')), target: { functions: fns } }),
    ).toThrow(/in team TeamAlph: plugin "alpha-only" already intercepts/);
    expect(reg.list().map((p) => p.name)).toEqual(['alpha-only', 'beta-only']);
  });

  it('lets one plugin declare several rules for the same API (query variants)', () => {
    const { twin } = createApp();
    expect(() =>
      twin.state.plugins.register({
        name: 'q',
        config: yamlOf(api('replace', 'GET', '/users/me', 'f', '    query:\n      a: "1"\n'), api('replace', 'GET', '/users/me', 'f', '    query:\n      b: "2"\n')),
        target: { functions: fns },
      }),
    ).not.toThrow();
  });

  it('team-level rules only fire in the teams the plugin is installed in', async () => {
    const { app, twin } = createApp();
    twin.state.plugins.register({
      name: 'beta-only',
      config: yamlOf(api('replace', 'GET', '/team/:teamUUID/projects/my_project', 'f')),
      teams: [TEAM_BETA],
      target: { functions: { f: async () => ({ body: { projects: [] } }) } },
    });
    const alpha = (await (await app.request(`${P}/team/${TEAM_ALPHA}/projects/my_project`, get())).json()) as { projects: unknown[] };
    expect(alpha.projects).toHaveLength(2);
    expect(await (await app.request(`${P}/team/${TEAM_BETA}/projects/my_project`, get())).json()).toEqual({ projects: [] });
  });
});

describe('the interception chain', () => {
  it('runs prefix → ONES → suffix, the prefix rewriting the request ONES handles, and journals each stage', async () => {
    const { app, twin } = createApp();
    const order: string[] = [];
    let suffixGot: PluginRequest | undefined;
    twin.state.plugins.register({
      name: 'chain',
      config: yamlOf(api('prefix', 'POST', TITLE, 'pre'), api('suffix', 'POST', TITLE, 'post')),
      target: {
        functions: {
          pre: async (r) => {
            order.push('prefix');
            return { headers: r.headers, body: { title: `${(r.body as { title: string }).title}!` } };
          },
          post: async (r) => {
            order.push('suffix');
            suffixGot = r;
            return { statusCode: 500, body: { ignored: true } };
          },
        },
      },
    });
    const res = await app.request(TITLE_URL, post({ title: 'Hi' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(twin.state.pages.get(PAGE_WELCOME)!.title).toBe('Hi!');
    expect(order).toEqual(['prefix', 'suffix']);
    expect(suffixGot).toMatchObject({ type: 'suffix', body: { title: 'Hi!' }, response: { statusCode: 200, body: {} }, params: { teamUUID: TEAM_ALPHA } });
    const stages = chainOf(twin, TITLE_URL);
    expect(stages.map((s) => s.stage)).toEqual(['request', 'prefix', 'ones', 'suffix', 'response']);
    expect(stages[0]).toMatchObject({ body: { title: 'Hi' }, headers: { 'Ones-Auth-Token': '****0001' } });
    expect(stages[1]).toMatchObject({ plugin: 'chain', function: 'pre', returned: { body: { title: 'Hi!' } } });
    expect(stages[2]).toMatchObject({ status: 200, body: {} });
    expect(stages[3]).toMatchObject({ function: 'post', ignored: { statusCode: 500 } });
    expect(stages[4]).toMatchObject({ status: 200 });
    for (const s of stages.slice(1)) expect(s.atMs).toBeGreaterThanOrEqual(0);
    // The journal entry itself keeps the request as the client sent it.
    const entry = twin.journal.all().find((e) => e.path === TITLE_URL)!;
    expect(entry.body).toEqual({ title: 'Hi' });
  });

  it('a prefix that breaks the request gets ONES’s own validation answer', async () => {
    const { app, twin } = createApp();
    twin.state.plugins.register({
      name: 'breaker',
      config: yamlOf(api('prefix', 'POST', TITLE, 'pre')),
      target: { functions: { pre: async (r) => ({ headers: r.headers, body: { title: '' } }) } },
    });
    const res = await app.request(TITLE_URL, post({ title: 'ok' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errcode: 'InvalidParameter', field: 'title' });
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
            // What fetchONES sends: the caller's user id and token, marked Replace: replace.
            const res = await app.request(`${W}${r.url}`, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'Ones-User-Id': r.headers['Ones-User-Id']!,
                'Ones-Auth-Token': r.headers['Ones-Auth-Token']!,
                Replace: 'replace',
              },
              body: JSON.stringify({ title: 'plugin title' }),
            });
            inner = { statusCode: res.status, body: await res.json() };
            return { statusCode: 202, headers: { 'X-Plugin': 'rep' }, body: { replaced: true, inner: res.status } };
          },
        },
      },
    });
    const res = await app.request(TITLE_URL, post({ title: 'client title' }));
    expect(res.status).toBe(202);
    expect(res.headers.get('x-plugin')).toBe('rep');
    expect(await res.json()).toEqual({ replaced: true, inner: 200 });
    expect(inner).toMatchObject({ statusCode: 200, body: {} });
    expect(twin.state.pages.get(PAGE_WELCOME)!.title).toBe('plugin title');
    const entries = twin.journal.all().filter((e) => e.path === TITLE_URL);
    expect(entries).toHaveLength(2);
    const [innerEntry, outer] = entries;
    expect(innerEntry!.headers.replace).toBe('replace');
    expect(innerEntry!.notes?.interception).toMatchObject({ skipped: expect.stringContaining('Replace: replace') });
    expect(chainOf(twin, TITLE_URL).map((s) => s.stage)).toEqual(['request', 'replace', 'response']);
    expect(outer!.status).toBe(202);
  });

  it('replace may answer a method ONES does not serve (interception is in front of routing)', async () => {
    const { app, twin } = createApp();
    twin.state.plugins.register({
      name: 'post-me',
      config: yamlOf(api('replace', 'POST', '/users/me', 'f')),
      target: { functions: { f: async () => ({ body: { posted: true } }) } },
    });
    expect(await (await app.request(`${P}/users/me`, post({}))).json()).toEqual({ posted: true });
  });

  it('calls no plugin for a caller ONES does not authenticate', async () => {
    const { app, twin } = createApp();
    let called = false;
    twin.state.plugins.register({
      name: 'p',
      config: yamlOf(api('replace', 'GET', '/users/me', 'f')),
      target: {
        functions: {
          f: async () => {
            called = true;
            return { body: {} };
          },
        },
      },
    });
    const res = await app.request(`${P}/users/me`, { headers: { 'Ones-User-Id': alice.uuid, 'Ones-Auth-Token': 'bad' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ errcode: 'AuthFailure.InvalidToken' });
    expect(called).toBe(false);
  });
});

describe('custom query matching (library form)', () => {
  const yaml = yamlOf(
    api('replace', 'GET', '/users/me', 'replaceFunc1', '    query:\n      k1: v1\n'),
    api('replace', 'GET', '/users/me', 'replaceFunc2', '    query:\n      k2: v2\n'),
  );
  const functions = {
    replaceFunc1: async () => ({ body: { fn: 'replaceFunc1' } }),
    replaceFunc2: async () => ({ body: { fn: 'replaceFunc2' } }),
  };

  it.each([
    ['?k2=v2', { fn: 'replaceFunc2' }],
    ['?k1=v1&k2=v2&k3=v3', { fn: 'replaceFunc1' }],
    ['?k1=v2', { uuid: bob.uuid }],
    ['', { uuid: bob.uuid }],
  ])('GET /users/me%s', async (query, expected) => {
    const { app, twin } = createApp();
    twin.state.plugins.register({ name: 'q', config: yaml, target: { functions } });
    const res = await app.request(`${P}/users/me${query}`, get(bob));
    expect(await res.json()).toMatchObject(expected);
  });
});

describe('plugin failures', () => {
  async function failing(target: { baseUrl: string } | { functions: Record<string, PluginFunction> }, type = 'replace', timeoutMs = 5000) {
    const built = createApp();
    built.twin.state.plugins.register({ name: 'flaky', config: yamlOf(api(type, 'GET', '/users/me', 'fn')), target, timeoutMs });
    const res = await built.app.request(`${P}/users/me`, get());
    return { ...built, res, body: (await res.json()) as Record<string, unknown> };
  }

  it('unreachable: 502 naming plugin and function, recorded in the chain', async () => {
    const closed = await httpPlugin(() => {});
    const port = new URL(closed).port;
    await new Promise<void>((r) => servers.pop()!.close(() => r()));
    const { res, body, twin } = await failing({ baseUrl: `http://127.0.0.1:${port}` });
    expect(res.status).toBe(502);
    expect(body).toMatchObject({ code: 502, errcode: 'PluginError.Unreachable', type: 'PluginError', plugin: 'flaky', function: 'fn' });
    expect(body.message).toContain('plugin "flaky" function fn');
    const stages = chainOf(twin, `${P}/users/me`);
    expect(stages.map((s) => s.stage)).toEqual(['request', 'replace', 'response']);
    expect(stages[1]).toMatchObject({ error: 'PLUGIN_UNREACHABLE' });
  });

  it('error status and non-JSON answers', async () => {
    const bad = await httpPlugin((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
    });
    const a = await failing({ baseUrl: bad });
    expect(a.res.status).toBe(502);
    expect(a.body).toMatchObject({ errcode: 'PluginError.BadStatus', plugin: 'flaky', function: 'fn' });
    expect(a.body.message).toContain('HTTP 500: boom');
    const html = await httpPlugin((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
    });
    const b = await failing({ baseUrl: html });
    expect(b.body).toMatchObject({ errcode: 'PluginError.InvalidResponse', function: 'fn' });
  });

  it('timeout: answered within the plugin timeout, never hanging the caller', async () => {
    const silent = await httpPlugin(() => {
      /* never answers */
    });
    const { res, body, twin } = await failing({ baseUrl: silent }, 'replace', 50);
    expect(res.status).toBe(504);
    expect(body).toMatchObject({ errcode: 'PluginError.Timeout', plugin: 'flaky', function: 'fn' });
    expect(chainOf(twin, `${P}/users/me`)[1]).toMatchObject({ error: 'PLUGIN_TIMEOUT' });
    const lib = await failing({ functions: { fn: () => new Promise(() => {}) } }, 'prefix', 50);
    expect(lib.body).toMatchObject({ errcode: 'PluginError.Timeout' });
  });

  it('the HTTP form POSTs the PluginRequest to <baseUrl>/<function>', async () => {
    let seen: { url?: string; body?: PluginRequest } = {};
    const ok = await httpPlugin((req, res, body) => {
      seen = { url: req.url, body: JSON.parse(body) as PluginRequest };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ body: { via: 'http' } }));
    });
    const { body } = await failing({ baseUrl: `${ok}/plugin/` });
    expect(body).toEqual({ via: 'http' });
    expect(seen.url).toBe('/plugin/fn');
    expect(seen.body).toMatchObject({ type: 'replace', plugin: 'flaky', function: 'fn', method: 'GET', url: '/users/me', scope: 'project' });
    expect(seen.body!.headers['Ones-User-Id']).toBe(alice.uuid);
  });

  it('library functions that are missing, throw or answer a bad statusCode', async () => {
    expect((await failing({ functions: {} })).body).toMatchObject({ errcode: 'PluginError.FunctionFailed', message: expect.stringContaining('no function fn') });
    const threw = await failing({
      functions: {
        fn: async () => {
          throw new Error('nope');
        },
      },
    });
    expect(threw.body).toMatchObject({ errcode: 'PluginError.FunctionFailed', message: expect.stringContaining('fn threw: nope') });
    expect((await failing({ functions: { fn: async () => ({ statusCode: 42 }) } })).body).toMatchObject({ errcode: 'PluginError.InvalidResponse' });
  });

  it('a failing suffix never changes the response; the chain shows the failure', async () => {
    const { res, body, twin } = await failing({ functions: {} }, 'suffix');
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ uuid: alice.uuid });
    expect(chainOf(twin, `${P}/users/me`).find((s) => s.stage === 'suffix')).toMatchObject({ error: 'PLUGIN_FUNCTION_FAILED' });
  });
});

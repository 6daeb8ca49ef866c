import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alice, createApp, PAGE_WELCOME, startOnesMock, TEAM_ALPHA } from '@doppel/mock-ones';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAdminClient, type JournalEntry } from '../admin/client.ts';
import { unwrap } from '../http.ts';
import * as plugin from '../../test/ones-plugin/index.ts';
import { createOnesClient } from './client.ts';
import {
  configureONES,
  createFetchONES,
  fetchONES,
  PluginRegistrationError,
  readPluginYaml,
  registerPlugin,
  type RunningPlugin,
  runPlugin,
  servePlugin,
  unregisterPlugin,
} from './plugin.ts';

/**
 * Vendor doc 001's four examples, each run through the plugin SDK against a running ONES twin: the functions
 * are served over HTTP, registered from their plugin.yaml, and the order of calls is read back from the journal.
 */
let twin: Awaited<ReturnType<typeof startOnesMock>>;
const running: RunningPlugin[] = [];
const PLUGIN_DIR = fileURLToPath(new URL('../../test/ones-plugin', import.meta.url));
const TITLE_PATH = `/wiki/api/wiki/team/${TEAM_ALPHA}/online_page/${PAGE_WELCOME}/update_title`;

beforeAll(async () => {
  twin = await startOnesMock();
});
afterAll(() => twin.close());
beforeEach(async () => {
  plugin.calls.length = 0;
  plugin.suffixFile.length = 0;
  await admin().reset();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.close()));
});

const admin = () => createAdminClient({ baseUrl: twin.url });
const ones = () => createOnesClient({ baseUrl: twin.url, credentials: { userId: alice.uuid, token: alice.token } });
async function run(yaml: string, name: string, extra: Partial<Parameters<typeof runPlugin>[0]> = {}) {
  const p = await runPlugin({ twinUrl: twin.url, yaml, name, functions: plugin, ...extra });
  running.push(p);
  return p;
}

type Chain = { stage: string; atMs: number; plugin?: string; function?: string; [k: string]: unknown }[];
/** The journal entries of `path`, oldest first. */
async function journal(path: string): Promise<JournalEntry[]> {
  return unwrap(await admin().journal({ path })).entries.reverse();
}
const chainOf = (e: JournalEntry | undefined) => ((e?.notes?.interception as { stages?: Chain } | undefined)?.stages ?? []) as Chain;
const stageNames = (c: Chain) => c.map((s) => (s.function ? `${s.stage}:${s.function}` : s.stage));
const ascending = (c: Chain) => c.every((s, i) => i === 0 || s.atMs >= c[i - 1]!.atMs);

describe('doc example 1: replace of update_title (jackFunc calls the original API with fetchONES)', () => {
  const yaml = `apis:
  - type: replace #API type: replace
    methods: #API request mode
      - POST
    url: /team/:teamUUID/online_page/:pageUUID/update_title #interception API url
    scope: wiki #Project or wiki API. Without this attribute, it defaults to project
    function: jackFunc #The name is consistent with the function name in the code
`;

  it('answers with what the original API answered, and the title is "plugin title"', async () => {
    await run(yaml, 'jack');
    const r = await ones().updatePageTitle(TEAM_ALPHA, PAGE_WELCOME, 'client title');
    expect(r.response.status).toBe(200);
    expect(r.data).toEqual({});
    expect(unwrap(await ones().page(TEAM_ALPHA, PAGE_WELCOME)).title).toBe('plugin title');
    expect(plugin.calls).toEqual(['jackFunc']);

    const [inner, outer] = await journal(TITLE_PATH);
    // The inner call (fetchONES, marked Replace: replace) is ONES's own handler, not the plugin again.
    expect(inner!.headers.replace).toBe('replace');
    expect(inner!.body).toEqual({ title: 'plugin title' });
    expect(inner!.notes?.interception).toMatchObject({ skipped: expect.stringContaining('Replace: replace') });
    const chain = chainOf(outer);
    expect(stageNames(chain)).toEqual(['request', 'replace:jackFunc', 'response']);
    expect(chain[0]).toMatchObject({ body: { title: 'client title' } });
    expect(chain[1]).toMatchObject({ plugin: 'jack', returned: { statusCode: 200, body: {} } });
    expect(ascending(chain)).toBe(true);
  });
});

describe('doc example 2: prefix appends "-plugin" to the title', () => {
  const yaml = `apis:
  - type: prefix #API type: suffix
    methods:
      - POST
    url: /team/:teamUUID/online_page/:pageUUID/update_title
    scope: wiki
    function: prefixFunc
`;

  it('ONES renames the page with the title the prefix returned', async () => {
    await run(yaml, 'prefixer');
    expect((await ones().updatePageTitle(TEAM_ALPHA, PAGE_WELCOME, 'Roadmap')).data).toEqual({});
    expect(unwrap(await ones().page(TEAM_ALPHA, PAGE_WELCOME)).title).toBe('Roadmap-plugin');
    const [entry] = await journal(TITLE_PATH);
    const chain = chainOf(entry);
    expect(stageNames(chain)).toEqual(['request', 'prefix:prefixFunc', 'ones', 'response']);
    expect(chain[1]).toMatchObject({ returned: { body: { title: 'Roadmap-plugin' } } });
    expect(chain[2]).toMatchObject({ status: 200, body: {} });
    expect(ascending(chain)).toBe(true);
    // The journal entry keeps the request as the client sent it.
    expect(entry!.body).toEqual({ title: 'Roadmap' });
  });
});

describe('doc example 3: suffix records /users/me', () => {
  const yaml = `apis:
  - type: suffix #API type: suffix
    methods:
      - GET
    url: /users/me
    scope: project
    function: suffixFunc
`;

  it('is notified after ONES answered, with the request and the response, and cannot change it', async () => {
    await run(yaml, 'recorder');
    const me = unwrap(await ones().me());
    expect(me.uuid).toBe(alice.uuid);
    // A notification, not a gate: the client has its answer first; the suffix call finishes on its own.
    await twin.twin.state.plugins.settled();
    expect(plugin.suffixFile).toHaveLength(1);
    const recorded = JSON.parse(plugin.suffixFile[0]!);
    expect(recorded).toMatchObject({
      type: 'suffix',
      method: 'GET',
      url: '/users/me',
      scope: 'project',
      headers: { 'Ones-User-Id': alice.uuid },
    });
    expect(recorded.response).toMatchObject({ statusCode: 200, body: { uuid: alice.uuid, email: alice.email } });
    const chain = chainOf((await journal('/project/api/project/users/me'))[0]);
    expect(stageNames(chain)).toEqual(['request', 'ones', 'response', 'suffix:suffixFunc']);
    expect(chain[3]).toMatchObject({ ignored: { body: {} } });
    expect(ascending(chain)).toBe(true);
  });
});

describe('doc example 4: custom query parameters (plugin.yaml read from the plugin directory)', () => {
  it.each([
    ['?k2=v2', 'replaceFunc2'],
    ['?k1=v1&k2=v2&k3=v3', 'replaceFunc1'],
    ['', undefined],
  ])('/users/me%s → %s', async (query, expected) => {
    const p = await runPlugin({ twinUrl: twin.url, dir: PLUGIN_DIR, functions: plugin });
    running.push(p);
    expect(p.name).toBe('doc-query-example');
    const r = await ones().request<Record<string, unknown>>('GET', `/project/api/project/users/me${query}`);
    const [entry] = await journal('/project/api/project/users/me');
    if (expected) {
      expect(r.data).toEqual({ replacedBy: expected });
      expect(plugin.calls).toEqual([expected]);
      expect(stageNames(chainOf(entry))).toEqual(['request', `replace:${expected}`, 'response']);
    } else {
      // Not intercepted: ONES's own answer, and no chain in the journal.
      expect(r.data).toMatchObject({ uuid: alice.uuid });
      expect(plugin.calls).toEqual([]);
      expect(entry!.notes?.interception).toBeUndefined();
    }
  });

  it('the doc’s configuration as written (methods: POST) intercepts POST only; unmatched, ONES answers', async () => {
    const verbatim = `apis:
  - type: replace
    methods:
      - POST
    scope: project
    url: /users/me
    function: replaceFunc1
    query:
      k1: v1
  - type: replace
    methods:
      - POST
    scope: project
    url: /users/me
    function: replaceFunc2
    query:
      k2: v2
`;
    await run(verbatim, 'doc-verbatim');
    expect((await ones().request('POST', '/project/api/project/users/me?k2=v2', {})).data).toEqual({ replacedBy: 'replaceFunc2' });
    expect((await ones().request('POST', '/project/api/project/users/me?k1=v1&k2=v2&k3=v3', {})).data).toEqual({
      replacedBy: 'replaceFunc1',
    });
    expect((await ones().request('GET', '/project/api/project/users/me?k2=v2')).data).toMatchObject({ uuid: alice.uuid });
    expect((await ones().request('POST', '/project/api/project/users/me', {})).data).toMatchObject({ uuid: alice.uuid });
    expect(plugin.calls).toEqual(['replaceFunc2', 'replaceFunc1']);
  });
});

describe('SDK: registration rules and failures', () => {
  const suffixYaml = 'apis:\n  - type: suffix\n    methods: [GET]\n    url: /users/me\n    function: suffixFunc\n';

  it('a second plugin on the same organisation-level API and type is refused, naming the first', async () => {
    await run(suffixYaml, 'first');
    const err = await run(suffixYaml, 'second').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginRegistrationError);
    expect(err).toMatchObject({ status: 409, code: 'plugin_conflict', message: expect.stringContaining('plugin "first"') });
  });

  it('running the same plugin again replaces its configuration', async () => {
    await run(suffixYaml, 'same');
    const again = await runPlugin({ twinUrl: twin.url, yaml: suffixYaml.replace('suffix\n', 'prefix\n'), name: 'same', functions: plugin });
    running.push(again);
    expect(again.summary.replaced).toBe(true);
    expect(unwrap(await admin().request<{ plugins: { name: string; apis: { type: string }[] }[] }>('GET', '/plugins')).plugins).toEqual([
      expect.objectContaining({ name: 'same', apis: [expect.objectContaining({ type: 'prefix' })] }),
    ]);
  });

  it('refuses to run a plugin.yaml naming a function the plugin does not export', async () => {
    await expect(runPlugin({ twinUrl: twin.url, yaml: suffixYaml.replace('suffixFunc', 'nowhere'), functions: plugin })).rejects.toThrow(
      'does not export: nowhere',
    );
  });

  it('a function that throws is answered as a plugin failure naming plugin and function', async () => {
    const yaml = 'apis:\n  - type: replace\n    methods: [GET]\n    url: /users/me\n    function: broken\n';
    await run(yaml, 'fragile', {
      functions: {
        broken: async () => {
          throw new Error('database down');
        },
      },
    });
    const r = await ones().me();
    expect(r.error).toMatchObject({ status: 502, errcode: 'PluginError.BadStatus', type: 'PluginError' });
    expect(r.error?.body).toMatchObject({ plugin: 'fragile', function: 'broken', message: expect.stringContaining('database down') });
  });
});

describe('library form: the same functions in-process, without HTTP', () => {
  it('runs jackFunc as a library function, with fetchONES reaching the in-process twin', async () => {
    const { app, twin: local } = createApp();
    configureONES({ url: 'http://ones.local', fetch: (r) => Promise.resolve(app.fetch(r)) });
    local.state.plugins.register({
      name: 'jack-lib',
      config:
        'apis:\n  - { type: replace, methods: [POST], url: /team/:teamUUID/online_page/:pageUUID/update_title, scope: wiki, ' +
        'function: jackFunc }\n',
      target: { functions: { jackFunc: plugin.jackFunc } },
    });
    const client = createOnesClient({
      baseUrl: 'http://ones.local',
      fetch: (r) => Promise.resolve(app.fetch(r)),
      credentials: { userId: alice.uuid, token: alice.token },
    });
    expect((await client.updatePageTitle(TEAM_ALPHA, PAGE_WELCOME, 'ignored')).data).toEqual({});
    expect(local.state.pages.get(PAGE_WELCOME)!.title).toBe('plugin title');
    expect(plugin.calls).toEqual(['jackFunc']);
  });
});

describe('fetchONES', () => {
  /** fetchONES against a scripted ONES that answers `answer`, keeping what it was sent. */
  function scripted(answer: () => Response = () => Response.json({ ok: true }), root?: { userId: string; token: string }) {
    const seen: Request[] = [];
    const fetch = async (r: Request) => {
      seen.push(r);
      return answer();
    };
    return { fetchONES: createFetchONES({ url: 'http://ones.test', fetch, ...(root && { root }) }), seen };
  }

  it('is refused before any twin is configured', async () => {
    vi.resetModules();
    const fresh = await import('./plugin.ts'); // a module no test configured yet
    await expect(fresh.fetchONES({ path: '/users/me' })).rejects.toThrow('no ONES twin configured');
  });

  it('expands the doc’s short paths and keeps full API paths', async () => {
    const { fetchONES, seen } = scripted();
    for (const path of [
      '/wiki/team/T/page/P',
      '/project/users/me',
      '/users/me',
      'users/me',
      '/project/api/project/users/me',
      '/wiki/api/wiki?x=1',
    ]) {
      await fetchONES({ path });
    }
    expect(seen.map((r) => r.url.replace('http://ones.test', ''))).toEqual([
      '/wiki/api/wiki/team/T/page/P',
      '/project/api/project/users/me',
      '/project/api/project/users/me',
      '/project/api/project/users/me',
      '/project/api/project/users/me',
      '/wiki/api/wiki?x=1',
    ]);
  });

  it('sends the doc’s array headers, always Replace: replace, and the root credentials when asked', async () => {
    const { fetchONES, seen } = scripted(undefined, { userId: 'ROOT', token: 'RT' });
    await fetchONES({ path: '/users/me', headers: { 'Ones-User-Id': ['U1'], 'Ones-Auth-Token': 'T1', Accept: ['a', 'b'], Replace: 'no' } });
    await fetchONES({ path: '/users/me', headers: { 'Ones-User-Id': ['U1'] }, root: true });
    const sent = seen.map((r) => [r.method, r.headers.get('ones-user-id'), r.headers.get('ones-auth-token'), r.headers.get('replace')]);
    expect(sent).toEqual([
      ['GET', 'U1', 'T1', 'replace'],
      ['GET', 'ROOT', 'RT', 'replace'],
    ]);
    expect(seen[0]!.headers.get('accept')).toBe('a, b');
  });

  it('refuses root: true without root credentials', async () => {
    const { fetchONES, seen } = scripted();
    await expect(fetchONES({ path: '/users/me', root: true })).rejects.toThrow('needs root credentials');
    expect(seen).toEqual([]);
  });

  it('sends a body as JSON, a string as it is, and none with GET or HEAD', async () => {
    const { fetchONES, seen } = scripted();
    await fetchONES({ path: '/x', method: 'post', body: { title: 't' } });
    await fetchONES({ path: '/x', method: 'PUT', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await fetchONES({ path: '/x', body: { ignored: true } });
    await fetchONES({ path: '/x', method: 'head', body: { ignored: true } });
    const sent = await Promise.all(seen.map(async (r) => [r.method, r.headers.get('content-type'), await r.text()]));
    expect(sent).toEqual([
      ['POST', 'application/json', '{"title":"t"}'],
      ['PUT', 'application/x-www-form-urlencoded', 'a=1'],
      ['GET', null, ''],
      ['HEAD', null, ''],
    ]);
  });

  it('answers statusCode, the headers and the body: JSON, text, or nothing', async () => {
    const json = await scripted(() =>
      Response.json({ code: 403, errcode: 'PermissionDenied' }, { status: 403, headers: { 'x-a': '1' } }),
    ).fetchONES({
      path: '/x',
    });
    expect(json).toEqual({
      statusCode: 403,
      headers: { 'content-type': 'application/json', 'x-a': '1' },
      body: { code: 403, errcode: 'PermissionDenied' },
    });
    expect((await scripted(() => new Response('plain', { status: 200 })).fetchONES({ path: '/x' })).body).toBe('plain');
    expect((await scripted(() => new Response(null, { status: 204 })).fetchONES({ path: '/x' })).body).toBeUndefined();
  });
});

describe('registration', () => {
  const answering = (answer: () => Response) => {
    const seen: Request[] = [];
    const fetch = async (r: Request) => {
      seen.push(r);
      return answer();
    };
    return { fetch, seen };
  };

  it('posts the registration (without the twin URL) to /__admin/plugins and gives the summary', async () => {
    const { fetch, seen } = answering(() => Response.json({ name: 'p', apis: [], replaced: false }, { status: 201 }));
    const summary = await registerPlugin({
      twinUrl: 'http://ones.test',
      yaml: 'apis: []',
      baseUrl: 'http://127.0.0.1:1',
      name: 'p',
      fetch,
    });
    expect(summary).toEqual({ name: 'p', apis: [], replaced: false });
    expect([seen[0]!.method, seen[0]!.url, await seen[0]!.json()]).toEqual([
      'POST',
      'http://ones.test/__admin/plugins',
      { yaml: 'apis: []', baseUrl: 'http://127.0.0.1:1', name: 'p' },
    ]);
  });

  it('throws the twin’s refusal as PluginRegistrationError, an AdminError', async () => {
    const refusal = { error: { code: 'plugin_conflict', message: 'taken by plugin "a"', details: { plugin: 'a' } } };
    const { fetch } = answering(() => Response.json(refusal, { status: 409 }));
    const err = await registerPlugin({ twinUrl: 'http://ones.test', yaml: '', baseUrl: 'x', fetch }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginRegistrationError);
    expect(err).toMatchObject({ name: 'PluginRegistrationError', status: 409, code: 'plugin_conflict', details: { plugin: 'a' } });
    const other = answering(() => new Response('down', { status: 502 }));
    await expect(registerPlugin({ twinUrl: 'http://ones.test', yaml: '', baseUrl: 'x', fetch: other.fetch })).rejects.toMatchObject({
      code: 'http',
      message: 'HTTP 502',
    });
  });

  it('unregisters by name, false when the twin did not know it', async () => {
    const known = answering(() => Response.json({ removed: true }));
    expect(await unregisterPlugin('http://ones.test', 'a b', known.fetch)).toBe(true);
    expect([known.seen[0]!.method, known.seen[0]!.url]).toEqual(['DELETE', 'http://ones.test/__admin/plugins/a%20b']);
    expect(await unregisterPlugin('http://ones.test', 'x', answering(() => Response.json({}, { status: 404 })).fetch)).toBe(false);
  });
});

describe('servePlugin', () => {
  it('answers each function’s PluginResponse, and refuses unknown functions, bad bodies and failures', async () => {
    const served = await servePlugin({
      echo: (r: { body: unknown }) => ({ body: r.body }),
      nothing: () => undefined as never,
      fails: () => {
        throw new Error('boom');
      },
      throwsText: () => {
        throw 'plain';
      },
      notAFunction: 42,
    });
    try {
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const post = (fn: string, body = '{"body":{"a":1}}') => fetch(`${served.url}/${fn}`, { method: 'POST', body });
      const read = async (r: Promise<Response>) => {
        const res = await r;
        return [res.status, await res.json()];
      };
      expect(await read(post('echo'))).toEqual([200, { body: { a: 1 } }]);
      expect(await read(post('nothing'))).toEqual([200, {}]);
      expect(await read(post('fails'))).toEqual([500, { error: 'boom' }]);
      expect(await read(post('throwsText'))).toEqual([500, { error: 'plain' }]);
      expect(await read(post('notAFunction'))).toEqual([404, { error: 'the plugin exports no function notAFunction' }]);
      expect(await read(post('echo', 'not json'))).toEqual([400, { error: 'the body is not a JSON PluginRequest' }]);
    } finally {
      await served.close();
    }
    await expect(fetch(`${served.url}/echo`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('serves each plugin on a port of its own, on 127.0.0.1 unless told otherwise', async () => {
    const [a, b] = await Promise.all([servePlugin({}), servePlugin({}, { host: 'localhost' })]);
    try {
      expect(a.url).not.toBe(b.url.replace('localhost', '127.0.0.1'));
      expect(b.url).toMatch(/^http:\/\/localhost:\d+$/);
      expect((await fetch(`${b.url}/x`, { method: 'POST', body: '{}' })).status).toBe(404);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('plugin.yaml', () => {
  it('is read from the plugin directory or from the file itself', async () => {
    const fromDir = await readPluginYaml(PLUGIN_DIR);
    expect(fromDir).toContain('replaceFunc1');
    expect(await readPluginYaml(join(PLUGIN_DIR, 'config', 'plugin.yaml'))).toBe(fromDir);
  });

  it('runPlugin needs the yaml or the directory, and every function it names, each named once', async () => {
    await expect(runPlugin({ twinUrl: 'http://ones.test', functions: {} })).rejects.toThrow('runPlugin needs dir');
    const yaml = 'apis:\n  - function: a\n  - function: a\n  - type: replace\n  - function: 7\n  - function: b\n';
    await expect(runPlugin({ twinUrl: 'http://ones.test', yaml, functions: { b: () => ({}) } })).rejects.toThrow(
      'plugin.yaml names functions the plugin does not export: a',
    );
  });

  it('runPlugin registers the served functions, points fetchONES at the twin, and unregisters on close', async () => {
    const seen: string[] = [];
    let registered: unknown;
    vi.stubGlobal('fetch', async (r: Request) => {
      seen.push(`${r.method} ${r.url}`);
      if (r.method === 'POST') {
        registered = await r.json();
        return Response.json({ name: 'empty', apis: [], replaced: false }, { status: 201 });
      }
      if (r.url.endsWith('/users/me')) return Response.json({ via: r.headers.get('replace'), as: r.headers.get('ones-user-id') });
      return Response.json({ removed: true });
    });
    try {
      const root = { userId: 'ROOT', token: 'RT' };
      const running = await runPlugin({
        twinUrl: 'http://ones.test',
        yaml: '',
        functions: {},
        name: 'empty',
        teams: ['T'],
        timeoutMs: 50,
        root,
      });
      expect(running).toMatchObject({ name: 'empty', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:/), summary: { name: 'empty' } });
      expect(registered).toEqual({ yaml: '', baseUrl: running.url, name: 'empty', teams: ['T'], timeoutMs: 50 });
      expect((await fetchONES({ path: '/users/me', root: true })).body).toEqual({ via: 'replace', as: 'ROOT' });
      await running.close();
      expect(seen).toEqual([
        'POST http://ones.test/__admin/plugins',
        'GET http://ones.test/project/api/project/users/me',
        'DELETE http://ones.test/__admin/plugins/empty',
      ]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('runPlugin stops serving when the twin refuses the plugin', async () => {
    const realFetch = globalThis.fetch;
    let served = '';
    vi.stubGlobal('fetch', async (r: Request) => {
      served = ((await r.json()) as { baseUrl: string }).baseUrl;
      return Response.json({ error: { code: 'plugin_conflict', message: 'taken' } }, { status: 409 });
    });
    try {
      await expect(runPlugin({ twinUrl: 'http://ones.test', yaml: '', functions: {} })).rejects.toBeInstanceOf(PluginRegistrationError);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(served).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(realFetch(`${served}/x`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});

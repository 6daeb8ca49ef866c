import { fileURLToPath } from 'node:url';
import { alice, createApp, PAGE_WELCOME, startOnesMock, TEAM_ALPHA } from '@doppel/mock-ones';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAdminClient, type JournalEntry } from '../src/admin/client.ts';
import { unwrap } from '../src/http.ts';
import { createOnesClient } from '../src/ones/client.ts';
import { configureONES, PluginRegistrationError, type RunningPlugin, runPlugin } from '../src/ones/plugin.ts';
import * as plugin from './ones-plugin/index.ts';

/**
 * Vendor doc 001's four examples, each run through the plugin SDK against a running ONES twin: the functions
 * are served over HTTP, registered from their plugin.yaml, and the order of calls is read back from the journal.
 */
let twin: Awaited<ReturnType<typeof startOnesMock>>;
const running: RunningPlugin[] = [];
const PLUGIN_DIR = fileURLToPath(new URL('./ones-plugin', import.meta.url));
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
    expect(plugin.suffixFile).toHaveLength(1);
    const recorded = JSON.parse(plugin.suffixFile[0]!);
    expect(recorded).toMatchObject({ type: 'suffix', method: 'GET', url: '/users/me', scope: 'project', headers: { 'Ones-User-Id': alice.uuid } });
    expect(recorded.response).toMatchObject({ statusCode: 200, body: { uuid: alice.uuid, email: alice.email } });
    const chain = chainOf((await journal('/project/api/project/users/me'))[0]);
    expect(stageNames(chain)).toEqual(['request', 'ones', 'suffix:suffixFunc', 'response']);
    expect(chain[2]).toMatchObject({ ignored: { body: {} } });
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

  it('the doc’s configuration as written (methods: POST) intercepts POST only', async () => {
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
    expect((await ones().request('POST', '/project/api/project/users/me?k1=v1&k2=v2&k3=v3', {})).data).toEqual({ replacedBy: 'replaceFunc1' });
    expect((await ones().request('GET', '/project/api/project/users/me?k2=v2')).data).toMatchObject({ uuid: alice.uuid });
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
      config: 'apis:\n  - { type: replace, methods: [POST], url: /team/:teamUUID/online_page/:pageUUID/update_title, scope: wiki, function: jackFunc }\n',
      target: { functions: { jackFunc: plugin.jackFunc } },
    });
    const client = createOnesClient({ baseUrl: 'http://ones.local', fetch: (r) => Promise.resolve(app.fetch(r)), credentials: { userId: alice.uuid, token: alice.token } });
    expect((await client.updatePageTitle(TEAM_ALPHA, PAGE_WELCOME, 'ignored')).data).toEqual({});
    expect(local.state.pages.get(PAGE_WELCOME)!.title).toBe('plugin title');
    expect(plugin.calls).toEqual(['jackFunc']);
  });
});

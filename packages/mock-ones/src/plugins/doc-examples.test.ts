import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alice, PAGE_WELCOME, TEAM_ALPHA } from '../fixtures.ts';
import { startOnesMock } from '../server.ts';
import { adminPost, as, functionsHandler, P, pluginServers, post, W } from '../test-helpers.ts';
import type { Stage } from './engine.ts';
import type { PluginRequest, PluginResponse } from './types.ts';

/**
 * Vendor doc 001's four examples (replace, prefix, suffix, custom query), each with the doc's plugin.yaml as
 * written (methods included) and its handler as written, run over real sockets: the twin on port 0, each plugin
 * an HTTP server on port 0, registered with `POST /__admin/plugins`. The handlers call ONES with plain `fetch`
 * (no SDK, so no `Replace: replace` header), keeping only Ones-User-Id and Ones-Auth-Token as the doc says.
 */
let twin: Awaited<ReturnType<typeof startOnesMock>>;
const plugins = pluginServers();
beforeAll(async () => {
  twin = await startOnesMock();
});
afterAll(() => twin.close());
beforeEach(async () => {
  await fetch(`${twin.url}/__admin/reset`, { method: 'POST' });
  log.length = 0;
  suffixFile.length = 0;
});
afterEach(() => plugins.close());

const TITLE_PATH = `${W}/team/${TEAM_ALPHA}/online_page/${PAGE_WELCOME}/update_title`;
const ME = `${P}/users/me`;

/** The doc's `Logger.info` and `workspace/suffix.txt`, in memory. */
const log: string[] = [];
const suffixFile: string[] = [];
const Logger = { info: (...args: unknown[]) => void log.push(args.join(' ')) };

/** Serve `functions` on a port of their own and register `yaml` for them. */
async function run(name: string, yaml: string, functions: Parameters<typeof functionsHandler>[0]) {
  const baseUrl = await plugins.start(functionsHandler(functions));
  const res = await fetch(`${twin.url}/__admin/plugins`, adminPost({ yaml, baseUrl, name }));
  expect(res.status).toBe(201);
}

type Entry = {
  id: number;
  path: string;
  status: number;
  body: unknown;
  headers: Record<string, string>;
  notes?: { interception?: { stages?: Stage[]; skipped?: string } };
};
/** The journal entries of `path`, oldest first, read over HTTP. */
async function journal(path: string): Promise<Entry[]> {
  const res = await fetch(`${twin.url}/__admin/journal?path=${encodeURIComponent(path)}`);
  return ((await res.json()) as { entries: Entry[] }).entries.reverse();
}
const stagesOf = (e: Entry | undefined) =>
  (e?.notes?.interception?.stages ?? []).map((s) => (s.function ? `${s.stage}:${s.function}` : s.stage));

describe('doc example 1: replace (jackFunc sets the page title to "plugin title" through the original API)', () => {
  const yaml = `apis:
- type: replace #API type: replace
  methods: #API request mode
  - POST
  url: /team/:teamUUID/online_page/:pageUUID/update_title #interception API url
  scope: wiki #Project or wiki API. Without this attribute, it defaults to project
  function: jackFunc #The name is consistent with the function name in the code
`;

  // biome-ignore lint/suspicious/noExplicitAny: the doc's signature
  async function jackFunc(request: PluginRequest<Record<string, any>>): Promise<PluginResponse> {
    Logger.info('replace success');
    let userUUID = '';
    let userToken = '';
    if (request.headers['Ones-User-Id'] != null) {
      userUUID = request.headers['Ones-User-Id'];
      userToken = request.headers['Ones-Auth-Token']!;
    }
    Logger.info('url:', request.url);
    // The doc's fetchONES({ path: '/wiki' + request.url, … }) as plain fetch: only the user id and the token.
    const res = await fetch(`${twin.url}/wiki/api/wiki${request.url}`, {
      method: 'POST',
      headers: { 'Ones-User-Id': userUUID, 'Ones-Auth-Token': userToken, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'plugin title' }),
    });
    const response = { statusCode: res.status, body: await res.json() };
    Logger.info(JSON.stringify(response, undefined, 2));
    if (response) {
      return response;
    }
    return {
      body: {},
    };
  }

  it('reaches ONES’s own handler once, without recursion: the title is "plugin title"', async () => {
    await run('jack', yaml, { jackFunc });
    const res = await fetch(`${twin.url}${TITLE_PATH}`, post(alice, { title: 'client title' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const page = await fetch(`${twin.url}${W}/team/${TEAM_ALPHA}/page/${PAGE_WELCOME}`, as(alice));
    expect(((await page.json()) as { title: string }).title).toBe('plugin title');
    expect(log.filter((l) => l === 'replace success')).toHaveLength(1);
    // The plugin's own call finished first, so it is journaled first.
    const [inner, outer, ...more] = await journal(TITLE_PATH);
    expect(more).toEqual([]);
    expect(stagesOf(outer)).toEqual(['request', 'replace:jackFunc', 'response']);
    // The plugin's own call: no Replace header, and ONES answered it.
    expect(inner!.headers.replace).toBeUndefined();
    expect(inner).toMatchObject({ status: 200, body: { title: 'plugin title' } });
    expect(inner!.notes?.interception?.skipped).toMatch(/^the same API by the same user while its replace function runs/);
  });
});

describe('doc example 2: prefix (prefixFunc appends "-plugin" to the title)', () => {
  const yaml = `apis:
- type: prefix #API type: suffix
  methods:
  - POST
  url: /team/:teamUUID/online_page/:pageUUID/update_title
  scope: wiki
  function: prefixFunc
`;

  // biome-ignore lint/suspicious/noExplicitAny: the doc's signature
  async function prefixFunc(request: PluginRequest<Record<string, any>>): Promise<PluginResponse> {
    // biome-ignore lint/suspicious/noExplicitAny: as in the doc
    const body = request?.body as any;
    // biome-ignore lint/suspicious/noExplicitAny: as in the doc
    const headers = request?.headers as any;
    body.title = body.title + '-plugin';
    return {
      headers: headers,
      body: body,
    };
  }

  it('ONES renames the page with the title the prefix returned', async () => {
    await run('prefixer', yaml, { prefixFunc });
    const res = await fetch(`${twin.url}${TITLE_PATH}`, post(alice, { title: 'Roadmap' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const page = await fetch(`${twin.url}${W}/team/${TEAM_ALPHA}/page/${PAGE_WELCOME}`, as(alice));
    expect(((await page.json()) as { title: string }).title).toBe('Roadmap-plugin');
    const [entry] = await journal(TITLE_PATH);
    expect(stagesOf(entry)).toEqual(['request', 'prefix:prefixFunc', 'ones', 'response']);
    expect(entry!.body).toEqual({ title: 'Roadmap' });
  });
});

describe('doc example 3: suffix (suffixFunc records GET /users/me)', () => {
  const yaml = `apis:
- type: suffix #API type: suffix
  methods:
  - GET
  url: /users/me
  scope: project
  function: suffixFunc
`;

  // biome-ignore lint/suspicious/noExplicitAny: the doc's signature
  async function suffixFunc(request: PluginRequest<Record<string, any>>): Promise<PluginResponse> {
    Logger.info('suffix success');
    // biome-ignore lint/suspicious/noExplicitAny: as in the doc
    const body = request?.body as any;
    void body;
    suffixFile.push(JSON.stringify(request, undefined, 2));
    return {
      body: {},
    };
  }

  it('is notified with the request and ONES’s answer once ONES has answered; the journal gets its outcome', async () => {
    await run('recorder', yaml, { suffixFunc });
    const res = await fetch(`${twin.url}${ME}`, as(alice));
    expect(await res.json()).toMatchObject({ uuid: alice.uuid, email: alice.email });
    await twin.twin.state.plugins.settled();
    expect(suffixFile).toHaveLength(1);
    expect(JSON.parse(suffixFile[0]!)).toMatchObject({
      type: 'suffix',
      method: 'GET',
      url: '/users/me',
      scope: 'project',
      headers: { 'Ones-User-Id': alice.uuid },
      response: { statusCode: 200, body: { uuid: alice.uuid } },
    });
    const [entry] = await journal(ME);
    expect(stagesOf(entry)).toEqual(['request', 'ones', 'response', 'suffix:suffixFunc']);
    const suffix = entry!.notes!.interception!.stages!.at(-1)!;
    expect(suffix).toMatchObject({ ignored: { body: {} }, durationMs: expect.any(Number) });
    expect(suffix).not.toHaveProperty('pending');
  });
});

describe('doc example 4: custom query parameters (two replace functions for POST /users/me)', () => {
  const yaml = `apis:
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
  const functions = {
    replaceFunc1: async () => ({ body: { replacedBy: 'replaceFunc1' } }),
    replaceFunc2: async () => ({ body: { replacedBy: 'replaceFunc2' } }),
  };

  it.each([
    ['?k2=v2', { replacedBy: 'replaceFunc2' }],
    ['?k1=v1&k2=v2&k3=v3', { replacedBy: 'replaceFunc1' }],
    // No match: not intercepted, ONES's own logic answers (POST /users/me is the current user, as GET).
    ['', { uuid: alice.uuid, email: alice.email }],
  ])('POST /users/me%s', async (query, expected) => {
    await run('query', yaml, functions);
    const res = await fetch(`${twin.url}${ME}${query}`, post(alice, {}));
    expect(res.status).toBe(200);
    const body = await res.json();
    if ('replacedBy' in expected) expect(body).toEqual(expected);
    else expect(body).toMatchObject(expected);
    const [entry] = await journal(ME);
    expect(entry!.notes?.interception).toEqual(query ? expect.objectContaining({ stages: expect.any(Array) }) : undefined);
  });
});

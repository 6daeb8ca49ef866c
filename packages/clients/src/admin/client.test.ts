import { createApp, defaultApp, defaultFixtures } from '@doppel/mock-zentao';
import { describe, expect, it } from 'vitest';
import { unwrap } from '../http.ts';
import { createZentaoClient } from '../zentao/client.ts';
import { AdminError, createAdminClient } from './client.ts';

const BASE = 'http://zentao.test';

function setup() {
  const { app, twin } = createApp();
  const seen: Request[] = [];
  const fetch = (r: Request) => {
    seen.push(r.clone());
    return Promise.resolve(app.fetch(r));
  };
  const zentao = createZentaoClient({ baseUrl: BASE, code: defaultApp.code, key: defaultApp.key, fetch });
  return { admin: createAdminClient({ baseUrl: BASE, fetch }), zentao, twin, seen };
}

describe('admin client against a twin', () => {
  it('reads health and resets', async () => {
    const { admin, zentao } = setup();
    await zentao.getGroupChats();
    expect(unwrap(await admin.health())).toMatchObject({ status: 'ok' });
    expect(unwrap(await admin.journal()).total).toBe(1);
    expect((await admin.reset()).error).toBeUndefined();
    expect(unwrap(await admin.journal()).total).toBe(0);
  });

  it('selects a named state, with parameters in `params` and without a body when there are none', async () => {
    const { admin, zentao, seen } = setup();
    expect(unwrap(await admin.useState('no group chats'))).toBeDefined();
    expect(unwrap(await zentao.getGroupChats())).toEqual({});
    expect(seen.at(-2)!.url).toBe(`${BASE}/__admin/states/no%20group%20chats`);
    expect(seen.at(-2)!.headers.get('content-type')).toBeNull();
    await admin.useState('the default fixtures', { anything: 1 });
    const sent = seen.at(-1)!;
    expect([sent.method, sent.headers.get('content-type'), await sent.json()]).toEqual([
      'POST',
      'application/json',
      { params: { anything: 1 } },
    ]);
  });

  it('refuses an unknown state as an AdminError with the twin’s code', async () => {
    const { admin } = setup();
    const r = await admin.useState('no such state');
    expect(r.error).toBeInstanceOf(AdminError);
    expect(r.error).toMatchObject({ status: 404, code: 'unknown_state', name: 'AdminError' });
    expect(r.error?.message).toContain('no such state');
  });

  it('replaces fixtures, and reports invalid ones with the problems as details', async () => {
    const { admin, zentao } = setup();
    const fixtures = defaultFixtures();
    fixtures.chats = [];
    expect((await admin.replaceFixtures(fixtures)).error).toBeUndefined();
    expect(unwrap(await zentao.getGroupChats())).toEqual({});
    const bad = await admin.replaceFixtures({ apps: 'nope' });
    expect(bad.error).toMatchObject({ status: 400, code: 'invalid_fixtures' });
    expect(bad.error?.details).toBeDefined();
  });

  it('adds and clears scenario rules', async () => {
    const { admin, zentao } = setup();
    const rule = unwrap(await admin.addRule({ scenario: 'IP_DENIED', times: 1 }));
    expect(rule.id).toBeTruthy();
    expect((await zentao.getGroupChats()).error).toMatchObject({ kind: 'entry', errcode: 403 });
    await admin.addRule({ scenario: 'IP_DENIED' });
    expect((await admin.clearRules()).error).toBeUndefined();
    expect((await zentao.getGroupChats()).data).toBeDefined();
    const refused = await admin.addRule({} as never);
    expect(refused.error).toMatchObject({ status: 400, code: 'invalid_request' });
  });

  it('filters the journal in the query and counts entries', async () => {
    const { admin, zentao, seen } = setup();
    await zentao.getGroupChats();
    await zentao.sendNotification({ users: [1], title: 't', sender: { id: 'ci' } });
    const posts = unwrap(await admin.journal({ method: 'POST', limit: 5 }));
    expect(posts.entries.map((e) => e.method)).toEqual(['POST']);
    expect(new URL(seen.at(-1)!.url).search).toBe('?method=POST&limit=5');
    expect(unwrap(await admin.count({ method: 'GET' })).count).toBe(1);
    expect(unwrap(await admin.count()).count).toBe(2);
  });

  it('sets, advances and restores the twin’s clock', async () => {
    const { admin } = setup();
    const near = (iso: string, target: string) => Date.parse(iso) - Date.parse(target);
    const set = unwrap(await admin.setClock(new Date('2030-01-01T00:00:00Z')));
    expect(near(set.now, '2030-01-01T00:00:00Z')).toBeGreaterThanOrEqual(0);
    expect(near(set.now, '2030-01-01T00:00:00Z')).toBeLessThan(1000);
    const again = unwrap(await admin.setClock('2031-01-01T00:00:00.000Z'));
    expect(near(again.now, '2031-01-01T00:00:00Z')).toBeLessThan(1000);
    expect(unwrap(await admin.advanceClock({ minutes: 1 })).offsetMs - again.offsetMs).toBe(60_000);
    expect(unwrap(await admin.restoreClock()).offsetMs).toBe(0);
  });

  it('reaches a twin’s own admin routes with request()', async () => {
    const { admin, zentao } = setup();
    await zentao.sendChatMessage({ gid: 'nope', title: 't', sender: { id: 'ci' } });
    await zentao.sendNotification({ users: [1], title: 'hello', sender: { id: 'ci' } });
    const inbox = unwrap(await admin.request<{ deliveries: { title: string }[] }>('GET', '/inbox'));
    expect(inbox.deliveries.map((d) => d.title)).toEqual(['hello']);
    expect((await admin.request('DELETE', '/inbox')).error).toBeUndefined();
    expect(unwrap(await admin.request<{ deliveries: unknown[] }>('get', '/inbox')).deliveries).toEqual([]);
    expect((await admin.request('GET', '/nowhere')).error).toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('admin client: callers, YAML fixtures, the index, the API description and the live journal', () => {
  it('replaces the fixtures from YAML text and reports an invalid one with the path and reason', async () => {
    const { admin, twin } = setup();
    const yaml = `apps:\n  - { code: yamlApp, key: ${defaultApp.key}, ip: '*' }\nusers: []\nchats: []\n`;
    expect((await admin.replaceFixtures(yaml)).error).toBeUndefined();
    expect(twin.fixtures.apps.map((a) => a.code)).toEqual(['yamlApp']);
    const bad = await admin.replaceFixtures('apps: 7\nusers: []\nchats: []\n');
    expect(bad.error).toMatchObject({ status: 400, code: 'invalid_fixtures', details: [{ path: '/apps', reason: 'must be array' }] });
  });

  it('reads the index, the twin’s OpenAPI document and the caller kinds', async () => {
    const { admin } = setup();
    const index = unwrap(await admin.index());
    expect(index).toMatchObject({ twin: 'zentao', console: null, reference: { openapi: '/__admin/openapi.yaml' } });
    expect(index.routes).toContainEqual(expect.objectContaining({ method: 'GET', path: '/__admin/journal/stream' }));
    expect(unwrap(await admin.openapi())).toMatchObject({
      openapi: '3.1.0',
      paths: expect.objectContaining({ '/api.php': expect.any(Object) }),
    });
    expect(unwrap(await admin.openapiYaml())).toMatch(/^openapi: 3\.1\.0/m);
    const known = unwrap(await admin.scenarios());
    expect(known.callerKinds.map((k) => k.kind)).toEqual(['app']);
    expect(known.callers).toEqual([{ kind: 'app', id: defaultApp.code, name: defaultApp.name }]);
    const rule = unwrap(await admin.addRule({ scenario: 'IP_DENIED', caller: { app: defaultApp.code } }));
    expect(unwrap(await admin.rules()).rules.map((r) => r.summary)).toEqual([
      `IP_DENIED on every request for app ${defaultApp.code}, until removed`,
    ]);
    expect((await admin.removeRule(rule.id)).error).toBeUndefined();
    expect(unwrap(await admin.rules()).rules).toEqual([]);
  });

  it('watches the journal live, filtered by caller, until aborted', async () => {
    const { admin, zentao, twin } = setup();
    const abort = new AbortController();
    const events = admin.watchJournal({ caller: `app:${defaultApp.code}`, status: 200 }, { signal: abort.signal });
    expect((await events.next()).value).toEqual({ type: 'ready' });
    await zentao.getGroupChats();
    const next = (await events.next()).value;
    expect(next).toMatchObject({ type: 'entry', entry: { callers: { app: defaultApp.code }, status: 200, path: '/api.php' } });
    await admin.clearJournal();
    expect((await events.next()).value).toEqual({ type: 'cleared' });
    abort.abort();
    await events.return(undefined);
    expect(twin.journal.listening).toBe(0);
  });
});

describe('admin errors that are not the admin API’s', () => {
  it('are `http`, with the status as the message', async () => {
    const admin = createAdminClient({ baseUrl: BASE, fetch: async () => new Response('Bad Gateway', { status: 502 }) });
    const r = await admin.health();
    expect(r.error).toMatchObject({ status: 502, code: 'http', message: 'HTTP 502', details: undefined });
  });
});

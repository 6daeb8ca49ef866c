import { alice, bob, createApp, ORG_UUID, PAGE_WELCOME, TEAM_ALPHA, TEAM_BETA } from '@doppel/mock-ones';
import { describe, expect, it } from 'vitest';
import { unwrap } from '../http.ts';
import { createOnesClient, OnesError } from './client.ts';

function setup() {
  const { app, twin } = createApp();
  const fetch = (r: Request) => Promise.resolve(app.fetch(r));
  return { client: createOnesClient({ baseUrl: 'http://ones.test', fetch }), twin };
}

describe('ONES client against the twin', () => {
  it('logs in and then sends Ones-User-Id / Ones-Auth-Token on every call', async () => {
    const { client, twin } = setup();
    const login = unwrap(await client.login({ email: bob.email, password: bob.password }));
    expect(login.user.uuid).toBe(bob.uuid);
    expect(client.credentials).toEqual({ userId: bob.uuid, token: bob.token });
    expect(unwrap(await client.me()).email).toBe(bob.email);
    const last = twin.journal.all().at(-1)!;
    expect(last.headers['ones-user-id']).toBe(bob.uuid);
  });

  it('reads teams, projects, a task and a page; renames the page', async () => {
    const { client } = setup();
    await client.login({ email: alice.email, password: alice.password });
    expect(unwrap(await client.organizationTeams(ORG_UUID)).teams.map((t) => t.uuid)).toEqual([TEAM_ALPHA, TEAM_BETA]);
    expect(unwrap(await client.teamProjects(TEAM_BETA)).projects.map((p) => p.name)).toEqual(['Beta launch']);
    expect(unwrap(await client.task(TEAM_ALPHA, 'AliceU01Task0001')).number).toBe(1);
    expect(unwrap(await client.updatePageTitle(TEAM_ALPHA, PAGE_WELCOME, 'Changelog'))).toEqual({});
    expect(unwrap(await client.page(TEAM_ALPHA, PAGE_WELCOME)).title).toBe('Changelog');
  });

  it('turns ONES errors into OnesError with status, errcode and type', async () => {
    const { client } = setup();
    const anon = await client.me();
    expect(anon.error).toBeInstanceOf(OnesError);
    expect(anon.error).toMatchObject({ status: 401, errcode: 'AuthFailure.InvalidToken', type: 'AuthFailure' });
    const wrong = await client.login({ email: alice.email, password: 'nope' });
    expect(wrong.error?.status).toBe(401);
    expect(client.credentials).toBeUndefined();
    await client.login({ email: bob.email, password: bob.password });
    expect((await client.teamProjects(TEAM_BETA)).error).toMatchObject({ status: 403, errcode: 'PermissionDenied' });
    expect(() => unwrap({ error: new OnesError(404, 'NotFound.Page', 'NotFound', {}), response: new Response() })).toThrow('NotFound.Page');
  });
});

/** A client whose calls are all answered by `answer`, keeping what it sent. */
function scripted(answer: () => Response, options: Partial<Parameters<typeof createOnesClient>[0]> = {}) {
  const seen: Request[] = [];
  const fetch = async (r: Request) => {
    seen.push(r);
    return answer();
  };
  return { client: createOnesClient({ baseUrl: 'http://ones.test/', fetch, ...options }), seen };
}

describe('ONES client requests', () => {
  it('sends no credentials before login, the given headers always, and the credentials over them', async () => {
    const { client, seen } = scripted(() => Response.json({}), { headers: { Referer: 'https://ones.example/', 'ones-user-id': 'stale' } });
    await client.me();
    expect([seen[0]!.headers.get('referer'), seen[0]!.headers.get('ones-user-id'), seen[0]!.headers.get('ones-auth-token')]).toEqual([
      'https://ones.example/',
      'stale',
      null,
    ]);
    const logged = scripted(() => Response.json({ user: { uuid: 'U1', token: 'TK' } }), { headers: { 'Ones-User-Id': 'stale' } });
    await logged.client.login({ phone: '13800000000', password: 'p' });
    await logged.client.me();
    expect(logged.seen.map((r) => [r.headers.get('ones-user-id'), r.headers.get('ones-auth-token')])).toEqual([
      ['stale', null],
      ['U1', 'TK'],
    ]);
    expect(await logged.seen[0]!.json()).toEqual({ phone: '13800000000', password: 'p' });
  });

  it('starts from the credentials it is given', async () => {
    const { client, seen } = scripted(() => Response.json({}), { credentials: { userId: 'U9', token: 'T9' } });
    await client.organizationTeams('Org/1');
    expect(seen[0]!.url).toBe('http://ones.test/project/api/project/organization/Org%2F1/teams');
    expect(seen[0]!.headers.get('ones-auth-token')).toBe('T9');
  });

  it('builds each API path from its parameters', async () => {
    const { client, seen } = scripted(() => Response.json({}));
    await client.teamProjects('T1');
    await client.task('T1', 'K1');
    await client.page('T1', 'P1');
    await client.updatePageTitle('T1', 'P1', 'New');
    expect(seen.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      'GET /project/api/project/team/T1/projects/my_project',
      'GET /project/api/project/team/T1/task/K1/info',
      'GET /wiki/api/wiki/team/T1/page/P1',
      'POST /wiki/api/wiki/team/T1/online_page/P1/update_title',
    ]);
    expect(await seen[3]!.json()).toEqual({ title: 'New' });
  });

  it('request() sends any other call with the client’s credentials', async () => {
    const { client, seen } = scripted(() => Response.json({ ok: 1 }), { credentials: { userId: 'U', token: 'T' } });
    const r = await client.request<{ ok: number }>('post', '/project/api/project/anything?x=1', { a: 1 });
    expect(r.data).toEqual({ ok: 1 });
    expect([seen[0]!.method, seen[0]!.url, seen[0]!.headers.get('ones-user-id'), await seen[0]!.json()]).toEqual([
      'POST',
      'http://ones.test/project/api/project/anything?x=1',
      'U',
      { a: 1 },
    ]);
  });

  it('a refusal without ONES’s body is HTTP<status> of type http', async () => {
    const { client } = scripted(() => new Response('gateway down', { status: 503 }));
    const r = await client.me();
    expect(r.error).toMatchObject({ status: 503, errcode: 'HTTP503', type: 'http', body: 'gateway down', name: 'OnesError' });
    expect(r.error?.message).toBe('ONES answered HTTP 503 HTTP503');
    expect(client.credentials).toBeUndefined();
  });
});

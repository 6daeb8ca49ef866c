import { ADMIN_SPEC, drift, loadSpec } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import { createApp, ONES_SPEC } from './app.ts';
import { alice, bob, ORG_UUID, PAGE_BETA, PAGE_WELCOME, TEAM_ALPHA, TEAM_BETA } from './fixtures.ts';

const P = '/project/api/project';
const W = '/wiki/api/wiki';
const as = (u: { uuid: string; token: string }, extra: Record<string, string> = {}) => ({
  headers: { 'Ones-User-Id': u.uuid, 'Ones-Auth-Token': u.token, ...extra },
});
const post = (u: { uuid: string; token: string } | undefined, body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(u ? as(u).headers : {}) },
  body: JSON.stringify(body),
});
const INVALID_TOKEN = { code: 401, errcode: 'AuthFailure.InvalidToken', reason: 'InvalidToken', type: 'AuthFailure' };

describe('ONES API', () => {
  it('serves exactly what ones.yaml declares (drift)', () => {
    const { app } = createApp();
    expect(drift(app, [loadSpec(ONES_SPEC), loadSpec(ADMIN_SPEC)])).toEqual({ unserved: [], undocumented: [] });
  });

  it('logs in by email or phone and returns the user with its token, teams and org', async () => {
    const { app } = createApp();
    const res = await app.request(`${P}/auth/login`, post(undefined, { email: alice.email, password: alice.password }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { user: Record<string, unknown>; teams: { uuid: string }[]; org: unknown };
    expect(body.user).toMatchObject({ uuid: alice.uuid, email: alice.email, token: alice.token, name: 'Alice' });
    expect(Object.keys(body.user).sort()).toEqual(
      ['uuid', 'email', 'name', 'name_pinyin', 'title', 'avatar', 'phone', 'create_time', 'status', 'channel', 'token', 'license_types'].sort(),
    );
    expect(body.teams.map((t) => t.uuid)).toEqual([TEAM_ALPHA, TEAM_BETA]);
    expect(body.org).toEqual({ uuid: ORG_UUID, name: 'Doppel Org' });
    const byPhone = await app.request(`${P}/auth/login`, post(undefined, { phone: bob.phone, password: bob.password }));
    expect(((await byPhone.json()) as { teams: unknown[] }).teams).toHaveLength(1);
  });

  it('refuses a wrong password and a login without email or phone', async () => {
    const { app } = createApp();
    const wrong = await app.request(`${P}/auth/login`, post(undefined, { email: alice.email, password: 'nope' }));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 401, type: 'AuthFailure' });
    const none = await app.request(`${P}/auth/login`, post(undefined, { password: 'x' }));
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ code: 400, errcode: 'InvalidParameter', field: 'email' });
  });

  it('GET /users/me answers ONES’s field set for the caller', async () => {
    const { app } = createApp();
    const res = await app.request(`${P}/users/me`, as(bob));
    expect(res.status).toBe(200);
    const me = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(me).sort()).toEqual(
      ['uuid', 'email', 'name', 'name_pinyin', 'title', 'avatar', 'phone', 'create_time', 'access_time', 'status', 'org_uuid', 'company', 'license_types', 'verify_status', 'sync_types'].sort(),
    );
    expect(me).toMatchObject({ uuid: bob.uuid, email: bob.email, org_uuid: ORG_UUID });
  });

  it('answers missing or wrong credentials with ONES’s own 401', async () => {
    const { app } = createApp();
    for (const init of [{}, as({ uuid: alice.uuid, token: 'wrong' }), as({ uuid: 'Nobody00', token: alice.token })]) {
      const res = await app.request(`${P}/users/me`, init);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(INVALID_TOKEN);
    }
  });

  it('lists the org’s teams of the caller (organisation level) and 404s another org', async () => {
    const { app } = createApp();
    const res = await app.request(`${P}/organization/${ORG_UUID}/teams`, as(bob));
    expect(((await res.json()) as { teams: { uuid: string; name: string }[] }).teams).toEqual([
      expect.objectContaining({ uuid: TEAM_ALPHA, name: 'Alpha', org_uuid: ORG_UUID }),
    ]);
    const other = await app.request(`${P}/organization/OtherOrg/teams`, as(bob));
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ errcode: 'NotFound.Organization' });
  });

  it('serves team-level projects and tasks, refusing non-members and unknown teams', async () => {
    const { app } = createApp();
    const projects = (await (await app.request(`${P}/team/${TEAM_ALPHA}/projects/my_project`, as(bob))).json()) as { projects: { name: string }[] };
    expect(projects.projects.map((p) => p.name)).toEqual(['Twin', 'Plugins']);
    const task = await app.request(`${P}/team/${TEAM_ALPHA}/task/AliceU01Task0001/info`, as(bob));
    expect(await task.json()).toMatchObject({ uuid: 'AliceU01Task0001', summary: 'Write the ONES twin', assign: bob.uuid });
    const denied = await app.request(`${P}/team/${TEAM_BETA}/projects/my_project`, as(bob));
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ code: 403, errcode: 'PermissionDenied' });
    const unknown = await app.request(`${P}/team/NoTeam00/projects/my_project`, as(bob));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ errcode: 'NotFound.Team' });
    const noTask = await app.request(`${P}/team/${TEAM_ALPHA}/task/nothing/info`, as(bob));
    expect(await noTask.json()).toMatchObject({ code: 404, errcode: 'NotFound.Task' });
  });

  it('renames a wiki page with update_title (answers {}) and the page read shows the new title', async () => {
    const { app } = createApp();
    const res = await app.request(`${W}/team/${TEAM_ALPHA}/online_page/${PAGE_WELCOME}/update_title`, post(alice, { title: 'Renamed' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const page = await app.request(`${W}/team/${TEAM_ALPHA}/page/${PAGE_WELCOME}`, as(alice));
    expect(await page.json()).toMatchObject({ uuid: PAGE_WELCOME, title: 'Renamed' });
    // A page of another team is not reachable through this team.
    expect((await app.request(`${W}/team/${TEAM_ALPHA}/page/${PAGE_BETA}`, as(alice))).status).toBe(404);
  });

  it('answers bad bodies with InvalidParameter naming the field, never 500', async () => {
    const { app } = createApp();
    const url = `${W}/team/${TEAM_ALPHA}/online_page/${PAGE_WELCOME}/update_title`;
    const empty = await app.request(url, post(alice, { title: '' }));
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ errcode: 'InvalidParameter', field: 'title' });
    const broken = await app.request(url, { method: 'POST', headers: { ...as(alice).headers, 'content-type': 'application/json' }, body: '{oops' });
    expect(broken.status).toBe(400);
    expect((await app.request(url, post(alice, [1, 2]))).status).toBe(400);
  });

  it('answers unknown paths and methods with ONES’s NotFound shape', async () => {
    const { app } = createApp();
    const res = await app.request(`${P}/nothing/here`, as(alice));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 404, errcode: 'NotFound.Route', reason: 'NotFound', type: 'NotFound' });
    expect((await app.request(`${P}/users/me`, post(alice, {}))).status).toBe(404);
  });

  it('journals each request under its tenant (the team, else the user) with the token masked', async () => {
    const { app, twin } = createApp();
    await app.request(`${P}/users/me`, as(alice));
    await app.request(`${P}/team/${TEAM_ALPHA}/projects/my_project`, as(alice));
    const [me, projects] = twin.journal.all();
    expect(me!.tenant).toBe(alice.uuid);
    expect(projects!.tenant).toBe(TEAM_ALPHA);
    expect(me!.headers['ones-auth-token']).toBe('****0001');
  });

  it('selects named states', async () => {
    const { app } = createApp();
    await app.request('/__admin/states/page%20titled', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ params: { title: 'Hi' } }) });
    expect(await (await app.request(`${W}/team/${TEAM_ALPHA}/page/${PAGE_WELCOME}`, as(alice))).json()).toMatchObject({ title: 'Hi' });
  });
});

import { createClock } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import { alice, bob, ORG_UUID, TEAM_ALPHA, TEAM_BETA } from './fixtures.ts';
import { createApp } from './server.ts';
import { as, auth, P, post } from './test-helpers.ts';

const INVALID_TOKEN = { code: 401, errcode: 'AuthFailure.InvalidToken', reason: 'InvalidToken', type: 'AuthFailure' };

describe('authentication (Ones-User-Id + Ones-Auth-Token)', () => {
  it('answers missing or wrong credentials with ONES’s own 401, whatever the path', async () => {
    const { app, twin } = createApp();
    const cases: Record<string, string>[] = [
      {},
      { 'Ones-User-Id': alice.uuid },
      { 'Ones-Auth-Token': alice.token },
      auth({ uuid: alice.uuid, token: 'wrong' }),
      auth({ uuid: 'Nobody00', token: alice.token }),
      auth({ uuid: alice.uuid, token: bob.token }),
    ];
    for (const headers of cases) {
      for (const path of [`${P}/users/me`, `${P}/team/${TEAM_ALPHA}/projects/my_project`]) {
        const res = await app.request(path, { headers });
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual(INVALID_TOKEN);
      }
    }
    expect(twin.state.accessTimes.size).toBe(0);
  });

  it('lets login through without credentials (security: [])', async () => {
    const { app } = createApp();
    const res = await app.request(`${P}/auth/login`, post(undefined, { email: bob.email, password: bob.password }));
    expect(res.status).toBe(200);
  });

  it('records each authenticated caller’s access time, in microseconds on the twin’s clock', async () => {
    const clock = createClock(() => Date.UTC(2024, 5, 1));
    const { app, twin } = createApp({ clock });
    await app.request(`${P}/organization/${ORG_UUID}/teams`, as(bob));
    expect(twin.state.accessTimes.get(bob.uuid)).toBe(Date.UTC(2024, 5, 1) * 1000);
    expect(twin.state.accessTimes.has(alice.uuid)).toBe(false);
    clock.advance(5000);
    const me = (await (await app.request(`${P}/users/me`, as(bob))).json()) as { access_time: number };
    expect(me.access_time).toBe((Date.UTC(2024, 5, 1) + 5000) * 1000);
  });

  it('refuses a team the caller is not in (403) and a team that does not exist (404 NotFound.Team)', async () => {
    const { app } = createApp();
    const denied = await app.request(`${P}/team/${TEAM_BETA}/projects/my_project`, as(bob));
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ code: 403, errcode: 'PermissionDenied', reason: 'PermissionDenied', type: 'PermissionDenied' });
    const unknown = await app.request(`${P}/team/NoTeam00/projects/my_project`, as(bob));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ code: 404, errcode: 'NotFound.Team', reason: 'NotFound', type: 'NotFound' });
    expect((await app.request(`${P}/team/${TEAM_BETA}/projects/my_project`, as(alice))).status).toBe(200);
  });

  it('files each request under its callers: the user (header, or the login’s email) and the team in the path', async () => {
    const { app, twin } = createApp();
    await app.request(`${P}/users/me`, as(alice));
    await app.request(`${P}/team/${TEAM_ALPHA}/projects/my_project`, as(alice));
    await app.request(`${P}/auth/login`, post(undefined, { email: alice.email, password: alice.password }));
    await app.request(`${P}/team/${TEAM_BETA}/projects/my_project?x=/team/Other`, as(alice));
    await app.request(`${P}/auth/login`, post(undefined, { email: 'nobody@doppel.test', password: 'x' }));
    expect(twin.journal.all().map((e) => e.callers)).toEqual([
      { user: alice.uuid },
      { user: alice.uuid, team: TEAM_ALPHA },
      { user: alice.uuid },
      { user: alice.uuid, team: TEAM_BETA },
      undefined,
    ]);
    // The deprecated tenant: the team, else the user.
    expect(twin.journal.all().map((e) => e.tenant)).toEqual([alice.uuid, TEAM_ALPHA, alice.uuid, TEAM_BETA, undefined]);
  });

  it('files a login under the user its phone names, and an anonymous call under the team in its path alone', async () => {
    const { app, twin } = createApp();
    await app.request(`${P}/auth/login`, post(undefined, { phone: bob.phone, password: bob.password }));
    await app.request(`${P}/auth/login`, post(undefined, { phone: '13899999999', password: 'x' }));
    await app.request(`${P}/team/${TEAM_ALPHA}/projects/my_project`);
    await app.request(`${P}/team/${TEAM_ALPHA}/auth/login`, post(undefined, { email: 'nobody@doppel.test' }));
    await app.request(`${P}/users/me`, as(bob));
    // toStrictEqual: a caller kind the request does not name is absent, not present as undefined.
    expect(twin.journal.all().map((e) => e.callers)).toStrictEqual([
      { user: bob.uuid },
      undefined,
      { team: TEAM_ALPHA },
      { team: TEAM_ALPHA },
      { user: bob.uuid },
    ]);
  });

  it('reads the user from a body only on a login, and never over the Ones-User-Id header', async () => {
    const { app, twin } = createApp();
    // Not a login: a body naming someone's email or phone does not make the request theirs.
    await app.request(`${P}/team/${TEAM_ALPHA}/items/add`, post(undefined, { email: bob.email }));
    await app.request(`${P}/users/update`, post(undefined, { phone: bob.phone }));
    // A login sent with another user's headers is filed under the header's user.
    await app.request(`${P}/auth/login`, post(alice, { email: bob.email, password: bob.password }));
    expect(twin.journal.all().map((e) => e.callers)).toStrictEqual([{ team: TEAM_ALPHA }, undefined, { user: alice.uuid }]);
  });

  it('scopes a rule to one user in one team', async () => {
    const { app } = createApp();
    const rule = { scenario: 'PERMISSION_DENIED', caller: { user: alice.uuid, team: TEAM_BETA }, times: 1 };
    expect((await app.request('/__admin/scenarios/rules', post(undefined, rule))).status).toBe(201);
    expect((await app.request(`${P}/team/${TEAM_ALPHA}/projects/my_project`, as(alice))).status).toBe(200);
    expect((await app.request(`${P}/team/${TEAM_BETA}/projects/my_project`, as(alice))).status).toBe(403);
    expect((await app.request(`${P}/team/${TEAM_BETA}/projects/my_project`, as(alice))).status).toBe(200);
  });
});

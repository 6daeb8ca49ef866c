import { createClock } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import { alice, bob, ORG_UUID, TEAM_ALPHA, TEAM_BETA } from '../fixtures.ts';
import { createApp } from '../server.ts';
import { as, P, post } from '../test-helpers.ts';

const T0 = 1_704_067_200_000_000;
const team = (uuid: string, name: string) => ({ uuid, name, owner: alice.uuid, org_uuid: ORG_UUID, status: 1, create_time: T0 });
const ALPHA = team(TEAM_ALPHA, 'Alpha');
const BETA = team(TEAM_BETA, 'Beta');
const login = (body: unknown) => post(undefined, body);

describe('POST /project/api/project/auth/login', () => {
  it('logs in by email and returns the user with its token, the user’s teams and the org', async () => {
    const { app } = createApp();
    const res = await app.request(`${P}/auth/login`, login({ email: alice.email, password: alice.password }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      user: {
        uuid: alice.uuid,
        email: alice.email,
        name: 'Alice',
        name_pinyin: 'alice',
        title: 'Owner',
        avatar: '',
        phone: alice.phone,
        create_time: T0,
        status: 1,
        license_types: [1, 2, 3, 4, 5],
        channel: alice.uuid,
        token: alice.token,
      },
      teams: [ALPHA, BETA],
      org: { uuid: ORG_UUID, name: 'Doppel Org' },
    });
  });

  it('logs in by phone; the email wins when both are given', async () => {
    const { app } = createApp();
    const byPhone = (await (await app.request(`${P}/auth/login`, login({ phone: bob.phone, password: bob.password }))).json()) as {
      user: { uuid: string };
      teams: unknown[];
    };
    expect(byPhone.user.uuid).toBe(bob.uuid);
    expect(byPhone.teams).toEqual([ALPHA]);
    const both = await app.request(`${P}/auth/login`, login({ email: alice.email, phone: bob.phone, password: alice.password }));
    expect(((await both.json()) as { user: { uuid: string } }).user.uuid).toBe(alice.uuid);
    const emailFirst = await app.request(
      `${P}/auth/login`,
      login({ email: 'nobody@doppel.test', phone: alice.phone, password: alice.password }),
    );
    expect(emailFirst.status).toBe(401);
  });

  it('refuses a wrong password or an unknown user with AuthFailure.InvalidPassword', async () => {
    const { app } = createApp();
    for (const body of [
      { email: alice.email, password: 'nope' },
      { email: alice.email, password: bob.password },
      { email: 'nobody@doppel.test', password: alice.password },
      { phone: '10000000000', password: alice.password },
    ]) {
      const res = await app.request(`${P}/auth/login`, login(body));
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        code: 401,
        errcode: 'AuthFailure.InvalidPassword',
        reason: 'InvalidPassword',
        type: 'AuthFailure',
      });
    }
  });

  it('refuses a login without email or phone, naming email, and one without password, naming password', async () => {
    const { app } = createApp();
    const none = await app.request(`${P}/auth/login`, login({ password: 'x' }));
    expect(none.status).toBe(400);
    expect(await none.json()).toEqual({
      code: 400,
      errcode: 'InvalidParameter',
      reason: 'InvalidParameter',
      type: 'InvalidParameter',
      field: 'email',
    });
    const noPassword = await app.request(`${P}/auth/login`, login({ email: alice.email }));
    expect(await noPassword.json()).toMatchObject({ errcode: 'InvalidParameter', field: 'password' });
  });
});

describe('organisation-level APIs', () => {
  it('GET /users/me answers ONES’s field set for the caller', async () => {
    const clock = createClock(() => Date.UTC(2024, 0, 2));
    const { app } = createApp({ clock });
    expect(await (await app.request(`${P}/users/me`, as(alice))).json()).toMatchObject({ company: 'Doppel', title: 'Owner' });
    const res = await app.request(`${P}/users/me`, as(bob));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      uuid: bob.uuid,
      email: bob.email,
      name: 'Bob',
      name_pinyin: 'bob',
      title: 'Developer',
      avatar: '',
      phone: bob.phone,
      create_time: T0 + 1_000_000,
      status: 1,
      license_types: [1, 2, 3, 4, 5],
      access_time: Date.UTC(2024, 0, 2) * 1000,
      org_uuid: ORG_UUID,
      company: 'Doppel',
      verify_status: 1,
      sync_types: [],
    });
  });

  it('POST /users/me (the doc’s custom-query example) answers as GET, with or without a body; 401 without credentials', async () => {
    const { app } = createApp({ clock: createClock(() => Date.UTC(2024, 0, 3)) });
    const got = await (await app.request(`${P}/users/me`, as(bob))).json();
    for (const init of [post(bob, { any: 'thing' }), { method: 'POST', headers: as(bob).headers }]) {
      const res = await app.request(`${P}/users/me?k3=v3`, init);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(got);
    }
    const anonymous = await app.request(`${P}/users/me`, post(undefined, {}));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ errcode: 'AuthFailure.InvalidToken' });
    const malformed = await app.request(`${P}/users/me`, {
      method: 'POST',
      headers: { ...as(bob).headers, 'content-type': 'application/json' },
      body: '{',
    });
    expect(await malformed.json()).toMatchObject({ errcode: 'InvalidParameter', field: 'body' });
  });

  it('lists the organisation’s teams of the caller and 404s another organisation', async () => {
    const { app } = createApp();
    expect(await (await app.request(`${P}/organization/${ORG_UUID}/teams`, as(bob))).json()).toEqual({ teams: [ALPHA] });
    expect(await (await app.request(`${P}/organization/${ORG_UUID}/teams`, as(alice))).json()).toEqual({ teams: [ALPHA, BETA] });
    const other = await app.request(`${P}/organization/OtherOrg/teams`, as(bob));
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ code: 404, errcode: 'NotFound.Organization', reason: 'NotFound', type: 'NotFound' });
  });
});

describe('team-level APIs', () => {
  it('lists the team’s projects, and none in the "no projects" state', async () => {
    const { app, twin } = createApp();
    expect(await (await app.request(`${P}/team/${TEAM_BETA}/projects/my_project`, as(alice))).json()).toEqual({
      projects: [{ uuid: 'ProjBeta00000001', name: 'Beta launch', owner: alice.uuid, status_uuid: 'to_do', create_time: T0 }],
    });
    expect(await (await app.request(`${P}/team/${TEAM_ALPHA}/projects/my_project`, as(bob))).json()).toEqual({
      projects: [
        { uuid: 'ProjAlpha0000001', name: 'Twin', owner: alice.uuid, status_uuid: 'to_do', create_time: T0 },
        { uuid: 'ProjAlpha0000002', name: 'Plugins', owner: bob.uuid, status_uuid: 'in_progress', create_time: T0 },
      ],
    });
    twin.useState('no projects');
    expect(await (await app.request(`${P}/team/${TEAM_ALPHA}/projects/my_project`, as(bob))).json()).toEqual({ projects: [] });
  });

  it('reads a task of the team, and 404s a task of another team or none', async () => {
    const { app } = createApp();
    const task = await app.request(`${P}/team/${TEAM_ALPHA}/task/AliceU01Task0001/info`, as(bob));
    expect(await task.json()).toEqual({
      uuid: 'AliceU01Task0001',
      project_uuid: 'ProjAlpha0000001',
      number: 1,
      summary: 'Write the ONES twin',
      owner: alice.uuid,
      assign: bob.uuid,
      status_uuid: 'to_do',
      create_time: T0,
    });
    const NOT_FOUND = { code: 404, errcode: 'NotFound.Task', reason: 'NotFound', type: 'NotFound' };
    const elsewhere = await app.request(`${P}/team/${TEAM_BETA}/task/AliceU01Task0001/info`, as(alice));
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toEqual(NOT_FOUND);
    expect(await (await app.request(`${P}/team/${TEAM_ALPHA}/task/nothing/info`, as(bob))).json()).toEqual(NOT_FOUND);
    expect((await app.request(`${P}/team/${TEAM_BETA}/task/AliceU01Task0001/info`, as(bob))).status).toBe(403);
  });
});

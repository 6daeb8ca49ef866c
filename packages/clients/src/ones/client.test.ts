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

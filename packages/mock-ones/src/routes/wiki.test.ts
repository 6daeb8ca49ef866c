import { createClock } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import { alice, bob, PAGE_BETA, PAGE_WELCOME, TEAM_ALPHA, TEAM_BETA } from '../fixtures.ts';
import { createApp } from '../server.ts';
import { as, post, W } from '../test-helpers.ts';

const T0 = 1_704_067_200_000_000;
const NOT_FOUND = { code: 404, errcode: 'NotFound.Page', reason: 'NotFound', type: 'NotFound' };
const titleUrl = (team: string, page: string) => `${W}/team/${team}/online_page/${page}/update_title`;

describe('wiki pages', () => {
  it('reads a page of the team with its current title', async () => {
    const { app } = createApp();
    const res = await app.request(`${W}/team/${TEAM_ALPHA}/page/${PAGE_WELCOME}`, as(bob));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      uuid: PAGE_WELCOME,
      space_uuid: 'SpaceAl1',
      title: 'Welcome',
      owner_uuid: alice.uuid,
      updated_time: T0,
    });
  });

  it('404s a page of another team, or none; 403s a team the caller is not in', async () => {
    const { app } = createApp();
    const other = await app.request(`${W}/team/${TEAM_ALPHA}/page/${PAGE_BETA}`, as(alice));
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual(NOT_FOUND);
    expect(await (await app.request(`${W}/team/${TEAM_ALPHA}/page/Nothing0`, as(alice))).json()).toEqual(NOT_FOUND);
    expect((await app.request(`${W}/team/${TEAM_BETA}/page/${PAGE_BETA}`, as(bob))).status).toBe(403);
    expect(await (await app.request(`${W}/team/${TEAM_BETA}/page/${PAGE_BETA}`, as(alice))).json()).toEqual({
      uuid: PAGE_BETA,
      space_uuid: 'SpaceBt1',
      title: 'Beta notes',
      owner_uuid: alice.uuid,
      updated_time: T0,
    });
    expect((await app.request(titleUrl(TEAM_ALPHA, PAGE_BETA), post(alice, { title: 'x' }))).status).toBe(404);
  });

  it('renames a page with update_title (answers {}), stamping updated_time on the twin’s clock', async () => {
    const clock = createClock(() => Date.UTC(2024, 2, 3));
    const { app, twin } = createApp({ clock });
    const res = await app.request(titleUrl(TEAM_ALPHA, PAGE_WELCOME), post(bob, { title: 'Renamed' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const page = await app.request(`${W}/team/${TEAM_ALPHA}/page/${PAGE_WELCOME}`, as(alice));
    expect(await page.json()).toMatchObject({ title: 'Renamed', updated_time: Date.UTC(2024, 2, 3) * 1000 });
    expect(twin.state.pages.get(PAGE_BETA)!.title).toBe('Beta notes');
  });
});

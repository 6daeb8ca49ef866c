import { describe, expect, it } from 'vitest';
import { alice, defaultFixtures, PAGE_WELCOME, TEAM_ALPHA } from './fixtures.ts';
import { createApp } from './server.ts';
import { onesStates } from './states.ts';
import { as, W } from './test-helpers.ts';

describe('named states (the Pact provider states)', () => {
  it('are the three documented ones, described for GET /__admin/states', () => {
    expect(createApp().twin.stateNames()).toEqual([
      {
        name: 'default org',
        description: 'The default fixtures: Alice (owner, teams Alpha and Beta), Bob (team Alpha), page "Welcome" in Alpha',
      },
      { name: 'page titled', description: 'The Welcome page of team Alpha carries params.title (default "Release notes")' },
      { name: 'no projects', description: 'Every team has no projects and no tasks' },
    ]);
  });

  it('"default org" is the default fixtures', () => {
    expect(onesStates['default org']!.apply(defaultFixtures(), {})).toEqual(defaultFixtures());
  });

  it('"page titled" renames only the first page: params.title, else "Release notes"', () => {
    const titled = onesStates['page titled']!.apply(defaultFixtures(), { title: 'Hi' });
    expect(titled.pages.map((p) => p.title)).toEqual(['Hi', 'Beta notes']);
    expect(onesStates['page titled']!.apply(defaultFixtures(), {}).pages.map((p) => p.title)).toEqual(['Release notes', 'Beta notes']);
    expect({ ...titled, pages: [] }).toEqual({ ...defaultFixtures(), pages: [] });
  });

  it('"no projects" leaves no project and no task', () => {
    const none = onesStates['no projects']!.apply(defaultFixtures(), {});
    expect(none.projects).toEqual([]);
    expect(none.tasks).toEqual([]);
    expect(none.teams).toEqual(defaultFixtures().teams);
  });

  it('are selected over the admin API', async () => {
    const { app } = createApp();
    await app.request('/__admin/states/page%20titled', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"params":{"title":"Hi"}}',
    });
    expect(await (await app.request(`${W}/team/${TEAM_ALPHA}/page/${PAGE_WELCOME}`, as(alice))).json()).toMatchObject({ title: 'Hi' });
  });
});

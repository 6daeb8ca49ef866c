import { describe, expect, it } from 'vitest';
import { json, K1, make, withKey } from './test-support.ts';

describe('admin: reset', () => {
  it('returns to the start-up fixtures and clears the journal, the scenario rules, the state and the clock', async () => {
    const { app, twin } = make();
    await app.request('/things', withKey(json({ name: 'x' })));
    await app.request('/__admin/states/empty', { method: 'POST' });
    await app.request('/things', withKey(json({ name: 'x' })));
    await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', match: { path: '/nowhere' } }));
    await app.request('/__admin/clock/advance', json({ minutes: 5 }));
    expect(twin.rules.size).toBe(1);
    const res = await app.request('/__admin/reset', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ reset: true, fixtures: 'defaults' });
    expect(twin.state.things.size).toBe(1);
    expect(twin.journal.count()).toBe(0);
    expect(twin.rules.size).toBe(0);
    expect(twin.activeState).toBeUndefined();
    expect(twin.clock.offset()).toBe(0);
  });
});

describe('admin: fixtures', () => {
  it('reads and replaces fixtures at run time, refusing invalid ones with the path and the reason', async () => {
    const { app, twin } = make();
    expect(await (await app.request('/__admin/fixtures')).json()).toEqual(twin.fixtures);
    const ok = await app.request('/__admin/fixtures', json({ things: [], keys: {} }, 'PUT'));
    expect(ok.status).toBe(200);
    expect(twin.state.things.size).toBe(0);
    const bad = await app.request('/__admin/fixtures', json({ things: [{ id: 1 }], keys: {} }, 'PUT'));
    expect(bad.status).toBe(400);
    const err = (await bad.json()) as { error: { code: string; details: { path: string; reason: string }[] } };
    expect(err.error.code).toBe('invalid_fixtures');
    expect(err.error.details).toEqual(
      expect.arrayContaining([
        { path: '/things/0/id', reason: 'must be string' },
        { path: '/things/0/name', reason: 'is required' },
      ]),
    );
    expect(twin.fixtures.things).toEqual([]);
  });

  it('reset after a replacement goes back to the start-up fixtures, not the replaced ones', async () => {
    const { app, twin } = make();
    await app.request('/__admin/fixtures', json({ things: [], keys: { z: 'q' } }, 'PUT'));
    await app.request('/__admin/reset', { method: 'POST' });
    expect(twin.fixtures.keys).toEqual({ k1: 'tenant-a', k2: 'tenant-b' });
  });
});

describe('admin: named states', () => {
  it('lists states, selects one with params, and refuses unknown names', async () => {
    const { app, twin } = make();
    expect(await (await app.request('/__admin/states')).json()).toEqual({
      active: null,
      states: [
        { name: 'empty', description: 'No things at all' },
        { name: 'many things', description: 'params.count things' },
      ],
    });
    const sel = await app.request('/__admin/states/many%20things', json({ params: { count: 5 } }));
    expect(await sel.json()).toEqual({ active: 'many things' });
    expect(twin.state.things.size).toBe(5);
    expect(((await (await app.request('/__admin/states')).json()) as { active: string }).active).toBe('many things');
    const unknown = await app.request('/__admin/states/nope', { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('known: empty, many things');
  });

  it('a state starts from a reset: earlier changes and rules are gone', async () => {
    const { app, twin } = make();
    await app.request('/things', withKey(json({ name: 'x' })));
    twin.rules.add({ scenario: 'QUOTA' });
    await app.request('/__admin/states/many%20things', json({ params: { count: 2 } }));
    expect([...twin.state.things.keys()]).toEqual(['t0', 't1']);
    expect(twin.rules.size).toBe(0);
  });
});

describe('admin: requests are validated against admin.yaml', () => {
  it('refuses bodies and paths the admin spec does not allow', async () => {
    const { app } = make();
    const res = await app.request('/__admin/clock/advance', json({ hours: 1 }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    const notJson = await app.request('/__admin/fixtures', { method: 'PUT', body: '{' });
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
    const nothing = await app.request('/__admin/nothing');
    expect(nothing.status).toBe(404);
    expect(((await nothing.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('serves the twin’s own admin routes', async () => {
    const { app } = make();
    expect(await (await app.request('/__admin/echo-count')).json()).toEqual({ count: 1 });
  });

  it('admin requests never enter the platform pipeline or its journal', async () => {
    const { app, twin } = make();
    await app.request('/__admin/health');
    await app.request('/things', K1);
    expect(twin.journal.all().map((e) => e.path)).toEqual(['/things']);
  });
});

describe('admin: health', () => {
  it('says which twin, where its fixtures came from, the active state, the journal and the clock', async () => {
    const { app, twin } = make({ journalSize: 7 });
    await app.request('/things', K1);
    twin.rules.add({ scenario: 'QUOTA', match: { path: '/x' } });
    const h = (await (await app.request('/__admin/health')).json()) as Record<string, unknown>;
    expect(h).toMatchObject({
      status: 'ok',
      twin: 'example',
      title: 'Example platform',
      fixtures: 'defaults',
      state: null,
      journal: { size: 7, recorded: 1 },
      rules: 1,
    });
    expect(Date.parse(String(h.clock))).toBeGreaterThan(0);
  });
});

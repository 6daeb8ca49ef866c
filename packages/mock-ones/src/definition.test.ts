import { ADMIN_SPEC, createTwinApp, drift, loadSpec } from '@doppel/mock-kit';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { OnesEnv } from './context.ts';
import { ONES_SPEC, onesTwin } from './definition.ts';
import { alice, bob, PAGE_WELCOME, TEAM_ALPHA } from './fixtures.ts';
import { createApp } from './server.ts';
import { as, P, post, W } from './test-helpers.ts';

const TITLE_URL = `${W}/team/${TEAM_ALPHA}/online_page/${PAGE_WELCOME}/update_title`;
const ones = (code: number, errcode: string, reason: string, type: string) => ({ code, errcode, reason, type });

describe('the ONES twin definition', () => {
  it('serves exactly what ones.yaml declares (drift)', () => {
    const { app } = createApp();
    expect(drift(app, [loadSpec(ONES_SPEC), loadSpec(ADMIN_SPEC)])).toEqual({ unserved: [], undocumented: [] });
  });

  it('is named ones, with its title, on its documented port', async () => {
    expect(onesTwin.name).toBe('ones');
    expect(onesTwin.title).toBe('ONES (project + wiki API, plugin API interception)');
    expect(onesTwin.defaultPort).toBe(4030);
    const { app } = createApp();
    expect(await (await app.request('/__admin/health')).json()).toMatchObject({ twin: 'ones' });
  });

  it('lists each user’s credentials for the CLI table', () => {
    expect(onesTwin.credentials!(onesTwin.fixtures.defaults())).toEqual([
      { label: 'Alice (alice@doppel.test)', value: 'password alice-password · Ones-User-Id AliceU01 · Ones-Auth-Token alice-token-0001' },
      { label: 'Bob (bob@doppel.test)', value: 'password bob-password · Ones-User-Id BobUse02 · Ones-Auth-Token bob-token-0002' },
    ]);
  });

  it('answers a request the spec refuses with InvalidParameter naming the first bad field, else the body', async () => {
    const { app } = createApp();
    const empty = await app.request(TITLE_URL, post(alice, { title: '' }));
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({ ...ones(400, 'InvalidParameter', 'InvalidParameter', 'InvalidParameter'), field: 'title' });
    const missing = await app.request(TITLE_URL, post(alice, { name: 'x' }));
    expect(await missing.json()).toMatchObject({ field: 'title' });
    const broken = await app.request(TITLE_URL, {
      method: 'POST',
      headers: { ...as(alice).headers, 'content-type': 'application/json' },
      body: '{oops',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ errcode: 'InvalidParameter', field: 'body' });
    const array = await app.request(TITLE_URL, post(alice, [1, 2]));
    expect(await array.json()).toMatchObject({ errcode: 'InvalidParameter', field: 'body' });
  });

  it('answers unknown paths and methods with ONES’s NotFound.Route', async () => {
    const { app } = createApp();
    for (const [path, init] of [
      [`${P}/nothing/here`, as(alice)],
      [`${P}/users/me`, { method: 'DELETE', headers: as(alice).headers }],
      ['/elsewhere', as(alice)],
    ] as const) {
      const res = await app.request(path, init);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual(ones(404, 'NotFound.Route', 'NotFound', 'NotFound'));
    }
  });

  it('answers a path it cannot unescape with ONES’s InvalidParameter, never 500', async () => {
    const { app, twin } = createApp();
    for (const bad of [`${W}/team/${TEAM_ALPHA}/online_page/%zz/update_title`, `${P}/organization/%E4/teams`, `${P}/users/me%`]) {
      const res = await app.request(bad, post(alice, { title: 'x' }));
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ ...ones(400, 'InvalidParameter', 'InvalidParameter', 'InvalidParameter'), field: 'path' });
    }
    expect(twin.journal.all().map((e) => e.error)).toEqual(['INVALID_PARAMETER', 'INVALID_PARAMETER', 'INVALID_PARAMETER']);
    // Well-formed escapes are unescaped as usual, `%25` (a literal %) included.
    const page = await app.request(`${W}/team/${TEAM_ALPHA}/page/%50ageWlc1`, as(alice));
    expect(await page.json()).toMatchObject({ uuid: PAGE_WELCOME });
    const percent = await app.request(`${W}/team/${TEAM_ALPHA}/page/100%25`, as(alice));
    expect(percent.status).toBe(404);
    expect(await percent.json()).toMatchObject({ errcode: 'NotFound.Page' });
  });

  it('answers a defect of the twin with ONES’s ServerError', async () => {
    const broken = new Hono<OnesEnv>().get('/users/me', () => {
      throw new Error('defect');
    });
    const { app } = createTwinApp({ ...onesTwin, routes: [['/project/api/project', broken]] });
    const quiet = console.error;
    console.error = () => undefined;
    try {
      const res = await app.request(`${P}/users/me`, as(bob));
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual(ones(500, 'ServerError', 'ServerError', 'ServerError'));
    } finally {
      console.error = quiet;
    }
  });

  it('answers a body over the twin’s limit with ONES’s RequestEntityTooLarge', async () => {
    const { app, twin } = createApp({ bodyLimit: 64 });
    const res = await app.request(TITLE_URL, post(bob, { title: 'x'.repeat(200) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual(ones(413, 'RequestEntityTooLarge', 'RequestEntityTooLarge', 'RequestEntityTooLarge'));
    expect(twin.journal.all()[0]!.error).toBe('PAYLOAD_TOO_LARGE');
  });

  it('masks the token in the journal', async () => {
    const { app, twin } = createApp();
    await app.request(`${P}/users/me`, as(alice));
    expect(twin.journal.all()[0]!.headers['ones-auth-token']).toBe('****0001');
  });
});

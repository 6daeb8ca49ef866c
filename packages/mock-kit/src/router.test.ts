import { getRouterName } from 'hono/dev';
import { describe, expect, it } from 'vitest';
import { exampleTwin } from '../example/index.ts';
import { createTwinApp } from './app.ts';
import { isAdminPath, TwinRouter } from './router.ts';

describe('the twin router', () => {
  it('tells admin paths from platform paths by the whole first segment', () => {
    expect(['/__admin', '/__admin/', '/__admin/journal/7', '/__admin/*'].map(isAdminPath)).toEqual([true, true, true, true]);
    expect(['/', '/__adminx', '/__admi', '/x/__admin', '/__Admin'].map(isAdminPath)).toEqual([false, false, false, false, false]);
  });

  it('keeps each half to its own routes: an admin request never sees a platform route, nor the reverse', () => {
    const r = new TwinRouter<string>();
    r.add('ALL', '/*', 'platform middleware');
    r.add('GET', '/__admin/journal/stream', 'stream');
    r.add('GET', '/__admin/journal/:id', 'entry');
    r.add('GET', '/__adminx', 'platform route');
    const handlers = (method: string, path: string) => (r.match(method, path)[0] as [string, unknown][]).map(([h]) => h);
    expect(handlers('GET', '/__admin/journal/stream')).toEqual(['stream', 'entry']);
    expect(handlers('GET', '/__admin/journal/7')).toEqual(['entry']);
    expect(handlers('GET', '/__adminx')).toEqual(['platform middleware', 'platform route']);
    expect(handlers('GET', '/anything')).toEqual(['platform middleware']);
  });

  it("gives a twin's platform routes Hono's RegExpRouter although the admin API does not fit it", async () => {
    const { app } = createTwinApp(exampleTwin);
    const router = app.router as TwinRouter<unknown>;
    expect((await app.request('/__admin/journal/1')).status).toBe(404);
    await app.request('/open');
    expect(router.platform.name).toBe('SmartRouter + RegExpRouter');
    expect(router.admin.name).toBe('TrieRouter');
  });

  it("names itself to Hono's dev tools", () => {
    expect(getRouterName(createTwinApp(exampleTwin).app)).toBe('TwinRouter');
  });
});

import { describe, expect, it } from 'vitest';
import { TEAM_ALPHA } from '../fixtures.ts';
import { createApp } from '../server.ts';
import { adminPost, api, yamlOf } from '../test-helpers.ts';

const TITLE = '/team/:teamUUID/online_page/:pageUUID/update_title';
const BASE = 'http://127.0.0.1:9';
type AdminError = { error: { code: string; message: string; details?: unknown } };

describe('/__admin/plugins', () => {
  it('registers plugin.yaml, reporting each api with its level and what it ignores; lists and reads it', async () => {
    const { app } = createApp();
    const yaml = yamlOf(
      api('prefix', 'POST', TITLE, 'prefixFunc'),
      api('suffix', 'GET', '/users/me', 'suffixFunc'),
      '  - { type: addition, url: /hello }\n',
    );
    const res = await app.request('/__admin/plugins', adminPost({ yaml, baseUrl: BASE }));
    expect(res.status).toBe(201);
    const summary = {
      name: 'test',
      baseUrl: BASE,
      teams: '*',
      timeoutMs: 5000,
      apis: [
        { type: 'prefix', methods: ['POST'], url: TITLE, scope: 'wiki', function: 'prefixFunc', level: 'team' },
        { type: 'suffix', methods: ['GET'], url: '/users/me', scope: 'project', function: 'suffixFunc', level: 'organization' },
      ],
      ignored: ['apis[2]: type addition (/hello) is not run by the twin'],
    };
    expect(await res.json()).toEqual({ ...summary, replaced: false });
    expect(await (await app.request('/__admin/plugins')).json()).toEqual({ plugins: [summary] });
    expect(await (await app.request('/__admin/plugins/test')).json()).toEqual(summary);
  });

  it('takes the parsed config, a name, teams and a timeout; registering the name again replaces it', async () => {
    const { app, twin } = createApp();
    const config = { apis: [{ type: 'replace', methods: ['GET'], url: '/users/me', function: 'f' }] };
    const body = { name: 'mine', config, baseUrl: BASE, teams: [TEAM_ALPHA], timeoutMs: 250 };
    const first = await app.request('/__admin/plugins', adminPost(body));
    expect(await first.json()).toMatchObject({ name: 'mine', teams: [TEAM_ALPHA], timeoutMs: 250, replaced: false });
    const again = await app.request('/__admin/plugins', adminPost(body));
    expect(again.status).toBe(201);
    expect(await again.json()).toMatchObject({ replaced: true });
    expect(twin.state.plugins.get('mine')!.target).toEqual({ baseUrl: BASE });
    expect(twin.state.plugins.size).toBe(1);
  });

  it('refuses bad registrations with the admin error shape, saying why', async () => {
    const { app } = createApp();
    const refused = async (body: unknown, status: number, code: string) => {
      const res = await app.request('/__admin/plugins', adminPost(body));
      expect(res.status).toBe(status);
      const err = (await res.json()) as AdminError;
      expect(err.error.code).toBe(code);
      return err.error;
    };
    expect((await refused({ baseUrl: BASE }, 400, 'invalid_plugin')).message).toBe('give yaml (the text of config/plugin.yaml) or config');
    expect((await refused({ yaml: 'apis: [\n', baseUrl: BASE }, 400, 'invalid_plugin')).message).toMatch(/not valid YAML/);
    expect((await refused({ yaml: yamlOf(), baseUrl: BASE, teams: ['Nope0000'] }, 400, 'invalid_plugin')).message).toMatch(
      /unknown team Nope0000/,
    );
    await refused({ yaml: yamlOf() }, 400, 'invalid_request');
    await app.request(
      '/__admin/plugins',
      adminPost({ name: 'first', yaml: yamlOf(api('suffix', 'GET', '/users/me', 'f')), baseUrl: BASE }),
    );
    const conflict = await refused(
      { name: 'second', yaml: yamlOf(api('suffix', 'GET', '/users/me', 'g')), baseUrl: BASE },
      409,
      'plugin_conflict',
    );
    expect(conflict.message).toContain('plugin "first" already intercepts');
    expect(conflict.details).toEqual({ plugin: 'first', type: 'suffix', method: 'GET', scope: 'project', url: '/users/me' });
  });

  it('unregisters one plugin, or all of them', async () => {
    const { app, twin } = createApp();
    for (const name of ['a', 'b']) await app.request('/__admin/plugins', adminPost({ name, yaml: yamlOf(), baseUrl: BASE }));
    const removed = await app.request('/__admin/plugins/a', { method: 'DELETE' });
    expect(await removed.json()).toEqual({ removed: 'a' });
    expect(twin.state.plugins.list().map((p) => p.name)).toEqual(['b']);
    for (const init of [{ method: 'DELETE' }, {}]) {
      const missing = await app.request('/__admin/plugins/a', init);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'no plugin a' } });
    }
    const cleared = await app.request('/__admin/plugins', { method: 'DELETE' });
    expect(await cleared.json()).toEqual({ cleared: true });
    expect(twin.state.plugins.size).toBe(0);
  });
});

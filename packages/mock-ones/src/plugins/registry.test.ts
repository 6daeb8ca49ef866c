import { describe, expect, it } from 'vitest';
import { TEAM_ALPHA, TEAM_BETA } from '../fixtures.ts';
import { api, yamlOf } from '../test-helpers.ts';
import { PluginConfigError } from './config.ts';
import { PluginConflictError, type PluginInput, PluginRegistry, replaceKey, summarize } from './registry.ts';

const TITLE = '/team/:teamUUID/online_page/:pageUUID/update_title';
const fns = { f: async () => ({ body: {} }) };
const registry = () => new PluginRegistry(() => [TEAM_ALPHA, TEAM_BETA]);
const input = (name: string | undefined, config: PluginInput['config'], extra: Partial<PluginInput> = {}): PluginInput => ({
  ...(name !== undefined && { name }),
  config,
  target: { functions: fns },
  ...extra,
});
const shape = (method: string, path: string, query = '', scope: 'project' | 'wiki' = 'project') => ({
  method,
  scope,
  path,
  query: new URLSearchParams(query),
});

describe('registering', () => {
  it('names a plugin by its name, else service.app_id, else service.name', () => {
    const reg = registry();
    expect(reg.register(input('given', 'service: { app_id: a, name: n }')).plugin.name).toBe('given');
    expect(reg.register(input(undefined, 'service: { app_id: a, name: n }')).plugin.name).toBe('a');
    expect(reg.register(input(undefined, 'service: { name: n }')).plugin.name).toBe('n');
    expect(reg.list().map((p) => p.name)).toEqual(['given', 'a', 'n']);
    expect(() => reg.register(input(undefined, 'service: {}'))).toThrow(
      new PluginConfigError('the plugin needs a name (give name, or service.app_id / service.name in plugin.yaml)'),
    );
  });

  it('installs a plugin in every team by default, else in the teams given (known teams only, each once)', () => {
    const reg = registry();
    expect(reg.register(input('all', yamlOf())).plugin.teams).toBe('*');
    expect(reg.register(input('two', yamlOf(), { teams: [TEAM_BETA, TEAM_ALPHA, TEAM_BETA] })).plugin.teams).toEqual([
      TEAM_BETA,
      TEAM_ALPHA,
    ]);
    expect(() => reg.register(input('bad', yamlOf(), { teams: [TEAM_ALPHA, 'Nope0000', 'Nope0001'] }))).toThrow(
      "unknown team Nope0000, Nope0001; the organisation's teams are TeamAlph, TeamBeta",
    );
    expect(reg.get('bad')).toBeUndefined();
  });

  it('waits 5000 ms for a plugin by default; a timeout must be an integer from 1 to 60000', () => {
    const reg = registry();
    expect(reg.register(input('d', yamlOf())).plugin.timeoutMs).toBe(5000);
    expect(reg.register(input('lo', yamlOf(), { timeoutMs: 1 })).plugin.timeoutMs).toBe(1);
    expect(reg.register(input('hi', yamlOf(), { timeoutMs: 60_000 })).plugin.timeoutMs).toBe(60_000);
    for (const timeoutMs of [0, 60_001, 1.5, -5]) {
      expect(() => reg.register(input('t', yamlOf(), { timeoutMs }))).toThrow('timeoutMs must be an integer between 1 and 60000');
    }
  });

  it('registering a name again replaces that plugin in place', () => {
    const reg = registry();
    reg.register(input('a', yamlOf(api('replace', 'GET', '/users/me', 'f'))));
    reg.register(input('b', yamlOf()));
    const again = reg.register(input('a', yamlOf(api('replace', 'GET', '/team/:t/projects/my_project', 'f'))));
    expect(again.replaced).toBe(true);
    expect(reg.register(input('c', yamlOf())).replaced).toBe(false);
    expect(reg.list().map((p) => p.name)).toEqual(['a', 'b', 'c']);
    expect(reg.size).toBe(3);
    expect(reg.get('a')!.rules.map((r) => r.url)).toEqual(['/team/:t/projects/my_project']);
    expect(reg.find('replace', shape('GET', '/users/me'))).toBeUndefined();
  });

  it('drops its library functions when the name is registered again over HTTP: a later library registration by another replica is not answered with them', () => {
    const here = registry();
    here.register(input('p', yamlOf()));
    here.register(input('p', yamlOf(), { target: { baseUrl: 'http://127.0.0.1:9' } }));
    expect(here.get('p')?.target).toEqual({ baseUrl: 'http://127.0.0.1:9' });
    const there = registry();
    there.register(input('p', yamlOf(), { target: { functions: { g: async () => ({ body: {} }) } } }));
    here.restoreShared(structuredClone(there.dumpShared()));
    // Its functions live in the other replica: none here (the engine answers 502 PluginError.FunctionFailed).
    expect(here.get('p')?.target).toEqual({ functions: {} });
  });

  it('keeps the rules it checked at registration: changing the config object afterwards changes nothing', () => {
    const reg = registry();
    const config = { service: { app_id: 'p' }, apis: [{ type: 'replace', methods: ['GET'], url: '/users/me', function: 'f' }] };
    reg.register(input(undefined, config));
    // A change the conflict rules never saw (another plugin may already intercept the new url).
    config.apis[0]!.url = '/organization/:orgUUID/teams';
    expect(reg.find('replace', shape('GET', '/users/me'))).toMatchObject({ plugin: { name: 'p' }, rule: { url: '/users/me' } });
    expect(reg.find('replace', shape('GET', '/organization/O1/teams'))).toBeUndefined();
    expect(reg.get('p')!.rules.map((r) => r.url)).toEqual(['/users/me']);
  });

  it('unregisters one plugin or all; list() is a copy', () => {
    const reg = registry();
    reg.register(input('a', yamlOf()));
    reg.register(input('b', yamlOf()));
    reg.list().pop();
    expect(reg.size).toBe(2);
    expect(reg.unregister('a')).toBe(true);
    expect(reg.unregister('a')).toBe(false);
    expect(reg.list().map((p) => p.name)).toEqual(['b']);
    reg.clear();
    expect(reg.size).toBe(0);
  });
});

describe('conflict rules', () => {
  it('allows one plugin per organisation-level API and type, naming the one already there', () => {
    const reg = registry();
    reg.register(input('first', yamlOf(api('suffix', 'GET', '/users/me', 'f'))));
    let conflict: PluginConflictError | undefined;
    try {
      reg.register(input('second', yamlOf(api('suffix', 'get', '/users/me/', 'g'))));
    } catch (err) {
      conflict = err as PluginConflictError;
    }
    expect(conflict).toBeInstanceOf(PluginConflictError);
    expect(conflict!.name).toBe('PluginConflictError');
    expect(conflict!.message).toBe(
      'plugin "second" cannot register suffix of GET project /users/me/: ' +
        'plugin "first" already intercepts this organisation-level API (only one plugin may suffix it)',
    );
    expect(conflict!.conflict).toEqual({ plugin: 'first', type: 'suffix', method: 'GET', scope: 'project', url: '/users/me' });
    expect(reg.get('second')).toBeUndefined();
  });

  it('another type, method or scope on the same url is another API', () => {
    const reg = registry();
    reg.register(input('first', yamlOf(api('suffix', 'GET', '/users/me', 'f'))));
    expect(() => reg.register(input('prefix', yamlOf(api('prefix', 'GET', '/users/me', 'f'))))).not.toThrow();
    expect(() => reg.register(input('post', yamlOf(api('suffix', 'POST', '/users/me', 'f'))))).not.toThrow();
    expect(() =>
      reg.register(input('wiki', yamlOf('  - { type: suffix, methods: [GET], url: /users/me, scope: wiki, function: f }\n'))),
    ).not.toThrow();
    expect(() => reg.register(input('other', yamlOf(api('suffix', 'GET', '/users/you', 'f'))))).not.toThrow();
    // The same plugin re-registering does not conflict with its old self.
    expect(() => reg.register(input('first', yamlOf(api('suffix', 'GET', '/users/me', 'g'))))).not.toThrow();
    expect(() => reg.register(input('again', yamlOf('  - { type: suffix, methods: [PUT, GET], url: /users/me, function: f }\n')))).toThrow(
      /suffix of GET project/,
    );
  });

  it('allows one plugin per team for a team-level API', () => {
    const reg = registry();
    reg.register(input('alpha-only', yamlOf(api('replace', 'POST', TITLE, 'f')), { teams: [TEAM_ALPHA] }));
    expect(() => reg.register(input('beta-only', yamlOf(api('replace', 'POST', TITLE, 'f')), { teams: [TEAM_BETA] }))).not.toThrow();
    // The same API with other :param names, installed everywhere: refused, naming the plugin and the team.
    let conflict: PluginConflictError | undefined;
    try {
      reg.register(input('everywhere', yamlOf(api('replace', 'POST', '/team/:teamUUID/online_page/:page/update_title', 'f'))));
    } catch (err) {
      conflict = err as PluginConflictError;
    }
    expect(conflict!.message).toBe(
      'plugin "everywhere" cannot register replace of POST wiki /team/:teamUUID/online_page/:page/update_title in team TeamAlph: ' +
        'plugin "alpha-only" already intercepts this team-level API in that team (one plugin per team may replace it)',
    );
    expect(conflict!.conflict).toEqual({
      plugin: 'alpha-only',
      type: 'replace',
      method: 'POST',
      scope: 'wiki',
      url: TITLE,
      team: TEAM_ALPHA,
    });
    expect(() => reg.register(input('beta-too', yamlOf(api('replace', 'POST', TITLE, 'f')), { teams: [TEAM_BETA] }))).toThrow(
      /in team TeamBeta: plugin "beta-only"/,
    );
    expect(reg.list().map((p) => p.name)).toEqual(['alpha-only', 'beta-only']);
  });

  it('a plugin installed everywhere blocks every team', () => {
    const reg = registry();
    reg.register(input('everywhere', yamlOf(api('replace', 'POST', TITLE, 'f'))));
    expect(() => reg.register(input('beta', yamlOf(api('replace', 'POST', TITLE, 'f')), { teams: [TEAM_BETA] }))).toThrow(
      /in team TeamBeta/,
    );
  });

  it('lets one plugin declare several rules for the same API (query variants)', () => {
    const config = yamlOf(
      api('replace', 'GET', '/users/me', 'f', '    query:\n      a: "1"\n'),
      api('replace', 'GET', '/users/me', 'f', '    query:\n      b: "2"\n'),
    );
    expect(() => registry().register(input('q', config))).not.toThrow();
  });
});

describe('which rule fires', () => {
  it('matches type, scope, method and url', () => {
    const reg = registry();
    reg.register(input('p', yamlOf(api('replace', 'GET', '/users/me', 'f'), api('prefix', 'POST', TITLE, 'pre'))));
    expect(reg.find('replace', shape('GET', '/users/me'))).toMatchObject({ plugin: { name: 'p' }, rule: { function: 'f' }, params: {} });
    expect(reg.find('replace', shape('GET', '/users/me'))).not.toHaveProperty('teamUUID');
    expect(reg.find('prefix', shape('GET', '/users/me'))).toBeUndefined();
    expect(reg.find('replace', shape('POST', '/users/me'))).toBeUndefined();
    expect(reg.find('replace', shape('GET', '/users/me', '', 'wiki'))).toBeUndefined();
    expect(reg.find('replace', shape('GET', '/users/you'))).toBeUndefined();
    expect(reg.find('prefix', shape('POST', `/team/${TEAM_BETA}/online_page/P1/update_title`, '', 'wiki'))).toMatchObject({
      rule: { function: 'pre' },
      params: { teamUUID: TEAM_BETA, pageUUID: 'P1' },
      teamUUID: TEAM_BETA,
    });
  });

  it('fires organisation-level rules whatever the plugin’s teams', () => {
    const reg = registry();
    reg.register(input('beta-only', yamlOf(api('replace', 'GET', '/users/me', 'f')), { teams: [TEAM_BETA] }));
    expect(reg.find('replace', shape('GET', '/users/me'))).toMatchObject({ plugin: { name: 'beta-only' } });
  });

  it('fires team-level rules only in the plugin’s teams', () => {
    const reg = registry();
    reg.register(input('beta-only', yamlOf(api('replace', 'GET', '/team/:teamUUID/projects/my_project', 'f')), { teams: [TEAM_BETA] }));
    expect(reg.find('replace', shape('GET', `/team/${TEAM_ALPHA}/projects/my_project`))).toBeUndefined();
    expect(reg.find('replace', shape('GET', `/team/${TEAM_BETA}/projects/my_project`))).toMatchObject({ teamUUID: TEAM_BETA });
  });

  it('needs every key/value of the rule’s query (extra ones are fine); the first declared rule wins', () => {
    const reg = registry();
    reg.register(
      input(
        'q',
        yamlOf(
          api('replace', 'GET', '/users/me', 'one', '    query:\n      k1: v1\n      k4: v4\n'),
          api('replace', 'GET', '/users/me', 'two', '    query:\n      k2: v2\n'),
        ),
      ),
    );
    const fired = (query: string) => reg.find('replace', shape('GET', '/users/me', query))?.rule.function;
    expect(fired('k2=v2')).toBe('two');
    expect(fired('k1=v1&k4=v4&k2=v2')).toBe('one');
    expect(fired('k1=v1&k2=v2')).toBe('two');
    expect(fired('k1=v0&k1=v1&k4=v4')).toBe('one');
    expect(fired('k1=v1')).toBeUndefined();
    expect(fired('')).toBeUndefined();
  });

  it('across plugins, the first registered wins', () => {
    const reg = registry();
    reg.register(input('one', yamlOf(api('replace', 'GET', '/users/:who', 'f', '    query:\n      a: "1"\n'))));
    reg.register(input('two', yamlOf(api('replace', 'GET', '/users/me', 'f'))));
    expect(reg.find('replace', shape('GET', '/users/me', 'a=1'))).toMatchObject({ plugin: { name: 'one' }, params: { who: 'me' } });
    expect(reg.find('replace', shape('GET', '/users/me'))?.plugin.name).toBe('two');
  });
});

describe('summarize', () => {
  it('is the admin API’s view of a plugin', () => {
    const reg = registry();
    const { plugin } = reg.register({
      name: 'http',
      config: yamlOf(
        api('prefix', 'POST', TITLE, 'pre'),
        api('replace', 'GET', '/users/me', 'f', '    query:\n      k: v\n'),
        '  - { type: external }\n',
      ),
      teams: [TEAM_ALPHA],
      timeoutMs: 100,
      target: { baseUrl: 'http://127.0.0.1:9' },
    });
    expect(summarize(plugin)).toEqual({
      name: 'http',
      baseUrl: 'http://127.0.0.1:9',
      teams: [TEAM_ALPHA],
      timeoutMs: 100,
      apis: [
        { type: 'prefix', methods: ['POST'], url: TITLE, scope: 'wiki', function: 'pre', level: 'team' },
        { type: 'replace', methods: ['GET'], url: '/users/me', scope: 'project', function: 'f', query: { k: 'v' }, level: 'organization' },
      ],
      ignored: ['apis[2]: type external () is not run by the twin'],
    });
    const lib = reg.register(input('lib', yamlOf())).plugin;
    expect(summarize(lib, true)).toEqual({
      name: 'lib',
      library: true,
      teams: '*',
      timeoutMs: 5000,
      apis: [],
      ignored: [],
      replaced: true,
    });
    expect(summarize(lib, false)).toMatchObject({ replaced: false });
    expect(summarize(lib)).not.toHaveProperty('replaced');
    expect(summarize(plugin)).not.toHaveProperty('library');
    expect(summarize(lib)).not.toHaveProperty('baseUrl');
  });
});

describe('replace calls in flight and pending suffixes', () => {
  it('an API is in flight for a user until every replace call for it has settled, a failed one included', async () => {
    const reg = registry();
    const key = replaceKey('POST', 'wiki', '/team/T/online_page/P/update_title', 'U1');
    let finishFirst!: () => void;
    const first = reg.whileReplacing(key, () => new Promise<void>((r) => (finishFirst = r)));
    const second = reg.whileReplacing(key, () => Promise.reject(new Error('boom')));
    expect(reg.isReplacing(key)).toBe(true);
    await expect(second).rejects.toThrow('boom');
    expect(reg.isReplacing(key)).toBe(true);
    expect(reg.isReplacing(replaceKey('POST', 'wiki', '/team/T/online_page/P/update_title', 'U2'))).toBe(false);
    expect(reg.isReplacing(replaceKey('GET', 'wiki', '/team/T/online_page/P/update_title', 'U1'))).toBe(false);
    expect(reg.isReplacing(replaceKey('POST', 'project', '/team/T/online_page/P/update_title', 'U1'))).toBe(false);
    finishFirst();
    await first;
    expect(reg.isReplacing(key)).toBe(false);
    // No user id is a user of its own (anonymous APIs such as login).
    expect(replaceKey('POST', 'project', '/auth/login', undefined)).toBe(replaceKey('POST', 'project', '/auth/login', ''));
  });

  it('settled() waits for every tracked suffix, those started while waiting included', async () => {
    const reg = registry();
    const done: string[] = [];
    reg.track(
      new Promise<void>((r) => setTimeout(r, 5)).then(() => {
        done.push('a');
        reg.track(new Promise<void>((r) => setTimeout(r, 5)).then(() => void done.push('b')));
      }),
    );
    reg.track(Promise.reject(new Error('a failed suffix is settled too')));
    await reg.settled();
    expect(done).toEqual(['a', 'b']);
    await reg.settled();
  });
});

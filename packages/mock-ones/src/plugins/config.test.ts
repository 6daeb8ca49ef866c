import { describe, expect, it } from 'vitest';
import { compileUrl, PluginConfigError, parsePluginConfig, scopeOf } from './config.ts';

const entry = (fields: Record<string, unknown>) => ({
  apis: [{ type: 'replace', methods: ['GET'], url: '/users/me', function: 'f', ...fields }],
});
const refusal = (config: unknown) => {
  try {
    parsePluginConfig(config as Record<string, unknown>);
  } catch (err) {
    expect(err).toBeInstanceOf(PluginConfigError);
    expect((err as Error).name).toBe('PluginConfigError');
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('scopeOf', () => {
  it('splits a full path into its scope and the path plugin.yaml names', () => {
    expect(scopeOf('/project/api/project/users/me')).toEqual({ scope: 'project', path: '/users/me' });
    expect(scopeOf('/wiki/api/wiki/team/x/page/y')).toEqual({ scope: 'wiki', path: '/team/x/page/y' });
    expect(scopeOf('/project/api/project')).toEqual({ scope: 'project', path: '/' });
    expect(scopeOf('/wiki/api/wiki/')).toEqual({ scope: 'wiki', path: '/' });
    expect(scopeOf('/project/api/projects/x')).toBeUndefined();
    expect(scopeOf('/x/project/api/project/users/me')).toBeUndefined();
    expect(scopeOf('/')).toBeUndefined();
  });
});

describe('compileUrl', () => {
  it('matches the whole path, a trailing slash allowed, answering the unescaped :params', () => {
    const { match, key } = compileUrl('/team/:teamUUID/online_page/:pageUUID/update_title');
    expect(key).toBe('/team/:/online_page/:/update_title');
    expect(match('/team/T1/online_page/P%201/update_title')).toEqual({ teamUUID: 'T1', pageUUID: 'P 1' });
    expect(match('/team/T1/online_page/P1/update_title/')).toEqual({ teamUUID: 'T1', pageUUID: 'P1' });
    expect(match('/team/T1/online_page/P1/update_title/x')).toBeUndefined();
    expect(match('/x/team/T1/online_page/P1/update_title')).toBeUndefined();
    expect(match('/team//online_page/P1/update_title')).toBeUndefined();
    expect(match('/team/a/b/online_page/P1/update_title')).toBeUndefined();
  });

  it('takes every other character literally', () => {
    const { match, key } = compileUrl('/files/a.b+(c)');
    expect(key).toBe('/files/a.b+(c)');
    expect(compileUrl('/users/:id/').key).toBe('/users/:');
    expect(match('/files/a.b+(c)')).toEqual({});
    expect(match('/files/axb+(c)')).toBeUndefined();
    expect(match('/files/a.bb(c)')).toBeUndefined();
    expect(compileUrl('/users/me').match('/users/me')).toEqual({});
  });
});

describe('parsePluginConfig', () => {
  it('reads plugin.yaml text and the same document parsed', () => {
    const yaml =
      'service:\n  app_id: demo\napis:\n  - type: prefix\n    methods: [post]\n' +
      '    url: /team/:teamUUID/online_page/:pageUUID/update_title\n    scope: wiki\n    function: pre\n';
    const parsed = parsePluginConfig(yaml);
    expect(parsed.service).toEqual({ app_id: 'demo' });
    expect(parsed.ignored).toEqual([]);
    expect(parsed.rules).toEqual([
      expect.objectContaining({
        type: 'prefix',
        methods: ['POST'],
        url: '/team/:teamUUID/online_page/:pageUUID/update_title',
        scope: 'wiki',
        function: 'pre',
        level: 'team',
        teamParam: 'teamUUID',
        index: 0,
        key: '/team/:/online_page/:/update_title',
      }),
    ]);
    expect(parsed.rules[0]).not.toHaveProperty('query');
    const org = parsePluginConfig(entry({})).rules[0]!;
    expect(org).toMatchObject({ scope: 'project', level: 'organization' });
    expect(org).not.toHaveProperty('teamParam');
  });

  it('names the team parameter whatever it is called', () => {
    expect(parsePluginConfig(entry({ url: '/team/:t/projects/my_project' })).rules[0]).toMatchObject({ level: 'team', teamParam: 't' });
    expect(parsePluginConfig(entry({ url: '/teams/:t' })).rules[0]).toMatchObject({ level: 'organization' });
  });

  it('lists entries of types it does not run, keeping each rule’s position', () => {
    const parsed = parsePluginConfig({
      apis: [
        { type: 'addition', url: '/hello' },
        { type: 'subscribe' },
        { type: 'suffix', methods: ['GET'], url: '/users/me', function: 'f' },
      ],
    });
    expect(parsed.ignored).toEqual([
      'apis[0]: type addition (/hello) is not run by the twin',
      'apis[1]: type subscribe () is not run by the twin',
    ]);
    expect(parsed.rules.map((r) => r.index)).toEqual([2]);
  });

  it('takes a query map, its values as strings', () => {
    expect(parsePluginConfig(entry({ query: { a: 'x', n: 1, b: true } })).rules[0]!.query).toEqual({ a: 'x', n: '1', b: 'true' });
    expect(parsePluginConfig(entry({ query: null })).rules[0]).not.toHaveProperty('query');
  });

  it('has no rules and no service for an empty document', () => {
    expect(parsePluginConfig({})).toEqual({ service: {}, rules: [], ignored: [] });
    expect(parsePluginConfig('apis:\nservice: text\n')).toEqual({ service: {}, rules: [], ignored: [] });
  });

  it('refuses what it cannot run, saying which entry is wrong and why', () => {
    expect(refusal('apis: [\n')).toMatch(/^plugin\.yaml is not valid YAML: \S{4,}/);
    expect(refusal('apis: [\n')).not.toContain('\n');
    expect(refusal('just text')).toBe('plugin.yaml must be a mapping');
    expect(refusal([])).toBe('plugin.yaml must be a mapping');
    expect(refusal('')).toBe('plugin.yaml must be a mapping');
    expect(refusal({ apis: {} })).toBe('apis must be a list');
    expect(refusal({ apis: ['x'] })).toBe('apis[0] must be a mapping');
    expect(refusal({ apis: [null] })).toBe('apis[0] must be a mapping');
    expect(refusal({ apis: [{ methods: ['GET'] }] })).toBe('apis[0].type is required');
    const methods = 'apis[0].methods must be a non-empty list of HTTP methods';
    expect(refusal(entry({ methods: 'GET' }))).toBe(methods);
    expect(refusal(entry({ methods: [] }))).toBe(methods);
    expect(refusal(entry({ methods: ['GET', 1] }))).toBe(methods);
    expect(refusal(entry({ methods: ['GET', 'FETCH'] }))).toBe('apis[0].methods: FETCH is not an HTTP method');
    expect(refusal(entry({ url: 'users/me' }))).toBe('apis[0].url must be a path starting with /');
    expect(refusal(entry({ url: 5 }))).toBe('apis[0].url must be a path starting with /');
    expect(refusal(entry({ url: '/wiki/api/wiki/team/:t/page/:p' }))).toBe(
      'apis[0].url must be written without the /project/api/project or /wiki/api/wiki prefix',
    );
    expect(refusal(entry({ scope: 'cloud' }))).toBe('apis[0].scope must be project or wiki');
    const fn = 'apis[0].function must be the name of an exported function';
    for (const bad of [undefined, '', '1st', 'a-b', 'a b', 7]) expect(refusal(entry({ function: bad }))).toBe(fn);
    expect(refusal(entry({ query: ['a'] }))).toBe('apis[0].query must be a map');
    expect(refusal(entry({ query: 'a=1' }))).toBe('apis[0].query must be a map');
    expect(refusal(entry({ query: { k: { v: 1 } } }))).toBe('apis[0].query.k must be a string');
    expect(refusal({ apis: [entry({}).apis[0], { type: 'prefix' }] })).toMatch(/^apis\[1\]\.methods/);
  });

  it('accepts every HTTP method and JavaScript identifiers as function names', () => {
    const all = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
    expect(parsePluginConfig(entry({ methods: all.map((m) => m.toLowerCase()) })).rules[0]!.methods).toEqual(all);
    for (const name of ['$f', '_f', 'f1', 'jackFunc']) expect(parsePluginConfig(entry({ function: name })).rules[0]!.function).toBe(name);
    expect(parsePluginConfig(entry({ scope: 'wiki' })).rules[0]!.scope).toBe('wiki');
    expect(parsePluginConfig(entry({ url: '/project/api/projects' })).rules[0]!.url).toBe('/project/api/projects');
  });
});

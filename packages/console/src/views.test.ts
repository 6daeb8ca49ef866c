import { describe, expect, it } from 'vitest';
import {
  advanceBody,
  cellText,
  dingtalkAssets,
  durationText,
  faultOf,
  problemsOf,
  shortTitle,
  shortToken,
  tablesOf,
  tokenExpiry,
  toYaml,
  yamlString,
} from './views.ts';

describe('the fixtures editor’s YAML', () => {
  it('writes plain scalars only where they read back as the same string', () => {
    expect(yamlString('dingdoppelcorp')).toBe('dingdoppelcorp');
    expect(yamlString('钉钉 自建应用')).toBe('钉钉 自建应用');
    for (const s of ['true', 'No', 'null', '', '42', ' x', 'x ', 'a: b', 'dca://x/y', '#c', 'x\ty', '-1', '[a]', "it's"])
      expect(yamlString(s)).toBe(JSON.stringify(s));
  });

  it('writes block YAML: objects, arrays of objects, nested arrays, empty ones, numbers, booleans and null', () => {
    const doc = {
      orgs: [{ corpId: 'ding1', name: '组织', admin: { userId: 'u1' } }],
      grants: [],
      ids: [1, 2],
      nested: [[1], { a: null }],
      empty: {},
      ttl: 7200,
      on: true,
      url: 'http://127.0.0.1:4010',
    };
    expect(toYaml(doc)).toBe(
      [
        'orgs:',
        '- corpId: ding1',
        '  name: 组织',
        '  admin:',
        '    userId: u1',
        'grants: []',
        'ids:',
        '- 1',
        '- 2',
        'nested:',
        '- - 1',
        '- a: null',
        'empty: {}',
        'ttl: 7200',
        '"on": true',
        'url: "http://127.0.0.1:4010"',
        '',
      ].join('\n'),
    );
    expect(toYaml({})).toBe('{}\n');
    expect(toYaml([])).toBe('[]\n');
    expect(toYaml('x')).toBe('x\n');
  });
});

describe('the fixtures tables', () => {
  it('show arrays of objects as rows (columns: every key, first seen first), objects as fields, the rest as values', () => {
    expect(tablesOf({ apps: [{ code: 'a' }, { code: 'b', key: 'k' }], org: { uuid: 'o' }, ttl: 5, mixed: [1, { a: 1 }] })).toEqual([
      { name: 'apps', kind: 'rows', columns: ['code', 'key'], rows: [{ code: 'a' }, { code: 'b', key: 'k' }] },
      { name: 'org', kind: 'fields', fields: [['uuid', 'o']] },
      { name: 'ttl', kind: 'value', value: 5 },
      { name: 'mixed', kind: 'value', value: [1, { a: 1 }] },
    ]);
    expect(tablesOf(null)).toEqual([{ name: '(fixtures)', kind: 'value', value: null }]);
  });

  it('cells: strings as they are, the rest as compact JSON, cut', () => {
    expect(cellText('张三')).toBe('张三');
    expect(cellText([1, 2])).toBe('[1,2]');
    expect(cellText(undefined)).toBe('');
    expect(cellText('x'.repeat(10), 5)).toBe('xxxx…');
  });

  it('an error’s problems are its details’ path and reason', () => {
    expect(problemsOf([{ path: '/apps', reason: 'must be array' }, { message: 'm' }, 'x', null])).toEqual([
      { path: '/apps', reason: 'must be array' },
      { path: '', reason: 'm' },
    ]);
    expect(problemsOf(undefined)).toEqual([]);
  });
});

describe('the clock', () => {
  it('passes token expiry by one second: DingTalk’s tokenTtlSeconds, GitHub’s 8 h user tokens; none elsewhere', () => {
    expect(tokenExpiry('dingtalk', { tokenTtlSeconds: 7200 })?.seconds).toBe(7201);
    expect(tokenExpiry('dingtalk', { tokenTtlSeconds: 60 })?.label).toContain('1 min');
    expect(tokenExpiry('dingtalk', {})?.seconds).toBe(7201);
    expect(tokenExpiry('oauth', {})?.seconds).toBe(28_801);
    expect(tokenExpiry('zentao', {})).toBeUndefined();
  });

  it('says durations for people', () => {
    expect(durationText(0)).toBe('0 s');
    expect(durationText(7_201_000)).toBe('2 h 0 min 1 s');
    expect(durationText(-300_000)).toBe('-5 min');
    expect(durationText(90_000_000)).toBe('1 d 1 h 0 min');
  });

  it('advances in the API’s units', () => {
    expect(advanceBody(2, 'hours')).toEqual({ minutes: 120 });
    expect(advanceBody(5, 'minutes')).toEqual({ minutes: 5 });
    expect(advanceBody(30, 'seconds')).toEqual({ seconds: 30 });
  });
});

describe('generic faults', () => {
  it('are a delay, a status with a JSON (or text) body, or a drop', () => {
    expect(faultOf('delay', 1500, 0, '')).toEqual({ type: 'delay', ms: 1500 });
    expect(faultOf('drop', 0, 0, '')).toEqual({ type: 'drop' });
    expect(faultOf('status', 0, 503, ' ')).toEqual({ type: 'status', status: 503 });
    expect(faultOf('status', 0, 503, '{"a":1}')).toEqual({ type: 'status', status: 503, body: { a: 1 } });
    expect(faultOf('status', 0, 502, 'Bad gateway')).toEqual({ type: 'status', status: 502, body: 'Bad gateway' });
  });
});

describe('DingTalk’s assets', () => {
  it('are each action’s connect asset URI, through its connector’s provider organisation', () => {
    const f = {
      connectors: [{ id: 'C1', name: '待办', providerCorpId: 'dingcorp' }],
      actions: [
        { id: 'A1', name: '创建待办', connectorId: 'C1' },
        { id: 'A2', name: 'lost', connectorId: 'C9' },
      ],
    };
    expect(dingtalkAssets(f)).toEqual([
      { uri: 'dca://dingcorp.connect.dingtalk.com/dingcorp/action/A1', name: '创建待办', connector: '待办' },
    ]);
    expect(dingtalkAssets(undefined)).toEqual([]);
  });
});

describe('tokens in a narrow column', () => {
  it('keep their prefix and last four characters', () => {
    expect(shortToken('gho_Bd0rD52OoBgKu7a07EVawI0Rkh7LJFjGsn9J')).toBe('gho_Bd0r…sn9J');
    expect(shortToken('short')).toBe('short');
  });
});

describe('shortTitle', () => {
  it("cuts a twin's title at its first ' (' or ' / ', so the tabs fit one row", () => {
    expect(shortTitle('ZenTao / xuanxuan IM notifications')).toBe('ZenTao');
    expect(shortTitle('ONES (project + wiki API, plugin API interception)')).toBe('ONES');
    expect(shortTitle('GitHub OAuth')).toBe('GitHub OAuth');
  });
});

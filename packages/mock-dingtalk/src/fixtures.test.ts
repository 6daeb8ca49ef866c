import { readFileSync } from 'node:fs';
import { sampleFromSchema, schemaProblems } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import {
  connectAssetUri,
  DEFAULT_CORP_ID,
  defaultFixtures,
  FILLER_OFFICIAL_CONNECTORS,
  fixturesSchema,
  IDS,
  ISV_CORP_ID,
  OFFICIAL_CORP_ID,
  OTHER_CORP_ID,
  SELF_BUILT_APP,
  SUITE,
} from './fixtures.ts';
import type { DingTalkApp } from './context.ts';
import { dingtalkStates } from './states.ts';
import { call, createApp, selfBuiltToken } from './test-helpers.ts';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('default fixtures (documented in the README)', () => {
  it('have the README’s credentials, with the suite installed in dingdoppelcorp only', () => {
    const f = defaultFixtures();
    expect(f.orgs.map((o) => o.corpId)).toEqual([DEFAULT_CORP_ID, OTHER_CORP_ID]);
    for (const org of f.orgs) expect(README).toContain(`\`${org.corpId}\` (${org.name})`);
    expect(f.apps).toEqual([{ ...SELF_BUILT_APP }]);
    expect(f.suites).toHaveLength(1);
    expect(f.suites[0]).toMatchObject({ ...SUITE, installedCorpIds: [DEFAULT_CORP_ID] });
    for (const value of [
      DEFAULT_CORP_ID,
      OTHER_CORP_ID,
      SELF_BUILT_APP.appKey,
      SELF_BUILT_APP.appSecret,
      SUITE.suiteKey,
      SUITE.suiteSecret,
      SUITE.suiteTicket,
    ]) {
      expect(README).toContain(`\`${value}\``);
    }
    expect(f).toMatchObject({ defaultPageSize: 10, tokenTtlSeconds: 7200 });
    expect(f.tokens).toBeUndefined();
    expect(f.instances).toBeUndefined();
  });

  it('have the README’s connectors, each with the actions the README names', () => {
    const f = defaultFixtures();
    const rows = [...README.matchAll(/^\| (self_built|third_party|official) \| (.+?) `(G-CONN-[0-9A-F]+)` \| (.+?) \|/gm)];
    expect(rows).toHaveLength(5);
    for (const [, type, name, id, actions] of rows) {
      const connector = f.connectors.find((c) => c.id === id);
      expect(connector, id).toMatchObject({ type, name });
      const names = f.actions.filter((a) => a.connectorId === id).map((a) => a.name);
      const documented = actions!.split(/\), |, (?![^(]*\))/).map((a) => a.replace(/\*\*|\s*\(.*$/g, '').trim());
      expect(names, id).toEqual(documented);
    }
  });

  it('put the providers in the connect asset URIs of the README’s examples', () => {
    const f = defaultFixtures();
    expect(connectAssetUri(ISV_CORP_ID, IDS.createOrder)).toBe(
      'dca://dingdoppelisvcorp.connect.dingtalk.com/dingdoppelisvcorp/action/G-ACT-101FDEBD3C6E213DB4740011',
    );
    expect(README).toContain(connectAssetUri(ISV_CORP_ID, IDS.createOrder));
    expect(f.connectors.filter((c) => c.type === 'official').every((c) => c.providerCorpId === OFFICIAL_CORP_ID)).toBe(true);
    expect(f.connectors.filter((c) => c.type === 'third_party').every((c) => c.providerCorpId === ISV_CORP_ID)).toBe(true);
  });

  it('have a connector of each type with two or more actions, and more official connectors than a default page', () => {
    const f = defaultFixtures();
    for (const type of ['self_built', 'third_party', 'official'] as const) {
      const rich = f.connectors.filter((c) => c.type === type && f.actions.filter((a) => a.connectorId === c.id).length >= 2);
      expect(rich.length, type).toBeGreaterThan(0);
    }
    const official = f.connectors.filter((c) => c.type === 'official');
    expect(official).toHaveLength(2 + FILLER_OFFICIAL_CONNECTORS);
    for (const [i, c] of official.slice(2).entries()) {
      const n = String(i + 1).padStart(2, '0');
      expect(c.name).toBe(`官方连接器 ${n}`);
      expect(f.actions.filter((a) => a.connectorId === c.id).map((a) => a.name)).toEqual([`通用动作 ${n}`]);
    }
    expect(official.length).toBeGreaterThan(f.defaultPageSize);
    expect(new Set(f.connectors.map((c) => c.id)).size).toBe(f.connectors.length);
    expect(new Set(f.actions.map((a) => a.id)).size).toBe(f.actions.length);
  });

  it('scope the suite to ERP, to-do, calendar and fillers 01–08, and grant it all of that but 创建销售订单', () => {
    const f = defaultFixtures();
    const scope = f.suites[0]!.usageScope;
    expect(scope.slice(0, 3)).toEqual([IDS.erp, IDS.todo, IDS.calendar]);
    expect(scope).toHaveLength(3 + 8);
    expect(scope).not.toContain(IDS.esign);
    const fillers = f.connectors.filter((c) => c.type === 'official').slice(2);
    expect(scope.slice(3)).toEqual(fillers.slice(0, 8).map((c) => c.id));
    const inScope = f.actions.filter((a) => scope.includes(a.connectorId) || a.connectorId === IDS.crm).map((a) => a.id);
    expect(f.grants).toEqual([
      { corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey, actionIds: inScope.filter((id) => id !== IDS.createOrder) },
    ]);
  });

  it('give every action an input schema that names its required fields, and an output valid against its output schema', () => {
    const f = defaultFixtures();
    for (const action of f.actions) {
      const required = (action.inputSchema.required ?? []) as string[];
      expect(schemaProblems(action.inputSchema, {}, 'input'), action.id).toEqual(required.map((r) => `/${r} is required`));
      expect(schemaProblems(action.outputSchema, action.output ?? sampleFromSchema(action.outputSchema, 'output')), action.id).toEqual([]);
      for (const failure of action.failures ?? []) expect(failure.errorCode, action.id).not.toBe('0');
    }
  });

  it('are a new object on every call', () => {
    const a = defaultFixtures();
    a.orgs.length = 0;
    a.actions[0]!.name = 'changed';
    expect(defaultFixtures().orgs).toHaveLength(2);
    expect(defaultFixtures().actions[0]!.name).toBe('创建客户');
  });
});

describe('the default actions’ input schemas', () => {
  const action = (id: string) => defaultFixtures().actions.find((a) => a.id === id)!;
  const problems = (id: string, input: unknown) => schemaProblems(action(id).inputSchema, input, 'input');

  it.each<[string, string, unknown, string[]]>([
    ['创建客户', IDS.createCustomer, {}, ['/name is required', '/mobile is required']],
    [
      '创建客户',
      IDS.createCustomer,
      { name: '', mobile: '23800000000', level: 'D' },
      ['/name must NOT have fewer than 1 characters', '/mobile must match pattern "^1[0-9]{10}$"', '/level must be one of ["A","B","C"]'],
    ],
    ['查询客户', IDS.queryCustomer, {}, ['/customerId is required']],
    [
      '客户同步集成流',
      IDS.syncCustomersFlow,
      { since: 'yesterday', dryRun: 'no' },
      ['/since must match format "date-time"', '/dryRun must be boolean'],
    ],
    ['创建销售订单', IDS.createOrder, {}, ['/customerName is required', '/items is required']],
    [
      '创建销售订单',
      IDS.createOrder,
      { customerName: '', items: [] },
      ['/customerName must NOT have fewer than 1 characters', '/items must NOT have fewer than 1 items'],
    ],
    [
      '创建销售订单',
      IDS.createOrder,
      { customerName: 'c', items: [{}, { sku: 1, quantity: 0 }] },
      ['/items/0/sku is required', '/items/0/quantity is required', '/items/1/sku must be string', '/items/1/quantity must be >= 1'],
    ],
    ['查询库存', IDS.queryStock, { sku: '', warehouse: 1 }, ['/sku must NOT have fewer than 1 characters', '/warehouse must be string']],
    ['发起签署', IDS.createContract, { title: 't', signers: [] }, ['/signers must NOT have fewer than 1 items']],
    ['查询签署状态', IDS.signContract, {}, ['/flowId is required']],
    [
      '创建待办',
      IDS.createTodo,
      { subject: '', executorIds: [], dueTime: 'tomorrow' },
      ['/subject must NOT have fewer than 1 characters', '/executorIds must NOT have fewer than 1 items', '/dueTime must be integer'],
    ],
    ['创建待办', IDS.createTodo, { subject: 'x'.repeat(1025), executorIds: ['u'] }, ['/subject must NOT have more than 1024 characters']],
    ['查询待办列表', IDS.listTodos, { isDone: 'yes' }, ['/isDone must be boolean']],
    [
      '创建日程',
      IDS.createEvent,
      { summary: 's', start: 'now', end: 'later' },
      ['/start must match format "date-time"', '/end must match format "date-time"'],
    ],
    ['查询日程', IDS.listEvents, {}, ['/from is required']],
    ['查询日程', IDS.listEvents, { from: 'monday' }, ['/from must match format "date-time"']],
    ['创建日程', IDS.createEvent, {}, ['/summary is required', '/start is required', '/end is required']],
    ['创建日程', IDS.createEvent, { summary: 1, start: '2024-01-01T00:00:00Z', end: '2024-01-01T00:00:00Z' }, ['/summary must be string']],
    ['发起签署', IDS.createContract, {}, ['/title is required', '/signers is required']],
    ['发起签署', IDS.createContract, { title: 1, signers: [1] }, ['/title must be string', '/signers/0 must be string']],
    ['查询签署状态', IDS.signContract, { flowId: 1 }, ['/flowId must be string']],
    ['查询客户', IDS.queryCustomer, { customerId: 1 }, ['/customerId must be string']],
    ['查询库存', IDS.queryStock, {}, ['/sku is required']],
    ['创建待办', IDS.createTodo, {}, ['/subject is required', '/executorIds is required']],
    ['创建待办', IDS.createTodo, { subject: 1, executorIds: [1] }, ['/subject must be string', '/executorIds/0 must be string']],
    ['客户同步集成流', IDS.syncCustomersFlow, {}, ['/since is required']],
    ['通用动作 01', 'G-ACT-101FDEBD3C6E213DB4740101', { text: 1 }, ['/text must be string']],
    [
      '创建客户',
      IDS.createCustomer,
      { name: 1, mobile: 1, level: 1 },
      ['/name must be string', '/mobile must be string', '/level must be string', '/level must be one of ["A","B","C"]'],
    ],
  ])('%s refuses %j', (_name, id, input, expected) => {
    expect(problems(id, input)).toEqual(expected);
  });

  it('accept what the README’s examples send', () => {
    expect(problems(IDS.createCustomer, { name: '张三', mobile: '13800000000', level: 'A' })).toEqual([]);
    expect(problems(IDS.createOrder, { customerName: '甲', items: [{ sku: 'S1', quantity: 1 }] })).toEqual([]);
    expect(problems(IDS.createTodo, { subject: '周报', executorIds: ['u1'], dueTime: 1 })).toEqual([]);
    expect(problems(IDS.listTodos, {})).toEqual([]);
  });
});

describe('the default actions’ outputs', () => {
  it('and inputs are objects', () => {
    for (const action of defaultFixtures().actions) {
      expect(schemaProblems(action.inputSchema, 5, 'input'), action.id).toEqual(['input must be object']);
      expect(schemaProblems(action.outputSchema, 5, 'output'), action.id).toEqual(['output must be object']);
    }
  });

  it.each<[string, string, unknown, string[]]>([
    [
      '创建客户',
      IDS.createCustomer,
      { customerId: null, createdAt: 'today' },
      ['/customerId must be string', '/createdAt must match format "date-time"'],
    ],
    [
      '查询客户',
      IDS.queryCustomer,
      { customerId: 'c', name: null, level: 'D', tags: [] },
      ['/name must be string', '/level must be one of ["A","B","C"]', '/tags must NOT have fewer than 1 items'],
    ],
    ['客户同步集成流', IDS.syncCustomersFlow, { synced: 1.5, failed: -1 }, ['/synced must be integer', '/failed must be >= 0']],
    [
      '创建销售订单',
      IDS.createOrder,
      { orderNo: null, status: 'gone', amount: -1 },
      ['/orderNo must be string', '/status must be one of ["created","pending"]', '/amount must be >= 0'],
    ],
    [
      '查询库存',
      IDS.queryStock,
      { sku: null, available: -1, warehouse: null },
      ['/sku must be string', '/available must be >= 0', '/warehouse must be string'],
    ],
    ['发起签署', IDS.createContract, { flowId: null }, ['/flowId must be string']],
    ['查询签署状态', IDS.signContract, { status: 'lost' }, ['/status must be one of ["signing","done","rejected"]']],
    [
      '创建待办',
      IDS.createTodo,
      { id: null, subject: null, createdTime: 1.5, done: null },
      ['/id must be string', '/subject must be string', '/createdTime must be integer', '/done must be boolean'],
    ],
    [
      '查询待办列表',
      IDS.listTodos,
      { todoCards: [{ taskId: null }] },
      ['/todoCards/0/subject is required', '/todoCards/0/taskId must be string'],
    ],
    ['查询待办列表', IDS.listTodos, { todoCards: {} }, ['/todoCards must be array']],
    ['创建日程', IDS.createEvent, { eventId: null }, ['/eventId must be string']],
    ['查询日程', IDS.listEvents, { events: [null] }, ['/events/0 must be string']],
    ['通用动作 01', 'G-ACT-101FDEBD3C6E213DB4740101', { ok: null }, ['/ok must be boolean']],
    ['通用动作 01', 'G-ACT-101FDEBD3C6E213DB4740101', {}, ['/ok is required']],
  ])('%s refuses the output %j', (_name, id, output, expected) => {
    const { outputSchema } = defaultFixtures().actions.find((a) => a.id === id)!;
    expect(schemaProblems(outputSchema, output, 'output')).toEqual(expected);
  });

  it('of the README’s actions with a fixture output are the documented ones', () => {
    const output = (id: string) => defaultFixtures().actions.find((a) => a.id === id)!.output;
    expect(output(IDS.createCustomer)).toEqual({ customerId: 'CUST-0001', createdAt: '2024-05-01T08:00:00Z' });
    expect(output(IDS.createOrder)).toEqual({ orderNo: 'SO-20240501-0001', status: 'created', amount: 199.5 });
    expect(output(IDS.syncCustomersFlow)).toEqual({ synced: 12, failed: 0 });
    expect(output(IDS.queryCustomer)).toBeUndefined();
  });

  it.each<[string, string, string[]]>([
    ['创建客户', IDS.createCustomer, ['customerId', 'createdAt']],
    ['查询客户', IDS.queryCustomer, ['customerId', 'name', 'level']],
    ['客户同步集成流', IDS.syncCustomersFlow, ['synced', 'failed']],
    ['创建销售订单', IDS.createOrder, ['orderNo', 'status', 'amount']],
    ['查询库存', IDS.queryStock, ['sku', 'available']],
    ['发起签署', IDS.createContract, ['flowId']],
    ['查询签署状态', IDS.signContract, ['status']],
    ['创建待办', IDS.createTodo, ['id', 'subject', 'createdTime']],
    ['查询待办列表', IDS.listTodos, ['todoCards']],
    ['创建日程', IDS.createEvent, ['eventId']],
    ['查询日程', IDS.listEvents, ['events']],
  ])('%s always answers %j', (_name, id, fields) => {
    const { outputSchema } = defaultFixtures().actions.find((a) => a.id === id)!;
    expect(schemaProblems(outputSchema, {}, 'output')).toEqual(fields.map((f) => `/${f} is required`));
  });
});

describe('the fixtures schema', () => {
  it('accepts the defaults and every named state', () => {
    expect(schemaProblems(fixturesSchema, defaultFixtures())).toEqual([]);
    for (const [name, state] of Object.entries(dingtalkStates)) {
      expect(schemaProblems(fixturesSchema, state.apply(defaultFixtures(), {})), name).toEqual([]);
    }
  });

  /** Set (or with DELETE, remove) the value at a slash-separated path of a fixtures document. */
  const DELETE = Symbol('delete');
  function patched(path: string, value: unknown): unknown {
    if (path === '') return value;
    // With a token and an instance, so their entries can be broken too.
    const doc = dingtalkStates['tokens issued, instance created']!.apply(defaultFixtures(), {}) as unknown as Record<string, unknown>;
    const keys = path.split('/');
    const last = keys.pop()!;
    const parent = keys.reduce((o, k) => o[k] as Record<string, unknown>, doc);
    if (value === DELETE) delete parent[last];
    else parent[last] = value;
    return doc;
  }

  it.each<[string, string, unknown, string]>([
    ['no orgs', 'orgs', DELETE, '/orgs is required'],
    ['no apps', 'apps', DELETE, '/apps is required'],
    ['no suites', 'suites', DELETE, '/suites is required'],
    ['no connectors', 'connectors', DELETE, '/connectors is required'],
    ['no actions', 'actions', DELETE, '/actions is required'],
    ['no grants', 'grants', DELETE, '/grants is required'],
    ['no defaultPageSize', 'defaultPageSize', DELETE, '/defaultPageSize is required'],
    ['no tokenTtlSeconds', 'tokenTtlSeconds', DELETE, '/tokenTtlSeconds is required'],
    ['an unknown field', 'extra', 1, '/extra is not a known field'],
    ['an empty orgs list', 'orgs', [], '/orgs must NOT have fewer than 1 items'],
    ['an org without a name', 'orgs/0/name', DELETE, '/orgs/0/name is required'],
    ['an org with an empty corpId', 'orgs/0/corpId', '', '/orgs/0/corpId must NOT have fewer than 1 characters'],
    ['an org with an unknown field', 'orgs/0/x', 1, '/orgs/0/x is not a known field'],
    ['an app without a corpId', 'apps/0/corpId', DELETE, '/apps/0/corpId is required'],
    ['an app with an empty appKey', 'apps/0/appKey', '', '/apps/0/appKey must NOT have fewer than 1 characters'],
    ['an app with an empty appSecret', 'apps/0/appSecret', '', '/apps/0/appSecret must NOT have fewer than 1 characters'],
    ['an app with a numeric name', 'apps/0/name', 1, '/apps/0/name must be string'],
    ['an app with an unknown field', 'apps/0/x', 1, '/apps/0/x is not a known field'],
    ['a suite without a usage scope', 'suites/0/usageScope', DELETE, '/suites/0/usageScope is required'],
    ['a suite with an empty suiteKey', 'suites/0/suiteKey', '', '/suites/0/suiteKey must NOT have fewer than 1 characters'],
    ['an empty suiteSecret', 'suites/0/suiteSecret', '', '/suites/0/suiteSecret must NOT have fewer than 1 characters'],
    ['an empty suiteTicket', 'suites/0/suiteTicket', '', '/suites/0/suiteTicket must NOT have fewer than 1 characters'],
    ['a suite installed in a number', 'suites/0/installedCorpIds', [1], '/suites/0/installedCorpIds/0 must be string'],
    ['a suite with an unknown field', 'suites/0/x', 1, '/suites/0/x is not a known field'],
    ['an unknown connector type', 'connectors/0/type', 'mine', '/connectors/0/type must be one of ["self_built","third_party","official"]'],
    ['a connector without a provider', 'connectors/0/providerCorpId', DELETE, '/connectors/0/providerCorpId is required'],
    ['a connector with an empty id', 'connectors/0/id', '', '/connectors/0/id must NOT have fewer than 1 characters'],
    ['an empty provider', 'connectors/0/providerCorpId', '', '/connectors/0/providerCorpId must NOT have fewer than 1 characters'],
    ['a connector for numeric corps', 'connectors/0/availableToCorpIds', [1], '/connectors/0/availableToCorpIds/0 must be string'],
    ['a connector with a numeric icon', 'connectors/0/icon', 1, '/connectors/0/icon must be string'],
    ['a connector with an unknown field', 'connectors/0/x', 1, '/connectors/0/x is not a known field'],
    ['an action of an unknown refType', 'actions/0/refType', 'x', '/actions/0/refType must be one of ["action","integration_flow"]'],
    [
      'an unknown integrationType',
      'actions/0/integrationType',
      'x',
      '/actions/0/integrationType must be one of ["basic","integration_endpoint"]',
    ],
    ['an action without an inputSchema', 'actions/0/inputSchema', DELETE, '/actions/0/inputSchema is required'],
    ['an action with a text inputSchema', 'actions/0/inputSchema', '{}', '/actions/0/inputSchema must be object'],
    ['an action with a text outputSchema', 'actions/0/outputSchema', '{}', '/actions/0/outputSchema must be object'],
    ['an action with a text output', 'actions/0/output', '{}', '/actions/0/output must be object'],
    ['an action with an empty id', 'actions/0/id', '', '/actions/0/id must NOT have fewer than 1 characters'],
    ['an action failing with errorCode "0"', 'actions/0/failures/0/errorCode', '0', '/actions/0/failures/0/errorCode must NOT be valid'],
    ['a failure without a message', 'actions/0/failures/0/errorMessage', DELETE, '/actions/0/failures/0/errorMessage is required'],
    ['a failure with an unknown field', 'actions/0/failures/0/x', 1, '/actions/0/failures/0/x is not a known field'],
    ['a negative cost', 'actions/0/cost', -1, '/actions/0/cost must be >= 0'],
    ['a fractional cost', 'actions/0/cost', 1.5, '/actions/0/cost must be integer'],
    ['a numeric versionId', 'actions/0/versionId', 1, '/actions/0/versionId must be string'],
    ['a numeric description', 'actions/0/description', 1, '/actions/0/description must be string'],
    ['a numeric icon', 'actions/0/icon', 1, '/actions/0/icon must be string'],
    ['a numeric connectorId', 'actions/0/connectorId', 1, '/actions/0/connectorId must be string'],
    ['an unknown integrationConfig field', 'actions/0/integrationConfig/x', 1, '/actions/0/integrationConfig/x is not a known field'],
    [
      'a category without a value',
      'actions/0/integrationConfig/categoryNames/0/value',
      DELETE,
      '/actions/0/integrationConfig/categoryNames/0/value is required',
    ],
    [
      'a prop without a value',
      'actions/0/integrationConfig/props/0/value',
      DELETE,
      '/actions/0/integrationConfig/props/0/value is required',
    ],
    ['a numeric entityName', 'actions/0/integrationConfig/entityName', 1, '/actions/0/integrationConfig/entityName must be string'],
    ['a prop without a key', 'actions/0/integrationConfig/props/0/key', DELETE, '/actions/0/integrationConfig/props/0/key is required'],
    ['an action with an unknown field', 'actions/0/x', 1, '/actions/0/x is not a known field'],
    ['a grant without actions', 'grants/0/actionIds', DELETE, '/grants/0/actionIds is required'],
    ['a grant with an unknown field', 'grants/0/x', 1, '/grants/0/x is not a known field'],
    ['a token with an empty value', 'tokens/0/token', '', '/tokens/0/token must NOT have fewer than 1 characters'],
    ['a token without a client', 'tokens/0/clientId', DELETE, '/tokens/0/clientId is required'],
    ['a token with an unknown field', 'tokens/0/x', 1, '/tokens/0/x is not a known field'],
    ['an instance with an empty key', 'instances/0/instanceKey', '', '/instances/0/instanceKey must NOT have fewer than 1 characters'],
    ['an instance without an action', 'instances/0/actionId', DELETE, '/instances/0/actionId is required'],
    ['an instance with an unknown field', 'instances/0/x', 1, '/instances/0/x is not a known field'],
    ['a page size of 0', 'defaultPageSize', 0, '/defaultPageSize must be >= 1'],
    ['a page size of 101', 'defaultPageSize', 101, '/defaultPageSize must be <= 100'],
    ['a fractional page size', 'defaultPageSize', 2.5, '/defaultPageSize must be integer'],
    ['a token lifetime of 0', 'tokenTtlSeconds', 0, '/tokenTtlSeconds must be >= 1'],
    ['no execution records kept', 'maxExecutions', 0, '/maxExecutions must be >= 1'],
    ['a fractional token lifetime', 'tokenTtlSeconds', 1.5, '/tokenTtlSeconds must be integer'],
    ['a fractional record count', 'maxExecutions', 1.5, '/maxExecutions must be integer'],
    ['no tokens kept', 'maxTokens', 0, '/maxTokens must be >= 1'],
    ['more tokens than a twin should hold', 'maxTokens', 10_000_001, '/maxTokens must be <= 10000000'],
    ['no instances kept', 'maxInstances', 0, '/maxInstances must be >= 1'],
    ['an org administrator without a password', 'orgs/0/admin/password', DELETE, '/orgs/0/admin/password is required'],
    ['an org administrator with an empty login', 'orgs/0/admin/login', '', '/orgs/0/admin/login must NOT have fewer than 1 characters'],
    ['orgs that are not a list', 'orgs', {}, '/orgs must be array'],
    ['an org that is not an object', 'orgs/0', 'x', '/orgs/0 must be object'],
    ['a numeric org name', 'orgs/0/name', 1, '/orgs/0/name must be string'],
    ['a numeric app corpId', 'apps/0/corpId', 1, '/apps/0/corpId must be string'],
    ['an app that is not an object', 'apps/0', 'x', '/apps/0 must be object'],
    ['a numeric suite name', 'suites/0/name', 1, '/suites/0/name must be string'],
    ['a suite that is not an object', 'suites/0', 'x', '/suites/0 must be object'],
    ['a numeric usage scope entry', 'suites/0/usageScope/0', 1, '/suites/0/usageScope/0 must be string'],
    ['a numeric connector name', 'connectors/0/name', 1, '/connectors/0/name must be string'],
    ['a numeric connector description', 'connectors/0/description', 1, '/connectors/0/description must be string'],
    ['a connector that is not an object', 'connectors/0', 'x', '/connectors/0 must be object'],
    ['a numeric action name', 'actions/0/name', 1, '/actions/0/name must be string'],
    ['an action that is not an object', 'actions/0', 'x', '/actions/0 must be object'],
    ['failures that are not a list', 'actions/0/failures', {}, '/actions/0/failures must be array'],
    ['a failure that is not an object', 'actions/0/failures/0', 'x', '/actions/0/failures/0 must be object'],
    ['a failure input that is not an object', 'actions/0/failures/0/input', 'x', '/actions/0/failures/0/input must be object'],
    ['a numeric failure message', 'actions/0/failures/0/errorMessage', 1, '/actions/0/failures/0/errorMessage must be string'],
    ['an integrationConfig that is not an object', 'actions/0/integrationConfig', 'x', '/actions/0/integrationConfig must be object'],
    [
      'categories that are not a list',
      'actions/0/integrationConfig/categoryNames',
      {},
      '/actions/0/integrationConfig/categoryNames must be array',
    ],
    [
      'a category that is not an object',
      'actions/0/integrationConfig/categoryNames/0',
      'x',
      '/actions/0/integrationConfig/categoryNames/0 must be object',
    ],
    [
      'a numeric category',
      'actions/0/integrationConfig/categoryNames/0/value',
      1,
      '/actions/0/integrationConfig/categoryNames/0/value must be string',
    ],
    ['props that are not a list', 'actions/0/integrationConfig/props', {}, '/actions/0/integrationConfig/props must be array'],
    ['a prop that is not an object', 'actions/0/integrationConfig/props/0', 'x', '/actions/0/integrationConfig/props/0 must be object'],
    ['a numeric prop key', 'actions/0/integrationConfig/props/0/key', 1, '/actions/0/integrationConfig/props/0/key must be string'],
    ['a numeric prop value', 'actions/0/integrationConfig/props/0/value', 1, '/actions/0/integrationConfig/props/0/value must be string'],
    ['a grant that is not an object', 'grants/0', 'x', '/grants/0 must be object'],
    ['a numeric grant corpId', 'grants/0/corpId', 1, '/grants/0/corpId must be string'],
    ['a numeric grant clientId', 'grants/0/clientId', 1, '/grants/0/clientId must be string'],
    ['a numeric granted action', 'grants/0/actionIds/0', 1, '/grants/0/actionIds/0 must be string'],
    ['tokens that are not a list', 'tokens', {}, '/tokens must be array'],
    ['a token that is not an object', 'tokens/0', 'x', '/tokens/0 must be object'],
    ['a numeric token corpId', 'tokens/0/corpId', 1, '/tokens/0/corpId must be string'],
    ['a numeric token clientId', 'tokens/0/clientId', 1, '/tokens/0/clientId must be string'],
    ['instances that are not a list', 'instances', {}, '/instances must be array'],
    ['an instance that is not an object', 'instances/0', 'x', '/instances/0 must be object'],
    ['a numeric instance corpId', 'instances/0/corpId', 1, '/instances/0/corpId must be string'],
    ['a numeric instance clientId', 'instances/0/clientId', 1, '/instances/0/clientId must be string'],
    ['a numeric instance actionId', 'instances/0/actionId', 1, '/instances/0/actionId must be string'],
    ['a fixtures document that is not an object', '', [], 'value must be object'],
  ])('refuses %s', (_label, path, value, problem) => {
    expect(schemaProblems(fixturesSchema, patched(path, value))).toEqual([problem]);
  });
});

describe('the default catalogue as a self-built app reads it', () => {
  const connectorsOf = async (app: DingTalkApp, token: string, type: string) =>
    (
      (await (await call(app, token, `/v1.0/connector/assets/connectors?type=${type}&maxResults=100`)).json()) as {
        list: { id: string; description: string; icon?: string }[];
      }
    ).list;
  const detail = async (app: DingTalkApp, token: string, corpId: string, actionId: string) =>
    (await (
      await call(app, token, `/v1.0/connector/assets/actions/details/query`, { connectAssetUri: connectAssetUri(corpId, actionId) })
    ).json()) as { inputSchema: string; outputSchema: string; integrationConfig: unknown };

  it('lists the named connectors with their description and icon', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const all = [
      ...(await connectorsOf(app, token, 'self_built')),
      ...(await connectorsOf(app, token, 'third_party')),
      ...(await connectorsOf(app, token, 'official')),
    ];
    const shown = (id: string) => {
      const k = all.find((c) => c.id === id);
      return k && { description: k.description, icon: k.icon };
    };
    expect(shown(IDS.crm)).toEqual({ description: '企业自建的客户管理系统', icon: 'https://static.dingtalk.com/media/doppel-crm.png' });
    expect(shown(IDS.erp)).toEqual({ description: '三方已上架的进销存连接器', icon: 'https://static.dingtalk.com/media/doppel-erp.png' });
    expect(shown(IDS.esign)).toEqual({
      description: '三方电子签章连接器(不在三方应用的使用范围内)',
      icon: 'https://static.dingtalk.com/media/doppel-esign.png',
    });
    expect(shown(IDS.calendar)).toEqual({ description: '官方日程连接器', icon: 'https://static.dingtalk.com/media/calendar.png' });
  });

  it('describes 创建客户, 查询客户, the customer sync flow and 创建待办 with their schemas and integration config', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const customer = await detail(app, token, DEFAULT_CORP_ID, IDS.createCustomer);
    expect(JSON.parse(customer.inputSchema).properties).toEqual({
      name: { type: 'string', title: '客户名称', minLength: 1 },
      mobile: { type: 'string', title: '手机号', pattern: '^1[0-9]{10}$' },
      level: { type: 'string', title: '客户等级', enum: ['A', 'B', 'C'] },
    });
    const query = await detail(app, token, DEFAULT_CORP_ID, IDS.queryCustomer);
    expect(JSON.parse(query.inputSchema)).toEqual({
      type: 'object',
      required: ['customerId'],
      properties: { customerId: { type: 'string', title: '客户ID' } },
    });
    expect(query.integrationConfig).toEqual({
      entityName: 'customer',
      categoryNames: [{ value: '客户管理' }],
      props: [{ key: 'operation', value: 'get' }],
    });
    const flow = await detail(app, token, DEFAULT_CORP_ID, IDS.syncCustomersFlow);
    expect(JSON.parse(flow.outputSchema).properties).toEqual({
      synced: { type: 'integer', minimum: 0 },
      failed: { type: 'integer', minimum: 0 },
    });
    expect(flow.integrationConfig).toEqual({ entityName: 'customer_sync', categoryNames: [{ value: '集成流' }], props: [] });
    const todo = await detail(app, token, OFFICIAL_CORP_ID, IDS.createTodo);
    expect(todo.integrationConfig).toEqual({ entityName: 'todo_task', categoryNames: [{ value: '待办' }], props: [] });
  });

  it('describes the customer sync flow in the action search', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const res = await call(app, token, '/v1.0/connector/assets/actions/search', {
      connectorId: IDS.crm,
      connectorProviderCorpId: DEFAULT_CORP_ID,
    });
    const list = ((await res.json()) as { list: { id: string; description?: string }[] }).list;
    expect(list.find((a) => a.id === IDS.syncCustomersFlow)?.description).toBe('集成流:把客户同步到 ERP,像执行动作一样调用');
  });
});

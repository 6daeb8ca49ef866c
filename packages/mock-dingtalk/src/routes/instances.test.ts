import { schemaProblems } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import type { DingTalkApp } from '../context.ts';
import { type ActionFixture, connectAssetUri, DEFAULT_CORP_ID, defaultFixtures, IDS, OFFICIAL_CORP_ID } from '../fixtures.ts';
import type { ExecutionRecord } from '../runtime.ts';
import { call, createApp, CUSTOMER, frozenClock, ORDER, selfBuiltToken, suiteToken, TODO } from '../test-helpers.ts';

const goodCustomer = JSON.stringify({ name: '张三', mobile: '13800000000', level: 'A' });

interface Invoked {
  outputJson: string;
  instanceId: string;
  cost: number;
  errorCode: string;
  errorMessage: string;
}

const create = (app: DingTalkApp, token: string, uri: string, instanceKey = 'k1') =>
  call(app, token, '/v1.0/connector/instances', { connectAssetUri: uri, instanceKey });
const invoke = (app: DingTalkApp, token: string, uri: string, inputJsonString: string | null, instanceKey = 'k1') =>
  call(app, token, '/v1.0/connector/instances/invoke', { connectAssetUri: uri, instanceKey, inputJsonString });

describe('instances', () => {
  it('creates an instance with the asset’s versionId; the same key again is idempotent', async () => {
    const { app, twin } = createApp();
    const token = await selfBuiltToken(app);
    const first = await create(app, token, CUSTOMER);
    expect(first.status).toBe(200);
    const body = (await first.json()) as { connectAssetUri: string; versionId: string };
    expect(body.connectAssetUri).toBe(CUSTOMER);
    expect(body.versionId).toMatch(/^G-ACT-VER-/);
    const again = await create(app, token, CUSTOMER);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(body);
    expect(twin.state.instances.size).toBe(1);
  });

  it('serves the README’s /v1.0/connector/asset/action/invoker path the same way', async () => {
    const { app, twin } = createApp();
    const token = await selfBuiltToken(app);
    const res = await call(app, token, '/v1.0/connector/asset/action/invoker', { connectAssetUri: CUSTOMER, instanceKey: 'doc' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ connectAssetUri: CUSTOMER });
    const q = new URLSearchParams({ connectAssetUri: CUSTOMER, instanceKey: 'doc-query' });
    expect(
      (
        await app.request(`/v1.0/connector/asset/action/invoker?${q}`, {
          method: 'POST',
          headers: { 'x-acs-dingtalk-access-token': token },
        })
      ).status,
    ).toBe(200);
    expect([...twin.state.instances.values()].map((i) => i.instanceKey).sort()).toEqual(['doc', 'doc-query']);
    const none = await call(app, token, '/v1.0/connector/asset/action/invoker', {});
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ code: '4001' });
  });

  it('deletes an instance; invoking or deleting it afterwards is 4004', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    await create(app, token, CUSTOMER);
    const q = `?connectAssetUri=${encodeURIComponent(CUSTOMER)}&instanceKey=k1`;
    const del = await call(app, token, `/v1.0/connector/instances${q}`, undefined, 'DELETE');
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ result: true });
    expect((await invoke(app, token, CUSTOMER, goodCustomer)).status).toBe(404);
    const again = await call(app, token, `/v1.0/connector/instances${q}`, undefined, 'DELETE');
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ code: '4004' });
  });

  it('keeps instances per organisation and app: another caller does not see mine', async () => {
    const { app } = createApp();
    await create(app, await selfBuiltToken(app), CUSTOMER);
    const res = await invoke(app, await suiteToken(app), CUSTOMER, goodCustomer);
    expect(res.status).toBe(404);
  });

  it('refuses a missing field with 4001, an unknown asset with 4004 and an ungranted one with 4003', async () => {
    const { app } = createApp();
    const suite = await suiteToken(app);
    const missing = await call(app, suite, '/v1.0/connector/instances', { connectAssetUri: CUSTOMER });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: '4001' });
    const unknown = await create(app, suite, connectAssetUri(DEFAULT_CORP_ID, 'G-ACT-NOPE'));
    expect(unknown.status).toBe(404);
    const ungranted = await create(app, suite, ORDER);
    expect(ungranted.status).toBe(403);
    expect(await ungranted.json()).toMatchObject({ code: '4003' });
  });
});

describe('invoke', () => {
  it('validates the input, answers outputJson valid against outputSchema, with errorCode "0"', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    await create(app, token, CUSTOMER);
    const res = await invoke(app, token, CUSTOMER, goodCustomer);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Invoked;
    expect(body).toMatchObject({ errorCode: '0', errorMessage: 'success', cost: 35 });
    expect(body.instanceId).toMatch(/^G-EXEC-\d+$/);
    expect(JSON.parse(body.outputJson)).toEqual(defaultFixtures().actions.find((a) => a.id === IDS.createCustomer)!.output);
  });

  it('generates the output from outputSchema when the fixture sets none, the same each time', async () => {
    const { app } = createApp();
    const token = await suiteToken(app);
    await create(app, token, TODO);
    const input = JSON.stringify({ subject: '周报', executorIds: ['u1'] });
    const a = (await (await invoke(app, token, TODO, input)).json()) as Invoked;
    const b = (await (await invoke(app, token, TODO, input)).json()) as Invoked;
    expect(a.errorCode).toBe('0');
    expect(a.outputJson).toBe(b.outputJson);
    expect(a.instanceId).not.toBe(b.instanceId);
    const schema = defaultFixtures().actions.find((x) => x.id === IDS.createTodo)!.outputSchema;
    expect(schemaProblems(schema, JSON.parse(a.outputJson))).toEqual([]);
  });

  it.each([
    ['input that is not JSON', '{name:', 'not valid JSON'],
    ['input missing a required field', JSON.stringify({ name: '张三' }), '/mobile is required'],
    ['input of the wrong shape', JSON.stringify({ name: '张三', mobile: '123', level: 'Z' }), 'must match pattern'],
    ['a null input against a schema with required fields', null, '/name is required'],
  ])('answers %s with 4001 naming the problem', async (_label, input, detail) => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    await create(app, token, CUSTOMER);
    const res = await invoke(app, token, CUSTOMER, input);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; message: string; requestid: string };
    expect(body.code).toBe('4001');
    expect(body.message).toContain(detail);
    expect(body.requestid).toBe(res.headers.get('x-acs-request-id'));
  });

  it('accepts a null input when the schema requires nothing', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const uri = connectAssetUri(OFFICIAL_CORP_ID, IDS.listTodos);
    await create(app, token, uri);
    expect(((await (await invoke(app, token, uri, null)).json()) as Invoked).errorCode).toBe('0');
  });

  it('reports a business failure of the action as HTTP 200 with a non-zero errorCode', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    await create(app, token, CUSTOMER);
    const res = await invoke(app, token, CUSTOMER, JSON.stringify({ name: '重复客户', mobile: '13800000000' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ errorCode: 'CUSTOMER_EXISTS', errorMessage: '客户已存在', outputJson: '{}' });
  });

  it('invokes an integration flow like an action', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const flow = connectAssetUri(DEFAULT_CORP_ID, IDS.syncCustomersFlow);
    await create(app, token, flow);
    const res = (await (await invoke(app, token, flow, JSON.stringify({ since: '2024-01-01T00:00:00Z' }))).json()) as Invoked;
    expect(res).toMatchObject({ errorCode: '0', cost: 180 });
    expect(JSON.parse(res.outputJson)).toEqual({ synced: 12, failed: 0 });
  });
});

describe('creating instances', () => {
  it('stamps createdAt with the twin’s clock and keeps it on an idempotent create, noting it in the journal', async () => {
    const { app, twin } = createApp({ clock: frozenClock() });
    const token = await selfBuiltToken(app);
    expect(await (await create(app, token, CUSTOMER)).json()).toEqual({
      connectAssetUri: CUSTOMER,
      versionId: 'G-ACT-VER-101FDEBD3C6E213DB4740001',
    });
    twin.clock.advance(60_000);
    await create(app, token, CUSTOMER);
    expect([...twin.state.instances.values()].map((i) => i.createdAt)).toEqual(['2024-05-01T00:00:00.000Z']);
    const notes = twin.journal.find({ path: '/v1.0/connector/instances' }).map((e) => e.notes?.instance);
    expect(notes).toEqual([undefined, 'already existed (idempotent create)']);
  });

  it('takes the invoker path’s fields from the body first, then the query', async () => {
    const { app, twin } = createApp();
    const token = await selfBuiltToken(app);
    const q = new URLSearchParams({ connectAssetUri: 'dca://ignored', instanceKey: 'from-query' });
    const res = await call(app, token, `/v1.0/connector/asset/action/invoker?${q}`, { connectAssetUri: CUSTOMER });
    expect(res.status).toBe(200);
    expect([...twin.state.instances.values()].map((i) => [i.connectAssetUri, i.instanceKey])).toEqual([[CUSTOMER, 'from-query']]);
  });

  it.each([
    ['no connectAssetUri', {}, 'connectAssetUri is required'],
    ['no instanceKey', { connectAssetUri: CUSTOMER }, 'instanceKey is required'],
  ])('refuses an invoker call with %s, naming it', async (_label, body, detail) => {
    const { app } = createApp();
    const res = await call(app, await selfBuiltToken(app), '/v1.0/connector/asset/action/invoker', body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: '4001', message: `参数错误: ${detail}` });
  });

  it('names the asset in its 4004 and 4003', async () => {
    const { app } = createApp();
    const suite = await suiteToken(app);
    const nope = connectAssetUri(DEFAULT_CORP_ID, 'G-ACT-NOPE');
    expect(await (await create(app, suite, nope)).json()).toMatchObject({ code: '4004', message: `连接资产不存在: ${nope}` });
    expect(await (await create(app, suite, ORDER)).json()).toMatchObject({
      code: '4003',
      message: `调用发起未授权: 组织尚未授权该连接资产 ${ORDER}`,
    });
  });
});

describe('deleting instances', () => {
  const del = (app: DingTalkApp, token: string, uri: string, instanceKey = 'k1') =>
    call(app, token, `/v1.0/connector/instances?${new URLSearchParams({ connectAssetUri: uri, instanceKey })}`, undefined, 'DELETE');

  it('deletes only the caller’s own instance, naming a missing one', async () => {
    const { app, twin } = createApp();
    const self = await selfBuiltToken(app);
    await create(app, self, CUSTOMER);
    const other = await del(app, await suiteToken(app), CUSTOMER);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ code: '4004', message: '调用的实例不存在: k1' });
    expect(twin.state.instances.size).toBe(1);
  });

  it('does not need the grant', async () => {
    const { app, twin } = createApp();
    const self = await selfBuiltToken(app);
    await create(app, self, CUSTOMER);
    await app.request('/__admin/authorizations/revoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connectAssetUri: CUSTOMER, clientId: 'dingdoppelselfbuilt' }),
    });
    expect((await del(app, self, CUSTOMER)).status).toBe(200);
    expect(twin.state.instances.size).toBe(0);
  });
});

describe('invoke refusals', () => {
  it.each([
    [
      'input missing a required field',
      JSON.stringify({ name: '张三' }),
      'inputJsonString does not match the inputSchema: /mobile is required',
    ],
    ['an empty input', '{}', 'inputJsonString does not match the inputSchema: /name is required; /mobile is required'],
    ['input that is not an object', '5', 'inputJsonString does not match the inputSchema: input must be object'],
    ['input that is not JSON', '{name:', 'inputJsonString is not valid JSON'],
  ])('name %s exactly', async (_label, input, detail) => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    await create(app, token, CUSTOMER);
    expect(await (await invoke(app, token, CUSTOMER, input)).json()).toMatchObject({ code: '4001', message: `参数错误: ${detail}` });
  });

  it('check the asset, then the grant, then the instance, then the input', async () => {
    const { app } = createApp();
    const suite = await suiteToken(app);
    const nope = connectAssetUri(DEFAULT_CORP_ID, 'G-ACT-NOPE');
    expect(await (await invoke(app, suite, nope, 'oops', 'none')).json()).toMatchObject({
      code: '4004',
      message: `连接资产不存在: ${nope}`,
    });
    expect(await (await invoke(app, suite, ORDER, 'oops', 'none')).json()).toMatchObject({
      code: '4003',
      message: `调用发起未授权: 组织尚未授权该连接资产 ${ORDER}`,
    });
    expect(await (await invoke(app, suite, TODO, 'oops', 'none')).json()).toMatchObject({
      code: '4004',
      message: '调用的实例不存在: none',
    });
    await create(app, suite, TODO, 'k1');
    expect(await (await invoke(app, suite, TODO, 'oops')).json()).toMatchObject({ code: '4001' });
  });
});

describe('business failures', () => {
  /** An action that takes any input and fails by rule. */
  function withRules() {
    const f = defaultFixtures();
    const action: ActionFixture = {
      ...f.actions[0]!,
      inputSchema: {},
      failures: [
        { input: { a: 1 }, errorCode: 'FIRST', errorMessage: 'first rule' },
        { input: { a: 1, b: 2 }, errorCode: 'SECOND', errorMessage: 'second rule' },
        { input: { deep: { x: [1] } }, errorCode: 'DEEP', errorMessage: 'deep rule' },
        // A text input has a length, but no fields: it never matches a rule.
        { input: { length: 3 }, errorCode: 'LENGTH', errorMessage: 'length rule' },
      ],
    };
    delete action.cost;
    f.actions[0] = action;
    return createApp({ fixtures: f });
  }

  it.each([
    ['{"a":1}', 'FIRST'],
    ['{"a":1,"b":2}', 'FIRST'],
    ['{"deep":{"x":[1]}}', 'DEEP'],
    ['{"a":2}', '0'],
    ['{"b":2}', '0'],
    ['{"deep":{"x":[2]}}', '0'],
    ['5', '0'],
    ['null', '0'],
    ['[1]', '0'],
    ['"abc"', '0'],
  ])('input %s answers errorCode %s', async (input, errorCode) => {
    const { app } = withRules();
    const token = await selfBuiltToken(app);
    await create(app, token, CUSTOMER);
    const body = (await (await invoke(app, token, CUSTOMER, input)).json()) as Invoked;
    expect(body.errorCode).toBe(errorCode);
    expect(body.cost).toBe(20);
  });

  it('answer outputJson "{}" with the rule’s code and message, and record them without an output', async () => {
    const { app, twin } = withRules();
    const token = await selfBuiltToken(app);
    await create(app, token, CUSTOMER);
    const body = (await (await invoke(app, token, CUSTOMER, '{"a":1}')).json()) as Invoked;
    expect(body).toEqual({ outputJson: '{}', instanceId: 'G-EXEC-0000000001', cost: 20, errorCode: 'FIRST', errorMessage: 'first rule' });
    expect(twin.state.executions.values()[0]).toMatchObject({ output: null, errorCode: 'FIRST', errorMessage: 'first rule', cost: 20 });
  });
});

describe('outputs', () => {
  it('are answered even when the fixture’s output fails its outputSchema, with the problems in the journal notes', async () => {
    const f = defaultFixtures();
    f.actions[0]!.output = { customerId: 5 };
    const { app, twin } = createApp({ fixtures: f });
    const token = await selfBuiltToken(app);
    await create(app, token, CUSTOMER);
    const body = (await (await invoke(app, token, CUSTOMER, goodCustomer)).json()) as Invoked;
    expect(body).toMatchObject({ errorCode: '0', outputJson: '{"customerId":5}' });
    expect(twin.journal.all().at(-1)!.notes).toMatchObject({
      execution: body.instanceId,
      outputProblems: ['/createdAt is required', '/customerId must be string'],
    });
    await invoke(app, token, CUSTOMER, goodCustomer);
    expect(twin.journal.all().at(-1)!.notes?.outputProblems).toHaveLength(2);
  });

  it('are worked out once per seeded action: a change to the live action shows after a reseed', async () => {
    const { app, twin } = createApp();
    const token = await selfBuiltToken(app);
    await create(app, token, CUSTOMER);
    const first = ((await (await invoke(app, token, CUSTOMER, goodCustomer)).json()) as Invoked).outputJson;
    twin.state.assetByUri.get(CUSTOMER)!.action.output = { customerId: 'CHANGED', createdAt: '2024-01-01T00:00:00Z' };
    expect(((await (await invoke(app, token, CUSTOMER, goodCustomer)).json()) as Invoked).outputJson).toBe(first);
    const f = defaultFixtures();
    f.actions[0]!.output = { customerId: 'RESEEDED', createdAt: '2024-01-01T00:00:00Z' };
    twin.replaceFixtures(f);
    const token2 = await selfBuiltToken(app);
    await create(app, token2, CUSTOMER);
    expect(JSON.parse(((await (await invoke(app, token2, CUSTOMER, goodCustomer)).json()) as Invoked).outputJson)).toMatchObject({
      customerId: 'RESEEDED',
    });
  });

  it('are named "output" where the schema is not about an object', async () => {
    const f = defaultFixtures();
    f.actions[0]!.outputSchema = { type: 'string' };
    f.actions[1]!.outputSchema = { type: 'array' };
    f.actions[1]!.output = {};
    const { app, twin } = createApp({ fixtures: f });
    const token = await selfBuiltToken(app);
    const query = connectAssetUri(DEFAULT_CORP_ID, IDS.queryCustomer);
    await create(app, token, CUSTOMER);
    await create(app, token, query);
    expect(((await (await invoke(app, token, query, '{"customerId":"c"}')).json()) as Invoked).outputJson).toBe('{}');
    expect(twin.journal.all().at(-1)!.notes?.outputProblems).toEqual(['output must be array']);
    twin.state.assetByUri.get(CUSTOMER)!.action.output = undefined;
    expect(((await (await invoke(app, token, CUSTOMER, goodCustomer)).json()) as Invoked).outputJson).toBe('"output-sample"');
  });

  it('carry no problem notes when valid', async () => {
    const { app, twin } = createApp();
    const token = await selfBuiltToken(app);
    await create(app, token, CUSTOMER);
    await invoke(app, token, CUSTOMER, goodCustomer);
    expect(twin.journal.all().at(-1)!.notes).not.toHaveProperty('outputProblems');
  });
});

describe('execution records', () => {
  it('keep each invocation as sent and answered, on the twin’s clock, numbered from 1', async () => {
    const { app, twin } = createApp({ clock: frozenClock() });
    const token = await selfBuiltToken(app);
    await create(app, token, CUSTOMER);
    const ok = (await (await invoke(app, token, CUSTOMER, goodCustomer)).json()) as Invoked;
    twin.clock.advance(1000);
    await call(app, token, '/v1.0/connector/instances/invoke', { connectAssetUri: CUSTOMER, instanceKey: 'k1' });
    expect(twin.state.executions.values()).toEqual<ExecutionRecord[]>([
      {
        instanceId: ok.instanceId,
        at: Date.UTC(2024, 4, 1),
        corpId: DEFAULT_CORP_ID,
        clientId: 'dingdoppelselfbuilt',
        connectAssetUri: CUSTOMER,
        instanceKey: 'k1',
        input: goodCustomer,
        output: ok.outputJson,
        errorCode: '0',
        errorMessage: 'success',
        cost: 35,
      },
      {
        instanceId: 'G-EXEC-0000000002',
        at: Date.UTC(2024, 4, 1) + 1000,
        corpId: DEFAULT_CORP_ID,
        clientId: 'dingdoppelselfbuilt',
        connectAssetUri: CUSTOMER,
        instanceKey: 'k1',
        input: null,
        output: null,
        errorCode: '4001',
        errorMessage: '参数错误: inputJsonString does not match the inputSchema: /name is required; /mobile is required',
        cost: 0,
      },
    ]);
    expect(ok.instanceId).toBe('G-EXEC-0000000001');
    expect(twin.journal.all().at(-1)!.notes?.execution).toBe('G-EXEC-0000000002');
  });

  it('record a refused invoke with the code and message the caller received', async () => {
    const { app, twin } = createApp();
    const suite = await suiteToken(app);
    await create(app, suite, TODO);
    const answers = [];
    for (const [uri, input, key] of [
      [connectAssetUri(DEFAULT_CORP_ID, 'G-ACT-NOPE'), null, 'k1'],
      [ORDER, null, 'k1'],
      [TODO, null, 'missing'],
      [TODO, 'oops', 'k1'],
      [TODO, '{}', 'k1'],
    ] as const) {
      answers.push((await (await invoke(app, suite, uri, input, key)).json()) as { code: string; message: string });
    }
    expect(twin.state.executions.values().map((e) => ({ code: e.errorCode, message: e.errorMessage }))).toEqual(
      answers.map(({ code, message }) => ({ code, message })),
    );
    expect(answers.map((a) => a.code)).toEqual(['4004', '4003', '4004', '4001', '4001']);
    expect(twin.state.executions.values().every((e) => e.output === null && e.cost === 0)).toBe(true);
  });

  it('are not kept for a request the spec refuses before the handler', async () => {
    const { app, twin } = createApp();
    await call(app, await selfBuiltToken(app), '/v1.0/connector/instances/invoke', { connectAssetUri: CUSTOMER });
    expect(twin.state.executions.values()).toEqual([]);
  });

  it('keep at most maxExecutions, the oldest going first, and health shows how many', async () => {
    const { app, twin } = createApp({ fixtures: { ...defaultFixtures(), maxExecutions: 50 } });
    const token = await selfBuiltToken(app);
    await create(app, token, CUSTOMER);
    for (let i = 0; i < 55; i++) await invoke(app, token, CUSTOMER, goodCustomer);
    const kept = twin.state.executions.values();
    expect(kept).toHaveLength(50);
    expect(kept.at(-1)!.instanceId).toBe('G-EXEC-0000000055');
    expect(kept[0]!.instanceId).toBe('G-EXEC-0000000006');
    const listed = (await (await app.request('/__admin/executions')).json()) as { total: number; executions: { instanceId: string }[] };
    expect(listed.total).toBe(50);
    expect(listed.executions[0]!.instanceId).toBe('G-EXEC-0000000006');
    const health = (await (await app.request('/__admin/health')).json()) as { stores: Record<string, unknown> };
    expect(health.stores.executions).toEqual({ size: 50, max: 50, evicted: 5 });
  });

  it('keep 10 000 by default', async () => {
    const { app, twin } = createApp();
    const token = await selfBuiltToken(app);
    await create(app, token, CUSTOMER);
    await invoke(app, token, CUSTOMER, goodCustomer);
    const first = twin.state.executions.values()[0]!;
    for (let i = 0; i < 9_998; i++) twin.state.executions.set(`old-${i}`, { ...first, instanceId: `old-${i}` });
    await invoke(app, token, CUSTOMER, goodCustomer);
    expect(twin.state.executions.size).toBe(10_000);
    expect(twin.state.executions.has('G-EXEC-0000000001')).toBe(true);
    await invoke(app, token, CUSTOMER, goodCustomer);
    expect(twin.state.executions.size).toBe(10_000);
    expect(twin.state.executions.has('G-EXEC-0000000001')).toBe(false);
    expect(twin.state.executions.values().at(-1)!.instanceId).toBe('G-EXEC-0000000003');
  });
});

describe('the default actions (as the README describes them)', () => {
  it('创建销售订单 fails with ERP_CUSTOMER_DISABLED for customerName 停用客户', async () => {
    const { app } = createApp();
    await app.request('/__admin/states/suite%20fully%20authorized', { method: 'POST' });
    const token = await suiteToken(app);
    await create(app, token, ORDER);
    const input = JSON.stringify({ customerName: '停用客户', items: [{ sku: 'S1', quantity: 1 }] });
    expect(await (await invoke(app, token, ORDER, input)).json()).toMatchObject({
      outputJson: '{}',
      cost: 60,
      errorCode: 'ERP_CUSTOMER_DISABLED',
      errorMessage: '客户已停用,无法下单',
    });
    const missing = await invoke(app, token, ORDER, JSON.stringify({ customerName: '甲' }));
    expect(await missing.json()).toMatchObject({ message: '参数错误: inputJsonString does not match the inputSchema: /items is required' });
  });

  it('查询客户 answers an output generated from its schema: the first enum value, minItems items', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const uri = connectAssetUri(DEFAULT_CORP_ID, IDS.queryCustomer);
    await create(app, token, uri);
    const body = (await (await invoke(app, token, uri, '{"customerId":"C1"}')).json()) as Invoked;
    expect(JSON.parse(body.outputJson)).toEqual({
      customerId: expect.any(String),
      name: expect.any(String),
      level: 'A',
      tags: [expect.any(String)],
    });
    expect(body.cost).toBe(20);
  });
});

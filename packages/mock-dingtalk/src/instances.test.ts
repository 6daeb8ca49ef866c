import { describe, expect, it } from 'vitest';
import { connectAssetUri, DEFAULT_CORP_ID, defaultFixtures, IDS, ISV_CORP_ID, OFFICIAL_CORP_ID, SUITE } from './fixtures.ts';
import { MAX_EXECUTIONS } from './routes/instances.ts';
import { ActionSchemas, sampleFromSchema } from './schemas.ts';
import { call, createApp, post, selfBuiltToken, suiteToken, type TestApp } from './test-helpers.ts';

const CUSTOMER = connectAssetUri(DEFAULT_CORP_ID, IDS.createCustomer);
const ORDER = connectAssetUri(ISV_CORP_ID, IDS.createOrder);
const TODO = connectAssetUri(OFFICIAL_CORP_ID, IDS.createTodo);
const goodCustomer = JSON.stringify({ name: '张三', mobile: '13800000000', level: 'A' });

interface Invoked {
  outputJson: string;
  instanceId: string;
  cost: number;
  errorCode: string;
  errorMessage: string;
}

const create = (app: TestApp, token: string, uri: string, instanceKey = 'k1') =>
  call(app, token, '/v1.0/connector/instances', { connectAssetUri: uri, instanceKey });
const invoke = (app: TestApp, token: string, uri: string, inputJsonString: string | null, instanceKey = 'k1') =>
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
    expect((await app.request(`/v1.0/connector/asset/action/invoker?${q}`, { method: 'POST', headers: { 'x-acs-dingtalk-access-token': token } })).status).toBe(200);
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
    expect(new ActionSchemas().problems(schema, JSON.parse(a.outputJson))).toEqual([]);
  });

  it('every default action’s output (fixture or generated) is valid against its outputSchema', () => {
    const schemas = new ActionSchemas();
    for (const action of defaultFixtures().actions) {
      const output = action.output ?? sampleFromSchema(action.outputSchema, 'output');
      expect(schemas.problems(action.outputSchema, output), action.id).toEqual([]);
    }
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

describe('authorization', () => {
  it('a suite is 4003 until the organisation grants on the authority page, and 4003 again after a revoke', async () => {
    const { app } = createApp();
    const token = await suiteToken(app);
    const before = await invoke(app, token, ORDER, '{}');
    expect(before.status).toBe(403);
    expect(await before.json()).toMatchObject({ code: '4003' });

    const search = (await (
      await call(app, token, '/v1.0/connector/assets/actions/search', { connectorId: IDS.erp, connectorProviderCorpId: ISV_CORP_ID })
    ).json()) as { list: { id: string; authorityUrl: string; authorized: boolean }[] };
    const item = search.list.find((a) => a.id === IDS.createOrder)!;
    expect(item.authorized).toBe(false);
    const url = new URL(item.authorityUrl);
    const page = await app.request(url.pathname + url.search);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('未授权');
    expect(html).toContain('创建销售订单');

    const form = (decision: string) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...Object.fromEntries(url.searchParams), decision }).toString(),
    });
    const granted = await app.request('/connect/authority', form('grant'));
    expect(granted.status).toBe(200);
    expect(await granted.text()).toContain('data-authorized="true"');

    expect((await create(app, token, ORDER)).status).toBe(200);
    const order = JSON.stringify({ customerName: '客户甲', items: [{ sku: 'SKU-1', quantity: 2 }] });
    const ok = (await (await invoke(app, token, ORDER, order)).json()) as Invoked;
    expect(ok.errorCode).toBe('0');
    expect(JSON.parse(ok.outputJson)).toEqual({ orderNo: 'SO-20240501-0001', status: 'created', amount: 199.5 });

    await app.request('/connect/authority', form('revoke'));
    expect((await invoke(app, token, ORDER, order)).status).toBe(403);
  });

  it('grants and revokes through the admin API too, for a suite or a self-built app', async () => {
    const { app } = createApp();
    const suite = await suiteToken(app);
    const self = await selfBuiltToken(app);
    const granted = await app.request('/__admin/authorizations', post({ connectAssetUri: ORDER }));
    expect(await granted.json()).toEqual({ corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey, connectAssetUri: ORDER, authorized: true });
    expect((await create(app, suite, ORDER)).status).toBe(200);

    await create(app, self, CUSTOMER);
    const revoked = await app.request('/__admin/authorizations/revoke', post({ connectAssetUri: CUSTOMER, clientId: 'dingdoppelselfbuilt' }));
    expect(await revoked.json()).toMatchObject({ authorized: false });
    const res = await invoke(app, self, CUSTOMER, goodCustomer);
    expect(res.status).toBe(403);
    const list = (await (await app.request('/__admin/authorizations?clientId=dingdoppelselfbuilt')).json()) as { authorizations: unknown[] };
    expect(list.authorizations).toEqual([{ corpId: DEFAULT_CORP_ID, clientId: 'dingdoppelselfbuilt', connectAssetUri: CUSTOMER, authorized: false }]);
    expect((await app.request('/__admin/authorizations', post({ connectAssetUri: 'dca://nope' }))).status).toBe(404);
  });

  it('the authority page says 404 for an unknown asset or app', async () => {
    const { app } = createApp();
    const q = new URLSearchParams({ corpId: DEFAULT_CORP_ID, clientId: 'nobody', connectAssetUri: ORDER });
    expect((await app.request(`/connect/authority?${q}`)).status).toBe(404);
  });
});

describe('execution records', () => {
  it('keeps every invocation with input, output, error code and cost, listed and filtered by the admin API', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    await create(app, token, CUSTOMER);
    await invoke(app, token, CUSTOMER, goodCustomer);
    await invoke(app, token, CUSTOMER, JSON.stringify({ name: '重复客户', mobile: '13800000000' }));
    await invoke(app, token, CUSTOMER, 'oops');
    await invoke(app, token, CUSTOMER, goodCustomer, 'no-such-instance');
    const res = await app.request('/__admin/executions');
    const { total, executions } = (await res.json()) as { total: number; executions: Record<string, unknown>[] };
    expect(total).toBe(4);
    expect(executions.map((e) => e.errorCode)).toEqual(['0', 'CUSTOMER_EXISTS', '4001', '4004']);
    expect(executions[0]).toMatchObject({
      corpId: DEFAULT_CORP_ID,
      clientId: 'dingdoppelselfbuilt',
      connectAssetUri: CUSTOMER,
      instanceKey: 'k1',
      input: JSON.parse(goodCustomer),
      output: { customerId: 'CUST-0001', createdAt: '2024-05-01T08:00:00Z' },
      cost: 35,
    });
    expect(executions[2]!.input).toBe('oops');
    const filtered = (await (await app.request('/__admin/executions?errorCode=4001')).json()) as { total: number };
    expect(filtered.total).toBe(1);
    await app.request('/__admin/executions', { method: 'DELETE' });
    expect(((await (await app.request('/__admin/executions')).json()) as { total: number }).total).toBe(0);
  });

  it('keeps a bounded record of the newest executions', async () => {
    const { app, twin } = createApp({ fixtures: { ...defaultFixtures(), maxExecutions: 50 } });
    const token = await selfBuiltToken(app);
    await create(app, token, CUSTOMER);
    for (let i = 0; i < 55; i++) await invoke(app, token, CUSTOMER, goodCustomer);
    const kept = twin.state.executions;
    expect(kept).toHaveLength(50);
    expect(kept.at(-1)!.instanceId).toBe(`G-EXEC-${String(55).padStart(10, '0')}`);
    expect(kept[0]!.instanceId).toBe(`G-EXEC-${String(6).padStart(10, '0')}`);
    expect(MAX_EXECUTIONS).toBe(10_000);
  });
});

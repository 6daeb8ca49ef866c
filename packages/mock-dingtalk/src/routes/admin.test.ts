import { describe, expect, it } from 'vitest';
import type { DingTalkApp } from '../context.ts';
import { DEFAULT_CORP_ID, defaultFixtures, IDS, OTHER_CORP_ID, SELF_BUILT_APP, SUITE } from '../fixtures.ts';
import { call, createApp, CUSTOMER, frozenClock, ORDER, post, selfBuiltToken, suiteToken, TODO } from '../test-helpers.ts';

const goodCustomer = JSON.stringify({ name: '张三', mobile: '13800000000', level: 'A' });

const json = async <T>(app: DingTalkApp, path: string) => (await (await app.request(path)).json()) as T;

describe('authorizations', () => {
  it('grant the first suite in the first organisation by default; the suite can then use the asset', async () => {
    const { app } = createApp();
    const granted = await app.request('/__admin/authorizations', post({ connectAssetUri: ORDER }));
    expect(granted.status).toBe(200);
    expect(await granted.json()).toEqual({ corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey, connectAssetUri: ORDER, authorized: true });
    expect((await call(app, await suiteToken(app), '/v1.0/connector/instances', { connectAssetUri: ORDER, instanceKey: 'k' })).status).toBe(
      200,
    );
  });

  it('grant the first self-built app when there is no suite', async () => {
    const { app } = createApp({ fixtures: { ...defaultFixtures(), suites: [], grants: [] } });
    const granted = await app.request('/__admin/authorizations/revoke', post({ connectAssetUri: CUSTOMER }));
    expect(await granted.json()).toEqual({
      corpId: DEFAULT_CORP_ID,
      clientId: SELF_BUILT_APP.appKey,
      connectAssetUri: CUSTOMER,
      authorized: false,
    });
    const none = createApp({ fixtures: { ...defaultFixtures(), suites: [], apps: [], grants: [] } });
    const res = await none.app.request('/__admin/authorizations', post({ connectAssetUri: CUSTOMER }));
    expect(await res.json()).toEqual({ error: { code: 'unknown_client', message: 'no app or suite ' } });
  });

  it('revoke for a named client and organisation; the self-built app is refused at once', async () => {
    const { app } = createApp();
    const self = await selfBuiltToken(app);
    await call(app, self, '/v1.0/connector/instances', { connectAssetUri: CUSTOMER, instanceKey: 'k1' });
    const revoked = await app.request(
      '/__admin/authorizations/revoke',
      post({ connectAssetUri: CUSTOMER, clientId: SELF_BUILT_APP.appKey, corpId: DEFAULT_CORP_ID }),
    );
    expect(await revoked.json()).toEqual({
      corpId: DEFAULT_CORP_ID,
      clientId: SELF_BUILT_APP.appKey,
      connectAssetUri: CUSTOMER,
      authorized: false,
    });
    const res = await call(app, self, '/v1.0/connector/instances/invoke', {
      connectAssetUri: CUSTOMER,
      instanceKey: 'k1',
      inputJsonString: goodCustomer,
    });
    expect(res.status).toBe(403);
  });

  it.each([
    ['an unknown asset', { connectAssetUri: 'dca://nope' }, 'unknown_asset', 'no connect asset dca://nope'],
    ['an unknown client', { connectAssetUri: ORDER, clientId: 'nobody' }, 'unknown_client', 'no app or suite nobody'],
    ['an unknown organisation', { connectAssetUri: ORDER, corpId: 'dingnobody' }, 'unknown_corp', 'no organisation dingnobody'],
  ])('refuse %s with 404', async (_label, body, code, message) => {
    const { app, twin } = createApp();
    const before = twin.state.grants.size;
    for (const path of ['/__admin/authorizations', '/__admin/authorizations/revoke']) {
      const res = await app.request(path, post(body));
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code, message } });
    }
    expect(twin.state.grants.size).toBe(before);
  });

  it('list every explicit decision, filtered by organisation and client', async () => {
    const f = defaultFixtures();
    f.grants = [
      { corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey, actionIds: [IDS.createTodo, 'G-ACT-GONE'] },
      { corpId: OTHER_CORP_ID, clientId: SUITE.suiteKey, actionIds: [IDS.createTodo] },
    ];
    const { app } = createApp({ fixtures: f });
    await app.request('/__admin/authorizations/revoke', post({ connectAssetUri: CUSTOMER, clientId: SELF_BUILT_APP.appKey }));
    type List = { authorizations: { corpId: string; clientId: string; connectAssetUri: string; authorized: boolean }[] };
    const all = await json<List>(app, '/__admin/authorizations');
    expect(all.authorizations).toEqual([
      { corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey, connectAssetUri: TODO, authorized: true },
      // A grant of an action the fixtures do not have shows its id.
      { corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey, connectAssetUri: 'G-ACT-GONE', authorized: true },
      { corpId: OTHER_CORP_ID, clientId: SUITE.suiteKey, connectAssetUri: TODO, authorized: true },
      { corpId: DEFAULT_CORP_ID, clientId: SELF_BUILT_APP.appKey, connectAssetUri: CUSTOMER, authorized: false },
    ]);
    const pick = (...idx: number[]) => idx.map((i) => all.authorizations[i]);
    expect((await json<List>(app, `/__admin/authorizations?corpId=${OTHER_CORP_ID}`)).authorizations).toEqual(pick(2));
    expect((await json<List>(app, `/__admin/authorizations?clientId=${SELF_BUILT_APP.appKey}`)).authorizations).toEqual(pick(3));
    expect((await json<List>(app, `/__admin/authorizations?clientId=${SUITE.suiteKey}&corpId=${DEFAULT_CORP_ID}`)).authorizations).toEqual(
      pick(0, 1),
    );
  });
});

describe('executions', () => {
  type Listed = { total: number; executions: Record<string, unknown>[] };

  async function invoked() {
    const created = createApp({ clock: frozenClock() });
    const { app } = created;
    const self = await selfBuiltToken(app);
    const suite = await suiteToken(app);
    await call(app, self, '/v1.0/connector/instances', { connectAssetUri: CUSTOMER, instanceKey: 'k1' });
    await call(app, suite, '/v1.0/connector/instances', { connectAssetUri: TODO, instanceKey: 'k2' });
    const invoke = (token: string, uri: string, instanceKey: string, inputJsonString: string | null) =>
      call(app, token, '/v1.0/connector/instances/invoke', { connectAssetUri: uri, instanceKey, inputJsonString });
    await invoke(self, CUSTOMER, 'k1', goodCustomer);
    await invoke(self, CUSTOMER, 'k1', JSON.stringify({ name: '重复客户', mobile: '13800000000' }));
    await invoke(self, CUSTOMER, 'k1', 'oops');
    await invoke(suite, TODO, 'k2', JSON.stringify({ subject: 's', executorIds: ['u'] }));
    return created;
  }

  it('list every invocation oldest first: ISO time, input and output parsed when they are JSON', async () => {
    const { app } = await invoked();
    const { total, executions } = await json<Listed>(app, '/__admin/executions');
    expect(total).toBe(4);
    expect(executions.map((e) => e.errorCode)).toEqual(['0', 'CUSTOMER_EXISTS', '4001', '0']);
    expect(executions[0]).toEqual({
      instanceId: 'G-EXEC-0000000001',
      time: '2024-05-01T00:00:00.000Z',
      corpId: DEFAULT_CORP_ID,
      clientId: SELF_BUILT_APP.appKey,
      connectAssetUri: CUSTOMER,
      instanceKey: 'k1',
      input: JSON.parse(goodCustomer),
      output: { customerId: 'CUST-0001', createdAt: '2024-05-01T08:00:00Z' },
      errorCode: '0',
      errorMessage: 'success',
      cost: 35,
    });
    expect(executions[1]).toMatchObject({ output: null, errorMessage: '客户已存在' });
    expect(executions[2]).toMatchObject({ input: 'oops', output: null, errorMessage: '参数错误: inputJsonString is not valid JSON' });
  });

  it.each([
    ['corpId', `corpId=${DEFAULT_CORP_ID}`, ['G-EXEC-0000000001', 'G-EXEC-0000000002', 'G-EXEC-0000000003', 'G-EXEC-0000000004']],
    ['corpId', `corpId=${OTHER_CORP_ID}`, []],
    ['connectAssetUri', `connectAssetUri=${encodeURIComponent(TODO)}`, ['G-EXEC-0000000004']],
    ['instanceKey', 'instanceKey=k1', ['G-EXEC-0000000001', 'G-EXEC-0000000002', 'G-EXEC-0000000003']],
    ['errorCode', 'errorCode=0', ['G-EXEC-0000000001', 'G-EXEC-0000000004']],
    ['several fields', 'instanceKey=k1&errorCode=4001', ['G-EXEC-0000000003']],
  ])('filter by %s (%s)', async (_label, q, ids) => {
    const { app } = await invoked();
    const { total, executions } = await json<Listed>(app, `/__admin/executions?${q}`);
    expect(executions.map((e) => e.instanceId)).toEqual(ids);
    expect(total).toBe(ids.length);
  });

  it('are cleared by DELETE', async () => {
    const { app, twin } = await invoked();
    const res = await app.request('/__admin/executions', { method: 'DELETE' });
    expect(await res.json()).toEqual({ cleared: true });
    expect(await json<Listed>(app, '/__admin/executions')).toEqual({ total: 0, executions: [] });
    expect(twin.state.executions.values()).toEqual([]);
  });
});

describe('instances', () => {
  it('lists every connection instance', async () => {
    const { app } = createApp({ clock: frozenClock() });
    expect(await json(app, '/__admin/instances')).toEqual({ instances: [] });
    await call(app, await selfBuiltToken(app), '/v1.0/connector/instances', { connectAssetUri: CUSTOMER, instanceKey: 'k1' });
    expect(await json(app, '/__admin/instances')).toEqual({
      instances: [
        {
          corpId: DEFAULT_CORP_ID,
          clientId: SELF_BUILT_APP.appKey,
          connectAssetUri: CUSTOMER,
          instanceKey: 'k1',
          versionId: 'G-ACT-VER-101FDEBD3C6E213DB4740001',
          createdAt: '2024-05-01T00:00:00.000Z',
        },
      ],
    });
  });
});

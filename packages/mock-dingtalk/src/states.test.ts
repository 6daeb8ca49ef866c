import { readFileSync } from 'node:fs';
import { schemaProblems } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import { connectAssetUri, DEFAULT_CORP_ID, defaultFixtures, IDS, OFFICIAL_CORP_ID, SELF_BUILT_APP, SUITE } from './fixtures.ts';
import { dingtalkStates, STATE_INSTANCE_KEY, STATE_TOKENS } from './states.ts';
import { call, createApp, CUSTOMER, ORDER, post, selfBuiltToken, suiteToken, TODO } from './test-helpers.ts';

async function inState(name: string, params?: Record<string, unknown>) {
  const created = createApp();
  const res = await created.app.request(`/__admin/states/${encodeURIComponent(name)}`, post(params ? { params } : {}));
  expect(res.status).toBe(200);
  return created;
}

describe('named states', () => {
  it('are the states the README documents (the Pact provider states), each describing itself', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Named states'), readme.indexOf('## Errors'));
    const documented = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect(Object.keys(dingtalkStates)).toEqual(documented);
    for (const [name, state] of Object.entries(dingtalkStates)) expect(state.description.length, name).toBeGreaterThan(10);
  });

  it('"the default fixtures" is the built-in fixtures', async () => {
    const { twin } = await inState('the default fixtures');
    expect(twin.fixtures).toEqual(defaultFixtures());
  });

  it('"tokens issued" gives the two known tokens, in dingdoppelcorp, for the app and the suite', async () => {
    const { app, twin } = await inState('tokens issued');
    expect(twin.fixtures.tokens).toEqual([
      { token: STATE_TOKENS.selfBuilt, corpId: DEFAULT_CORP_ID, clientId: SELF_BUILT_APP.appKey },
      { token: STATE_TOKENS.suite, corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey },
    ]);
    expect(twin.fixtures.instances).toBeUndefined();
    for (const token of Object.values(STATE_TOKENS))
      expect((await call(app, token, '/v1.0/connector/assets/connectors?type=official')).status).toBe(200);
  });

  it('"tokens issued, instance created" gives both an instance ready to invoke', async () => {
    const { app } = await inState('tokens issued, instance created');
    const customer = await call(app, STATE_TOKENS.selfBuilt, '/v1.0/connector/instances/invoke', {
      connectAssetUri: CUSTOMER,
      instanceKey: STATE_INSTANCE_KEY,
      inputJsonString: '{"name":"a","mobile":"13800000000"}',
    });
    expect(await customer.json()).toMatchObject({ errorCode: '0' });
    const todo = await call(app, STATE_TOKENS.suite, '/v1.0/connector/instances/invoke', {
      connectAssetUri: TODO,
      instanceKey: STATE_INSTANCE_KEY,
      inputJsonString: '{"subject":"s","executorIds":["u"]}',
    });
    expect(await todo.json()).toMatchObject({ errorCode: '0' });
  });

  it('"suite fully authorized" grants the suite 创建销售订单 as well, keeping its other grants', async () => {
    const { app, twin } = await inState('suite fully authorized');
    const token = await suiteToken(app);
    expect((await call(app, token, '/v1.0/connector/instances', { connectAssetUri: ORDER, instanceKey: 'k' })).status).toBe(200);
    const [grant] = twin.fixtures.grants;
    expect(grant!.actionIds).toEqual([...defaultFixtures().grants[0]!.actionIds, IDS.createOrder]);
  });

  it('"suite fully authorized" leaves the grants of other clients alone', () => {
    const f = defaultFixtures();
    f.grants.push({ corpId: DEFAULT_CORP_ID, clientId: SELF_BUILT_APP.appKey, actionIds: [IDS.crm] });
    expect(dingtalkStates['suite fully authorized']!.apply(f, {}).grants[1]).toEqual(f.grants[1]);
  });

  it('"suite without grants" leaves the suite unauthorized everywhere, and other clients’ grants alone', async () => {
    const { app } = await inState('suite without grants');
    const token = await suiteToken(app);
    const res = await call(app, token, '/v1.0/connector/instances', { connectAssetUri: CUSTOMER, instanceKey: 'x' });
    expect(res.status).toBe(403);
    const f = defaultFixtures();
    f.grants.push({ corpId: DEFAULT_CORP_ID, clientId: SELF_BUILT_APP.appKey, actionIds: [IDS.crm] });
    expect(dingtalkStates['suite without grants']!.apply(f, {}).grants).toEqual([f.grants[1]]);
  });

  it('"suite not installed" makes corpAccessToken fail with invalidAuthInfo; reset restores it', async () => {
    const { app } = await inState('suite not installed');
    const body = { suiteKey: SUITE.suiteKey, suiteSecret: SUITE.suiteSecret, suiteTicket: SUITE.suiteTicket, authCorpId: DEFAULT_CORP_ID };
    expect(await (await app.request('/v1.0/oauth2/corpAccessToken', post(body))).json()).toMatchObject({ code: 'invalidAuthInfo' });
    // The fixtures say so too: the suite is installed in no organisation at all.
    const fixtures = (await (await app.request('/__admin/fixtures')).json()) as { suites: { installedCorpIds: string[] }[] };
    expect(fixtures.suites.map((s) => s.installedCorpIds)).toEqual([[]]);
    await app.request('/__admin/reset', { method: 'POST' });
    expect((await app.request('/v1.0/oauth2/corpAccessToken', post(body))).status).toBe(200);
  });

  it('"many connectors" adds 55 official connectors by default, or params.count, each with one action', async () => {
    const official = (f: ReturnType<typeof defaultFixtures>) => f.connectors.filter((c) => c.type === 'official');
    const base = official(defaultFixtures()).length;
    expect(official((await inState('many connectors')).twin.fixtures)).toHaveLength(base + 55);
    const { twin } = await inState('many connectors', { count: 3 });
    const added = official(twin.fixtures).slice(base);
    expect(added).toEqual(
      [1, 2, 3].map((i) => ({ id: `G-CONN-MANY000${i}`, name: `批量连接器 000${i}`, type: 'official', providerCorpId: OFFICIAL_CORP_ID })),
    );
    expect(twin.fixtures.actions.slice(-3).map((a) => [a.id, a.connectorId, a.name])).toEqual(
      [1, 2, 3].map((i) => [`G-ACT-MANY000${i}`, `G-CONN-MANY000${i}`, `批量动作 000${i}`]),
    );
    expect(twin.fixtures.actions).toHaveLength(defaultFixtures().actions.length + 3);
    const last = twin.fixtures.actions.at(-1)!;
    expect(last).toMatchObject({ refType: 'action', integrationType: 'basic', inputSchema: { type: 'object' } });
    expect(schemaProblems(last.outputSchema, { ok: 1 }, 'output')).toEqual(['/ok must be boolean']);
    expect(schemaProblems(last.outputSchema, {}, 'output')).toEqual(['/ok is required']);
  });

  it('"many connectors" actions invoke like any other, with a generated output', async () => {
    const { app, twin } = await inState('many connectors', { count: 1 });
    const token = await selfBuiltToken(app);
    const uri = connectAssetUri(OFFICIAL_CORP_ID, 'G-ACT-MANY0001');
    expect((await call(app, token, '/v1.0/connector/instances', { connectAssetUri: uri, instanceKey: 'k' })).status).toBe(200);
    const res = await call(app, token, '/v1.0/connector/instances/invoke', {
      connectAssetUri: uri,
      instanceKey: 'k',
      inputJsonString: '{}',
    });
    expect(await res.json()).toMatchObject({ errorCode: '0', outputJson: '{"ok":true}' });
    expect(twin.state.executions.values()).toHaveLength(1);
  });
});

describe('token states with params (doppel verify maps a consumer’s token and instance key to them)', () => {
  it('"tokens issued, instance created" seeds params.token and params.instanceKey', async () => {
    const { twin } = await inState('tokens issued, instance created', { token: 'chatbot-dingtalk-token', instanceKey: 'chatbot-erp' });
    expect(twin.fixtures.tokens?.[0]).toMatchObject({ token: 'chatbot-dingtalk-token', clientId: 'dingdoppelselfbuilt' });
    expect(twin.fixtures.tokens?.[1]?.token).toBe(STATE_TOKENS.suite);
    expect(twin.fixtures.instances?.map((i) => i.instanceKey)).toEqual(['chatbot-erp', 'chatbot-erp']);
  });
});

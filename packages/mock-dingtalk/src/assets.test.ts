import { describe, expect, it } from 'vitest';
import { connectAssetUri, DEFAULT_CORP_ID, defaultFixtures, FILLER_OFFICIAL_CONNECTORS, IDS, ISV_CORP_ID, OFFICIAL_CORP_ID } from './fixtures.ts';
import { call, createApp, selfBuiltToken, suiteToken, type TestApp } from './test-helpers.ts';

interface Page<T> {
  hasMore: boolean;
  nextToken?: string;
  totalCount: string | number;
  list: T[];
}
interface ActionItem {
  id: string;
  connectorId: string;
  connectAssetUri: string;
  authorized: boolean;
  authorityUrl: string;
  providerCorpId: string;
  integrationType: string;
}

async function connectorIds(app: TestApp, token: string, type: string): Promise<string[]> {
  const ids: string[] = [];
  let next: string | undefined;
  for (let i = 0; i < 50; i++) {
    const q = new URLSearchParams({ type, maxResults: '3', ...(next && { nextToken: next }) });
    const page = (await (await call(app, token, `/v1.0/connector/assets/connectors?${q}`)).json()) as Page<{ id: string }>;
    ids.push(...page.list.map((c) => c.id));
    if (!page.hasMore) return ids;
    next = page.nextToken;
  }
  throw new Error('paging never ended');
}

const searchBody = (connectorId: string, providerCorpId: string, extra: object = {}) => ({
  connectorId,
  connectorProviderCorpId: providerCorpId,
  ...extra,
});

describe('connector visibility (the doc’s rule)', () => {
  it('a self-built app sees its organisation’s self-built, third-party and official connectors', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    expect(await connectorIds(app, token, 'self_built')).toEqual([IDS.crm]);
    expect(await connectorIds(app, token, 'third_party')).toEqual([IDS.erp, IDS.esign]);
    expect(await connectorIds(app, token, 'official')).toHaveLength(2 + FILLER_OFFICIAL_CONNECTORS);
  });

  it('a suite sees the self-built ones, and third-party / official ones only inside its usage scope', async () => {
    const { app } = createApp();
    const token = await suiteToken(app);
    const scope = new Set(defaultFixtures().suites[0]!.usageScope);
    expect(await connectorIds(app, token, 'self_built')).toEqual([IDS.crm]);
    expect(await connectorIds(app, token, 'third_party')).toEqual([IDS.erp]);
    const official = await connectorIds(app, token, 'official');
    expect(official.length).toBeLessThan(2 + FILLER_OFFICIAL_CONNECTORS);
    expect(official.every((id) => scope.has(id))).toBe(true);
    expect(official).toContain(IDS.todo);
  });

  it('a connector outside what the caller sees is 4004 for its actions', async () => {
    const { app } = createApp();
    const token = await suiteToken(app);
    const res = await call(app, token, '/v1.0/connector/assets/actions/search', searchBody(IDS.esign, ISV_CORP_ID));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: '4004' });
    const wrongProvider = await call(app, await selfBuiltToken(app), '/v1.0/connector/assets/actions/search', searchBody(IDS.erp, OFFICIAL_CORP_ID));
    expect(wrongProvider.status).toBe(404);
  });

  it('needs type, and only the three known types', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    for (const q of ['', '?type=mine']) {
      const res = await call(app, token, `/v1.0/connector/assets/connectors${q}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: '4001' });
    }
  });
});

describe('paging', () => {
  it('uses the default page size, says hasMore with a nextToken, and totalCount as a string', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const res = await call(app, token, '/v1.0/connector/assets/connectors?type=official');
    const first = (await res.json()) as Page<{ id: string; name: string; providerCorpId: string }>;
    expect(first.list).toHaveLength(defaultFixtures().defaultPageSize);
    expect(first.hasMore).toBe(true);
    expect(first.totalCount).toBe(String(2 + FILLER_OFFICIAL_CONNECTORS));
    expect(first.list[0]).toMatchObject({ id: IDS.todo, name: '钉钉待办', providerCorpId: OFFICIAL_CORP_ID });
    const second = (await (await call(app, token, `/v1.0/connector/assets/connectors?type=official&nextToken=${first.nextToken}`)).json()) as Page<{ id: string }>;
    expect(second.hasMore).toBe(false);
    expect(second.nextToken).toBeUndefined();
    expect(new Set([...first.list, ...second.list].map((c) => c.id)).size).toBe(2 + FILLER_OFFICIAL_CONNECTORS);
  });

  it('returns every item once, in a stable order, whatever the page size (the sample’s nextToken=0 is the start)', async () => {
    const { app, twin } = createApp();
    await app.request('/__admin/states/many%20connectors', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"params":{"count":37}}' });
    const token = await selfBuiltToken(app);
    const expected = twin.state.connectors.filter((c) => c.type === 'official').map((c) => c.id);
    for (const size of [1, 7, 50, 100]) {
      const seen: string[] = [];
      let next = '0';
      for (;;) {
        const page = (await (await call(app, token, `/v1.0/connector/assets/connectors?type=official&maxResults=${size}&nextToken=${next}`)).json()) as Page<{ id: string }>;
        seen.push(...page.list.map((c) => c.id));
        if (!page.hasMore) break;
        next = page.nextToken!;
      }
      expect(seen).toEqual(expected);
    }
  });

  it.each([
    ['maxResults=0', 'maxResults=0'],
    ['maxResults=101', 'maxResults=101'],
    ['maxResults=abc', 'maxResults=abc'],
    ['a nextToken it never issued', 'nextToken=zzz'],
    ['a nextToken past the end', 'nextToken=999'],
  ])('refuses %s with 4001', async (_label, q) => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const res = await call(app, token, `/v1.0/connector/assets/connectors?type=official&${q}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('4001');
    expect(body.message).toContain('参数错误');
  });

  it('pages actions too, and refuses a bad nextToken or maxResults in the JSON body', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const page = (await (
      await call(app, token, '/v1.0/connector/assets/actions/search', searchBody(IDS.crm, DEFAULT_CORP_ID, { maxResults: 2, nextToken: '0' }))
    ).json()) as Page<ActionItem>;
    expect(page).toMatchObject({ hasMore: true, nextToken: '2', totalCount: 3 });
    const rest = (await (
      await call(app, token, '/v1.0/connector/assets/actions/search', searchBody(IDS.crm, DEFAULT_CORP_ID, { maxResults: 2, nextToken: page.nextToken }))
    ).json()) as Page<ActionItem>;
    expect([...page.list, ...rest.list].map((a) => a.id)).toEqual([IDS.createCustomer, IDS.queryCustomer, IDS.syncCustomersFlow]);
    for (const extra of [{ maxResults: 500 }, { nextToken: 'abc' }, { integrationTypes: ['advanced'] }]) {
      const res = await call(app, token, '/v1.0/connector/assets/actions/search', searchBody(IDS.crm, DEFAULT_CORP_ID, extra));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: '4001' });
    }
  });
});

describe('actions', () => {
  it('lists a connector’s actions and flows with the real connectAssetUri form and the caller’s authorization', async () => {
    const { app } = createApp();
    const suite = await suiteToken(app);
    const res = await call(app, suite, '/v1.0/connector/assets/actions/search', searchBody(IDS.erp, ISV_CORP_ID, { integrationTypes: ['basic'] }));
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page<ActionItem>;
    expect(page.list.map((a) => [a.id, a.authorized])).toEqual([
      [IDS.createOrder, false],
      [IDS.queryStock, true],
    ]);
    expect(page.list[0]!.connectAssetUri).toBe(`dca://${ISV_CORP_ID}.connect.dingtalk.com/${ISV_CORP_ID}/action/${IDS.createOrder}`);
    expect(page.list[0]!.connectAssetUri).toMatch(/^dca:\/\/[^/]+\.connect\.dingtalk\.com\/[^/]+\/action\/G-ACT-[0-9A-Z]+$/);
    const url = new URL(page.list[0]!.authorityUrl);
    expect(url.pathname).toBe('/connect/authority');
    expect(url.searchParams.get('corpId')).toBe(DEFAULT_CORP_ID);
    // The self-built app is authorized for everything its organisation has.
    const self = (await (await call(app, await selfBuiltToken(app), '/v1.0/connector/assets/actions/search', searchBody(IDS.erp, ISV_CORP_ID))).json()) as Page<ActionItem>;
    expect(self.list.every((a) => a.authorized)).toBe(true);
  });

  it('defaults integrationTypes to basic; integration_endpoint (not open yet) lists nothing', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const basic = (await (await call(app, token, '/v1.0/connector/assets/actions/search', searchBody(IDS.crm, DEFAULT_CORP_ID))).json()) as Page<ActionItem>;
    expect(basic.list.every((a) => a.integrationType === 'basic')).toBe(true);
    expect(basic.list).toHaveLength(3);
    const endpoint = (await (
      await call(app, token, '/v1.0/connector/assets/actions/search', searchBody(IDS.crm, DEFAULT_CORP_ID, { integrationTypes: ['integration_endpoint'] }))
    ).json()) as Page<ActionItem>;
    expect(endpoint).toMatchObject({ list: [], hasMore: false, totalCount: 0 });
  });

  it('also answers the README’s GET form with the same body', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const viaPost = await (await call(app, token, '/v1.0/connector/assets/actions/search', searchBody(IDS.todo, OFFICIAL_CORP_ID))).json();
    const q = new URLSearchParams({ connectorId: IDS.todo, connectorProviderCorpId: OFFICIAL_CORP_ID, integrationTypes: 'basic' });
    const viaGet = await call(app, token, `/v1.0/connector/assets/actions/search?${q}`);
    expect(viaGet.status).toBe(200);
    expect(await viaGet.json()).toEqual(viaPost);
    const missing = await call(app, token, `/v1.0/connector/assets/actions/search?connectorId=${IDS.todo}`);
    expect(missing.status).toBe(400);
  });
});

describe('action details', () => {
  const uri = connectAssetUri(DEFAULT_CORP_ID, IDS.createCustomer);

  it('returns the schemas as JSON-Schema text, the ref fields and the integration config', async () => {
    const { app } = createApp();
    const token = await suiteToken(app);
    const res = await call(app, token, '/v1.0/connector/assets/actions/details/query', { connectAssetUri: uri });
    expect(res.status).toBe(200);
    const d = (await res.json()) as Record<string, unknown>;
    expect(d).toMatchObject({ connectAssetUri: uri, name: '创建客户', refId: IDS.createCustomer, refType: 'action', refProviderCorpId: DEFAULT_CORP_ID });
    expect(JSON.parse(d.inputSchema as string)).toMatchObject({ type: 'object', required: ['name', 'mobile'] });
    expect(JSON.parse(d.outputSchema as string)).toMatchObject({ required: ['customerId', 'createdAt'] });
    expect(d.integrationConfig).toEqual({ entityName: 'customer', categoryNames: [{ value: '客户管理' }], props: [{ key: 'operation', value: 'create' }] });
  });

  it('says integration_flow for a flow', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const res = await call(app, token, '/v1.0/connector/assets/actions/details/query', { connectAssetUri: connectAssetUri(DEFAULT_CORP_ID, IDS.syncCustomersFlow) });
    expect(await res.json()).toMatchObject({ refType: 'integration_flow' });
  });

  it('answers the GET form the same, and 4004 for an unknown or invisible asset', async () => {
    const { app } = createApp();
    const token = await suiteToken(app);
    const viaPost = await (await call(app, token, '/v1.0/connector/assets/actions/details/query', { connectAssetUri: uri })).json();
    const viaGet = await call(app, token, `/v1.0/connector/assets/actions/details/query?connectAssetUri=${encodeURIComponent(uri)}`);
    expect(await viaGet.json()).toEqual(viaPost);
    for (const other of [connectAssetUri(DEFAULT_CORP_ID, 'G-ACT-NOPE'), connectAssetUri(ISV_CORP_ID, IDS.createContract)]) {
      const res = await call(app, token, '/v1.0/connector/assets/actions/details/query', { connectAssetUri: other });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: '4004' });
    }
  });
});

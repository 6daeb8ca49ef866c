import { describe, expect, it } from 'vitest';
import {
  connectAssetUri,
  DEFAULT_CORP_ID,
  defaultFixtures,
  FILLER_OFFICIAL_CONNECTORS,
  IDS,
  ISV_CORP_ID,
  OFFICIAL_CORP_ID,
} from '../fixtures.ts';
import type { DingTalkApp } from '../context.ts';
import { call, createApp, selfBuiltToken, suiteToken } from '../test-helpers.ts';

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

async function connectorIds(app: DingTalkApp, token: string, type: string): Promise<string[]> {
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
    const wrongProvider = await call(
      app,
      await selfBuiltToken(app),
      '/v1.0/connector/assets/actions/search',
      searchBody(IDS.erp, OFFICIAL_CORP_ID),
    );
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
    const second = (await (
      await call(app, token, `/v1.0/connector/assets/connectors?type=official&nextToken=${first.nextToken}`)
    ).json()) as Page<{ id: string }>;
    expect(second.hasMore).toBe(false);
    expect(second.nextToken).toBeUndefined();
    expect(new Set([...first.list, ...second.list].map((c) => c.id)).size).toBe(2 + FILLER_OFFICIAL_CONNECTORS);
  });

  it('returns every item once, in a stable order, whatever the page size (the sample’s nextToken=0 is the start)', async () => {
    const { app, twin } = createApp();
    await app.request('/__admin/states/many%20connectors', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"params":{"count":37}}',
    });
    const token = await selfBuiltToken(app);
    const expected = twin.state.fixtures.connectors.filter((c) => c.type === 'official').map((c) => c.id);
    for (const size of [1, 7, 50, 100]) {
      const seen: string[] = [];
      let next = '0';
      for (;;) {
        const page = (await (
          await call(app, token, `/v1.0/connector/assets/connectors?type=official&maxResults=${size}&nextToken=${next}`)
        ).json()) as Page<{ id: string }>;
        seen.push(...page.list.map((c) => c.id));
        if (!page.hasMore) break;
        next = page.nextToken!;
      }
      expect(seen).toEqual(expected);
    }
  });

  it.each([
    ['maxResults=0', 'maxResults=0', 'maxResults must be >= 1'],
    ['maxResults=101', 'maxResults=101', 'maxResults must be <= 100'],
    ['maxResults=abc', 'maxResults=abc', 'maxResults must be integer'],
    ['a nextToken it never issued', 'nextToken=zzz', 'nextToken "zzz" is not a token this API issued'],
    ['a negative nextToken', 'nextToken=-1', 'nextToken "-1" is not a token this API issued'],
    ['a nextToken with a tail', 'nextToken=1x', 'nextToken "1x" is not a token this API issued'],
    ['a nextToken past the end', 'nextToken=13', 'nextToken 13 is past the end of the list'],
  ])('refuses %s with 4001 naming it', async (_label, q, detail) => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const res = await call(app, token, `/v1.0/connector/assets/connectors?type=official&${q}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: '4001', message: `参数错误: ${detail}` });
  });

  it('accepts a nextToken at the very end: an empty last page', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const res = await call(app, token, `/v1.0/connector/assets/connectors?type=official&nextToken=${2 + FILLER_OFFICIAL_CONNECTORS}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ hasMore: false, totalCount: String(2 + FILLER_OFFICIAL_CONNECTORS), list: [] });
  });

  it('ends a page that reaches the last item exactly without a nextToken', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const res = await call(app, token, `/v1.0/connector/assets/connectors?type=official&maxResults=${2 + FILLER_OFFICIAL_CONNECTORS}`);
    const page = (await res.json()) as Page<{ id: string }>;
    expect(page.hasMore).toBe(false);
    expect(page.list).toHaveLength(2 + FILLER_OFFICIAL_CONNECTORS);
    expect('nextToken' in page).toBe(false);
  });

  it('pages actions too, and refuses a bad nextToken or maxResults in the JSON body', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const page = (await (
      await call(
        app,
        token,
        '/v1.0/connector/assets/actions/search',
        searchBody(IDS.crm, DEFAULT_CORP_ID, { maxResults: 2, nextToken: '0' }),
      )
    ).json()) as Page<ActionItem>;
    expect(page).toMatchObject({ hasMore: true, nextToken: '2', totalCount: 3 });
    const rest = (await (
      await call(
        app,
        token,
        '/v1.0/connector/assets/actions/search',
        searchBody(IDS.crm, DEFAULT_CORP_ID, { maxResults: 2, nextToken: page.nextToken }),
      )
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
    const res = await call(
      app,
      suite,
      '/v1.0/connector/assets/actions/search',
      searchBody(IDS.erp, ISV_CORP_ID, { integrationTypes: ['basic'] }),
    );
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
    const self = (await (
      await call(app, await selfBuiltToken(app), '/v1.0/connector/assets/actions/search', searchBody(IDS.erp, ISV_CORP_ID))
    ).json()) as Page<ActionItem>;
    expect(self.list.every((a) => a.authorized)).toBe(true);
  });

  it('defaults integrationTypes to basic; integration_endpoint (not open yet) lists nothing', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const basic = (await (
      await call(app, token, '/v1.0/connector/assets/actions/search', searchBody(IDS.crm, DEFAULT_CORP_ID))
    ).json()) as Page<ActionItem>;
    expect(basic.list.every((a) => a.integrationType === 'basic')).toBe(true);
    expect(basic.list).toHaveLength(3);
    const endpoint = (await (
      await call(
        app,
        token,
        '/v1.0/connector/assets/actions/search',
        searchBody(IDS.crm, DEFAULT_CORP_ID, { integrationTypes: ['integration_endpoint'] }),
      )
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
    expect(d).toMatchObject({
      connectAssetUri: uri,
      name: '创建客户',
      refId: IDS.createCustomer,
      refType: 'action',
      refProviderCorpId: DEFAULT_CORP_ID,
    });
    expect(JSON.parse(d.inputSchema as string)).toMatchObject({ type: 'object', required: ['name', 'mobile'] });
    expect(JSON.parse(d.outputSchema as string)).toMatchObject({ required: ['customerId', 'createdAt'] });
    expect(d.integrationConfig).toEqual({
      entityName: 'customer',
      categoryNames: [{ value: '客户管理' }],
      props: [{ key: 'operation', value: 'create' }],
    });
  });

  it('says integration_flow for a flow', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const res = await call(app, token, '/v1.0/connector/assets/actions/details/query', {
      connectAssetUri: connectAssetUri(DEFAULT_CORP_ID, IDS.syncCustomersFlow),
    });
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

const SELF_BUILT = 'dingdoppelselfbuilt';

describe('list items', () => {
  it('show a connector’s description and icon only when it has them', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const page = (await (await call(app, token, '/v1.0/connector/assets/connectors?type=official&maxResults=3')).json()) as Page<
      Record<string, unknown>
    >;
    expect(page.list[0]).toEqual({
      id: IDS.todo,
      name: '钉钉待办',
      description: '官方待办连接器',
      providerCorpId: OFFICIAL_CORP_ID,
      icon: 'https://static.dingtalk.com/media/todo.png',
    });
    expect(page.list[2]).toEqual({
      id: 'G-CONN-1016B0A1E1D3C301',
      name: '官方连接器 01',
      description: '官方提供的通用连接器',
      providerCorpId: OFFICIAL_CORP_ID,
    });
    const bare = defaultFixtures();
    delete bare.connectors[0]!.description;
    const other = createApp({ fixtures: bare });
    const self = await selfBuiltToken(other.app);
    const crm = (await (await call(other.app, self, '/v1.0/connector/assets/connectors?type=self_built')).json()) as Page<
      Record<string, unknown>
    >;
    expect(Object.keys(crm.list[0]!)).toEqual(['id', 'name', 'providerCorpId', 'icon']);
  });

  it('show an action’s description and icon only when it has them', async () => {
    const f = defaultFixtures();
    f.actions[1]!.icon = 'https://example.com/icon.png';
    const { app } = createApp({ fixtures: f });
    const token = await selfBuiltToken(app);
    const page = (await (
      await call(app, token, '/v1.0/connector/assets/actions/search', searchBody(IDS.crm, DEFAULT_CORP_ID))
    ).json()) as Page<Record<string, unknown>>;
    const uri = connectAssetUri(DEFAULT_CORP_ID, IDS.createCustomer);
    const query = new URLSearchParams({ corpId: DEFAULT_CORP_ID, clientId: SELF_BUILT, connectAssetUri: uri });
    expect(page.list[0]).toEqual({
      id: IDS.createCustomer,
      connectorId: IDS.crm,
      name: '创建客户',
      description: '在 Doppel CRM 中新建客户',
      providerCorpId: DEFAULT_CORP_ID,
      integrationType: 'basic',
      connectAssetUri: uri,
      authorized: true,
      authorityUrl: `http://localhost/connect/authority?${query}`,
    });
    expect(page.list[1]).not.toHaveProperty('description');
    expect(page.list[1]).toHaveProperty('icon', 'https://example.com/icon.png');
    expect(page.list[0]).not.toHaveProperty('icon');
  });

  it('point authorityUrl at the host the caller used', async () => {
    const { app } = createApp();
    const token = await suiteToken(app);
    const res = await app.request('http://twin.test:8123/v1.0/connector/assets/actions/search', {
      method: 'POST',
      headers: { 'x-acs-dingtalk-access-token': token, 'content-type': 'application/json' },
      body: JSON.stringify(searchBody(IDS.erp, ISV_CORP_ID)),
    });
    const page = (await res.json()) as Page<ActionItem>;
    const url = new URL(page.list[0]!.authorityUrl);
    expect(url.origin).toBe('http://twin.test:8123');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      corpId: DEFAULT_CORP_ID,
      clientId: 'suitedoppelthirdparty',
      connectAssetUri: connectAssetUri(ISV_CORP_ID, IDS.createOrder),
    });
  });
});

describe('integration types', () => {
  const withEndpoint = () => {
    const f = defaultFixtures();
    f.actions.push({ ...f.actions[1]!, id: 'G-ACT-ENDPOINT', name: '端点', integrationType: 'integration_endpoint' });
    return createApp({ fixtures: f });
  };
  const ids = (page: unknown) => (page as Page<ActionItem>).list.map((a) => a.id);

  it('list basic actions unless asked (an empty list is the default too), the endpoint ones when asked, or both', async () => {
    const { app } = withEndpoint();
    const token = await selfBuiltToken(app);
    const search = async (extra: object) =>
      ids(await (await call(app, token, '/v1.0/connector/assets/actions/search', searchBody(IDS.crm, DEFAULT_CORP_ID, extra))).json());
    const basic = [IDS.createCustomer, IDS.queryCustomer, IDS.syncCustomersFlow];
    expect(await search({})).toEqual(basic);
    expect(await search({ integrationTypes: [] })).toEqual(basic);
    expect(await search({ integrationTypes: ['integration_endpoint'] })).toEqual(['G-ACT-ENDPOINT']);
    expect(await search({ integrationTypes: ['basic', 'integration_endpoint'] })).toEqual([...basic, 'G-ACT-ENDPOINT']);
  });

  it('are read from repeated query parameters in the GET form, with maxResults and nextToken', async () => {
    const { app } = withEndpoint();
    const token = await selfBuiltToken(app);
    const q = new URLSearchParams([
      ['connectorId', IDS.crm],
      ['connectorProviderCorpId', DEFAULT_CORP_ID],
      ['integrationTypes', 'basic'],
      ['integrationTypes', 'integration_endpoint'],
      ['maxResults', '2'],
      ['nextToken', '2'],
    ]);
    const page = (await (await call(app, token, `/v1.0/connector/assets/actions/search?${q}`)).json()) as Page<ActionItem>;
    expect(page).toMatchObject({ hasMore: false, totalCount: 4 });
    expect(page.list.map((a) => a.id)).toEqual([IDS.syncCustomersFlow, 'G-ACT-ENDPOINT']);
  });
});

describe('an unknown connector', () => {
  it('is 4004 naming the connector', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const res = await call(app, token, '/v1.0/connector/assets/actions/search', searchBody('G-CONN-NOPE', DEFAULT_CORP_ID));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: '4004', message: '连接器不存在: G-CONN-NOPE' });
  });
});

describe('action details without an integration config', () => {
  it('answer an empty entity name, categories and props', async () => {
    const f = defaultFixtures();
    f.actions[1]!.integrationConfig = { entityName: 'only' };
    const { app } = createApp({ fixtures: f });
    const token = await selfBuiltToken(app);
    const detail = async (id: string, provider = DEFAULT_CORP_ID) =>
      (
        (await (
          await call(app, token, '/v1.0/connector/assets/actions/details/query', { connectAssetUri: connectAssetUri(provider, id) })
        ).json()) as {
          integrationConfig: unknown;
        }
      ).integrationConfig;
    expect(await detail(IDS.createContract, ISV_CORP_ID)).toEqual({ entityName: '', categoryNames: [], props: [] });
    expect(await detail(IDS.queryCustomer)).toEqual({ entityName: 'only', categoryNames: [], props: [] });
  });

  it('name the asset in a 4004', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const uri = connectAssetUri(DEFAULT_CORP_ID, 'G-ACT-NOPE');
    const res = await call(app, token, `/v1.0/connector/assets/actions/details/query?connectAssetUri=${encodeURIComponent(uri)}`);
    expect(await res.json()).toMatchObject({ code: '4004', message: `连接资产不存在: ${uri}` });
  });
});

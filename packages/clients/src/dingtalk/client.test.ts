import { createApp, DEFAULT_CORP_ID, IDS, ISV_CORP_ID, OTHER_CORP_ID, SELF_BUILT_APP, SUITE } from '@doppel/mock-dingtalk';
import { describe, expect, it } from 'vitest';
import { createAdminClient } from '../admin/client.ts';
import { unwrap } from '../http.ts';
import { createDingTalkClient, type DingTalkClientOptions, DingTalkError, parseSchemas } from './client.ts';

const BASE = 'http://dingtalk.test';
const selfBuilt = { appKey: SELF_BUILT_APP.appKey, appSecret: SELF_BUILT_APP.appSecret };
const suite = { suiteKey: SUITE.suiteKey, suiteSecret: SUITE.suiteSecret, suiteTicket: SUITE.suiteTicket, corpId: DEFAULT_CORP_ID };

function setup(options: Partial<DingTalkClientOptions> = {}) {
  const { app, twin } = createApp();
  const seen: Request[] = [];
  const fetch = (r: Request) => {
    seen.push(r.clone());
    return Promise.resolve(app.fetch(r));
  };
  let clock = Date.parse('2024-05-01T00:00:00Z');
  const client = createDingTalkClient({ baseUrl: BASE, fetch, now: () => clock, ...options });
  const admin = createAdminClient({ baseUrl: BASE, fetch });
  return { client, admin, twin, seen, fetch, advance: (s: number) => (clock += s * 1000) };
}

const tokenCalls = (seen: Request[]) => seen.filter((r) => /oauth2|gettoken/.test(r.url)).map((r) => new URL(r.url).pathname);

describe('the doc’s whole flow, through the client, against the twin', () => {
  it('lists connectors → picks an action → reads details → sees it unauthorized → authorizes → creates an instance → invokes', async () => {
    const { client, admin, fetch } = setup(suite);
    expect(client.mode).toBe('suite');

    // 1. The connectors the suite may use.
    const connectors = unwrap(await client.listAllConnectors('third_party'));
    const erp = connectors.find((c) => c.name === '云进销存 ERP')!;
    expect(erp).toBeDefined();

    // 2. Its actions; pick 创建销售订单.
    const actions = unwrap(await client.listAllActions({ connectorId: erp.id, connectorProviderCorpId: erp.providerCorpId }));
    const action = actions.find((a) => a.name === '创建销售订单')!;
    expect(action.connectAssetUri).toMatch(/^dca:\/\/.+\/action\/G-ACT-/);

    // 3. Its details: the input schema tells what to send.
    const detail = unwrap(await client.getActionDetail(action.connectAssetUri));
    const { input: inputSchema } = parseSchemas(detail);
    expect(inputSchema).toMatchObject({ required: ['customerName', 'items'] });

    // 4. Unauthorized: the search says so, and using it is 4003.
    expect(action.authorized).toBe(false);
    const refused = await client.createInstance({ connectAssetUri: action.connectAssetUri, instanceKey: 'flow' });
    expect(refused.error?.isNotAuthorized).toBe(true);

    // 5. The organisation grants it on the page behind authorityUrl (a page of the twin).
    const url = new URL(action.authorityUrl);
    const page = await (await fetch(new Request(`${BASE}${url.pathname}${url.search}`))).text();
    expect(page).toContain('未授权');
    const form = new URLSearchParams({ ...Object.fromEntries(url.searchParams), decision: 'grant' });
    const granted = await fetch(
      new Request(`${BASE}/connect/authority`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() }),
    );
    expect(await granted.text()).toContain('已授权');
    const again = unwrap(await client.searchActions({ connectorId: erp.id, connectorProviderCorpId: erp.providerCorpId }));
    expect(again.list.find((a) => a.id === action.id)?.authorized).toBe(true);

    // 6. An instance, 7. the invocation.
    const instance = unwrap(await client.createInstance({ connectAssetUri: action.connectAssetUri, instanceKey: 'flow' }));
    expect(instance.versionId).toMatch(/^G-ACT-VER-/);
    const result = unwrap(
      await client.invoke({
        connectAssetUri: action.connectAssetUri,
        instanceKey: 'flow',
        input: { customerName: '客户甲', items: [{ sku: 'SKU-1', quantity: 2 }] },
      }),
    );
    expect(result.errorCode).toBe('0');
    expect(result.output).toEqual({ orderNo: 'SO-20240501-0001', status: 'created', amount: 199.5 });

    // The execution is on record.
    const records = unwrap(await admin.request<{ total: number; executions: { instanceId: string; errorCode: string }[] }>('GET', '/executions'));
    expect(records.executions.at(-1)).toMatchObject({ instanceId: result.instanceId, errorCode: '0' });
  });
});

describe('tokens', () => {
  it('uses the self-built pair when both pairs are configured (the vendor doc’s rule)', async () => {
    const { client, seen } = setup({ ...suite, ...selfBuilt });
    expect(client.mode).toBe('self_built');
    unwrap(await client.searchConnectors({ type: 'self_built' }));
    expect(tokenCalls(seen)).toEqual(['/v1.0/oauth2/accessToken']);
    // A self-built app sees the third-party connector outside the suite's scope.
    const thirdParty = unwrap(await client.listAllConnectors('third_party'));
    expect(thirdParty.map((c) => c.id)).toContain(IDS.esign);
  });

  it('uses the suite pair alone, for the configured organisation', async () => {
    const { client, seen } = setup(suite);
    const thirdParty = unwrap(await client.listAllConnectors('third_party'));
    expect(thirdParty.map((c) => c.id)).toEqual([IDS.erp]);
    expect(tokenCalls(seen)).toEqual(['/v1.0/oauth2/corpAccessToken']);
  });

  it('caches the token and fetches a new one shortly before it expires', async () => {
    const { client, seen, advance } = setup({ ...selfBuilt, refreshMarginSeconds: 300 });
    unwrap(await client.searchConnectors({ type: 'official' }));
    advance(6800);
    unwrap(await client.searchConnectors({ type: 'official' }));
    expect(tokenCalls(seen)).toHaveLength(1);
    advance(200); // 7000 s: inside the 300 s margin
    unwrap(await client.searchConnectors({ type: 'official' }));
    expect(tokenCalls(seen)).toHaveLength(2);
  });

  it('fetches a new token and retries once when the platform says the token is no longer valid', async () => {
    const { client, seen, admin } = setup(suite);
    unwrap(await client.searchConnectors({ type: 'official' }));
    await admin.advanceClock({ seconds: 7201 }); // the twin's clock: the token expired there
    unwrap(await client.searchConnectors({ type: 'official' }));
    expect(tokenCalls(seen)).toHaveLength(2);
  });

  it('can use the legacy /gettoken as the vendor sample does', async () => {
    const { client, seen } = setup({ ...selfBuilt, tokenEndpoint: 'legacy' });
    unwrap(await client.searchConnectors({ type: 'official' }));
    expect(tokenCalls(seen)).toEqual(['/gettoken']);
    const bad = setup({ appKey: SELF_BUILT_APP.appKey, appSecret: 'nope', tokenEndpoint: 'legacy' });
    const r = await bad.client.getAccessToken();
    expect(r.error).toMatchObject({ kind: 'legacy', code: '40089' });
  });

  it('returns typed token errors with the platform’s code', async () => {
    const wrong = setup({ appKey: SELF_BUILT_APP.appKey, appSecret: 'nope' });
    expect((await wrong.client.searchConnectors({ type: 'official' })).error).toMatchObject({ kind: 'gateway', code: 'invalidClientIdOrSecret', status: 400 });
    const notInstalled = setup({ ...suite, corpId: OTHER_CORP_ID });
    expect((await notInstalled.client.getAccessToken()).error?.code).toBe('invalidAuthInfo');
    expect(() => createDingTalkClient({ baseUrl: BASE })).toThrow(DingTalkError);
    expect(() => createDingTalkClient({ baseUrl: BASE, suiteKey: 'a', suiteSecret: 'b' })).toThrow('suiteTicket');
  });
});

describe('paging helpers', () => {
  it('walk every page once, in order, whatever the page size', async () => {
    const { client, admin, twin } = setup(selfBuilt);
    await admin.useState('many connectors', { count: 23 });
    const expected = twin.state.connectors.filter((c) => c.type === 'official').map((c) => c.id);
    for (const size of [1, 4, 100]) {
      expect(unwrap(await client.listAllConnectors('official', size)).map((c) => c.id)).toEqual(expected);
    }
    const page = unwrap(await client.searchConnectors({ type: 'official', maxResults: 5 }));
    expect(page).toMatchObject({ hasMore: true, nextToken: '5', totalCount: String(expected.length) });
  });

  it('surface a paging parameter error as 4001', async () => {
    const { client } = setup(selfBuilt);
    const r = await client.searchConnectors({ type: 'official', nextToken: 'bogus' });
    expect(r.error?.isParameterError).toBe(true);
    expect(r.error?.requestId).toBe(r.response.headers.get('x-acs-request-id'));
  });
});

describe('typed errors', () => {
  it('4001, 4003 and 4004 come back as gateway errors carrying the code, and a business failure as an action error', async () => {
    const { client } = setup(selfBuilt);
    const uri = `dca://${DEFAULT_CORP_ID}.connect.dingtalk.com/${DEFAULT_CORP_ID}/action/${IDS.createCustomer}`;
    unwrap(await client.createInstance({ connectAssetUri: uri, instanceKey: 'k' }));
    const bad = await client.invoke({ connectAssetUri: uri, instanceKey: 'k', input: { name: 'x' } });
    expect(bad.error).toMatchObject({ kind: 'gateway', code: '4001', status: 400 });
    const missing = await client.invoke({ connectAssetUri: uri, instanceKey: 'nope', input: {} });
    expect(missing.error?.isNotFound).toBe(true);
    const failed = await client.invoke({ connectAssetUri: uri, instanceKey: 'k', input: { name: '重复客户', mobile: '13800000000' } });
    expect(failed.error).toMatchObject({ kind: 'action', code: 'CUSTOMER_EXISTS', status: 200 });
    expect(() => unwrap(failed)).toThrow('客户已存在');
    unwrap(await client.deleteInstance({ connectAssetUri: uri, instanceKey: 'k' }));
    expect((await client.invoke({ connectAssetUri: uri, instanceKey: 'k', input: {} })).error?.code).toBe('4004');
  });

  it('reproduces 4003 with one admin call (a rule for the calling corp)', async () => {
    const { client, admin } = setup(suite);
    unwrap(await admin.addRule({ scenario: '4003', tenant: DEFAULT_CORP_ID, times: 1 }));
    const r = await client.searchActions({ connectorId: IDS.erp, connectorProviderCorpId: ISV_CORP_ID });
    expect(r.error).toMatchObject({ code: '4003', status: 403 });
    expect((await client.searchActions({ connectorId: IDS.erp, connectorProviderCorpId: ISV_CORP_ID })).data).toBeDefined();
  });
});

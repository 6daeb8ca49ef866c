import { describe, expect, it } from 'vitest';
import { connectAssetUri, DEFAULT_CORP_ID, defaultFixtures, IDS, ISV_CORP_ID, OTHER_CORP_ID, SELF_BUILT_APP, SUITE } from '../fixtures.ts';
import { call, createApp, suiteToken } from '../test-helpers.ts';

const ORDER = connectAssetUri(ISV_CORP_ID, IDS.createOrder);
const CUSTOMER = connectAssetUri(DEFAULT_CORP_ID, IDS.createCustomer);

const pageOf = (corpId: string, clientId: string, uri: string) =>
  `/connect/authority?${new URLSearchParams({ corpId, clientId, connectAssetUri: uri })}`;
const decision = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe('the authority page', () => {
  it('shows the organisation, the client, the connector, the asset and whether it is authorized, with both buttons', async () => {
    const { app } = createApp();
    const res = await app.request(pageOf(DEFAULT_CORP_ID, SUITE.suiteKey, ORDER));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('x-acs-request-id')).toBeTruthy();
    const html = await res.text();
    expect(html).toContain(`<dd id="corp">Doppel 测试企业 (${DEFAULT_CORP_ID})</dd>`);
    expect(html).toContain(`<dd id="client">${SUITE.suiteKey}</dd>`);
    expect(html).toContain('<dd id="connector">云进销存 ERP</dd>');
    expect(html).toContain(`<dd id="asset">创建销售订单 — ${ORDER}</dd>`);
    expect(html).toContain('<dd id="status" data-authorized="false">未授权</dd>');
    expect(html).toContain(`<input type="hidden" name="corpId" value="${DEFAULT_CORP_ID}">`);
    expect(html).toContain(`<input type="hidden" name="clientId" value="${SUITE.suiteKey}">`);
    expect(html).toContain(`<input type="hidden" name="connectAssetUri" value="${ORDER}">`);
    expect(html).toContain('<button type="submit" name="decision" value="grant">');
    expect(html).toContain('<button type="submit" name="decision" value="revoke">');
    expect(html).toContain('<h1>连接资产授权</h1>\n\n<dl>');
    const self = await (await app.request(pageOf(DEFAULT_CORP_ID, SELF_BUILT_APP.appKey, ORDER))).text();
    expect(self).toContain('<dd id="status" data-authorized="true">已授权</dd>');
  });

  it('grants and revokes at once, saying so; the suite can then use the asset, and not after the revoke', async () => {
    const { app } = createApp();
    const token = await suiteToken(app);
    const fields = { corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey, connectAssetUri: ORDER };
    const granted = await app.request('/connect/authority', decision({ ...fields, decision: 'grant' }));
    expect(granted.status).toBe(200);
    const grantedHtml = await granted.text();
    expect(grantedHtml).toContain('<p id="message">已同意授权</p>');
    expect(grantedHtml).toContain('data-authorized="true"');
    expect((await call(app, token, '/v1.0/connector/instances', { connectAssetUri: ORDER, instanceKey: 'k' })).status).toBe(200);

    const revoked = await app.request('/connect/authority', decision({ ...fields, decision: 'revoke' }));
    const revokedHtml = await revoked.text();
    expect(revokedHtml).toContain('<p id="message">已取消授权</p>');
    expect(revokedHtml).toContain('data-authorized="false"');
    expect((await call(app, token, '/v1.0/connector/instances', { connectAssetUri: ORDER, instanceKey: 'k' })).status).toBe(403);
  });

  it('is reached from authorityUrl in the action search', async () => {
    const { app } = createApp();
    const token = await suiteToken(app);
    const search = (await (
      await call(app, token, '/v1.0/connector/assets/actions/search', { connectorId: IDS.erp, connectorProviderCorpId: ISV_CORP_ID })
    ).json()) as { list: { id: string; authorityUrl: string }[] };
    const url = new URL(search.list.find((a) => a.id === IDS.createOrder)!.authorityUrl);
    const page = await app.request(url.pathname + url.search);
    expect(await page.text()).toContain('创建销售订单');
  });

  it.each([
    ['an unknown asset', DEFAULT_CORP_ID, SUITE.suiteKey, 'dca://nope', '连接资产 dca://nope 不存在'],
    ['an unknown client', DEFAULT_CORP_ID, 'nobody', ORDER, '应用 nobody 不存在'],
    ['an unknown organisation', 'dingnobody', SUITE.suiteKey, ORDER, '组织 dingnobody 不存在'],
    ['an unknown asset before an unknown client', DEFAULT_CORP_ID, 'nobody', 'dca://nope', '连接资产 dca://nope 不存在'],
  ])('says 404 for %s, naming it', async (_label, corpId, clientId, uri, text) => {
    const { app } = createApp();
    const res = await app.request(pageOf(corpId, clientId, uri));
    expect(res.status).toBe(404);
    expect(await res.text()).toBe(`<!doctype html><meta charset="utf-8"><title>不存在</title><p>${text}</p>`);
    expect(res.headers.get('x-acs-request-id')).toBeTruthy();
  });

  it('escapes what it shows', async () => {
    const { app } = createApp();
    const res = await app.request(pageOf(DEFAULT_CORP_ID, `<b a='x'>&"`, ORDER));
    expect(await res.text()).toContain('应用 &#60;b a=&#39;x&#39;&#62;&#38;&#34; 不存在');
  });

  it('records no decision for an unknown asset, client or organisation', async () => {
    const { app, twin } = createApp();
    const before = [...twin.state.grants];
    for (const fields of [
      { corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey, connectAssetUri: 'dca://nope' },
      { corpId: DEFAULT_CORP_ID, clientId: 'nobody', connectAssetUri: ORDER },
      { corpId: 'dingnobody', clientId: SUITE.suiteKey, connectAssetUri: ORDER },
    ]) {
      const res = await app.request('/connect/authority', decision({ ...fields, decision: 'grant' }));
      expect(res.status).toBe(404);
    }
    expect([...twin.state.grants]).toEqual(before);
  });

  it('decides for the organisation and client on the form only', async () => {
    const { app, twin } = createApp();
    await app.request(
      '/connect/authority',
      decision({ corpId: OTHER_CORP_ID, clientId: SELF_BUILT_APP.appKey, connectAssetUri: CUSTOMER, decision: 'revoke' }),
    );
    const page = await (await app.request(pageOf(DEFAULT_CORP_ID, SELF_BUILT_APP.appKey, CUSTOMER))).text();
    expect(page).toContain('data-authorized="true"');
    expect(twin.state.grants.size).toBe(defaultFixtures().grants[0]!.actionIds.length + 1);
  });
});

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CORP_ID,
  defaultFixtures,
  IDS,
  ISV_CORP_ID,
  ORG_ADMIN,
  OTHER_CORP_ID,
  OTHER_ORG_ADMIN,
  SELF_BUILT_APP,
  SUITE,
} from '../fixtures.ts';
import { call, createApp, CUSTOMER, ORDER, suiteToken } from '../test-helpers.ts';

const pageOf = (corpId: string, clientId: string, uri: string) =>
  `/connect/authority?${new URLSearchParams({ corpId, clientId, connectAssetUri: uri })}`;
/** The organisation administrator's sign-in, as the page's form sends it. */
const signIn = (admin: { login: string; password: string } = ORG_ADMIN) => ({ login: admin.login, password: admin.password });
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
    // DingTalk's authorization page, in Chinese: the app asks the organisation for one connect asset.
    expect(html).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
    expect(html).toContain('<h1>授权</h1>');
    expect(html).toContain('<h2 id="app-name">Doppel 三方应用</h2>');
    expect(html).toContain(`<p class="kind" id="client">第三方企业应用 · ${SUITE.suiteKey}</p>`);
    expect(html).toContain('申请获得 <span id="corp-name">Doppel 测试企业</span> 的以下授权：');
    expect(html).toContain(
      '使用三方连接器 <span class="what" id="connector">云进销存 ERP</span> 的执行动作 <span class="what" id="asset">创建销售订单</span>',
    );
    expect(html).toContain(`<span class="uri" id="asset-uri">${ORDER}</span>`);
    expect(html).toContain(`<dd id="corp">Doppel 测试企业（${DEFAULT_CORP_ID}）</dd>`);
    expect(html).toContain('<span class="badge" id="status" data-authorized="false">未授权</span>');
    expect(html).not.toContain('id="message"');
    expect(html).toContain(`<input type="hidden" name="corpId" value="${DEFAULT_CORP_ID}">`);
    expect(html).toContain(`<input type="hidden" name="clientId" value="${SUITE.suiteKey}">`);
    expect(html).toContain(`<input type="hidden" name="connectAssetUri" value="${ORDER}">`);
    // Grant first, so Enter in a field grants; both fields labelled.
    expect(html).toMatch(
      /<button type="submit" name="decision" value="grant" class="primary">同意授权<\/button>\s*<button type="submit" name="decision" value="revoke" class="secondary">取消授权<\/button>/,
    );
    expect(html).toContain('<p class="hint" id="sign-in-hint">请以组织管理员身份登录后授权</p>');
    expect(html).toContain('<label for="login">管理员账号</label>');
    expect(html).toContain('<label for="password">密码</label>');
    expect(html).toContain('<input type="text" name="login" id="login" autocomplete="username" aria-describedby="sign-in-hint" value="">');
    expect(html).toContain('<input type="password" name="password" id="password" autocomplete="current-password">');
    // DingTalk's blue, inline CSS only: nothing fetched from anywhere (no font, image, script or stylesheet).
    expect(html).toContain('<style>');
    expect(html).toContain('background:#007fff');
    expect(html).not.toMatch(/<link|<script|<img|<iframe|@import|url\(|https?:/);
    const self = await (await app.request(pageOf(DEFAULT_CORP_ID, SELF_BUILT_APP.appKey, ORDER))).text();
    expect(self).toContain('<span class="badge" id="status" data-authorized="true">已授权</span>');
    expect(self).toContain(`<p class="kind" id="client">企业内部应用 · ${SELF_BUILT_APP.appKey}</p>`);
    expect(self).toContain('<h2 id="app-name">Doppel 自建应用</h2>');
  });

  it('names an integration flow and a self-built connector as DingTalk does', async () => {
    const { app } = createApp();
    const flow = CUSTOMER.replace(IDS.createCustomer, IDS.syncCustomersFlow);
    const html = await (await app.request(pageOf(DEFAULT_CORP_ID, SUITE.suiteKey, flow))).text();
    expect(html).toContain(
      '使用企业自建连接器 <span class="what" id="connector">Doppel CRM</span> 的集成流 <span class="what" id="asset">客户同步集成流</span>',
    );
  });

  it('grants and revokes at once for the signed-in administrator, saying so; the suite can then use the asset, and not after the revoke', async () => {
    const { app } = createApp();
    const token = await suiteToken(app);
    const fields = { corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey, connectAssetUri: ORDER, ...signIn() };
    const granted = await app.request('/connect/authority', decision({ ...fields, decision: 'grant' }));
    expect(granted.status).toBe(200);
    const grantedHtml = await granted.text();
    expect(grantedHtml).toContain('<p id="message" class="msg ok" role="status">已同意授权</p>');
    expect(grantedHtml).toContain('data-authorized="true"');
    expect((await call(app, token, '/v1.0/connector/instances', { connectAssetUri: ORDER, instanceKey: 'k' })).status).toBe(200);

    const revoked = await app.request('/connect/authority', decision({ ...fields, decision: 'revoke' }));
    const revokedHtml = await revoked.text();
    expect(revokedHtml).toContain('<p id="message" class="msg ok" role="status">已取消授权</p>');
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
  ])('says 404 for %s, naming it, in the same look and without a form', async (_label, corpId, clientId, uri, text) => {
    const { app } = createApp();
    const res = await app.request(pageOf(corpId, clientId, uri));
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
    expect(html).toContain('<h2>无法授权</h2>');
    expect(html).toContain(`<p id="message" class="msg err" role="alert">${text}</p>`);
    expect(html).toContain('<style>');
    expect(html).not.toContain('<form');
    expect(res.headers.get('x-acs-request-id')).toBeTruthy();
  });

  it('escapes what it shows', async () => {
    const { app } = createApp();
    const res = await app.request(pageOf(DEFAULT_CORP_ID, `<b a='x'>&"`, ORDER));
    expect(await res.text()).toContain('应用 &#60;b a=&#39;x&#39;&#62;&#38;&#34; 不存在');
  });

  it('escapes the names from the fixtures, the asset URI and the typed login', async () => {
    const f = defaultFixtures();
    const evil = (what: string) => `<script>alert("${what}")</script>&'`;
    const escaped = (what: string) => `&#60;script&#62;alert(&#34;${what}&#34;)&#60;/script&#62;&#38;&#39;`;
    f.orgs[0]!.name = evil('org');
    f.suites[0]!.name = evil('suite');
    f.connectors.find((c) => c.id === IDS.erp)!.name = evil('connector');
    f.actions.find((a) => a.id === IDS.createOrder)!.name = evil('action');
    const { app } = createApp({ fixtures: f });
    const html = await (await app.request(pageOf(DEFAULT_CORP_ID, SUITE.suiteKey, ORDER))).text();
    expect(html).toContain(`<h2 id="app-name">${escaped('suite')}</h2>`);
    expect(html).toContain('<span class="avatar" aria-hidden="true">&#60;</span>');
    expect(html).toContain(`<span id="corp-name">${escaped('org')}</span>`);
    expect(html).toContain(`<dd id="corp">${escaped('org')}（${DEFAULT_CORP_ID}）</dd>`);
    expect(html).toContain(`<span class="what" id="connector">${escaped('connector')}</span>`);
    expect(html).toContain(`<span class="what" id="asset">${escaped('action')}</span>`);
    expect(html).not.toContain('<script');
    const refused = await app.request(
      '/connect/authority',
      decision({ corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey, connectAssetUri: ORDER, decision: 'grant', login: '"><script>x' }),
    );
    expect(refused.status).toBe(401);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain('value="&#34;&#62;&#60;script&#62;x"');
    expect(refusedHtml).not.toContain('<script');
  });

  it('records no decision for an unknown asset, client or organisation', async () => {
    const { app, twin } = createApp();
    const before = [...twin.state.grants];
    for (const fields of [
      { corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey, connectAssetUri: 'dca://nope' },
      { corpId: DEFAULT_CORP_ID, clientId: 'nobody', connectAssetUri: ORDER },
      { corpId: 'dingnobody', clientId: SUITE.suiteKey, connectAssetUri: ORDER },
    ]) {
      const res = await app.request('/connect/authority', decision({ ...fields, decision: 'grant', ...signIn() }));
      expect(res.status).toBe(404);
    }
    expect([...twin.state.grants]).toEqual(before);
  });

  it('decides for the organisation and client on the form only', async () => {
    const { app, twin } = createApp();
    const res = await app.request(
      '/connect/authority',
      decision({
        corpId: OTHER_CORP_ID,
        clientId: SELF_BUILT_APP.appKey,
        connectAssetUri: CUSTOMER,
        decision: 'revoke',
        ...signIn(OTHER_ORG_ADMIN),
      }),
    );
    expect(res.status).toBe(200);
    const page = await (await app.request(pageOf(DEFAULT_CORP_ID, SELF_BUILT_APP.appKey, CUSTOMER))).text();
    expect(page).toContain('data-authorized="true"');
    expect(twin.state.grants.size).toBe(defaultFixtures().grants[0]!.actionIds.length + 1);
  });
});

describe('the authority page requires the organisation administrator to sign in', () => {
  type Form = { corpId: string; clientId: string; connectAssetUri: string; decision: string };
  const fields: Form = { corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey, connectAssetUri: ORDER, decision: 'grant' };

  /** Post the form; the answer, its page, and whether the suite is now authorized. */
  async function attempt(app: ReturnType<typeof createApp>['app'], extra: Record<string, string>, corpFields: Form = fields) {
    const res = await app.request('/connect/authority', decision({ ...corpFields, ...extra }));
    const html = await res.text();
    const after = await (await app.request(pageOf(corpFields.corpId, corpFields.clientId, corpFields.connectAssetUri))).text();
    return { status: res.status, html, authorized: after.includes('data-authorized="true"') };
  }

  it.each([
    ['no sign-in at all', {}, '请先以组织管理员身份登录'],
    ['a login without a password', { login: ORG_ADMIN.login }, '请先以组织管理员身份登录'],
    ['a wrong password', { login: ORG_ADMIN.login, password: 'guess' }, '管理员账号或密码错误'],
    ['an unknown login', { login: 'nobody', password: ORG_ADMIN.password }, '管理员账号或密码错误'],
    ["another organisation's administrator", signIn(OTHER_ORG_ADMIN), '管理员账号或密码错误'],
  ])('refuses %s with 401, saying why, and decides nothing', async (_label, extra, message) => {
    const { app, twin } = createApp();
    const before = [...twin.state.grants];
    const r = await attempt(app, extra);
    expect(r.status).toBe(401);
    expect(r.html).toContain(`<p id="message" class="msg err" role="alert">${message}</p>`);
    expect(r.html).toContain('data-authorized="false"');
    expect(r.authorized).toBe(false);
    expect([...twin.state.grants]).toEqual(before);
    expect(twin.journal.all().at(-2)!.notes).toMatchObject({ signIn: message });
  });

  it('keeps the typed login on a refused sign-in, never the password', async () => {
    const { app } = createApp();
    const r = await attempt(app, { login: ORG_ADMIN.login, password: 'wrong-"pw"' });
    expect(r.html).toContain(
      `<input type="text" name="login" id="login" autocomplete="username" aria-describedby="sign-in-hint" value="${ORG_ADMIN.login}">`,
    );
    expect(r.html).not.toContain('wrong-');
  });

  it('refuses a revoke without sign-in too: a self-built app stays authorized', async () => {
    const { app } = createApp();
    const self: Form = {
      corpId: DEFAULT_CORP_ID,
      clientId: SELF_BUILT_APP.appKey,
      connectAssetUri: CUSTOMER,
      decision: 'revoke',
    };
    const r = await attempt(app, {}, self);
    expect(r.status).toBe(401);
    expect(r.authorized).toBe(true);
  });

  it('lets nobody decide on the page for an organisation without an administrator (the admin API still can)', async () => {
    const f = defaultFixtures();
    f.orgs = f.orgs.map(({ admin: _admin, ...org }) => org);
    const { app } = createApp({ fixtures: f });
    const r = await attempt(app, signIn());
    expect(r.status).toBe(401);
    expect(r.html).toContain('<p id="message" class="msg err" role="alert">该组织未设置管理员，无法在此授权</p>');
    expect(r.authorized).toBe(false);
    const viaAdmin = await app.request('/__admin/authorizations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey, connectAssetUri: ORDER }),
    });
    expect(await viaAdmin.json()).toMatchObject({ authorized: true });
  });

  it('takes the credentials from the fixtures, and masks the password in the journal', async () => {
    const f = defaultFixtures();
    f.orgs[0]!.admin = { login: '13800000000', password: 's3cret-admin' };
    const { app, twin } = createApp({ fixtures: f });
    expect((await attempt(app, signIn())).status).toBe(401);
    const r = await attempt(app, { login: '13800000000', password: 's3cret-admin' });
    expect(r.status).toBe(200);
    expect(r.authorized).toBe(true);
    expect(JSON.stringify(twin.journal.all())).not.toContain('s3cret-admin');
  });
});

describe('what the authority page keeps and leaves out', () => {
  it('shows no message between the facts and the form when there is nothing to say', async () => {
    const { app } = createApp();
    const html = await (await app.request(pageOf(DEFAULT_CORP_ID, SUITE.suiteKey, ORDER))).text();
    expect(html).not.toContain('id="message"');
    expect(html).toMatch(/<\/dl>\s*<form /);
  });

  it('titles the not-found page 授权 like the page itself', async () => {
    const { app } = createApp();
    const res = await app.request(pageOf(DEFAULT_CORP_ID, SUITE.suiteKey, 'dca://no-such-asset'));
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('<title>授权 · 钉钉连接平台（Doppel 孪生）</title>');
  });

  it('keeps the login as typed after a grant, and leaves it empty after a sign-in that sent none', async () => {
    const { app } = createApp();
    const fields = { corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey, connectAssetUri: ORDER };
    const granted = await app.request('/connect/authority', decision({ ...fields, decision: 'grant', ...signIn() }));
    expect(granted.status).toBe(200);
    expect(await granted.text()).toMatch(new RegExp(`id="login"[^>]*value="${ORG_ADMIN.login}"`));
    const refused = await app.request('/connect/authority', decision({ ...fields, decision: 'grant', password: ORG_ADMIN.password }));
    expect(refused.status).toBe(401);
    expect(await refused.text()).toMatch(/id="login"[^>]*value=""/);
  });

  it('shows the first character of the app’s name as its avatar, 应 when the name is empty', async () => {
    const f = defaultFixtures();
    const { app } = createApp({
      fixtures: { ...f, suites: f.suites.map((s) => (s.suiteKey === SUITE.suiteKey ? { ...s, name: '' } : s)) },
    });
    const html = await (await app.request(pageOf(DEFAULT_CORP_ID, SUITE.suiteKey, ORDER))).text();
    expect(html).toContain('<span class="avatar" aria-hidden="true">应</span>');
  });
});

// The QA console's views in a real browser (issue 13): Debian's Chromium (never a downloaded one) driven by
// playwright-core. A fixtures edit refused with its path and reason; the clock advanced past DingTalk's token expiry
// and the client's refresh seen in the journal; an OAuth token revoked from the console and the doc's bot flow asked
// to re-authorise; ZenTao's signature failure opened in the debugger, a generic fault, and the inbox; DingTalk's
// grants revoked and granted; ONES's plugins and the interception chain. Writes docs/console-fixtures.png,
// docs/console-clock.png, docs/console-tokens.png, docs/console-journal.png, docs/console-grants.png and
// docs/console-ones.png.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createDingTalkClient } from '@doppel/clients/dingtalk';
import { createOAuthClient, createOAuthFlow, type Service, type ServiceData, type ServiceStorage } from '@doppel/clients/oauth';
import { buildQuery, createZentaoClient, signQuery } from '@doppel/clients/zentao';
import { DEFAULT_CORP_ID, type DingTalkRuntime, dingtalkTwin, IDS, SELF_BUILT_APP } from '@doppel/mock-dingtalk';
import { startTwin } from '@doppel/mock-kit';
import { CI_BOT, oauthTwin } from '@doppel/mock-oauth';
import { alice, onesTwin } from '@doppel/mock-ones';
import { defaultApp, zentaoTwin } from '@doppel/mock-zentao';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningConsole, startConsole } from './console.ts';

const CHROMIUM = process.env.DOPPEL_CHROMIUM ?? '/usr/bin/chromium';
const DOCS = new URL('../../../docs/', import.meta.url);
const shot = (name: string) => fileURLToPath(new URL(name, DOCS));

type Running = Awaited<ReturnType<typeof startTwin>>;

/** The doc's `services` table, in memory. */
function memoryStore(): ServiceStorage {
  const rows: Service[] = [];
  return {
    find: (name, botId, groupId) => rows.find((r) => r.name === name && r.botId === botId && r.groupId === groupId) ?? null,
    upsert(s) {
      const now = new Date().toISOString();
      let row = rows.find((r) => r.name === s.name && r.botId === s.botId && r.groupId === s.groupId);
      if (!row) {
        row = {
          id: rows.length + 1,
          name: s.name,
          botId: s.botId,
          groupId: s.groupId,
          userId: null,
          data: {},
          createdAt: now,
          updatedAt: now,
        };
        rows.push(row);
      }
      Object.assign(row, { userId: s.userId ?? row.userId, data: s.data as ServiceData, updatedAt: now });
      return row;
    },
    clearToken(id) {
      const row = rows.find((r) => r.id === id);
      if (row) row.data = {};
      return row ?? null;
    },
  };
}

describe.skipIf(!existsSync(CHROMIUM))('the QA console’s views in Chromium', () => {
  let browser: Browser;
  let qa: RunningConsole;
  let dingtalk: Running;
  let zentao: Running;
  let oauth: Running;
  let ones: Running;
  let plugin: Server;

  beforeAll(async () => {
    qa = await startConsole({ host: '127.0.0.1', port: 0 });
    dingtalk = await startTwin(dingtalkTwin, { port: 0, consoleUrl: qa.url });
    zentao = await startTwin(zentaoTwin as never, { port: 0, consoleUrl: qa.url });
    oauth = await startTwin(oauthTwin as never, { port: 0, consoleUrl: qa.url });
    ones = await startTwin(onesTwin as never, { port: 0, consoleUrl: qa.url });
    qa.setTwins(
      [
        [dingtalk, dingtalkTwin],
        [zentao, zentaoTwin],
        [oauth, oauthTwin],
        [ones, onesTwin],
      ].map(([r, def]) => ({
        name: (def as typeof dingtalkTwin).name,
        title: (def as typeof dingtalkTwin).title,
        url: (r as Running).url,
      })),
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    mkdirSync(DOCS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    plugin?.closeAllConnections();
    await new Promise((r) => (plugin ? plugin.close(r) : r(undefined)));
    for (const t of [dingtalk, zentao, oauth, ones]) await t?.close();
    await qa?.close();
  });

  /** The console, at 1280×800, on one twin's tab and one of its views; the page's own errors are collected. */
  async function open(title: string, view?: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(qa.url);
    await page.getByRole('navigation', { name: 'Twins' }).getByRole('button', { name: title }).click();
    await expect.poll(() => page.getByText('● live').count()).toBe(1);
    if (view)
      await page
        .getByRole('navigation', { name: `${title} views` })
        .getByRole('button', { name: view, exact: true })
        .click();
    return { page, problems };
  }
  const status = (page: Page) => page.locator('p.status').textContent();

  it('fixtures: tables of what the twin holds; the YAML round-trips; an edit with an error shows the twin’s path and reason', async () => {
    const { page, problems } = await open(dingtalkTwin.title, 'Fixtures');
    const orgs = page.getByRole('region', { name: 'Fixtures orgs' });
    await expect.poll(() => orgs.textContent()).toContain(DEFAULT_CORP_ID);
    expect(await page.getByRole('region', { name: 'Fixtures apps' }).textContent()).toContain(SELF_BUILT_APP.appKey);
    expect(await page.getByRole('region', { name: 'Fixtures actions' }).locator('tbody tr').count()).toBeGreaterThan(1);

    // The fixtures as the editor writes them (YAML) are what the twin reads back.
    const editor = page.getByLabel('Fixtures text');
    const yaml = await editor.inputValue();
    expect(yaml).toContain(`corpId: ${DEFAULT_CORP_ID}`);
    await page.getByRole('button', { name: 'Replace fixtures' }).click();
    await expect.poll(() => status(page)).toContain('fixtures replaced');

    // An edit with errors: the twin's own problems, each path and reason, under the editor.
    const broken = yaml.replace(/^tokenTtlSeconds: .*$/m, 'tokenTtlSeconds: soon').replace(/^grants:/m, 'grantz:');
    const direct = await fetch(`${dingtalk.url}/__admin/fixtures`, {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: broken,
    });
    const refused = (await direct.json()) as { error: { details: { path: string; reason: string }[] } };
    expect(refused.error.details.map((d) => d.path)).toEqual(expect.arrayContaining(['/tokenTtlSeconds', '/grants']));
    await editor.fill(broken);
    await page.getByRole('button', { name: 'Replace fixtures' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('invalid_fixtures');
    const shown = await page.getByRole('list', { name: 'Fixtures problems' }).getByRole('listitem').allTextContents();
    expect(shown).toEqual(refused.error.details.map((d) => `${d.path} ${d.reason}`));
    expect(await status(page)).toContain('Fixtures refused');
    // Nothing changed: the twin still has its grants.
    expect(((await (await fetch(`${dingtalk.url}/__admin/fixtures`)).json()) as { tokenTtlSeconds: number }).tokenTtlSeconds).toBe(7200);

    // JSON too: switching the format shows the live fixtures as JSON.
    await page.getByRole('radio', { name: 'JSON' }).check();
    expect(JSON.parse(await editor.inputValue())).toMatchObject({ tokenTtlSeconds: 7200 });
    await page.getByRole('radio', { name: 'YAML' }).check();
    await editor.fill(broken);
    await page.getByRole('button', { name: 'Replace fixtures' }).click();
    await expect.poll(() => alert.textContent()).toContain('/tokenTtlSeconds');
    await page.screenshot({ path: shot('console-fixtures.png') });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('clock: advanced past the DingTalk token’s expiry, the client refreshes (a second token call in the journal); the invoke’s execution record', async () => {
    await fetch(`${dingtalk.url}/__admin/reset`, { method: 'POST' });
    const { page, problems } = await open(dingtalkTwin.title, 'Clock');
    await expect.poll(() => page.getByLabel('Clock offset').textContent()).toBe('none (real time)');
    const client = createDingTalkClient({ baseUrl: dingtalk.url, appKey: SELF_BUILT_APP.appKey, appSecret: SELF_BUILT_APP.appSecret });
    const uri = [...(dingtalk.twin.state as DingTalkRuntime).assetByUri.keys()].find((u) => u.endsWith(IDS.createTodo))!;
    expect((await client.createInstance({ connectAssetUri: uri, instanceKey: 'clock' })).error).toBeUndefined();

    await page.getByRole('button', { name: 'Advance past token expiry (+2 h 0 min 1 s)' }).click();
    await expect.poll(() => page.getByLabel('Clock offset').textContent()).toBe('2 h 0 min 1 s');
    expect(await status(page)).toContain('advanced past token expiry');

    // The client's cached token is now expired at the twin: refused once (DingTalk's 400 InvalidAuthentication), fetched
    // again, the call sent again.
    const input = { subject: '时钟走过令牌有效期', executorIds: ['u1'] };
    const invoked = await client.invoke({ connectAssetUri: uri, instanceKey: 'clock', input });
    expect(invoked.error).toBeUndefined();

    await page.getByLabel('Filter by path').fill('/v1.0/oauth2/accessToken');
    const rows = page.locator('table.entries tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.locator('td:nth-child(3)').allTextContents()).toEqual(['200', '200']);
    await page.getByLabel('Filter by path').fill('invoke');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.locator('td:nth-child(3)').allTextContents()).toEqual(['200', '400 InvalidAuthentication']);

    // The successful invoke, opened: DingTalk's execution record beside the request.
    await rows.nth(0).getByRole('button').click();
    const record = page.getByRole('region', { name: 'Execution record' });
    await expect.poll(() => record.textContent()).toContain('时钟走过令牌有效期');
    expect(await record.locator('dd').first().textContent()).toMatch(/^G-EXEC-/);
    await page.getByLabel('Filter by path').fill('');
    await page.getByLabel('Filter by path').blur();
    await page.screenshot({ path: shot('console-clock.png') });

    await page.getByRole('button', { name: 'Reset clock' }).click();
    await expect.poll(() => page.getByLabel('Clock offset').textContent()).toBe('none (real time)');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('OAuth: a token revoked from the console is refused, and the doc’s bot flow asks to re-authorise', async () => {
    const client = createOAuthClient({
      baseUrl: oauth.url,
      clientId: CI_BOT.clientId,
      clientSecret: CI_BOT.clientSecret,
      redirectUri: 'http://127.0.0.1/github/oauth',
    });
    const flow = createOAuthFlow({ client, store: memoryStore(), stateSecret: 'console-test' });
    const bot = { id: 'bot-1' };
    const group = { id: 'group-1' };
    // Link → consent (the CI bot is approved at once) → the callback's query → the token stored.
    const consent = await fetch(flow.authLink(bot, group, { autoApprove: true }), { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    const done = await flow.handleCallback(Object.fromEntries(back.searchParams));
    expect(done.ok).toBe(true);
    const me = await flow.getUser(bot, group);
    expect(me.status).toBe('ok');
    const token = (me as { service: Service }).service.data.accessToken!;

    const { page, problems } = await open(oauthTwin.title, 'Tokens');
    const row = page.locator(`tr[data-token="${token}"]`);
    await expect.poll(() => row.textContent()).toContain('live');
    expect(await row.textContent()).toContain(CI_BOT.clientId);
    await page.getByRole('button', { name: `Revoke token ${token}` }).click();
    await expect.poll(() => row.locator('td.state').textContent()).toBe('revoked');

    const after = await flow.getUser(bot, group);
    expect(after).toMatchObject({ status: 'reauth_needed', error: { status: 401 } });
    expect((after as { link: string }).link).toContain('/login/oauth/authorize');
    await page.getByLabel('Filter by path').fill('/user');
    const rows = page.locator('table.entries tbody tr');
    await expect.poll(() => rows.locator('td:nth-child(3)').allTextContents()).toEqual(['401 bad_credentials', '200']);
    await page.getByLabel('Filter by path').fill('');
    await page.getByLabel('Filter by path').blur();
    await page.screenshot({ path: shot('console-tokens.png') });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('ZenTao: the signature failure opened in the debugger (the twin’s expected token), a generic fault, the inbox as a user sees it', async () => {
    const { page, problems } = await open(zentaoTwin.title);
    const wrong = createZentaoClient({ baseUrl: zentao.url, code: defaultApp.code, key: 'not-the-key' });
    const refused = await wrong.getGroupChats();
    expect(refused.error).toMatchObject({ kind: 'entry' });

    // A generic fault from the rule form: the next request answers HTTP 503 with a body.
    await page.getByRole('radio', { name: 'a generic fault' }).check();
    await page.getByLabel('Fault', { exact: true }).selectOption('status');
    await page.getByLabel('HTTP status').fill('503');
    await page.getByLabel('Response body').fill('{"maintenance":true}');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await expect.poll(() => page.locator('.rules .summary').allTextContents()).toEqual(['status 503 on every request, once']);
    const right = createZentaoClient({ baseUrl: zentao.url, code: defaultApp.code, key: defaultApp.key });
    const faulted = await right.getGroupChats();
    expect(faulted.error).toMatchObject({ status: 503 });
    await expect.poll(() => page.locator('.rules .summary').count()).toBe(0);

    // The inbox: a notification to 张三, as the client shows it.
    const sent = await right.sendNotification({
      users: ['zhangsan'],
      title: '构建失败',
      content: '流水线 #42 失败',
      sender: { id: 1, name: 'CI' },
    });
    expect(sent.error).toBeUndefined();
    await page
      .getByRole('navigation', { name: `${zentaoTwin.title} views` })
      .getByRole('button', { name: 'Inbox' })
      .click();
    await page.getByLabel('User', { exact: true }).selectOption('zhangsan');
    const inbox = page.getByRole('list', { name: 'Inbox of zhangsan' });
    await expect.poll(() => inbox.textContent()).toContain('构建失败');
    expect(await inbox.textContent()).toContain('流水线 #42 失败');

    // The signature failure, opened: what the twin signed, the token it expected and the one it received.
    const rows = page.locator('table.entries tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    await rows.nth(2).getByRole('button').click();
    const debug = page.getByRole('region', { name: 'Signature debugger' });
    await expect.poll(() => debug.textContent()).toContain('expected');
    const signed = (await debug.locator('code.signed').textContent())!;
    expect(signed).toBe(buildQuery({ m: 'im', f: 'getGroupChats', code: defaultApp.code }));
    expect(await debug.locator('code.ok').textContent()).toBe(signQuery(signed, defaultApp.key));
    expect(await debug.locator('code.bad').textContent()).toBe(signQuery(signed, 'not-the-key'));
    await page.screenshot({ path: shot('console-journal.png') });

    // A request the check let through: the entry says the twin recorded no computation, and shows the query.
    await rows.nth(0).getByRole('button').click();
    await expect.poll(() => debug.textContent()).toContain('records its signature computation only when the check fails');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('DingTalk grants per organisation: revoked from the console, the self-built app is refused; granted again, it is not', async () => {
    await fetch(`${dingtalk.url}/__admin/reset`, { method: 'POST' });
    const client = createDingTalkClient({ baseUrl: dingtalk.url, appKey: SELF_BUILT_APP.appKey, appSecret: SELF_BUILT_APP.appSecret });
    const uri = [...(dingtalk.twin.state as DingTalkRuntime).assetByUri.keys()].find((u) => u.endsWith(IDS.createTodo))!;
    expect((await client.createInstance({ connectAssetUri: uri, instanceKey: 'grants' })).error).toBeUndefined();
    const invoke = () => client.invoke({ connectAssetUri: uri, instanceKey: 'grants', input: { subject: '授权', executorIds: ['u1'] } });

    const { page, problems } = await open(dingtalkTwin.title, 'Grants');
    await page.getByLabel('Organisation', { exact: true }).selectOption(DEFAULT_CORP_ID);
    await page.getByLabel('App or suite', { exact: true }).selectOption(SELF_BUILT_APP.appKey);
    await page.getByLabel('Asset', { exact: true }).selectOption(uri);
    await page.getByRole('button', { name: 'Revoke', exact: true }).click();
    const org = page.getByRole('region', { name: /^Grants in .*测试企业/ });
    const row = org.locator('tr', { hasText: SELF_BUILT_APP.appKey });
    await expect.poll(() => row.textContent()).toContain('revoked');
    expect(await status(page)).toContain('now not authorized');
    expect((await invoke()).error).toMatchObject({ status: 403 });

    await page.screenshot({ path: shot('console-grants.png') });

    await row.getByRole('button', { name: /^Grant / }).click();
    await expect.poll(() => row.textContent()).toContain('granted');
    expect((await invoke()).error).toBeUndefined();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('ONES: the plugins registered and their rules; a request opened shows the interception chain stage by stage', async () => {
    // A plugin over HTTP: a prefix that lets the request through and a suffix that leaves the answer as it is.
    plugin = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((r) => plugin.listen(0, '127.0.0.1', () => r()));
    const baseUrl = `http://127.0.0.1:${(plugin.address() as AddressInfo).port}`;
    const yaml =
      'service:\n  app_id: console\napis:\n' +
      '  - type: prefix\n    methods:\n      - GET\n    url: /users/me\n    function: stamp\n' +
      '  - type: suffix\n    methods:\n      - GET\n    url: /users/me\n    function: audit\n';
    const registered = await fetch(`${ones.url}/__admin/plugins`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'audit-plugin', yaml, baseUrl }),
    });
    expect(registered.status).toBe(201);

    const { page, problems } = await open(onesTwin.title, 'Plugins');
    const card = page.getByRole('region', { name: 'Plugin audit-plugin' });
    await expect.poll(() => card.locator('tbody tr').count()).toBe(2);
    expect(await card.locator('tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/^prefixGET\/users\/meprojectstamp/),
      expect.stringMatching(/^suffixGET\/users\/meprojectaudit/),
    ]);

    const me = await fetch(`${ones.url}/project/api/project/users/me`, {
      headers: { 'Ones-User-Id': alice.uuid, 'Ones-Auth-Token': alice.token },
    });
    expect(me.status).toBe(200);
    const rows = page.locator('table.entries tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    await rows.nth(0).getByRole('button').click();
    const chain = page.getByRole('region', { name: 'Interception chain' });
    await expect
      .poll(() => chain.locator('.stages > li > strong').allTextContents())
      .toEqual(expect.arrayContaining(['prefix', 'ones', 'suffix']));
    expect(await chain.textContent()).toContain('audit-plugin.stamp');
    await page.screenshot({ path: shot('console-ones.png') });

    await page.getByRole('button', { name: 'Unregister plugin audit-plugin' }).click();
    await expect.poll(() => card.count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the API reference: the twin’s OpenAPI document rendered by the bundled Swagger UI, nothing fetched elsewhere', async () => {
    const { page: consolePage } = await open(zentaoTwin.title);
    const link = consolePage.getByRole('link', { name: 'API reference' });
    expect(await link.getAttribute('href')).toBe('reference.html?twin=zentao');
    await consolePage.close();

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    const elsewhere: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('requestfailed', (r) => problems.push(`${r.url()} ${r.failure()?.errorText}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(qa.url) && !r.url().startsWith('data:')) elsewhere.push(r.url());
    });
    await page.goto(`${qa.url}/reference.html?twin=zentao`);
    await expect.poll(() => page.locator('.swagger-ui .opblock').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByRole('heading', { level: 1 }).first().textContent()).toBe(`${zentaoTwin.title}: API reference`);
    expect(await page.locator('.swagger-ui .opblock-summary-path').allTextContents()).toContain('/api.php');
    // No "Try it out": the page reaches only the console's own server.
    expect(await page.getByRole('button', { name: 'Try it out' }).count()).toBe(0);
    await page.screenshot({ path: shot('console-reference.png') });
    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});

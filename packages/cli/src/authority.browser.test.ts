// The DingTalk authority page (behind authorityUrl) in a real browser (issue 13): Debian's Chromium (never a
// downloaded one) driven by playwright-core. Writes docs/dingtalk-authority.png, the screenshot the DingTalk README shows.
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { unwrap } from '@doppel/clients';
import { createDingTalkClient } from '@doppel/clients/dingtalk';
import { DEFAULT_CORP_ID, dingtalkTwin, IDS, ISV_CORP_ID, ORG_ADMIN, SUITE } from '@doppel/mock-dingtalk';
import { startTwin } from '@doppel/mock-kit';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env.DOPPEL_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = fileURLToPath(new URL('../../../docs/dingtalk-authority.png', import.meta.url));

describe.skipIf(!existsSync(CHROMIUM))('the DingTalk authority page in Chromium', () => {
  let browser: Browser;
  let twin: Awaited<ReturnType<typeof startTwin>>;

  beforeAll(async () => {
    twin = await startTwin(dingtalkTwin, { host: '127.0.0.1', port: 0, log: () => {} });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  });
  afterAll(async () => {
    await browser?.close();
    await twin?.close();
  });

  it('the suite’s authorityUrl: the organisation administrator signs in with the keyboard and grants; the suite can then use the asset', async () => {
    // The flow: the suite finds 创建销售订单 unauthorized, is refused (4003), and opens its authorityUrl.
    const suite = createDingTalkClient({
      baseUrl: twin.url,
      suiteKey: SUITE.suiteKey,
      suiteSecret: SUITE.suiteSecret,
      suiteTicket: SUITE.suiteTicket,
      corpId: DEFAULT_CORP_ID,
    });
    const search = unwrap(await suite.searchActions({ connectorId: IDS.erp, connectorProviderCorpId: ISV_CORP_ID }));
    const action = search.list.find((a) => a.id === IDS.createOrder)!;
    expect(action.authorized).toBe(false);
    const ref = { connectAssetUri: action.connectAssetUri, instanceKey: 'authority-page' };
    expect((await suite.createInstance(ref)).error?.isNotAuthorized).toBe(true);
    expect(action.authorityUrl.startsWith(`${twin.url}/connect/authority?`)).toBe(true);

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('requestfailed', (r) => problems.push(`${r.url()} ${r.failure()?.errorText}`));
    // Nothing from anywhere but the twin: no font, image, script or stylesheet from a CDN.
    /** The whole card within 1280×800, without scrolling. */
    const expectCardFits = async () => {
      const box = (await page.locator('.card').boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(800);
      expect(box.width).toBeLessThan(1280 / 2);
    };
    page.on('request', (r) => {
      if (!r.url().startsWith(`${twin.url}/`)) problems.push(`fetched ${r.url()}`);
    });
    await page.goto(action.authorityUrl);

    // What DingTalk's page shows, in Chinese: the app, what it asks the organisation for, the state.
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await page.title()).toContain('授权');
    await expect.poll(() => page.getByRole('heading', { name: SUITE.name }).count()).toBe(1);
    const text = (await page.locator('main').textContent())!;
    expect(text).toContain('第三方企业应用');
    expect(text).toContain('申请获得 Doppel 测试企业 的以下授权');
    expect(text).toContain('使用三方连接器 云进销存 ERP 的执行动作 创建销售订单');
    expect(await page.locator('#status').textContent()).toBe('未授权');
    // DingTalk's blue on the primary button, in a card that fits the window.
    const grant = page.getByRole('button', { name: '同意授权' });
    expect(await grant.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(0, 127, 255)');
    await expectCardFits();

    // A wrong password first, by keyboard only: Tab into the labelled fields, Enter submits (grant is the default button).
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('login');
    await page.keyboard.type(ORG_ADMIN.login);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    await page.keyboard.type('wrong-password');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.getByRole('alert').textContent()).toBe('管理员账号或密码错误');
    expect(await page.locator('#status').textContent()).toBe('未授权');
    expect(await page.getByLabel('管理员账号').inputValue()).toBe(ORG_ADMIN.login);
    expect(await page.getByLabel('密码').inputValue()).toBe('');

    // The administrator's password, then Tab to 同意授权 and Enter.
    await page.getByLabel('密码').focus();
    await page.keyboard.type(ORG_ADMIN.password);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('同意授权');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.getByRole('status').textContent()).toBe('已同意授权');
    expect(await page.locator('#status').textContent()).toBe('已授权');
    await expectCardFits();

    // The grant took effect: the admin API lists it, and the suite now gets its instance.
    const listed = (await (
      await fetch(`${twin.url}/__admin/authorizations?${new URLSearchParams({ corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey })}`)
    ).json()) as { authorizations: { connectAssetUri: string; authorized: boolean }[] };
    expect(listed.authorizations).toContainEqual(expect.objectContaining({ connectAssetUri: action.connectAssetUri, authorized: true }));
    expect(unwrap(await suite.createInstance(ref)).versionId).toMatch(/^G-ACT-VER-/);

    // Chinese renders with a CJK font (Debian's fonts-noto-cjk), not as boxes: the font check, and the font
    // Chromium actually drew the app's name with.
    expect(await page.evaluate(() => document.fonts.check('14px "Noto Sans CJK SC"', '中文'))).toBe(true);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '.ask' });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    expect(fonts.some((f) => /CJK/.test(f.familyName) && f.glyphCount > 0)).toBe(true);

    mkdirSync(fileURLToPath(new URL('.', `file://${SCREENSHOT}`)), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(problems).toEqual([]);
    await page.close();
  });
});

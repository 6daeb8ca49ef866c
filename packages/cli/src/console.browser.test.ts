// The QA console in a real browser (issue 13): Debian's Chromium (never a downloaded one) driven by playwright-core.
// Writes docs/console.png, the screenshot the README shows.
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDingTalkClient } from '@doppel/clients/dingtalk';
import { DEFAULT_CORP_ID, type DingTalkRuntime, dingtalkTwin, IDS, SELF_BUILT_APP, SUITE } from '@doppel/mock-dingtalk';
import { startTwin } from '@doppel/mock-kit';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningConsole, startConsole } from './console.ts';

const CHROMIUM = process.env.DOPPEL_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = fileURLToPath(new URL('../../../docs/console.png', import.meta.url));
const INVOKE = '/v1.0/connector/instances/invoke';

describe.skipIf(!existsSync(CHROMIUM))('the QA console in Chromium', () => {
  let browser: Browser;
  let qa: RunningConsole;
  let twin: Awaited<ReturnType<typeof startTwin>>;

  beforeAll(async () => {
    qa = await startConsole({ host: '127.0.0.1', port: 0 });
    twin = await startTwin(dingtalkTwin, { port: 0, consoleUrl: qa.url });
    qa.setTwins([{ name: 'dingtalk', title: dingtalkTwin.title, url: twin.url }]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  });
  afterAll(async () => {
    await browser?.close();
    await twin?.close();
    await qa?.close();
  });

  it('next invoke → 4003 for app dingdoppelselfbuilt: the self-built app gets 4003, the suite succeeds, the live journal names both', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('requestfailed', (r) => problems.push(`${r.url()} ${r.failure()?.errorText}`));
    await page.goto(qa.url);
    await expect.poll(() => page.getByText('● live').count()).toBe(1);
    // The twin links the console from its admin index.
    expect(((await (await fetch(`${twin.url}/__admin`)).json()) as { console: string }).console).toBe(qa.url);

    // "Make the next POST …/invoke from app dingdoppelselfbuilt fail with 4003, once", with the keyboard's controls.
    await page.getByLabel('Request', { exact: true }).selectOption({ label: `POST ${INVOKE}` });
    await page.getByLabel('Caller', { exact: true }).selectOption(`app:${SELF_BUILT_APP.appKey}`);
    await page.getByLabel('Error', { exact: true }).selectOption('4003');
    await page.getByRole('button', { name: 'Add rule' }).click();
    const summary = `4003 on POST ${INVOKE} for app ${SELF_BUILT_APP.appKey}, once`;
    await expect.poll(() => page.locator('.rules .summary').allTextContents()).toEqual([summary]);

    // The DingTalk client, as the self-built app and as the suite app.
    const asSelfBuilt = createDingTalkClient({ baseUrl: twin.url, appKey: SELF_BUILT_APP.appKey, appSecret: SELF_BUILT_APP.appSecret });
    const asSuite = createDingTalkClient({
      baseUrl: twin.url,
      suiteKey: SUITE.suiteKey,
      suiteSecret: SUITE.suiteSecret,
      suiteTicket: SUITE.suiteTicket,
      corpId: DEFAULT_CORP_ID,
    });
    const uri = [...(twin.twin.state as DingTalkRuntime).assetByUri.keys()].find((u) => u.endsWith(IDS.createTodo))!;
    for (const client of [asSelfBuilt, asSuite])
      expect((await client.createInstance({ connectAssetUri: uri, instanceKey: 'qa' })).error).toBeUndefined();
    const input = { subject: '复现 4003：只对自建应用', executorIds: ['u1'] };
    const refused = await asSelfBuilt.invoke({ connectAssetUri: uri, instanceKey: 'qa', input });
    expect(refused.error).toMatchObject({ code: '4003', status: 403 });
    const ok = await asSuite.invoke({ connectAssetUri: uri, instanceKey: 'qa', input });
    expect(ok.error).toBeUndefined();

    // Both invokes appear live, with their callers; the refused one names the rule.
    await page.getByLabel('Filter by path').fill('invoke');
    const rows = page.locator('table.entries tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const [suiteRow, selfRow] = [rows.nth(0), rows.nth(1)];
    expect(await selfRow.textContent()).toContain(`app:${SELF_BUILT_APP.appKey}`);
    expect(await selfRow.locator('td').nth(2).textContent()).toContain('403');
    expect(await selfRow.locator('.rule').textContent()).toBe(summary);
    expect(await suiteRow.textContent()).toContain(`app:${SUITE.suiteKey}`);
    expect(await suiteRow.locator('td').nth(2).textContent()).toBe('200');
    expect(await suiteRow.locator('.rule').textContent()).toBe('');
    // The once-rule is spent: the rules list says so without a reload.
    await expect.poll(() => page.locator('.rules .summary').count()).toBe(0);

    // Open the refused entry: request, response, callers and the rule that forced it.
    await selfRow.getByRole('button').click();
    const detail = page.getByRole('article');
    await expect.poll(() => detail.textContent()).toContain(`rule-`);
    const text = (await detail.textContent())!;
    expect(text).toContain(summary);
    expect(text).toContain(`app:${SELF_BUILT_APP.appKey} org:${DEFAULT_CORP_ID}`);
    expect(text).toContain('复现 4003');
    expect(text).toContain('4003');

    // Chinese renders with a CJK font (Debian's fonts-noto-cjk), not as boxes.
    expect(await page.evaluate(() => document.fonts.check('14px "Noto Sans CJK SC"', '中文'))).toBe(true);
    mkdirSync(fileURLToPath(new URL('.', `file://${SCREENSHOT}`)), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(problems).toEqual([]);
    await page.close();
  });
});

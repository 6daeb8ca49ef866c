import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GITHUB_BOT, OCTOCAT, startOAuthMock } from '@doppel/mock-oauth';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthClient } from './client.ts';
import { createOAuthFlow } from './flow.ts';
import { ServiceStore } from './store.ts';

/** The system Chromium (apt-get install chromium); never a downloaded browser. */
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`[doppel] browser test skipped: ${CHROMIUM} is missing. Install it with: apt-get update && apt-get install -y chromium`);
}

describe.skipIf(!haveChromium)('the consent page in Chromium', () => {
  let browser: Browser;
  let twin: Awaited<ReturnType<typeof startOAuthMock>>;
  let server: Server;
  let store: ServiceStore;
  let flow: ReturnType<typeof createOAuthFlow>;

  beforeAll(async () => {
    twin = await startOAuthMock({ port: 0 });
    server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const callback = `http://127.0.0.1:${(server.address() as AddressInfo).port}/github/oauth`;
    store = new ServiceStore(join(mkdtempSync(join(tmpdir(), 'doppel-browser-')), 'bot.sqlite'));
    // The GitHub bot shows the consent page (autoApprove off).
    const client = createOAuthClient({
      baseUrl: twin.url,
      clientId: GITHUB_BOT.clientId,
      clientSecret: GITHUB_BOT.clientSecret,
      redirectUri: callback,
    });
    flow = createOAuthFlow({ client, store, stateSecret: 'browser-secret' });
    server.on('request', flow.callbackHandler());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    store?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await twin?.close();
  });

  it('a person signs in, clicks Authorize, lands on the bot’s callback, and the token is stored', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(flow.authLink({ id: 'bot-1' }, { id: 'group-1' }));
      expect(await page.textContent('#app-name')).toBe('Doppel GitHub Bot');
      expect(await page.textContent('#scopes')).toContain('read:user');

      // A wrong password first: the page says so and stays.
      await page.fill('#login_field', 'octocat');
      await page.fill('#password', 'not-the-password');
      await page.click('#js-oauth-authorize-btn');
      expect(await page.textContent('#flash')).toBe('Incorrect username or password.');

      await page.fill('#login_field', 'octocat');
      await page.fill('#password', OCTOCAT.password);
      await page.click('#js-oauth-authorize-btn');
      await page.waitForURL(/\/github\/oauth\?code=/);
      expect(await page.textContent('#result')).toBe('Please close this page');

      const me = await flow.getUser({ id: 'bot-1' }, { id: 'group-1' });
      expect(me.status === 'ok' && me.data.login).toBe('octocat');
    } finally {
      await page.close();
    }
  });

  it('Cancel sends the person back with access_denied and stores nothing', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(flow.authLink({ id: 'bot-2' }, { id: 'group-2' }));
      await page.click('#js-oauth-cancel-btn');
      await page.waitForURL(/error=access_denied/);
      expect(new URL(page.url()).searchParams.get('state')).not.toBeNull();
      expect(await page.textContent('#result')).toContain('(denied)');
      expect(flow.findService({ id: 'bot-2' }, { id: 'group-2' })).toBeNull();
    } finally {
      await page.close();
    }
  });
});

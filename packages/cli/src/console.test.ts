import { request } from 'node:http';
import { dingtalkTwin } from '@doppel/mock-dingtalk';
import { startTwin } from '@doppel/mock-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleDir, type RunningConsole, startConsole } from './console.ts';
import { table } from './start.ts';

/** A raw request, so the test sets Host and Origin as a browser (or an attacker's page) would. */
function raw(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!consoleDir())('the console server', () => {
  let qa: RunningConsole;
  let twin: Awaited<ReturnType<typeof startTwin>>;
  beforeAll(async () => {
    qa = await startConsole({ host: '127.0.0.1', port: 0 });
    twin = await startTwin(dingtalkTwin, { port: 0, consoleUrl: qa.url });
    qa.setTwins([{ name: 'dingtalk', title: dingtalkTwin.title, url: twin.url }]);
  });
  afterAll(async () => {
    await twin?.close();
    await qa?.close();
  });

  it('serves the page with a CSP that allows only its own origin, and the twins it shows', async () => {
    const page = await fetch(qa.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<div id="app">');
    expect(await (await fetch(`${qa.url}/config.json`)).json()).toEqual({
      twins: [{ name: 'dingtalk', title: dingtalkTwin.title, url: twin.url }],
    });
  });

  it("proxies a twin's admin API, and its live journal", async () => {
    const health = await fetch(`${qa.url}/twins/dingtalk/__admin/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', twin: 'dingtalk' });
    const stop = new AbortController();
    const stream = await fetch(`${qa.url}/twins/dingtalk/__admin/journal/stream`, { signal: stop.signal });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toContain('event: ready');
    stop.abort();
    const unknown = await fetch(`${qa.url}/twins/nosuch/__admin/health`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'unknown_twin' } });
  });

  it('answers only to its own Host and to pages of its own origin, as the twins do', async () => {
    const { port } = qa;
    expect((await raw(`${qa.url}/twins/dingtalk/__admin/health`, { host: `evil.example:${port}` })).status).toBe(403);
    expect((await raw(`${qa.url}/twins/dingtalk/__admin/health`, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await raw(`${qa.url}/twins/dingtalk/__admin/health`, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await raw(`${qa.url}/twins/dingtalk/__admin/health`, { origin: qa.url })).status).toBe(200);
    expect((await raw(`${qa.url}/config.json`, {}, 'POST')).status).toBe(405);
  });

  it('never serves a file outside its folder', async () => {
    for (const path of ['/../../package.json', '/%2e%2e/%2e%2e/package.json', '/assets/../../../cli/package.json']) {
      const r = await raw(`${qa.url}${path}`);
      expect(r.body).not.toContain('"name"');
    }
  });
});

describe('the start table', () => {
  it('prints the console as its last row', () => {
    expect(table([], 'http://127.0.0.1:4000').split('\n').at(-1)).toMatch(/^console\s+http:\/\/127\.0\.0\.1:4000\s+\(the QA console/);
    expect(table([])).not.toContain('console');
  });
});

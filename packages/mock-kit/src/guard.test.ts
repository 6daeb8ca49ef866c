import { request as httpRequest } from 'node:http';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { exampleTwin } from '../example/index.ts';
import { type AdminGuard, isLoopback, loopbackHosts, refuseAdmin } from './guard.ts';
import { startTwin } from './serve.ts';
import { make } from './test-support.ts';

const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('isLoopback', () => {
  it('knows the addresses nobody else can reach', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.2', '10.0.0.1', 'example.com', '128.0.0.1']) expect(isLoopback(h), h).toBe(false);
  });
});

describe('the admin API on loopback', () => {
  it('answers the developer’s tools, and refuses another Host (DNS rebinding) and other browser origins', async () => {
    const running = await startTwin(exampleTwin);
    const health = `${running.url}/__admin/health`;
    try {
      expect(running.adminToken).toBeUndefined();
      expect((await fetch(health)).status).toBe(200);
      expect((await fetch(health.replace('127.0.0.1', 'localhost'))).status).toBe(200);
      // fetch may not set Host; a rebinding browser sends its own name, as node:http can.
      const rebound = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port: running.port, path: '/__admin/health', headers: { host: `evil.example:${running.port}` } },
          (res) => {
            let body = '';
            res.on('data', (d) => (body += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(rebound.status).toBe(403);
      expect(JSON.parse(rebound.body).error.code).toBe('forbidden_host');
      // A page on another site posting text/plain (no preflight) is refused, and changes nothing.
      const page = await fetch(`${running.url}/__admin/reset`, {
        method: 'POST',
        headers: { origin: 'http://evil.example', 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site' },
        body: '{}',
      });
      expect(page.status).toBe(403);
      expect(await code(page)).toBe('forbidden_origin');
      expect((await fetch(health, { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
      expect((await fetch(health, { headers: { origin: 'null' } })).status).toBe(403);
      // The twin's own origin, and a same-origin fetch, pass.
      expect((await fetch(health, { headers: { origin: running.url, 'sec-fetch-site': 'same-origin' } })).status).toBe(200);
      // The platform API itself is not guarded: browsers may call it (OAuth pages, DingTalk's authority page).
      expect((await fetch(`${running.url}/open`, { headers: { origin: 'http://evil.example' } })).status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('lets the configured console origin through', async () => {
    const running = await startTwin(exampleTwin, { adminOrigins: ['http://127.0.0.1:4000'] });
    try {
      const res = await fetch(`${running.url}/__admin/health`, {
        headers: { origin: 'http://127.0.0.1:4000', 'sec-fetch-site': 'same-site' },
      });
      expect(res.status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('loopbackHosts lists the twin’s own address under every loopback name', () => {
    expect(loopbackHosts('127.0.0.1', 4020)).toEqual(new Set(['127.0.0.1:4020', 'localhost:4020', '[::1]:4020']));
  });
});

describe('the admin API with a token', () => {
  it('is generated for a non-loopback host and required on every admin call, never on the platform API', async () => {
    const running = await startTwin(exampleTwin, { host: '0.0.0.0' });
    const local = running.url.replace('0.0.0.0', '127.0.0.1');
    try {
      expect(running.adminToken).toMatch(/^[\w-]{32}$/);
      const none = await fetch(`${local}/__admin/fixtures`);
      expect(none.status).toBe(401);
      expect(await code(none)).toBe('admin_token_required');
      expect((await fetch(`${local}/__admin/fixtures`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(`${local}/__admin/fixtures`, { headers: { authorization: `Bearer ${running.adminToken}` } })).status).toBe(200);
      expect((await fetch(`${local}/__admin/health`, { headers: { 'x-doppel-admin-token': running.adminToken! } })).status).toBe(200);
      expect((await fetch(`${local}/things`, { headers: { 'x-key': 'k1' } })).status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('can be given in-process too', async () => {
    const { app } = make({ adminToken: 'sesame-sesame' });
    expect((await app.request('/__admin/health')).status).toBe(401);
    expect((await app.request('/__admin/health', { headers: { 'x-doppel-admin-token': 'sesame-sesame' } })).status).toBe(200);
  });
});

describe('refuseAdmin: each refusal, exactly', () => {
  const ask = async (guard: AdminGuard, headers: Record<string, string>) => {
    const app = new Hono().all('*', (c) => c.json(refuseAdmin((name) => c.req.header(name), guard) ?? null));
    return (await app.request('/__admin/health', { headers })).json();
  };
  const hosts = loopbackHosts('127.0.0.1', 4999);

  it('names the allowed hosts and the Host sent, or "(none)"', async () => {
    expect(await ask({ hosts }, { host: 'evil.example:4999' })).toEqual([
      403,
      'forbidden_host',
      'the admin API answers only to 127.0.0.1:4999, localhost:4999, [::1]:4999, not Host evil.example:4999',
    ]);
    expect(await ask({ hosts }, {})).toEqual([
      403,
      'forbidden_host',
      'the admin API answers only to 127.0.0.1:4999, localhost:4999, [::1]:4999, not Host (none)',
    ]);
    expect(await ask({ hosts }, { host: 'LOCALHOST:4999' })).toBeNull();
  });

  it('lets the twin’s own origin through over http or https, in any case, and names a foreign one', async () => {
    const host = { host: '127.0.0.1:4999' };
    expect(await ask({ hosts }, { ...host, origin: 'HTTP://127.0.0.1:4999' })).toBeNull();
    expect(await ask({ hosts }, { ...host, origin: 'https://127.0.0.1:4999' })).toBeNull();
    expect(await ask({ hosts }, { ...host, origin: 'http://evil.example' })).toEqual([
      403,
      'forbidden_origin',
      'the admin API refuses browser requests from http://evil.example',
    ]);
    expect(await ask({ origins: new Set(['http://console.local']) }, { origin: 'HTTP://Console.local' })).toBeNull();
  });

  it('refuses an opaque origin and a cross-site fetch, and lets same-origin, none and same-site-less tools through', async () => {
    const another = [403, 'forbidden_origin', 'the admin API refuses browser requests from another site'];
    expect(await ask({}, { origin: 'null' })).toEqual(another);
    expect(await ask({}, { 'sec-fetch-site': 'cross-site' })).toEqual(another);
    expect(await ask({}, { 'sec-fetch-site': 'same-site' })).toEqual(another);
    expect(await ask({}, { 'sec-fetch-site': 'same-origin' })).toBeNull();
    expect(await ask({}, { 'sec-fetch-site': 'none' })).toBeNull();
    expect(await ask({}, {})).toBeNull();
  });

  it('takes the token as a Bearer (any case, any spacing) or in its own header, and explains a refusal', async () => {
    const guard = { token: 'sesame' };
    const refused = [
      401,
      'admin_token_required',
      "this twin's admin API needs its token (Authorization: Bearer … or x-doppel-admin-token)",
    ];
    expect(await ask(guard, {})).toEqual(refused);
    expect(await ask(guard, { authorization: 'bearer   sesame' })).toBeNull();
    expect(await ask(guard, { authorization: 'Bearer sesame' })).toBeNull();
    expect(await ask(guard, { authorization: 'Bearer sesame2' })).toEqual(refused);
    expect(await ask(guard, { authorization: 'Basic Bearer sesame' })).toEqual(refused);
    expect(await ask(guard, { authorization: 'Bearer  sesame' })).toBeNull();
    expect(await ask(guard, { authorization: 'Bearer' })).toEqual(refused);
    expect(await ask(guard, { 'x-doppel-admin-token': 'sesame' })).toBeNull();
    expect(await ask(guard, { 'x-doppel-admin-token': 'sesam' })).toEqual(refused);
  });

  it('isLoopback reads bracketed IPv6 and mapped IPv4, and nothing else as loopback', () => {
    expect(isLoopback('[::1]')).toBe(true);
    expect(isLoopback('[::ffff:127.0.0.2]')).toBe(true);
    expect(isLoopback('127.example.com')).toBe(false);
    // Only a leading [ and a trailing ] are brackets.
    expect(['::[1]', '[::]1', 'local[host', 'local]host'].map(isLoopback)).toEqual([false, false, false, false]);
    expect(loopbackHosts('::1', 4999)).toEqual(new Set(['[::1]:4999', '127.0.0.1:4999', 'localhost:4999']));
  });
});

import { request as httpRequest } from 'node:http';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type ExampleEnv, exampleErrors, exampleTwin } from '../example/index.ts';
import { createTwinApp } from './app.ts';
import { JOURNAL_BODY_LIMIT, Journal } from './journal.ts';
import { maskText } from './mask.ts';
import { startTwin } from './serve.ts';
import { K1, make, withKey } from './test-support.ts';

const post = (body: string, headers: Record<string, string> = {}) =>
  withKey({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('request body limit', () => {
  it('refuses a body over the limit with 413 before reading it, journaling a marker, and serves the next', async () => {
    const { app, twin } = make({ bodyLimit: 100 });
    const big = JSON.stringify({ name: 'x'.repeat(200) });
    const res = await app.request('/things', post(big, { 'content-length': String(big.length) }));
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toEqual({ error: { code: 'payload_too_large', message: 'the request body is over the limit of 100 bytes' } });
    const entry = twin.journal.all()[0]!;
    expect(entry).toMatchObject({ status: 413, error: 'payload_too_large', notes: { bodyLimit: { limit: 100, received: big.length } } });
    expect(entry.body).toBe("[not kept: the body was over the twin's limit of 100 bytes]");
    expect((await app.request('/things', post('{"name":"ok"}'))).status).toBe(201);
  });

  it('refuses a chunked body (no Content-Length) as soon as it passes the limit', async () => {
    const { app } = make({ bodyLimit: 100 });
    const chunks = new ReadableStream({
      start(ctrl) {
        for (let i = 0; i < 10; i++) ctrl.enqueue(new TextEncoder().encode('x'.repeat(50)));
        ctrl.close();
      },
    });
    const res = await app.request('/things', { method: 'POST', headers: { 'x-key': 'k1' }, body: chunks, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('answers in the platform’s shape when the twin defines tooLarge, and the default limit is 1 MiB', async () => {
    const { app, twin } = createTwinApp({ ...exampleTwin, tooLarge: () => exampleErrors.refuse('QUOTA', { status: 413 }) });
    expect(twin.bodyLimit).toBe(1024 * 1024);
    const big = 'x'.repeat(1024 * 1024 + 1);
    const res = await app.request('/things', post(big, { 'content-length': String(big.length) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'quota' });
  });

  it('over HTTP, a client sending 5 MB reads the 413 (no reset), and the twin keeps serving', async () => {
    const running = await startTwin(exampleTwin, { bodyLimit: 1000 });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const url = new URL(`${running.url}/things`);
        const req = httpRequest(
          {
            hostname: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            headers: { 'x-key': 'k1', 'content-type': 'application/json', 'content-length': 5 * 1024 * 1024 },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        const chunk = Buffer.alloc(64 * 1024, 120);
        let sent = 0;
        const write = () => {
          while (sent < 5 * 1024 * 1024) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', write);
          }
          req.end();
        };
        write();
      });
      expect(status).toBe(413);
      expect((await fetch(`${running.url}/things`, K1)).status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('health shows the limit and the journal’s usage', async () => {
    const { app } = make({ bodyLimit: 2048, journalBytes: 4096 });
    await app.request('/things', K1);
    const h = (await (await app.request('/__admin/health')).json()) as { bodyLimit: number; journal: Record<string, number> };
    expect(h.bodyLimit).toBe(2048);
    expect(h.journal).toMatchObject({ entries: 1, maxBytes: 4096 });
    expect(h.journal.bytes).toBeGreaterThan(0);
  });
});

describe('the journal keeps bounded copies', () => {
  it('cuts a long request body and a long response body, saying how long they were', async () => {
    const long = new Hono<ExampleEnv>().post('/', (c) => c.json({ echo: 'y'.repeat(100_000) }, 201));
    const { app, twin } = createTwinApp({ ...exampleTwin, routes: [['/things', long]] });
    await app.request('/things', post(JSON.stringify({ name: 'x'.repeat(100_000) })));
    const e = twin.journal.all()[0]!;
    expect(typeof e.body).toBe('string');
    expect(String(e.body)).toMatch(/… \[cut: 100011 characters in all, the journal keeps 65536\]$/);
    expect(String(e.body).length).toBeLessThan(JOURNAL_BODY_LIMIT + 100);
    expect(String(e.responseBody)).toMatch(/\[cut: 100011 characters in all/);
  });

  it('drops the oldest entries past its byte budget, always keeping the newest', () => {
    const j = new Journal(100, undefined, 20_000);
    for (let id = 1; id <= 10; id++) {
      j.record({
        id,
        at: 0,
        method: 'POST',
        url: '/a',
        headers: [],
        body: 'x'.repeat(2_000),
        status: 200,
        responseBody: undefined,
        durationMs: 0,
      });
    }
    const ids = j.all().map((e) => e.id);
    expect(ids.at(-1)).toBe(10);
    expect(ids.length).toBeLessThan(10);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => 11 - ids.length + i));
    expect(j.usage().bytes).toBeLessThanOrEqual(20_000);
    j.record({
      id: 11,
      at: 0,
      method: 'POST',
      url: '/a',
      headers: [],
      body: 'x'.repeat(60_000),
      status: 200,
      responseBody: undefined,
      durationMs: 0,
    });
    expect(j.all().map((e) => e.id)).toEqual([11]);
    expect(j.recorded()).toBe(11);
  });

  it('a full ring overwrites the oldest and keeps its byte count right', () => {
    const j = new Journal(3, undefined, 1_000_000);
    for (let id = 1; id <= 7; id++)
      j.record({ id, at: 0, method: 'GET', url: '/a', headers: [], body: undefined, status: 200, responseBody: undefined, durationMs: 0 });
    expect(j.all().map((e) => e.id)).toEqual([5, 6, 7]);
    const one = new Journal(3, undefined, 1_000_000);
    one.record({
      id: 1,
      at: 0,
      method: 'GET',
      url: '/a',
      headers: [],
      body: undefined,
      status: 200,
      responseBody: undefined,
      durationMs: 0,
    });
    expect(j.usage().bytes).toBe(3 * one.usage().bytes);
    j.clear();
    expect(j.usage()).toEqual({ entries: 0, bytes: 0 });
  });
});

describe('maskText', () => {
  it('masks secret-named JSON members and form fields in text that did not parse', () => {
    expect(maskText('{"appKey":"dingdoppel","appSecret":"s3cr3t-value-123"')).toBe('{"appKey":"dingdoppel","appSecret":"****-123"');
    expect(maskText('client_id=abc&client_secret=0123456789abcdef&x=1')).toBe('client_id=abc&client_secret=****cdef&x=1');
    expect(maskText('{"title": "a \\"quoted\\" token"}')).toBe('{"title": "a \\"quoted\\" token"}');
    expect(maskText('{"password" : "hunter2-hunter2"}')).toBe('{"password" : "****ter2"}');
    expect(maskText('<OAuth><access_token>gho_abcdefghijklmnop</access_token><scope>repo</scope></OAuth>')).toBe(
      '<OAuth><access_token>****mnop</access_token><scope>repo</scope></OAuth>',
    );
    expect(maskText('<a><code>abcdefghijkl</code></a>', /^code$/)).toBe('<a><code>****ijkl</code></a>');
  });

  it('an unparseable request body in the journal has its secrets masked', async () => {
    const { app, twin } = make();
    await app.request('/things', post('{"name":"n","password":"hunter2-hunter2"'));
    expect(twin.journal.all()[0]!.body).toBe('{"name":"n","password":"****ter2"');
  });
});

describe('body limit option', () => {
  it('accepts 0 and refuses a negative or fractional limit, saying which', () => {
    expect(make({ bodyLimit: 0 }).twin.bodyLimit).toBe(0);
    expect(() => make({ bodyLimit: -1 })).toThrow(new RangeError('body limit must be a whole number of bytes, got -1'));
    expect(() => make({ bodyLimit: 1.5 })).toThrow(new RangeError('body limit must be a whole number of bytes, got 1.5'));
  });

  it('names the source of invalid fixtures: options or a replacement', () => {
    expect(() => make({ fixtures: { things: 3 } as never })).toThrow(/^options\.fixtures: invalid fixtures\n/);
    const { twin } = make();
    expect(() => twin.replaceFixtures({ things: 3 })).toThrow(/^request: invalid fixtures\n/);
  });
});

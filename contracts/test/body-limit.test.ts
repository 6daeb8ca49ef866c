import { request } from 'node:http';
import { startDingTalkMock } from '@doppel/mock-dingtalk';
import { type LoadedSpec, loadSpec, type RunningTwin } from '@doppel/mock-kit';
import { startOAuthMock } from '@doppel/mock-oauth';
import { startOnesMock } from '@doppel/mock-ones';
import { startZentaoMock } from '@doppel/mock-zentao';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A body over a twin's limit (1 MiB by default) gets the platform's own 413 over real HTTP, whether the client
 * declares its length or streams it chunked; the client reads the answer (no reset) and the connection closes.
 * Every operation that takes a body declares that 413 in the twin's spec.
 */
const LIMIT = 1024 * 1024;
const SIZE = 2 * LIMIT;

interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** An error the client saw (a reset, a broken pipe), if any. */
  error?: string;
  /** The connection was closed (by the server, after its answer). */
  closed: boolean;
}

/** POST `size` bytes to the twin, all of them whatever it answers (as curl does), with or without Content-Length. */
function sendLarge(url: string, path: string, headers: Record<string, string>, chunked: boolean): Promise<Sent> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const sent: Sent = { status: 0, headers: {}, body: '', closed: false };
    const req = request({
      hostname: u.hostname,
      port: u.port,
      path,
      method: 'POST',
      agent: false,
      headers: { ...headers, ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(SIZE) }) },
    });
    const timer = setTimeout(() => resolve({ ...sent, error: sent.error ?? 'timed out' }), 20_000);
    const done = () => {
      clearTimeout(timer);
      resolve(sent);
    };
    req.on('error', (err) => {
      sent.error = String(err);
    });
    req.on('socket', (socket) =>
      socket.on('close', () => {
        sent.closed = true;
        done();
      }),
    );
    req.on('response', (res) => {
      sent.status = res.statusCode ?? 0;
      sent.headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        sent.body += d;
      });
    });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let written = 0;
    const write = () => {
      while (written < SIZE) {
        if (req.destroyed) return;
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

interface Case {
  name: string;
  start(): Promise<RunningTwin<unknown, unknown>>;
  spec: () => LoadedSpec;
  path: string;
  headers: Record<string, string>;
  /** The operation (as in the spec) the request reaches. */
  op: [method: string, path: string];
  /** The platform's 413, as the client reads it. */
  check(sent: Sent): void;
}

const json = (s: Sent) => JSON.parse(s.body) as Record<string, unknown>;

const cases: Case[] = [
  {
    name: 'dingtalk',
    start: () => startDingTalkMock({ port: 0 }) as Promise<RunningTwin<unknown, unknown>>,
    spec: () => loadSpec(`${import.meta.dirname}/../openapi/dingtalk.yaml`),
    path: '/v1.0/oauth2/accessToken',
    headers: { 'content-type': 'application/json' },
    op: ['post', '/v1.0/oauth2/accessToken'],
    check(s) {
      // The gateway's error, with the request's own id in the body and the headers.
      expect(json(s)).toEqual({
        code: 'PayloadTooLarge',
        requestid: s.headers['x-acs-request-id'],
        message: `请求体过大: 超过 ${LIMIT} 字节`,
      });
    },
  },
  {
    name: 'zentao',
    start: () => startZentaoMock({ port: 0 }) as Promise<RunningTwin<unknown, unknown>>,
    spec: () => loadSpec(`${import.meta.dirname}/../openapi/zentao.yaml`),
    path: '/api.php?m=im&f=sendNotification&code=myAppCode&token=x',
    headers: { 'content-type': 'application/json' },
    op: ['post', '/api.php'],
    check(s) {
      // The web server's page: PHP (and ZenTao's errcode answers) never sees the request.
      expect(s.headers['content-type']).toMatch(/^text\/html/);
      expect(s.body).toContain('<title>413 Request Entity Too Large</title>');
    },
  },
  {
    name: 'ones',
    start: () => startOnesMock({ port: 0 }) as Promise<RunningTwin<unknown, unknown>>,
    spec: () => loadSpec(`${import.meta.dirname}/../openapi/ones.yaml`),
    path: '/project/api/project/auth/login',
    headers: { 'content-type': 'application/json' },
    op: ['post', '/project/api/project/auth/login'],
    check(s) {
      expect(json(s)).toEqual({
        code: 413,
        errcode: 'RequestEntityTooLarge',
        reason: 'RequestEntityTooLarge',
        type: 'RequestEntityTooLarge',
      });
    },
  },
  {
    name: 'oauth',
    start: () => startOAuthMock({ port: 0 }) as Promise<RunningTwin<unknown, unknown>>,
    spec: () => loadSpec(`${import.meta.dirname}/../openapi/oauth.yaml`),
    path: '/login/oauth/access_token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    op: ['post', '/login/oauth/access_token'],
    check(s) {
      expect(json(s)).toEqual({ message: 'Payload Too Large', documentation_url: 'https://docs.github.com/rest', status: '413' });
    },
  },
];

type Json = Record<string, unknown>;
const deref = (doc: Json, node: Json): Json =>
  typeof node.$ref === 'string'
    ? deref(
        doc,
        (node.$ref as string)
          .slice(2)
          .split('/')
          .reduce<Json>((o, k) => o[k] as Json, doc),
      )
    : node;

describe.each(cases)('$name: a body over the limit', (c) => {
  let twin: RunningTwin<unknown, unknown>;
  beforeAll(async () => {
    twin = await c.start();
  });
  afterAll(() => twin.close());

  it.each([
    ['with a Content-Length over the limit', false],
    ['chunked, passing the limit as it streams', true],
  ])('%s gets the platform’s 413; the client reads it, the connection closes cleanly, the twin serves on', async (_label, chunked) => {
    const sent = await sendLarge(twin.url, c.path, c.headers, chunked);
    expect(sent.error).toBeUndefined();
    expect(sent.status).toBe(413);
    expect(sent.headers.connection).toBe('close');
    expect(sent.closed).toBe(true);
    c.check(sent);
    // The next client is served as usual (a small body: whatever the platform answers, not 413).
    const next = await fetch(`${twin.url}${c.path}`, { method: 'POST', headers: c.headers, body: '{}' });
    expect(next.status).not.toBe(413);
    expect(next.status).toBeLessThan(500);
    const entry = ((await (await fetch(`${twin.url}/__admin/journal?limit=2`)).json()) as { entries: Json[] }).entries;
    expect(JSON.stringify(entry)).toContain('"status":413');
  });

  it('is declared in the spec, for this operation and for every other operation that takes a body', async () => {
    const spec = c.spec();
    const paths = spec.doc.paths as Record<string, Record<string, Json>>;
    const declared = deref(spec.doc, (paths[c.op[1]]![c.op[0]]!.responses as Record<string, Json>)['413']!);
    const [type, media] = Object.entries(declared.content as Record<string, Json>)[0]!;
    const sent = await sendLarge(twin.url, c.path, c.headers, false);
    expect(String(sent.headers['content-type'])).toContain(type);
    const ref = (media.schema as Json).$ref;
    if (typeof ref === 'string') {
      const validate = spec.schema(ref.split('/').at(-1)!);
      expect(validate(json(sent)), JSON.stringify(validate.errors)).toBe(true);
    }
    const missing: string[] = [];
    for (const [path, item] of Object.entries(paths)) {
      if (path.startsWith('/__admin')) continue;
      for (const [method, op] of Object.entries(item)) {
        if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
        if (!(op.responses as Json)['413']) missing.push(`${method} ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

// A bench server in its own process, so the load generator never shares its event loop.
// argv: <target> twin|soak|bare|bare-body [answer.json] | <target> record.
//   twin    starts the twin; prints its URL on stdout once listening.
//   soak    the same, started as the soak mode wants it (the target's soakStart, else start).
//   bare    a bare Hono app serving the twin's recorded answer (recorded here, or read from answer.json).
//   bare-body  the same, but its handler first reads and parses the request body, as any handler of a POST must.
//   record  records the twin's answer and prints it as one JSON line ({ status, type, body }), then exits.
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { targets } from './targets/index.ts';
import type { BenchTarget } from './targets/types.ts';

/** The twin's answer to the target's request: what the bare app and the peers serve. */
export interface Recorded {
  status: number;
  type: string;
  body: string;
}

const [name, kind, answerFile] = process.argv.slice(2);
const target = targets.find((t) => t.name === name);
if (!target || !['twin', 'soak', 'bare', 'bare-body', 'record'].includes(kind!)) {
  console.error(`usage: serve.ts <${targets.map((t) => t.name).join('|')}> twin|soak|bare|bare-body [answer.json]|record`);
  process.exit(2);
}

/** Start the twin, send the target's request once, keep the exact answer, stop the twin. */
async function record(t: BenchTarget): Promise<Recorded> {
  const running = await t.start();
  try {
    const { method, path, headers, body } = t.request;
    const res = await fetch(`${running.url}${path}`, { method, ...(headers && { headers }), ...(body && { body }) });
    return { body: await res.text(), type: res.headers.get('content-type') ?? 'application/json', status: res.status };
  } finally {
    await running.close();
  }
}

if (kind === 'record') {
  console.log(JSON.stringify(await record(target)));
  process.exit(0);
} else if (kind === 'twin' || kind === 'soak') {
  const running = await (kind === 'soak' && target.soakStart ? target.soakStart() : target.start());
  console.log(running.url);
} else {
  // The twin's exact answer (recorded now, or once by the runner for every peer), served from a bare Hono app on the same path.
  const { method, path } = target.request;
  const { body: payload, type, status } = answerFile ? (JSON.parse(readFileSync(answerFile, 'utf8')) as Recorded) : await record(target);
  const app = new Hono();
  const route = path.split('?')[0]!;
  // The same JSON, serialised per request as any Hono handler does.
  const json = type.includes('json') ? JSON.parse(payload) : undefined;
  const answer = (c: Context) =>
    json === undefined ? c.body(payload, status as 200, { 'content-type': type }) : c.json(json, status as 200);
  if (kind === 'bare-body') {
    // Read and parse the body (JSON or a form, by its content type) before the same answer.
    app.on(method, route, async (c) => {
      const text = await c.req.text();
      const form = c.req.header('content-type')?.includes('x-www-form-urlencoded');
      const parsed: unknown = text && (form ? Object.fromEntries(new URLSearchParams(text)) : JSON.parse(text));
      void parsed;
      return answer(c);
    });
  } else app.on(method, route, answer);
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`http://127.0.0.1:${info.port}`));
  process.on('SIGTERM', () => server.close());
}
process.on('SIGTERM', () => process.exit(0));
// The runner asks for this process's CPU time around each load (CPU µs per request), or for its memory after
// a full GC (the soak mode starts it with --expose-gc).
process.on('message', (m) => {
  if (m === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.send?.({ memory: { rss, heapUsed } });
  } else process.send?.(process.cpuUsage());
});

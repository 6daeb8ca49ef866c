// A bench server in its own process, so the load generator never shares its event loop.
// argv: <target> twin|bare. Prints the URL on stdout once listening.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { targets } from './targets/index.ts';

const [name, kind] = process.argv.slice(2);
const target = targets.find((t) => t.name === name);
if (!target || (kind !== 'twin' && kind !== 'bare')) {
  console.error(`usage: serve.ts <${targets.map((t) => t.name).join('|')}> twin|bare`);
  process.exit(2);
}
const running = await target.start();
if (kind === 'twin') {
  console.log(running.url);
} else {
  // Record the twin's exact answer, then serve those bytes from a bare Hono app on the same path.
  const { method, path, headers, body } = target.request;
  const res = await fetch(`${running.url}${path}`, { method, ...(headers && { headers }), ...(body && { body }) });
  const payload = await res.text();
  const type = res.headers.get('content-type') ?? 'application/json';
  const status = res.status;
  await running.close();
  const app = new Hono();
  const route = path.split('?')[0]!;
  // The same JSON, serialised per request as any Hono handler does.
  const json = type.includes('json') ? JSON.parse(payload) : undefined;
  app.on(method, route, (c) => (json === undefined ? c.body(payload, status as 200, { 'content-type': type }) : c.json(json, status as 200)));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`http://127.0.0.1:${info.port}`));
  process.on('SIGTERM', () => server.close());
}
process.on('SIGTERM', () => process.exit(0));
// The runner asks for this process's CPU time around each load, to report CPU µs per request.
process.on('message', () => process.send?.(process.cpuUsage()));

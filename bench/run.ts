// pnpm bench [--seconds 5] [--connections 32] [--only zentao]
// Loads each twin's hot endpoint over loopback, beside a bare Hono app serving the same bytes in the same run,
// and prints requests/s, p50/p99 latency and the ratio twin/bare. Bounded in time; loopback only.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { targets } from './targets/index.ts';

const { values } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    pipelining: { type: 'string', default: '1' },
    only: { type: 'string' },
  },
});
const seconds = Math.min(Math.max(Number(values.seconds), 1), 60);
const connections = Math.min(Math.max(Number(values.connections), 1), 256);
const pipelining = Math.min(Math.max(Number(values.pipelining), 1), 32);
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const serveScript = fileURLToPath(new URL('./serve.ts', import.meta.url));

async function server(name: string, kind: 'twin' | 'bare'): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [tsx, serveScript, name, kind], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve(String(d).trim()));
    child.once('exit', (code) => reject(new Error(`${kind} server for ${name} exited with ${code}`)));
  });
  return { url, child };
}

/** CPU time (user + system, µs) the server process has used so far. */
function cpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve((m as NodeJS.CpuUsage).user + (m as NodeJS.CpuUsage).system));
    child.send('cpu');
  });
}

function options(url: string, t: (typeof targets)[number], duration: number): autocannon.Options {
  const req = t.request;
  const next = t.nextBody;
  return {
    url: `${url}${req.path}`,
    method: req.method,
    ...(req.headers && { headers: req.headers }),
    ...(req.body && { body: req.body }),
    // Single-use inputs: every request gets its own body.
    ...(next && { requests: [{ setupRequest: (r: object) => ({ ...r, body: next() }) }] }),
    connections,
    pipelining,
    duration,
  };
}

async function load(server: { url: string; child: ChildProcess }, t: (typeof targets)[number]) {
  const { url } = server;
  const before = await cpu(server.child);
  const result = await autocannon(options(url, t, seconds));
  const used = (await cpu(server.child)) - before;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  const total = result.requests.total;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total, cpuUs: used / total };
}

const chosen = values.only ? targets.filter((t) => values.only!.split(',').includes(t.name)) : targets;
console.log(`doppel bench: ${seconds}s per run, ${connections} connections, loopback, journal on\n`);
const rows: string[][] = [
  ['twin', 'endpoint', 'twin req/s', 'bare req/s', 'ratio', 'twin p50/p99 ms', 'bare p50/p99 ms', 'CPU µs/req twin/bare', 'CPU ratio'],
];
for (const t of chosen) {
  const twin = await server(t.name, 'twin');
  const bare = await server(t.name, 'bare');
  try {
    // Warm both up (JIT, sockets) before measuring.
    await autocannon(options(twin.url, t, 1));
    await autocannon(options(bare.url, t, 1));
    const b = await load(bare, t);
    const w = await load(twin, t);
    rows.push([
      t.name,
      t.label,
      w.rps.toFixed(0),
      b.rps.toFixed(0),
      (w.rps / b.rps).toFixed(2),
      `${w.p50}/${w.p99}`,
      `${b.p50}/${b.p99}`,
      `${w.cpuUs.toFixed(1)}/${b.cpuUs.toFixed(1)}`,
      (b.cpuUs / w.cpuUs).toFixed(2),
    ]);
  } finally {
    twin.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
console.log('\ntarget: ratio >= 0.70 (twin within 30% of bare Hono on @hono/node-server 2).');
console.log('CPU ratio = bare CPU per request / twin CPU per request: the same comparison, steady on a busy machine.');

// pnpm bench [--seconds 5] [--connections 32] [--pipelining 1] [--only zentao] [--source]
// Measures the built twins (`pnpm build` first), as a user installs them; --source runs the TypeScript through tsx.
// Loads each twin's hot endpoint over loopback, beside a bare Hono app serving the same bytes in the same run,
// and prints requests/s, p50/p99 latency and the ratio twin/bare. Bounded in time; loopback only.
//
// pnpm bench --peers [--runs 3] [--warmup 2] [--seconds 5] [--connections 50] [--only zentao]
// The same, plus Prism and WireMock serving the same recorded answer, each server pinned to core 0 and the load
// generator to core 1, the median of --runs runs per server: see peers.ts.
//
// pnpm bench --soak [--seconds 60]: each twin's growth endpoint, RSS after warm-up, at the end and idle: see soak.ts.
//
// pnpm bench --store redis [--seconds 5]: each hot path with the Redis store beside the memory store: see store.ts.
// pnpm bench --soak --store redis: the soak, each twin on a Redis store, with Redis's memory at the end.
//
// pnpm bench --startup [--runs 10]: `doppel start` and start<Platform>Mock start-up times and RSS, built packages: see startup.ts.
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { runPeers } from './peers.ts';
import { runSoak } from './soak.ts';
import { runStartup } from './startup.ts';
import { runStore } from './store.ts';
import { startRedisServer } from '@doppel/mock-kit/testing';
import { cpu, type Load, options, printTable, server, twinCodeFrom, twinsBuilt } from './shared.ts';
import { targets } from './targets/index.ts';

const { values } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string' },
    connections: { type: 'string' },
    pipelining: { type: 'string', default: '1' },
    only: { type: 'string' },
    peers: { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
    startup: { type: 'boolean', default: false },
    runs: { type: 'string' },
    warmup: { type: 'string', default: '2' },
    source: { type: 'boolean', default: false },
    store: { type: 'string' },
  },
});
const clamp = (v: string, lo: number, hi: number) => Math.min(Math.max(Number(v) || lo, lo), hi);
const seconds = clamp(values.seconds ?? (values.soak ? '60' : '5'), 1, 600);
const connections = clamp(values.connections ?? (values.peers ? '50' : '32'), 1, 256);
const pipelining = clamp(values.pipelining, 1, 32);
const load: Load = { connections, pipelining };

const chosen = values.only ? targets.filter((t) => values.only!.split(',').includes(t.name)) : targets;
if (chosen.length === 0) {
  console.error(`--only ${values.only}: no such target (${targets.map((t) => t.name).join(', ')})`);
  process.exit(2);
}

twinCodeFrom.source = values.source;
if (!values.source && !twinsBuilt()) {
  console.error(
    'pnpm bench measures the built twins, as installed: run `pnpm build` first (or pass --source to run the TypeScript sources through tsx)',
  );
  process.exit(2);
}

if (values.store !== undefined && values.store !== 'redis') {
  console.error(`--store ${values.store}: the bench compares the memory store with redis (--store redis)`);
  process.exit(2);
}

if (values.store === 'redis' && values.soak) {
  const redis = await startRedisServer();
  try {
    const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await redis.client().info('memory'))?.[1] ?? 0);
    await runSoak(chosen, { seconds, load, redis: { url: redis.url, flush: redis.flush, usedMemory } });
  } finally {
    await redis.stop();
  }
} else if (values.store === 'redis') {
  await runStore(chosen, { seconds, load, source: values.source });
} else if (values.startup) {
  await runStartup(clamp(values.runs ?? '10', 1, 50));
} else if (values.soak) {
  await runSoak(chosen, { seconds, load });
} else if (values.peers) {
  await runPeers(chosen, { seconds, load, runs: clamp(values.runs ?? '3', 1, 9), warmup: clamp(values.warmup, 1, 30) });
} else {
  await runBare();
}

async function run(s: { url: string; child: ChildProcess }, t: (typeof targets)[number], twin: boolean) {
  const { url } = s;
  const before = await cpu(s.child);
  const result = await autocannon(options(url, t, seconds, load, twin));
  const used = (await cpu(s.child)) - before;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  const total = result.requests.total;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total, cpuUs: used / total };
}

async function runBare() {
  console.log(
    `doppel bench: ${seconds}s per run, ${connections} connections, loopback, journal on, ${values.source ? 'TypeScript sources (tsx)' : 'built packages'}\n`,
  );
  const rows: string[][] = [
    ['twin', 'endpoint', 'twin req/s', 'bare req/s', 'ratio', 'twin p50/p99 ms', 'bare p50/p99 ms', 'CPU µs/req twin/bare', 'CPU ratio'],
  ];
  for (const t of chosen) {
    const twin = await server(t.name, 'twin');
    const bare = await server(t.name, 'bare');
    try {
      // Warm both up (JIT, sockets) before measuring.
      await autocannon(options(twin.url, t, 1, load, true));
      await autocannon(options(bare.url, t, 1, load, false));
      const b = await run(bare, t, false);
      const w = await run(twin, t, true);
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
  printTable(rows);
  console.log('\ntarget: ratio >= 0.70 (twin within 30% of bare Hono on @hono/node-server 2).');
  console.log('CPU ratio = bare CPU per request / twin CPU per request: the same comparison, steady on a busy machine.');
}

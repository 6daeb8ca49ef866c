// pnpm bench --store redis [--seconds 5] [--connections 32] [--only oauth]
// Each twin's hot endpoint served with the memory store (the default) and with the Redis store (one replica on a
// redis-server this run starts on a free loopback port, in a temporary directory), in the same run, one after the
// other: requests/s, p50/p99 latency, CPU per request, the twin's RSS after the load and Redis's memory.
// See the kit's README, "A shared QA twin".
import { startRedisServer } from '@doppel/mock-kit/testing';
import autocannon from 'autocannon';
import { cpu, type Load, options, printTable, type Served, server } from './shared.ts';
import type { BenchTarget } from './targets/types.ts';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function rss(s: Served): Promise<number> {
  return new Promise((resolve) => {
    s.child.once('message', (m) => resolve((m as { memory: { rss: number } }).memory.rss));
    s.child.send('memory');
  });
}

async function measure(s: Served, t: BenchTarget, seconds: number, load: Load) {
  await autocannon(options(s.url, t, 1, load, true));
  const before = await cpu(s.child);
  const result = await autocannon(options(s.url, t, seconds, load, true));
  const used = (await cpu(s.child)) - before;
  const total = result.requests.total;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuUs: used / total,
    failed: result.non2xx + result.errors,
    rss: await rss(s),
  };
}

export async function runStore(chosen: BenchTarget[], opts: { seconds: number; load: Load; source: boolean }): Promise<void> {
  console.log(
    `doppel bench --store redis: ${opts.seconds}s per run, ${opts.load.connections} connections, loopback, journal on, ` +
      `${opts.source ? 'TypeScript sources (tsx)' : 'built packages'}; one replica on a local redis-server\n`,
  );
  const redis = await startRedisServer();
  const rows: string[][] = [
    ['twin', 'endpoint', 'store', 'req/s', 'p50/p99 ms', 'CPU µs/req', 'non-2xx', 'twin RSS', 'Redis memory', 'redis/memory'],
  ];
  try {
    for (const t of chosen) {
      await redis.flush();
      const memory = await server(t.name, 'twin');
      let m: Awaited<ReturnType<typeof measure>>;
      try {
        m = await measure(memory, t, opts.seconds, opts.load);
      } finally {
        memory.child.kill('SIGTERM');
      }
      const shared = await server(t.name, 'twin', { env: { DOPPEL_STORE: redis.url } });
      let r: Awaited<ReturnType<typeof measure>>;
      try {
        r = await measure(shared, t, opts.seconds, opts.load);
      } finally {
        shared.child.kill('SIGTERM');
      }
      const info = await redis.client().info('memory');
      const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
      rows.push([
        t.name,
        t.label,
        'memory',
        m.rps.toFixed(0),
        `${m.p50}/${m.p99}`,
        m.cpuUs.toFixed(1),
        String(m.failed),
        mb(m.rss),
        '-',
        '',
      ]);
      rows.push([
        '',
        '',
        'redis',
        r.rps.toFixed(0),
        `${r.p50}/${r.p99}`,
        r.cpuUs.toFixed(1),
        String(r.failed),
        mb(r.rss),
        mb(used),
        (r.rps / m.rps).toFixed(2),
      ]);
    }
  } finally {
    await redis.stop();
  }
  printTable(rows);
  console.log(
    '\nThe Redis store costs each request one round trip to read the changes since the replica last looked, and one more' +
      ' to commit what it changed (the journal entry included). Redis memory: the log since the last snapshots, the snapshot' +
      ' (the whole state, fixtures included) and the versions of the keys written.',
  );
}

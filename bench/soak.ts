// pnpm bench --soak [--seconds 60] [--only zentao]: drives each twin's growth endpoints (the requests that add
// to a store: sends to an inbox, issued tokens, codes, sessions) for --seconds, and prints the twin process's
// RSS after the warm-up (10 s, longer while a bounded store is still filling), at the end, and after 10 s idle,
// each after a full GC. Bounded stores keep the growth after warm-up small; the target is < 10 %.
import autocannon from 'autocannon';
import { type Load, options, printTable, type Served, server } from './shared.ts';
import type { BenchTarget } from './targets/types.ts';

interface Memory {
  rss: number;
  heapUsed: number;
}

/** Ask a serve.ts process for its memory after a full GC (it runs with --expose-gc). */
function memory(s: Served): Promise<Memory> {
  return new Promise((resolve) => {
    const on = (m: unknown) => {
      const msg = m as { memory?: Memory };
      if (!msg.memory) return;
      s.child.off('message', on);
      resolve(msg.memory);
    };
    s.child.on('message', on);
    s.child.send('memory');
  });
}

/** How full the twin's bounded stores are (`/__admin/health`). */
async function storeSizes(s: Served): Promise<Record<string, { size: number; max: number }>> {
  const health = (await (await fetch(`${s.url}/__admin/health`)).json()) as { stores?: Record<string, { size: number; max: number }> };
  return health.stores ?? {};
}

const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `redis`: each twin on a Redis store (`pnpm bench --soak --store redis`), and the table gains Redis's memory at the
 * end of each soak (`INFO memory`), flushed before the next.
 */
export interface SoakRedis {
  url: string;
  flush(): Promise<void>;
  usedMemory(): Promise<number>;
}

export async function runSoak(targets: BenchTarget[], opts: { seconds: number; load: Load; redis?: SoakRedis }): Promise<void> {
  const soaked = targets.filter((t) => t.soak);
  console.log(
    `doppel bench --soak: ${opts.seconds}s of growth requests per twin after a 10 s warm-up, ${opts.load.connections} connections` +
      `${opts.redis ? ', each twin on a Redis store' : ''}\n`,
  );
  const rows: string[][] = [
    [
      'twin',
      'growth endpoint',
      'requests',
      'RSS warm MB',
      'RSS end MB',
      'RSS idle MB',
      'growth',
      'heap warm MB',
      'heap end MB',
      'stores (size/max)',
      ...(opts.redis ? ['Redis MB'] : []),
      'target',
    ],
  ];
  // Every growth endpoint of a twin on a fresh twin of its own, so each row measures one store.
  for (const [t, endpoint] of soaked.flatMap((t) => [t.soak!].flat().map((e) => [t, e] as const))) {
    const growth: BenchTarget = { ...t, ...endpoint };
    await opts.redis?.flush();
    const s = await server(t.name, 'twin', { soak: true, ...(opts.redis && { env: { DOPPEL_STORE: opts.redis.url } }) });
    const load = (seconds: number) => ({
      ...options(s.url, growth, seconds, opts.load, true),
      ...(endpoint.flow && { requests: endpoint.flow }),
    });
    try {
      // Warm up, then keep going (10 s at a time, at most 2 minutes more) while a bounded store is still filling:
      // growth after the warm-up then measures a full store, not its fill.
      await autocannon(load(10));
      for (let round = 0, before = await storeSizes(s); round < 12; round++) {
        const filling = Object.entries(before).filter(([, u]) => u.size < u.max);
        if (filling.length === 0) break;
        await autocannon(load(10));
        const after = await storeSizes(s);
        if (filling.every(([name, u]) => after[name]!.size <= u.size)) break;
        before = after;
      }
      const warm = await memory(s);
      const result = await autocannon(load(opts.seconds));
      const end = await memory(s);
      await sleep(10_000);
      const idle = await memory(s);
      const stores = Object.entries(await storeSizes(s))
        .map(([name, u]) => `${name} ${u.size}/${u.max}`)
        .join(', ');
      const grew = (end.rss - warm.rss) / warm.rss;
      rows.push([
        t.name,
        growth.label,
        String(result.requests.total),
        mb(warm.rss),
        mb(end.rss),
        mb(idle.rss),
        `${(grew * 100).toFixed(1)} %`,
        mb(warm.heapUsed),
        mb(end.heapUsed),
        stores || '-',
        ...(opts.redis ? [mb(await opts.redis.usedMemory())] : []),
        grew < 0.1 ? 'met' : 'NOT met',
      ]);
    } finally {
      s.child.kill('SIGTERM');
    }
  }
  printTable(rows);
  console.log('\ntarget: RSS growth < 10 % between the end of the warm-up and the end of the soak.');
}

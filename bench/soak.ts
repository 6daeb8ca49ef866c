// pnpm bench --soak [--seconds 60] [--only zentao]: drives each twin's growth endpoints (the requests that add
// to a store: sends to an inbox, issued tokens, codes, sessions) for --seconds, and prints the twin process's
// RSS after a 10 s warm-up, at the end, and after 10 s idle, each after a full GC. Bounded stores keep the
// growth after warm-up small; the target is < 10 %.
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

const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runSoak(targets: BenchTarget[], opts: { seconds: number; load: Load }): Promise<void> {
  const soaked = targets.filter((t) => t.soak);
  console.log(
    `doppel bench --soak: ${opts.seconds}s of growth requests per twin after a 10 s warm-up, ${opts.load.connections} connections\n`,
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
      'heap end MB',
      'stores (size/max)',
      'target',
    ],
  ];
  for (const t of soaked) {
    const growth: BenchTarget = { ...t, ...t.soak! };
    const s = await server(t.name, 'twin', { soak: true });
    try {
      await autocannon(options(s.url, growth, 10, opts.load));
      const warm = await memory(s);
      const result = await autocannon(options(s.url, growth, opts.seconds, opts.load));
      const end = await memory(s);
      await sleep(10_000);
      const idle = await memory(s);
      const health = (await (await fetch(`${s.url}/__admin/health`)).json()) as { stores?: Record<string, { size: number; max: number }> };
      const stores = Object.entries(health.stores ?? {})
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
        mb(end.heapUsed),
        stores || '-',
        grew < 0.1 ? 'met' : 'NOT met',
      ]);
    } finally {
      s.child.kill('SIGTERM');
    }
  }
  printTable(rows);
  console.log('\ntarget: RSS growth < 10 % between the end of the warm-up and the end of the soak.');
}

// pnpm bench --startup [--runs 10]: how fast Doppel starts, from the built packages (`pnpm build` first).
// - `doppel start` (the built CLI, all four twins on free ports): launch → every twin answering its health check,
//   and the CLI's RSS then; a fresh process per run.
// - `start<Platform>Mock({ port: 0 })` in-process, in a fresh process per run: importing the package (cold), the first
//   start (spec load, validators) and a second start in the same process (warm).
// Each figure is the median of --runs runs. The built code is reached through the `doppel-built` export condition
// (every package's `exports`), so nothing here goes through tsx.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printTable } from './shared.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = `${ROOT}packages/cli/dist/bin.js`;
const TWINS = [
  { pkg: '@doppel/mock-dingtalk', start: 'startDingTalkMock' },
  { pkg: '@doppel/mock-zentao', start: 'startZentaoMock' },
  { pkg: '@doppel/mock-ones', start: 'startOnesMock' },
  { pkg: '@doppel/mock-oauth', start: 'startOAuthMock' },
];
/** Issue 12's figures, before the packages were built (tsx compiling on every start). */
const BEFORE = { cliMs: '1500–2200', rssMb: '135', createAppMs: '300–550' };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

/** CPU milliseconds a process used so far (user + system, /proc/<pid>/stat): steadier than wall time on a busy machine. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/** One `doppel start` of all four twins on free ports: ms until every twin answers, and RSS then. */
function cliRun(): Promise<{ ms: number; cpu: number; rss: number }> {
  const args = [
    '--conditions=doppel-built',
    CLI,
    'start',
    '--no-console',
    ...['dingtalk', 'zentao', 'ones', 'oauth'].flatMap((t) => [`--${t}-port`, '0']),
  ];
  const began = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`doppel start did not serve within 30 s:\n${out}`));
    }, 30_000);
    child.stderr.on('data', (d: Buffer) => {
      out += d;
    });
    child.stdout.on('data', async (d: Buffer) => {
      out += d;
      const urls = [...new Set([...out.matchAll(/http:\/\/127\.0\.0\.1:\d+(?=\s)/g)].map((m) => m[0]))];
      if (!out.includes('ready') || urls.length < 4) return;
      child.stdout.removeAllListeners('data');
      try {
        await Promise.all(urls.map(async (u) => (await fetch(`${u}/__admin/health`)).arrayBuffer()));
        const ms = performance.now() - began;
        const rss = rssMb(child.pid!);
        const cpu = cpuMs(child.pid!);
        clearTimeout(timer);
        child.once('exit', () => resolve({ ms, cpu, rss }));
        child.kill('SIGINT');
      } catch (err) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(err);
      }
    });
  });
}

/** One fresh process: import the twin's package, start it on port 0, close it, start it again. */
function inProcessRun(
  twin: (typeof TWINS)[number],
): Promise<{ importMs: number; firstMs: number; firstCpu: number; warmMs: number; rss: number }> {
  const script = `
    const t0 = performance.now();
    const m = await import('${twin.pkg}');
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    const first = await m.${twin.start}({ port: 0 });
    const t2 = performance.now();
    const c2 = process.cpuUsage(c1);
    await first.close();
    const t3 = performance.now();
    const warm = await m.${twin.start}({ port: 0 });
    const t4 = performance.now();
    await warm.close();
    console.log(JSON.stringify({ importMs: t1 - t0, firstMs: t2 - t1, firstCpu: (c2.user + c2.system) / 1000, warmMs: t4 - t3, rss: process.memoryUsage().rss / 1048576 }));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=doppel-built', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${twin.pkg}: exit ${code}\n${out}`))));
  });
}

export async function runStartup(runs: number): Promise<void> {
  if (!existsSync(CLI)) {
    console.error('bench --startup measures the built packages: run `pnpm build` first');
    process.exit(2);
  }
  console.log(`doppel bench --startup: median of ${runs} runs, each in a fresh process, built packages (no tsx)\n`);
  const cli: { ms: number; cpu: number; rss: number }[] = [];
  for (let i = 0; i < runs; i++) cli.push(await cliRun());
  const cliMs = median(cli.map((r) => r.ms));
  const cliRss = median(cli.map((r) => r.rss));
  const rows = [
    ['what', 'median', 'min–max', 'target', 'met', 'before (issue 12)'],
    [
      'doppel start, 4 twins: launch → all serving',
      `${cliMs.toFixed(0)} ms`,
      `${Math.min(...cli.map((r) => r.ms)).toFixed(0)}–${Math.max(...cli.map((r) => r.ms)).toFixed(0)} ms`,
      '< 1000 ms',
      cliMs < 1000 ? 'met' : 'not met',
      `${BEFORE.cliMs} ms`,
    ],
    ['  …CPU time used by then', `${median(cli.map((r) => r.cpu)).toFixed(0)} ms`, '', '', '', ''],
    [
      'doppel start, 4 twins: RSS when serving',
      `${cliRss.toFixed(0)} MB`,
      '',
      '< 120 MB',
      cliRss < 120 ? 'met' : 'not met',
      `${BEFORE.rssMb} MB`,
    ],
  ];
  for (const twin of TWINS) {
    const r: Awaited<ReturnType<typeof inProcessRun>>[] = [];
    for (let i = 0; i < runs; i++) r.push(await inProcessRun(twin));
    const first = median(r.map((x) => x.firstMs));
    const warm = median(r.map((x) => x.warmMs));
    rows.push(
      [
        `${twin.start}({ port: 0 }), first in a process`,
        `${first.toFixed(0)} ms`,
        '',
        '< 100 ms',
        first < 100 ? 'met' : 'not met',
        `${BEFORE.createAppMs} ms`,
      ],
      [`  …CPU time of the first start`, `${median(r.map((x) => x.firstCpu)).toFixed(0)} ms`, '', '', '', ''],
      [`  …again in the same process`, `${warm.toFixed(0)} ms`, '', '< 100 ms', warm < 100 ? 'met' : 'not met', ''],
      [`  import ${twin.pkg} (cold)`, `${median(r.map((x) => x.importMs)).toFixed(0)} ms`, '', '', '', ''],
    );
  }
  printTable(rows);
}

// pnpm bench --peers: for each target, in the same run, the twin, a bare Hono app, Prism and WireMock, the last three
// serving the twin's recorded answer (status, content type, body) for the same method + path. Each server process is
// pinned to core 0 (taskset -c 0), the load generator (autocannon, in this process) to core 1; each measured run
// follows a warm-up of that server; the runs go round the servers in turn and each server's median run is reported.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { Recorded } from './serve.ts';
import { cpu, type Load, options, printTable, recordAnswer, server } from './shared.ts';
import type { BenchTarget } from './targets/types.ts';
import { freePort } from '@doppel/mock-kit/testing';
import { findPrism, findWireMock, openApiFor, procCpu, sameAnswer, WIREMOCK_VERSION, wireMockStubFor } from './tools.ts';

export interface PeersOptions {
  seconds: number;
  load: Load;
  runs: number;
  warmup: number;
}

const TARGET_BARE = 0.7;
const TARGET_PEER = 5;
/** Seconds of the first warm-up of each server (at least). */
const FIRST_WARMUP = 5;

type Kind = 'twin' | 'bare' | 'bare+body' | 'Prism' | 'WireMock';

/** One server under load: where it listens and how to read its CPU time. */
interface Contender {
  kind: Kind;
  url: string;
  child: ChildProcess;
  /** CPU µs used so far, or undefined where it cannot be read. */
  cpu(): Promise<number | undefined>;
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  cpuUs: number | undefined;
}

const live = new Set<ChildProcess>();
function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Poll the target's request until the server answers at all (bounded), or fail if the process exits first. */
async function ready(url: string, t: BenchTarget, child: ChildProcess, limitMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + limitMs;
  const { method, path, headers, body } = t.request;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`exited (${child.exitCode ?? child.signalCode}) before listening:\n${log()}`);
    try {
      await fetch(`${url}${path}`, { method, ...(headers && { headers }), ...(body && { body }), signal: AbortSignal.timeout(5_000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`not listening after ${limitMs / 1000}s:\n${log()}`);
}

/** Start a process (already prefixed with its pinning), keep the tail of its output for error messages. */
function launch(cmd: string[]): { child: ChildProcess; log: () => string } {
  const child = track(spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }));
  let tail = '';
  const keep = (d: Buffer) => {
    tail = (tail + String(d)).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.once('error', (e) => keep(Buffer.from(String(e))));
  return { child, log: () => tail.trim() };
}

/** Ask a server once for the target's request and read the whole answer. */
async function ask(url: string, t: BenchTarget): Promise<Recorded> {
  const { method, path, headers, body } = t.request;
  const res = await fetch(`${url}${path}`, {
    method,
    ...(headers && { headers }),
    ...(body && { body }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

async function measure(c: Contender, t: BenchTarget, o: PeersOptions, first: boolean): Promise<Measured> {
  // The first warm-up of a server is longer: V8's and the JVM's JIT, Jetty's and Node's sockets.
  await autocannon(options(c.url, t, first ? Math.max(o.warmup, FIRST_WARMUP) : o.warmup, o.load, c.kind === 'twin'));
  const before = await c.cpu();
  const result = await autocannon(options(c.url, t, o.seconds, o.load, c.kind === 'twin'));
  const after = await c.cpu();
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${c.kind} for ${t.name} (${c.url}): ${result.non2xx} non-2xx, ${result.errors} errors under load`);
  }
  const total = result.requests.total;
  const cpuUs = before === undefined || after === undefined || total === 0 ? undefined : (after - before) / total;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, cpuUs };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The median run by req/s (its latency and CPU go with it). */
function medianRun(runs: Measured[]): Measured {
  const m = median(runs.map((r) => r.rps));
  return [...runs].sort((a, b) => Math.abs(a.rps - m) - Math.abs(b.rps - m))[0]!;
}

/** Pin this process (every thread: autocannon runs here) to core 1; servers go to core 0. */
function pinning(): { prefix: string[]; note: string } {
  if (spawnSync('taskset', ['-V'], { stdio: 'ignore' }).error) return { prefix: [], note: 'not pinned: taskset is not on PATH' };
  if (availableParallelism() < 2) return { prefix: [], note: `not pinned: ${availableParallelism()} core available` };
  try {
    execFileSync('taskset', ['-apc', '1', String(process.pid)], { stdio: 'ignore' });
  } catch (e) {
    return { prefix: [], note: `not pinned: taskset -apc 1 ${process.pid} failed (${(e as Error).message.split('\n')[0]})` };
  }
  return { prefix: ['taskset', '-c', '0'], note: 'servers pinned to core 0 (taskset -c 0), load generator to core 1 (taskset -apc 1)' };
}

const fmt = (n: number | undefined, digits = 0) => (n === undefined ? '—' : n.toFixed(digits));

export async function runPeers(chosen: BenchTarget[], o: PeersOptions): Promise<void> {
  const onSignal = () => {
    for (const c of live) c.kill('SIGKILL');
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  console.log('doppel bench --peers: finding the peers');
  const prism = findPrism();
  const wiremock = await findWireMock();
  console.log(prism.ok ? `  Prism ${prism.value.version} (${prism.note})` : `  Prism unavailable, skipped: ${prism.why}`);
  console.log(
    wiremock.ok
      ? `  WireMock ${wiremock.value.version} (${wiremock.note})`
      : `  WireMock ${WIREMOCK_VERSION} unavailable, skipped: ${wiremock.why}`,
  );
  const pin = pinning();
  console.log(
    `\n${o.seconds}s per run after a ${o.warmup}s warm-up (${Math.max(o.warmup, FIRST_WARMUP)}s before a server's first run), median of ${o.runs} run(s) per server, ${o.load.connections} connections, ` +
      `pipelining ${o.load.pipelining}, loopback, twin journal on; ${pin.note}\n`,
  );

  const results: { t: BenchTarget; by: Partial<Record<Kind, Measured>>; runs: Partial<Record<Kind, Measured[]>>; notes: string[] }[] = [];
  for (const t of chosen) {
    const rec = recordAnswer(t.name);
    const dir = mkdtempSync(join(tmpdir(), `doppel-bench-${t.name}-`));
    const contenders: Contender[] = [];
    const notes: string[] = [];
    try {
      console.log(`${t.name}: recorded ${rec.status} ${rec.type}, ${Buffer.byteLength(rec.body)} bytes; starting the servers`);
      const answerFile = join(dir, 'answer.json');
      writeFileSync(answerFile, JSON.stringify(rec));
      // bare+body: a bare app that also reads and parses the request body, for the targets that send one.
      const kinds = t.request.body === undefined ? (['twin', 'bare'] as const) : (['twin', 'bare', 'bare-body'] as const);
      for (const kind of kinds) {
        const s = await server(t.name, kind, { prefix: pin.prefix, ...(kind !== 'twin' && { answerFile }) });
        track(s.child);
        contenders.push({ kind: kind === 'bare-body' ? 'bare+body' : kind, url: s.url, child: s.child, cpu: () => cpu(s.child) });
      }
      if (prism.ok) {
        const doc = join(dir, 'openapi.json');
        writeFileSync(doc, JSON.stringify(openApiFor(t, rec), null, 2));
        const port = await freePort();
        // Static mock mode, no CORS headers (the twin sends none), request logging off (Prism's best showing).
        const p = launch([
          ...pin.prefix,
          process.execPath,
          prism.value.script,
          'mock',
          doc,
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          '--cors=false',
          '--verboseLevel=error',
        ]);
        const url = `http://127.0.0.1:${port}`;
        try {
          await ready(url, t, p.child, 120_000, p.log);
          contenders.push({ kind: 'Prism', url, child: p.child, cpu: async () => procCpu(p.child.pid) });
        } catch (e) {
          notes.push(`Prism did not start, skipped: ${(e as Error).message}`);
          await stop(p.child);
        }
      }
      if (wiremock.ok) {
        const root = join(dir, 'wiremock');
        mkdirSync(join(root, 'mappings'), { recursive: true });
        mkdirSync(join(root, '__files'), { recursive: true });
        writeFileSync(join(root, 'mappings', 'hot.json'), JSON.stringify(wireMockStubFor(t, rec), null, 2));
        const port = await freePort();
        // Its request journal bounded at the twin's default journal size (1000), so neither keeps every request.
        const w = launch([
          ...pin.prefix,
          'java',
          '-jar',
          wiremock.value.jar,
          '--port',
          String(port),
          '--bind-address',
          '127.0.0.1',
          '--root-dir',
          root,
          '--disable-banner',
          '--max-request-journal-entries',
          '1000',
        ]);
        const url = `http://127.0.0.1:${port}`;
        try {
          await ready(url, t, w.child, 180_000, w.log);
          contenders.push({ kind: 'WireMock', url, child: w.child, cpu: async () => procCpu(w.child.pid) });
        } catch (e) {
          notes.push(`WireMock did not start, skipped: ${(e as Error).message}`);
          await stop(w.child);
        }
      }

      // Every server but the twin must answer the twin's recorded answer, or the comparison means nothing.
      const checked: string[] = [];
      for (const c of contenders) {
        if (c.kind === 'twin') continue;
        const same = sameAnswer(rec, await ask(c.url, t));
        if (!same.ok) throw new Error(`${c.kind} for ${t.name} does not serve the twin's recorded answer: ${same.wrong}. Not measuring.`);
        checked.push(`${c.kind} (${same.how})`);
      }
      console.log(`  the recorded answer from ${checked.join(', ')}; measuring ${contenders.map((c) => c.kind).join(', ')}`);

      const runs: Partial<Record<Kind, Measured[]>> = Object.fromEntries(contenders.map((c) => [c.kind, []]));
      for (let r = 0; r < o.runs; r++) {
        for (const c of contenders) {
          const m = await measure(c, t, o, r === 0);
          runs[c.kind]!.push(m);
          console.log(
            `  run ${r + 1}/${o.runs} ${c.kind.padEnd(8)} ${m.rps.toFixed(0).padStart(7)} req/s  p50/p99 ${m.p50}/${m.p99} ms  CPU ${fmt(m.cpuUs, 1)} µs/req`,
          );
        }
      }
      const by: Partial<Record<Kind, Measured>> = {};
      for (const [k, ms] of Object.entries(runs) as [Kind, Measured[]][]) by[k] = medianRun(ms);
      results.push({ t, by, runs, notes });
      for (const n of notes) console.log(`  note: ${n}`);
    } finally {
      await Promise.all(contenders.map((c) => stop(c.child)));
      rmSync(dir, { recursive: true, force: true });
    }
  }
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  report(results);
}

function report(results: { t: BenchTarget; by: Partial<Record<Kind, Measured>>; notes: string[] }[]): void {
  const head = [
    'twin',
    'twin req/s',
    'bare req/s',
    'bare+body req/s',
    'Prism req/s',
    'WireMock req/s',
    'twin/bare',
    'twin/bare+body',
    'twin/best peer',
    'CPU µs/req twin/bare/bare+body',
    'CPU µs/req Prism/WireMock',
    `≥ ${TARGET_BARE.toFixed(2)}× bare Hono`,
    `≥ ${TARGET_PEER}× best peer`,
  ];
  const rows: string[][] = [head];
  for (const { t, by } of results) {
    const { twin, bare, 'bare+body': bareBody, Prism, WireMock } = by;
    const best = Math.max(Prism?.rps ?? 0, WireMock?.rps ?? 0) || undefined;
    const toBare = twin && bare ? twin.rps / bare.rps : undefined;
    const toPeer = twin && best ? twin.rps / best : undefined;
    const met = (x: number | undefined, goal: number) => (x === undefined ? 'n/a' : x >= goal ? 'met' : 'not met');
    rows.push([
      t.name,
      fmt(twin?.rps),
      fmt(bare?.rps),
      fmt(bareBody?.rps),
      fmt(Prism?.rps),
      fmt(WireMock?.rps),
      fmt(toBare, 2),
      fmt(twin && bareBody ? twin.rps / bareBody.rps : undefined, 2),
      fmt(toPeer, 1),
      `${fmt(twin?.cpuUs, 1)} / ${fmt(bare?.cpuUs, 1)} / ${fmt(bareBody?.cpuUs, 1)}`,
      `${fmt(Prism?.cpuUs, 1)} / ${fmt(WireMock?.cpuUs, 1)}`,
      met(toBare, TARGET_BARE),
      met(toPeer, TARGET_PEER),
    ]);
  }
  console.log('');
  printTable(rows);
  console.log(
    `\ntargets: twin ≥ ${TARGET_BARE.toFixed(2)}× bare Hono (same bytes, @hono/node-server 2); twin ≥ ${TARGET_PEER}× the best peer (Prism or WireMock).` +
      '\nbare+body (not a target): a bare app that also reads and parses the request body, for requests that send one.',
  );
  console.log(
    "req/s, latency and CPU are each server's median run; CPU µs/req of Prism and WireMock from /proc/<pid>/stat (utime + stime).",
  );
  console.log('\nREADME rows:');
  console.log(`| ${head.join(' | ')} |`);
  console.log(`|${head.map(() => ' --- ').join('|')}|`);
  for (const r of rows.slice(1)) console.log(`| ${r.join(' | ')} |`);
}

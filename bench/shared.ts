// What both modes of `pnpm bench` share: the bench servers (serve.ts, each in its own process) and the load.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type autocannon from 'autocannon';
import type { Recorded } from './serve.ts';
import type { BenchTarget } from './targets/types.ts';

const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const serveScript = fileURLToPath(new URL('./serve.ts', import.meta.url));

/**
 * Which code of the twins the bench servers run: the built packages (what `npm install` gives a user: tsc's
 * JavaScript, the pre-parsed JSON specs) unless `--source`, which runs the TypeScript sources through tsx.
 * serve.ts and the targets are compiled by tsx either way; the twins' code under load is what is measured.
 */
export const twinCodeFrom = { source: false };
const twinCode = () => (twinCodeFrom.source ? [] : ['--conditions=doppel-built']);

/** Whether every twin package has been built (`pnpm build`), for the measurements of built code. */
export function twinsBuilt(): boolean {
  return ['mock-kit', 'mock-dingtalk', 'mock-zentao', 'mock-ones', 'mock-oauth'].every((p) =>
    existsSync(fileURLToPath(new URL(`../packages/${p}/dist/index.js`, import.meta.url))),
  );
}

export interface Served {
  url: string;
  child: ChildProcess;
}

/**
 * Start serve.ts for a target: `twin`, or `bare` (serving the answer in `answerFile` when given).
 * `prefix` runs it under another command first (`taskset -c 0`), which must exec it in place.
 */
export async function server(
  name: string,
  kind: 'twin' | 'bare' | 'bare-body',
  opts: { prefix?: string[]; answerFile?: string; soak?: boolean; env?: Record<string, string> } = {},
): Promise<Served> {
  // --expose-gc lets the soak mode measure memory after a full collection.
  const node = [process.execPath, ...(opts.soak ? ['--expose-gc'] : []), ...twinCode()];
  const argv = [...node, tsx, serveScript, name, opts.soak ? 'soak' : kind, ...(opts.answerFile ? [opts.answerFile] : [])];
  const [cmd, ...args] = [...(opts.prefix ?? []), ...argv];
  const child = spawn(cmd!, args, {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    ...(opts.env && { env: { ...process.env, ...opts.env } }),
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve(String(d).trim()));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${kind} server for ${name} exited with ${code}`)));
  });
  return { url, child };
}

/** CPU time (user + system, µs) a serve.ts process has used so far, asked over IPC. */
export function cpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve((m as NodeJS.CpuUsage).user + (m as NodeJS.CpuUsage).system));
    child.send('cpu');
  });
}

export interface Load {
  connections: number;
  pipelining: number;
}

/**
 * autocannon options for a target's request against a server at `url`. `twin`: the server is the twin, which alone
 * is sent the target's single-use bodies (`nextBody`); the bare app and the peers answer the fixed body the same, and
 * sending them the twin's codes would use up its queue and wrap onto codes the twin has already redeemed — replays,
 * which GitHub answers (HTTP 200, `bad_verification_code`) by revoking every token of that grant.
 */
export function options(url: string, t: BenchTarget, duration: number, load: Load, twin: boolean): autocannon.Options {
  const req = t.request;
  const next = twin ? t.nextBody : undefined;
  return {
    url: `${url}${req.path}`,
    method: req.method,
    ...(req.headers && { headers: req.headers }),
    ...(req.body && { body: req.body }),
    // Single-use inputs: every request gets its own body.
    ...(next && { requests: [{ setupRequest: (r: object) => ({ ...r, body: next() }) }] }),
    connections: load.connections,
    pipelining: load.pipelining,
    duration,
  };
}

/** Print rows as aligned columns. */
export function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
}

/** The twin's answer to the target's request, recorded once by serve.ts in its own process. */
export function recordAnswer(name: string): Recorded {
  const out = execFileSync(process.execPath, [...twinCode(), tsx, serveScript, name, 'record'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 120_000,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Recorded;
}

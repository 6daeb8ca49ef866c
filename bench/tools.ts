// The peers of `pnpm bench --peers`, fetched on first use into a cache dir (never into the lockfile):
// Prism (@stoplight/prism-cli 5.x, npm) and WireMock standalone 3.13.x (a jar; needs `java`).
// Also what they serve: an OpenAPI 3.1 document and a WireMock stub, both made from the twin's recorded answer.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Recorded } from './serve.ts';
import type { BenchTarget } from './targets/types.ts';

export const PRISM_SPEC = '@stoplight/prism-cli@5';
export const WIREMOCK_VERSION = '3.13.2';

/** `$DOPPEL_BENCH_CACHE`, else `$XDG_CACHE_HOME/doppel-bench`, else `~/.cache/doppel-bench`. */
export const cacheDir =
  process.env['DOPPEL_BENCH_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'doppel-bench');

/** A peer is either there (how to run it) or not (why not). */
export type Found<T> = { ok: true; value: T; note: string } | { ok: false; why: string };

/** The environment for npm, without what `pnpm run` puts there (npm_config_*), which would steer npm. */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
}

function has(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
  return !r.error && r.status === 0;
}

/** The Prism CLI script (run with `node`), installed once with `npm i --prefix <cache>/prism`. */
export function findPrism(): Found<{ script: string; version: string }> {
  const prefix = join(cacheDir, 'prism');
  const pkgDir = join(prefix, 'node_modules', '@stoplight', 'prism-cli');
  const installed = () => existsSync(join(pkgDir, 'package.json'));
  let note = 'cached';
  if (!installed()) {
    if (!has('npm', ['--version'])) return { ok: false, why: 'npm is not on PATH' };
    console.log(`  Prism: first use, installing ${PRISM_SPEC} into ${prefix} (once; not in the lockfile)…`);
    mkdirSync(prefix, { recursive: true });
    const r = spawnSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', PRISM_SPEC], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: npmEnv(),
      timeout: 600_000,
    });
    if (r.error || r.status !== 0 || !installed())
      return { ok: false, why: `npm install ${PRISM_SPEC} failed (${r.error?.message ?? `exit ${r.status}`})` };
    note = 'installed now';
  }
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string; bin: string | Record<string, string> };
  if (!pkg.version.startsWith('5.')) return { ok: false, why: `${pkgDir} holds prism-cli ${pkg.version}, not 5.x: delete it to reinstall` };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : (pkg.bin['prism'] ?? Object.values(pkg.bin)[0]!);
  return { ok: true, value: { script: join(pkgDir, bin), version: pkg.version }, note };
}

/**
 * The WireMock standalone jar, fetched once into the cache from, in turn: the local Maven repository (~/.m2),
 * Maven Central (checked against its .sha1), `mvn dependency:get`, and last the npm package `wiremock` (published
 * by the WireMock project, wiremock/wiremock-npm), which ships the same standalone jar.
 */
export async function findWireMock(): Promise<Found<{ jar: string; version: string }>> {
  if (!has('java', ['-version'])) return { ok: false, why: 'java is not on PATH' };
  const v = WIREMOCK_VERSION;
  const file = `wiremock-standalone-${v}.jar`;
  const jar = join(cacheDir, file);
  const found = (note: string): Found<{ jar: string; version: string }> => ({ ok: true, value: { jar, version: v }, note });
  if (existsSync(jar)) return found('cached');
  mkdirSync(cacheDir, { recursive: true });
  const tries: string[] = [];
  const m2 = join(homedir(), '.m2', 'repository', 'org', 'wiremock', 'wiremock-standalone', v, file);
  const fromM2 = () => {
    if (!existsSync(m2)) return false;
    copyFileSync(m2, `${jar}.part`);
    renameSync(`${jar}.part`, jar);
    return true;
  };
  if (fromM2()) return found('copied from ~/.m2');

  console.log(`  WireMock: first use, fetching ${file} into ${cacheDir} (once)…`);
  const url = `https://repo1.maven.org/maven2/org/wiremock/wiremock-standalone/${v}/${file}`;
  try {
    const [jarRes, shaRes] = await Promise.all([
      fetch(url, { signal: AbortSignal.timeout(300_000) }),
      fetch(`${url}.sha1`, { signal: AbortSignal.timeout(30_000) }),
    ]);
    if (!jarRes.ok || !shaRes.ok) throw new Error(`HTTP ${jarRes.status}/${shaRes.status}`);
    const bytes = Buffer.from(await jarRes.arrayBuffer());
    const want = (await shaRes.text()).trim().split(/\s+/)[0]!.toLowerCase();
    const got = createHash('sha1').update(bytes).digest('hex');
    if (got !== want) throw new Error(`sha1 ${got}, Maven Central says ${want}`);
    writeFileSync(`${jar}.part`, bytes);
    renameSync(`${jar}.part`, jar);
    return found('downloaded from Maven Central');
  } catch (e) {
    tries.push(`Maven Central: ${(e as Error).cause ? String((e as Error).cause) : (e as Error).message}`);
  }

  if (has('mvn', ['--version'])) {
    const r = spawnSync('mvn', ['-q', '-B', 'dependency:get', `-Dartifact=org.wiremock:wiremock-standalone:${v}`, '-Dtransitive=false'], {
      stdio: 'ignore',
      timeout: 300_000,
    });
    if (fromM2()) return found('fetched with mvn dependency:get');
    tries.push(`mvn dependency:get: ${r.error?.message ?? `exit ${r.status}`}`);
  } else tries.push('mvn: not on PATH');

  if (has('npm', ['--version'])) {
    const dir = join(cacheDir, `npm-wiremock-${v}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    try {
      execFileSync('npm', ['pack', '--silent', `wiremock@${v}`], {
        cwd: dir,
        env: npmEnv(),
        stdio: ['ignore', 'pipe', 'inherit'],
        timeout: 300_000,
      });
      const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
      if (!tgz) throw new Error('npm pack wrote no tarball');
      execFileSync('tar', ['-xzf', tgz, `package/build/${file}`], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
      renameSync(join(dir, 'package', 'build', file), jar);
      rmSync(dir, { recursive: true, force: true });
      return found(`from the npm package wiremock@${v} (${tries.join('; ')})`);
    } catch (e) {
      tries.push(`npm package wiremock@${v}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return { ok: false, why: `could not fetch ${file}: ${tries.join('; ')}` };
}

const mediaType = (type: string) => type.split(';')[0]!.trim().toLowerCase();
const isJson = (type: string) => /[/+]json$/.test(mediaType(type));

/**
 * A minimal OpenAPI 3.1 document whose only operation is the target's method + path, answering the recorded
 * status, content type and body as its example: Prism in static mock mode serves exactly that.
 */
export function openApiFor(t: BenchTarget, rec: Recorded): object {
  const [route, query] = t.request.path.split('?') as [string, string | undefined];
  const params = [...new URLSearchParams(query ?? '').keys()].map((name) => ({
    name,
    in: 'query',
    required: false,
    schema: { type: 'string' },
  }));
  const reqType = Object.entries(t.request.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'application/json';
  const op = {
    operationId: 'hot',
    ...(params.length > 0 && { parameters: params }),
    ...(t.request.body !== undefined && { requestBody: { content: { [mediaType(reqType)]: { schema: {} } } } }),
    responses: {
      [String(rec.status)]: {
        description: `the ${t.name} twin's recorded answer`,
        content: { [rec.type]: { example: isJson(rec.type) ? JSON.parse(rec.body) : rec.body } },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: { title: `doppel bench: ${t.name}`, version: '1' },
    paths: { [route]: { [t.request.method.toLowerCase()]: op } },
  };
}

/** A WireMock stub mapping answering the recorded status, content type and body for the same method + path. */
export function wireMockStubFor(t: BenchTarget, rec: Recorded): object {
  return {
    request: { method: t.request.method, urlPath: t.request.path.split('?')[0] },
    response: { status: rec.status, headers: { 'Content-Type': rec.type }, body: rec.body },
  };
}

/**
 * Whether an answer is the recorded one: same status, same media type, same body (the same bytes, or for JSON the
 * same JSON value). Returns how it matched, or what differs.
 */
export function sameAnswer(rec: Recorded, got: Recorded): { ok: true; how: string } | { ok: false; wrong: string } {
  if (got.status !== rec.status) return { ok: false, wrong: `status ${got.status}, recorded ${rec.status}` };
  if (mediaType(got.type) !== mediaType(rec.type)) return { ok: false, wrong: `content-type ${got.type}, recorded ${rec.type}` };
  if (got.body === rec.body) return { ok: true, how: 'same bytes' };
  if (isJson(rec.type)) {
    try {
      if (JSON.stringify(JSON.parse(got.body)) === JSON.stringify(JSON.parse(rec.body))) return { ok: true, how: 'same JSON value' };
    } catch {}
  }
  return { ok: false, wrong: `body ${JSON.stringify(got.body.slice(0, 160))}, recorded ${JSON.stringify(rec.body.slice(0, 160))}` };
}

let tick: number | undefined;
/** CPU time (user + system, µs) a process has used so far, from /proc/<pid>/stat; undefined where there is none. */
export function procCpu(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
    tick ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return ((Number(f[11]) + Number(f[12])) * 1e6) / tick; // fields 14 (utime) + 15 (stime), in clock ticks
  } catch {
    return undefined;
  }
}

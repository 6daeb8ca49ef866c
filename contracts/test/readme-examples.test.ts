/**
 * "Every example in every README is run by a test, so none can rot": every fenced block of every README and of
 * CONTRIBUTING.md is run or checked here, as `readme-examples.ts` describes; an unmarked block that cannot be run
 * fails. Twins are served in-process on free ports; the CLI runs as a child with every port 0 (never 4000–4040).
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are code that the ts examples run
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dingtalkTwin, IDS, startDingTalkMock } from '@doppel/mock-dingtalk';
import { loadSpec, type RunningTwin, readFixtureFile, type TwinDefinition } from '@doppel/mock-kit';
import { oauthTwin, startOAuthMock } from '@doppel/mock-oauth';
import { alice, onesTwin, startOnesMock } from '@doppel/mock-ones';
import { defaultChats, queryToken, startZentaoMock, zentaoTwin } from '@doppel/mock-zentao';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Block,
  type BlockKind,
  ciCommands,
  classify,
  extractBlocks,
  pathExists,
  RESULT_PREFIX,
  readmeFiles,
  rewriteHosts,
  routeListing,
  SKIPPED_SECTION,
  START_COMMAND,
  shellCommands,
  treeEntries,
  zeroPorts,
} from './readme-examples.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CI = ciCommands(ROOT);
const blocks = readmeFiles(ROOT).flatMap((file) => extractBlocks(ROOT, file));
const kinds = new Map(blocks.map((b) => [b, classify(b, CI)]));
const where = (b: Block) => `${b.file}:${b.line}`;

// biome-ignore lint/suspicious/noExplicitAny: any twin
type AnyTwin = TwinDefinition<any, any>;
// biome-ignore lint/suspicious/noExplicitAny: any twin
type Running = RunningTwin<any, any>;
type Start = (options: { port: number; fixturesFile?: string }) => Promise<Running>;
const TWINS: Record<string, { def: AnyTwin; start: Start }> = {
  dingtalk: { def: dingtalkTwin, start: startDingTalkMock },
  zentao: { def: zentaoTwin, start: startZentaoMock },
  ones: { def: onesTwin, start: startOnesMock },
  oauth: { def: oauthTwin, start: startOAuthMock },
};
const PLATFORMS = Object.keys(TWINS);

const ZENTAO_KEY = '3cd0914d656e90ab181f1d52ff352cfe';
const SELF_BUILT = { appKey: 'dingdoppelselfbuilt', appSecret: 'doppel-self-built-secret' };
// biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked by the assertions
const json = (text: string | undefined): any => JSON.parse(text ?? 'null');

/** What a block's prose and comments promise, for the blocks that promise something beyond running cleanly. */
interface Expectation {
  file: string;
  /** Text only that block contains. */
  contains: string;
  /** `sh` blocks: the answers of its top-level curl calls, in order; `urls` are the twins' real URLs. */
  outputs?: (outputs: string[], urls: Record<string, string>) => void | Promise<void>;
  /** `ts` blocks: code put at the start of the line containing `before` (so line numbers stay), or at the end. */
  insert?: { before?: string; code: string }[];
  /** `ts` blocks: files to create beside the example (name → content, given the example's folder). */
  files?: Record<string, (dir: string) => string>;
  /** `yaml fixtures` blocks: what the twin started from them serves. */
  fixtures?: (url: string) => Promise<void>;
}

const SAMPLE_PLUGIN = join(ROOT, 'packages/clients/test/ones-plugin');
const ALICE = `{ 'Ones-User-Id': '${alice.uuid}', 'Ones-Auth-Token': '${alice.token}' }`;

const EXPECTATIONS: Expectation[] = [
  {
    file: 'README.md',
    contains: 'token=07a22de5b9c287eaaf5c04320fe48aba',
    outputs: ([signed, doc, journal, ...rest]) => {
      expect(rest).toEqual([]);
      expect(json(signed)).toEqual({ result: 'success', data: Object.fromEntries(defaultChats.map((c) => [c.gid, c.name])) });
      expect(Object.keys(json(signed).data)).toHaveLength(3);
      expect(json(doc)).toEqual({ errcode: 401, errmsg: '无效的token参数' });
      const [entry] = json(journal).entries;
      expect(entry.notes.signature).toMatchObject({
        signed: 'm=im&f=getGroupChats&code=myAppCode',
        received: 'f5633c34c0c551a16c1d63bceb38d6a8',
        expected: '07a22de5b9c287eaaf5c04320fe48aba',
      });
      expect(entry.notes.signature.hint).toContain("ZenTao's doc");
    },
  },
  {
    file: 'README.md',
    contains: 'startZentaoMock({ port: 0, fixtures })',
    insert: [
      {
        before: 'await zentao.close()',
        code:
          "assert.match(zentao.url, /^http:\\/\\/127\\.0\\.0\\.1:\\d+$/); assert.equal(zentao.url, `http://127.0.0.1:${zentao.port}`); assert.equal(zentao.twin.fixturesSource, 'options'); " +
          'assert.equal((await fetch(`${zentao.url}/__admin/health`)).status, 200); ',
      },
      { code: 'await assert.rejects(fetch(`${zentao.url}/__admin/health`));' },
    ],
  },
  {
    file: 'packages/mock-zentao/README.md',
    contains: 'queryToken(',
    insert: [
      {
        code:
          "assert.equal(token, '07a22de5b9c287eaaf5c04320fe48aba'); " +
          'const answer = await (await app.request(`/api.php?m=im&f=getGroupChats&code=myAppCode&token=${token}`)).json(); ' +
          "assert.equal(answer.result, 'success'); assert.equal(twin.fixturesSource, 'defaults'); " +
          'await assert.rejects(fetch(`${zentao.url}/__admin/health`));',
      },
    ],
  },
  {
    file: 'packages/mock-zentao/README.md',
    contains: 'apps: [{ code: myAppCode',
    fixtures: async (url) => {
      const q = 'm=im&f=getGroupChats&code=myAppCode';
      const answer = await (await fetch(`${url}/api.php?${q}&token=${queryToken(q, ZENTAO_KEY)}`)).json();
      expect(answer).toEqual({ result: 'success', data: { g1: '研发部' } });
    },
  },
  {
    file: 'packages/mock-dingtalk/README.md',
    contains: 'startDingTalkMock({ port: 0 })',
    insert: [
      { before: 'await dingtalk.close()', code: 'assert.equal((await fetch(`${dingtalk.url}/__admin/health`)).status, 200); ' },
      {
        code:
          'await assert.rejects(fetch(`${dingtalk.url}/__admin/health`)); ' +
          `const res = await app.request('/v1.0/oauth2/accessToken', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '${JSON.stringify(SELF_BUILT)}' }); ` +
          "assert.equal(res.status, 200); assert.equal((await res.json()).expireIn, 7200); assert.equal(twin.def.name, 'dingtalk');",
      },
    ],
  },
  {
    file: 'packages/mock-dingtalk/README.md',
    contains: '/v1.0/oauth2/corpAccessToken',
    outputs: ([connectors, search, grant, instance, invoke, executions, ...rest]) => {
      expect(rest).toEqual([]);
      expect(JSON.stringify(json(connectors))).toContain(IDS.erp);
      const action = (json(search).list as { actionId?: string; id?: string; authorized: boolean }[]).find((a) =>
        JSON.stringify(a).includes(IDS.createOrder),
      );
      expect(action?.authorized).toBe(false); // 创建销售订单: authorized false
      expect(json(grant)).toMatchObject({ authorized: true });
      expect(json(instance)).toMatchObject({ connectAssetUri: expect.stringContaining(IDS.createOrder), versionId: expect.any(String) });
      expect(json(invoke)).toMatchObject({ errorCode: '0', errorMessage: 'success', outputJson: expect.any(String) });
      expect(json(executions).total).toBe(1);
    },
  },
  {
    file: 'packages/mock-dingtalk/README.md',
    contains: "x-doppel-scenario: 4003'",
    outputs: async ([forced, rule, revoke, ...rest], urls) => {
      expect(rest).toEqual([]);
      expect(json(forced)).toMatchObject({ code: '4003' });
      expect(json(rule)).toMatchObject({
        scenario: '4003',
        caller: { app: SELF_BUILT.appKey },
        times: 1,
        id: expect.any(String),
        summary: `4003 on /v1.0/connector/instances/invoke for app ${SELF_BUILT.appKey}, once`,
      });
      expect(json(revoke)).toMatchObject({ clientId: SELF_BUILT.appKey, authorized: false });
      // "natural 4003 from now on": the self-built app may no longer create an instance of the revoked action.
      const post = (path: string, body: unknown, token?: string) =>
        fetch(`${urls.dingtalk}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token && { 'x-acs-dingtalk-access-token': token }) },
          body: JSON.stringify(body),
        });
      const { accessToken } = await (await post('/v1.0/oauth2/accessToken', SELF_BUILT)).json();
      const res = await post('/v1.0/connector/instances', { connectAssetUri: json(revoke).connectAssetUri, instanceKey: 'k' }, accessToken);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: '4003' });
    },
  },
  {
    file: 'packages/mock-oauth/README.md',
    contains: 'startOAuthMock({ port: 0 })',
    insert: [
      {
        code:
          'await assert.rejects(fetch(`${twin.url}/user`)); assert.equal(oauthTwin.defaultPort, 4040); ' +
          "assert.equal((await app.request('/user', { headers: { 'user-agent': 'readme' } })).status, 401);",
      },
    ],
  },
  {
    file: 'packages/mock-ones/README.md',
    contains: 'runPlugin(',
    // The plugin the example runs: the sample plugin of packages/clients (vendor doc 001's functions).
    files: {
      'src/index.ts': (dir) => `export * from '${relative(join(dir, 'src'), join(SAMPLE_PLUGIN, 'index.ts'))}';\n`,
      'config/plugin.yaml': () => readFileSync(join(SAMPLE_PLUGIN, 'config/plugin.yaml'), 'utf8'),
    },
    insert: [
      {
        before: 'await running.close()',
        code:
          `const me = await fetch('http://127.0.0.1:4030/project/api/project/users/me?k1=v1', { headers: ${ALICE} }); ` +
          "assert.deepEqual(await me.json(), { replacedBy: 'replaceFunc1' }); ",
      },
      {
        code:
          "assert.deepEqual((await (await fetch('http://127.0.0.1:4030/__admin/plugins')).json()).plugins, []); " +
          "await assert.rejects(fetch(`${running.url}/replaceFunc1`, { method: 'POST', body: '{}' }));",
      },
    ],
  },
];

const expectationOf = (b: Block) => EXPECTATIONS.filter((e) => e.file === b.file && b.text.includes(e.contains));

// ---------------------------------------------------------------- twins and processes

let running: Record<string, Running> = {};
let ports = new Map<number, number>();
let urls: Record<string, string> = {};
/** The ts examples run beside the sh ones, so they get twins of their own. */
let tsRunning: Record<string, Running> = {};
let tsPorts = new Map<number, number>();
const scratch = mkdtempSync(join(tmpdir(), 'doppel-readme-'));

const startAll = async () =>
  Object.fromEntries(await Promise.all(PLATFORMS.map(async (p) => [p, await TWINS[p]!.start({ port: 0 })] as const)));
const portMap = (set: Record<string, Running>) => new Map(PLATFORMS.map((p) => [TWINS[p]!.def.defaultPort, set[p]!.port]));

beforeAll(async () => {
  [running, tsRunning] = await Promise.all([startAll(), startAll()]);
  ports = portMap(running);
  tsPorts = portMap(tsRunning);
  urls = Object.fromEntries(PLATFORMS.map((p) => [p, running[p]!.url]));
  // The slow parts start at once, side by side: the ts examples and every CLI run.
  void runTsExamples().catch(() => {});
  for (const b of blocks) if (kinds.get(b) === 'cli') for (const c of shellCommands(b.text)) void runCli(c).catch(() => {});
});

afterAll(async () => {
  await Promise.all([...Object.values(running), ...Object.values(tsRunning)].map((r) => r.close()));
  rmSync(scratch, { recursive: true, force: true });
  if (tsDir) rmSync(tsDir, { recursive: true, force: true });
});

const resetTwins = () => {
  for (const r of Object.values(running)) r.twin.reset();
};

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }) {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => {
    out.stdout += d;
  });
  child.stderr!.on('data', (d) => {
    out.stderr += d;
  });
  const finished = new Promise<Finished>((done) => {
    const timer = setTimeout(() => stop(child, 'SIGKILL'), options.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, ...out });
    });
  });
  return { child, out, finished };
}

/** Signal the child's whole process group (bash and the node it started), as Ctrl-C does in a terminal. */
function stop(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

// ---------------------------------------------------------------- sh: scripts with curl

const SEPARATOR = '--readme-example-answer-end--';
/** Each top-level curl call's answer ends with SEPARATOR (calls inside $(…) or pipes are left alone). */
const PRELUDE = `set -euo pipefail
curl() {
  if [ "$BASH_SUBSHELL" -eq 0 ]; then command curl --max-time 10 "$@"; printf '\\n%s\\n' '${SEPARATOR}'
  else command curl --max-time 10 "$@"; fi
}
`;

async function runScript(block: Block) {
  expect(block.text, 'jq is not installed on a fresh machine: read JSON with node').not.toMatch(/\bjq\b/);
  const script = rewriteHosts(block.text, ports);
  expect(script, 'a default port left: only localhost:<port> and 127.0.0.1:<port> are rewritten').not.toMatch(/:40[1-4]0\b/);
  resetTwins();
  const { finished } = run('bash', ['-c', PRELUDE + script], { cwd: scratch, timeoutMs: 20_000 });
  const result = await finished;
  expect(result.code, `${where(block)} failed:\n${result.stderr}\n${result.stdout}`).toBe(0);
  const outputs = result.stdout.split(`\n${SEPARATOR}\n`);
  expect(outputs.pop(), 'output after the last curl').toBe('');
  expect(outputs.length, 'the block calls curl').toBeGreaterThan(0);
  return outputs;
}

// ---------------------------------------------------------------- sh: the CLI

const ROW = /^([a-z]+)\s+(http:\/\/\S+)\s+(http:\/\/\S+\/__admin)\s*$/gm;
const ROOT_PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  packageManager?: string;
  scripts: Record<string, string>;
};

/** What a start command of a README runs: the root `start` script, with its arguments as npm or pnpm passes them. */
function startInvocation(command: string) {
  const m = START_COMMAND.exec(command)!.groups!;
  // npm drops the `--` before script arguments; pnpm 10 passes it on (the CLI ignores it).
  const args = m.args === undefined ? '' : m.run === 'npm start' ? ` ${m.args}` : ` -- ${m.args}`;
  return { install: m.install, pnpm: /pnpm@([\d.]+)/.exec(m.run!)?.[1], line: zeroPorts(`${ROOT_PACKAGE.scripts.start}${args}`) };
}

interface CliRun {
  line: string;
  expected: string[];
  /** Fixtures files written for the run, by twin. */
  fixtures: Record<string, string>;
  stdout: string;
  stderr: string;
  /** False when the CLI ended before serving every expected twin. */
  served: boolean;
  rows: { twin: string; url: string }[];
  health: Record<string, unknown>[];
  /** URLs still answering after Ctrl-C. */
  answeringAfterStop: string[];
}

const cliRuns = new Map<string, Promise<CliRun>>();

/** Run the CLI as the command would (every port 0), read each twin's health, then Ctrl-C it. Memoised per command line. */
function runCli(command: string): Promise<CliRun> {
  let { line } = startInvocation(command);
  const hit = cliRuns.get(line);
  if (hit) return hit;
  const key = line;
  const promise = (async () => {
    // A fixtures file the example only names is written for it: the twin's defaults (JSON is YAML).
    const fixtures: Record<string, string> = {};
    line = line.replace(/--([a-z]+)-fixtures([ =])(\S+)/g, (whole, twin: string, sep: string, file: string) => {
      if (existsSync(resolve(ROOT, file)) || !TWINS[twin]) return whole;
      const path = join(mkdtempSync(join(scratch, 'cli-')), basename(file));
      writeFileSync(path, JSON.stringify(TWINS[twin].def.fixtures.defaults(), null, 2));
      fixtures[twin] = path;
      return `--${twin}-fixtures${sep}${path}`;
    });
    const only = /--only[ =](\S+)/.exec(line)?.[1]?.split(',');
    const expected = (only ?? PLATFORMS).slice().sort();
    const env: NodeJS.ProcessEnv = { ...process.env, DOPPEL_HOST: '127.0.0.1' };
    for (const p of PLATFORMS) {
      env[`DOPPEL_${p.toUpperCase()}_PORT`] = '0';
      delete env[`DOPPEL_${p.toUpperCase()}_FIXTURES`];
    }
    env.DOPPEL_CONSOLE_PORT = '0';
    delete env.DOPPEL_ADMIN_TOKEN;
    delete env.DOPPEL_JOURNAL_SIZE;
    const cli = run('bash', ['-c', line], { cwd: ROOT, env, timeoutMs: 60_000 });
    const rows = () => [...cli.out.stdout.matchAll(ROW)].map((r) => ({ twin: r[1]!, url: r[2]! }));
    let exited = false;
    void cli.finished.then(() => {
      exited = true;
    });
    const health: Record<string, unknown>[] = [];
    try {
      while (rows().length < expected.length && !exited) await new Promise((r) => setTimeout(r, 50));
      for (const { url } of exited ? [] : rows()) health.push(await (await fetch(`${url}/__admin/health`)).json());
    } finally {
      stop(cli.child, 'SIGINT');
    }
    const served = !exited;
    const done = await cli.finished;
    const answeringAfterStop: string[] = [];
    for (const { url } of rows()) {
      if (
        await fetch(`${url}/__admin/health`).then(
          () => true,
          () => false,
        )
      )
        answeringAfterStop.push(url);
    }
    return { line, expected, fixtures, stdout: done.stdout, stderr: done.stderr, served, rows: rows(), health, answeringAfterStop };
  })();
  cliRuns.set(key, promise);
  return promise;
}

async function checkCli(command: string) {
  const { install, pnpm } = startInvocation(command);
  if (install)
    expect(
      CI.some((c) => c.startsWith(`${install} && `)),
      `${install} is how .ci/run installs`,
    ).toBe(true);
  if (pnpm) {
    expect(`pnpm@${pnpm}`, 'the pnpm of .ci/run and of packageManager').toBe(ROOT_PACKAGE.packageManager);
    expect(CI.every((c) => c.includes(`pnpm@${pnpm} `))).toBe(true);
  }
  expect(ROOT_PACKAGE.scripts.start, 'npm start runs the CLI').toBe('node packages/cli/bin/doppel.mjs start');
  const r = await runCli(command);
  expect(r.served, `${r.line} ended before serving:\n${r.stderr}\n${r.stdout}`).toBe(true);
  expect(r.stdout).toMatch(/Doppel: \d+ twins? ready/);
  expect(r.rows.map((row) => row.twin).sort()).toEqual(r.expected);
  r.rows.forEach(({ twin, url }, i) => {
    expect(Number(new URL(url).port)).not.toBe(TWINS[twin]!.def.defaultPort);
    expect(r.health[i]).toMatchObject({ status: 'ok', twin, fixtures: r.fixtures[twin] ?? 'defaults' });
    if (r.fixtures[twin]) expect(r.stdout).toContain(`credentials: see ${r.fixtures[twin]}`);
  });
  expect(r.stdout, 'Ctrl-C stops the twins cleanly').toContain('Doppel: stopping');
  expect(r.answeringAfterStop).toEqual([]);
}

// ---------------------------------------------------------------- ts

let tsDir: string | undefined;
let tsResults: Promise<Map<Block, string | undefined>> | undefined;

/** Every ts example, in one tsx process (readme-examples-runner.ts), each in its own folder inside packages/clients. */
function runTsExamples(): Promise<Map<Block, string | undefined>> {
  tsResults ??= (async () => {
    // Inside packages/clients, so `@doppel/clients/*` (itself) and every `@doppel/mock-*` resolve as in a project.
    tsDir = mkdtempSync(join(ROOT, 'packages/clients/.readme-examples-'));
    const dirs = new Map<string, Block>();
    blocks
      .filter((b) => kinds.get(b) === 'ts')
      .forEach((b, i) => {
        const dir = join(tsDir!, `example-${i + 1}`);
        mkdirSync(dir);
        const [expectation] = expectationOf(b);
        const lines = b.text.split('\n');
        const tail: string[] = ["import assert from 'node:assert/strict';"];
        for (const { before, code } of expectation?.insert ?? []) {
          if (before === undefined) {
            tail.push(code);
            continue;
          }
          const at = lines.findIndex((l) => l.includes(before));
          if (at < 0) throw new Error(`${where(b)}: no line contains ${before}`);
          lines[at] = code + lines[at];
        }
        writeFileSync(join(dir, 'example.ts'), rewriteHosts([...lines, ...tail].join('\n'), tsPorts));
        for (const [name, content] of Object.entries(expectation?.files ?? {})) {
          mkdirSync(join(dir, name, '..'), { recursive: true });
          writeFileSync(join(dir, name), content(dir));
        }
        dirs.set(dir, b);
      });
    const runner = fileURLToPath(new URL('./readme-examples-runner.ts', import.meta.url));
    const { finished } = run(process.execPath, ['--import', 'tsx', runner, ...dirs.keys()], { cwd: ROOT, timeoutMs: 60_000 });
    const result = await finished;
    const results = new Map<Block, string | undefined>();
    for (const line of result.stdout.split('\n')) {
      if (!line.startsWith(RESULT_PREFIX)) continue;
      const { dir, error } = JSON.parse(line.slice(RESULT_PREFIX.length)) as { dir: string; error?: string };
      results.set(dirs.get(dir)!, error);
    }
    for (const b of dirs.values()) {
      if (!results.has(b)) results.set(b, `the runner did not report it (exit ${result.code}):\n${result.stderr}\n${result.stdout}`);
    }
    return results;
  })();
  return tsResults;
}

// ---------------------------------------------------------------- the tests

describe('README examples', () => {
  it('finds the blocks of every README and CONTRIBUTING.md, outside the consumer section', () => {
    const files = new Set(blocks.map((b) => b.file));
    for (const f of ['README.md', 'CONTRIBUTING.md', 'packages/mock-zentao/README.md', 'packages/mock-dingtalk/README.md']) {
      expect(files).toContain(f);
    }
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const fences = readme.split('\n').filter((l) => /^ {0,3}```/.test(l)).length / 2;
    const skipped = readme.includes(SKIPPED_SECTION);
    // Without the consumer section every fence of the README is a block here; with it, fewer.
    expect(blocks.filter((b) => b.file === 'README.md').length)[skipped ? 'toBeLessThan' : 'toBe'](fences);
  });

  it('every expectation names exactly one block', () => {
    for (const e of EXPECTATIONS) {
      expect(
        blocks.filter((b) => b.file === e.file && b.text.includes(e.contains)),
        `${e.file}: ${e.contains}`,
      ).toHaveLength(1);
    }
  });

  it('the README test command is what CI runs', () => {
    const readme = blocks.filter((b) => b.file === 'README.md' && kinds.get(b) === 'ci').flatMap((b) => shellCommands(b.text));
    expect(readme).toContain(CI.at(-1));
  });

  for (const block of blocks) {
    const kind: BlockKind = kinds.get(block)!;
    const [expectation] = expectationOf(block);
    it(`${where(block)} \`\`\`${[block.lang, ...block.flags].join(' ')} (${kind})`, async () => {
      switch (kind) {
        case 'unmarked':
          throw new Error(
            `${where(block)}: a block with info string "${block.lang}" is neither run nor checked. Mark it: sh, ts, ` +
              '"yaml fixtures", "text tree", "text routes", or <!-- not-run: reason --> on the line before.',
          );
        case 'not-run':
          expect(block.notRun, 'not-run needs a reason').not.toBe('');
          return;
        case 'ci':
          for (const c of shellCommands(block.text)) expect(CI, `${c} is not a command of .ci/run`).toContain(c);
          return;
        case 'cli':
          for (const c of shellCommands(block.text)) await checkCli(c);
          return;
        case 'script': {
          const outputs = await runScript(block);
          await expectation?.outputs?.(outputs, urls);
          return;
        }
        case 'ts': {
          const error = (await runTsExamples()).get(block);
          if (error !== undefined) throw new Error(`${where(block)} (line n of example.ts is line ${block.line}+n):\n${error}`);
          return;
        }
        case 'fixtures': {
          expect(block.twin, 'name the twin: ```yaml fixtures <twin>').toBeDefined();
          const file = join(scratch, `fixtures-${block.line}.yaml`);
          writeFileSync(file, block.text);
          const twin = await TWINS[block.twin!]!.start({ port: 0, fixturesFile: file });
          try {
            expect(twin.twin.fixtures).toMatchObject(readFixtureFile(file) as object);
            await expectation?.fixtures?.(twin.url);
          } finally {
            await twin.close();
          }
          return;
        }
        case 'tree': {
          const missing: string[] = [];
          for (const { path } of treeEntries(block.text)) {
            const expanded = path.includes('<platform>') ? PLATFORMS.map((p) => path.replaceAll('<platform>', p)) : [path];
            for (const p of expanded) if (!pathExists(ROOT, p)) missing.push(p);
          }
          expect(treeEntries(block.text).length).toBeGreaterThan(0);
          expect(missing, 'paths in the layout that do not exist').toEqual([]);
          return;
        }
        case 'routes': {
          expect(block.twin, 'name the twin: ```text routes <twin>').toBeDefined();
          const spec = loadSpec(TWINS[block.twin!]!.def.spec);
          const { routes, fields } = routeListing(block.text);
          expect(routes.length).toBeGreaterThan(0);
          for (const r of routes) {
            expect(
              spec.operations.some((o) => o.method.toUpperCase() === r.method && o.path === r.path),
              `${r.method} ${r.path} is in the spec`,
            ).toBe(true);
          }
          if (fields.length) {
            const withBody = routes.find((r) => ['POST', 'PUT', 'PATCH'].includes(r.method))!;
            const schema = bodySchema(spec.doc, withBody.method, withBody.path);
            for (const f of fields) {
              expect(Object.keys(schema.properties ?? {}), `${f.name} is a field of ${withBody.method} ${withBody.path}`).toContain(f.name);
              if (f.optional) expect(schema.required ?? [], `${f.name} is optional`).not.toContain(f.name);
            }
            for (const r of schema.required ?? [])
              expect(
                fields.map((f) => f.name),
                `required ${r} is listed`,
              ).toContain(r);
          }
          return;
        }
      }
    });
  }
});

interface JsonSchema {
  properties?: Record<string, unknown>;
  required?: string[];
}

/** The JSON request body schema of an operation, local $refs followed. */
// biome-ignore lint/suspicious/noExplicitAny: a parsed OpenAPI document
function bodySchema(doc: any, method: string, path: string): JsonSchema {
  // biome-ignore lint/suspicious/noExplicitAny: a parsed OpenAPI document
  const deref = (node: any): any =>
    node?.$ref
      ? deref(
          (node.$ref as string)
            .slice(2)
            .split('/')
            // biome-ignore lint/suspicious/noExplicitAny: a parsed OpenAPI document
            .reduce((n: any, k) => n[k], doc),
        )
      : node;
  const body = deref(doc.paths[path][method.toLowerCase()].requestBody);
  return deref(body.content['application/json'].schema);
}

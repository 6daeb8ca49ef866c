import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Doppel as a user gets it (README "Use Doppel in your project"): every package packed with pnpm (which turns
 * `workspace:` into versions and applies `publishConfig`), the tarballs installed with npm into a fresh project
 * outside the workspace, and that project's own commands run there — nothing is linked to the repository.
 * Turbo builds every package first (`build`, dependsOn in turbo.json).
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HERE = fileURLToPath(new URL('../', import.meta.url));
/** Package folder → the OpenAPI document it ships. */
const PACKAGES: Record<string, string | undefined> = {
  'mock-kit': 'admin',
  'mock-zentao': 'zentao',
  'mock-dingtalk': 'dingtalk',
  'mock-ones': 'ones',
  'mock-oauth': 'oauth',
  clients: undefined,
  cli: undefined,
};
const INSTALL_TIMEOUT = 240_000;
/** The environment a user's shell has: none of the variables pnpm, turbo and vitest set for this test (NODE_PATH would
 * let the project resolve the workspace's packages). */
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_|NODE_PATH$|NODE_OPTIONS$|TURBO_|VITEST|INIT_CWD$)/i.test(k)),
);
// The QA console of `doppel start` on a free port too (never 4000–4040).
env.DOPPEL_CONSOLE_PORT = '0';
/** The signed getGroupChats of the root README (the default app's code and key). */
const SIGNED = '/api.php?m=im&f=getGroupChats&code=myAppCode&token=07a22de5b9c287eaaf5c04320fe48aba';

/** The fenced blocks of the README section users follow, in order. */
function readmeBlocks(): { lang: string; body: string }[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Use Doppel in your project\n');
  expect(start, 'README section "Use Doppel in your project"').toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, body: m[2]! }));
}

/** pnpm as the test command started it (turbo runs scripts through pnpm), else the README's pinned pnpm. */
function pnpm(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) return [process.execPath, [execPath]];
  return ['npx', ['-y', 'pnpm@10.34.9']];
}

let tmp: string;
let project: string;
const tarballs: Record<string, string> = {};
const tsFiles: string[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  for (const dir of Object.keys(PACKAGES)) {
    if (!existsSync(join(ROOT, 'packages', dir, 'dist/index.js'))) {
      throw new Error(`packages/${dir} is not built: run \`pnpm build\` (turbo builds every package before this test)`);
    }
  }
  tmp = mkdtempSync(join(tmpdir(), 'doppel-consumer-'));
  const packed = join(tmp, 'tarballs');
  mkdirSync(packed);
  const [cmd, prefix] = pnpm();
  for (const dir of Object.keys(PACKAGES)) {
    const { stdout } = await run(cmd, [...prefix, 'pack', '--pack-destination', packed], { cwd: join(ROOT, 'packages', dir) });
    const file = stdout.trim().split('\n').at(-1)!.trim();
    tarballs[dir] = file.startsWith('/') ? file : join(packed, file);
    expect(existsSync(tarballs[dir]), `${dir} packed to ${tarballs[dir]}`).toBe(true);
  }
  console.log(
    `tarballs: ${Object.entries(tarballs)
      .map(([dir, file]) => `${dir} ${(statSync(file).size / 1024).toFixed(1)} kB`)
      .join(', ')}`,
  );

  project = join(tmp, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'my-app', private: true, type: 'module' }, null, 2)}\n`);
  // The README's blocks: the install line, the npm scripts, and the files (named on their first line).
  const blocks = readmeBlocks();
  const shells = blocks.filter((b) => b.lang === 'sh');
  expect(shells, 'one sh block: the install line').toHaveLength(1);
  const install = shells[0]!.body.trim();
  expect(install).toMatch(/^npm install /);
  const byName = Object.fromEntries(Object.keys(PACKAGES).map((dir) => [`@doppel/${dir}`, dir]));
  const words = install.split(/\s+/).slice(1);
  const named = words.filter((w) => byName[w]).map((w) => byName[w]!);
  // What a registry would serve: the README's packages as tarballs, plus the @doppel packages they depend on;
  // TypeScript for the type check below.
  const others = Object.keys(PACKAGES).filter((dir) => !named.includes(dir));
  const args = [
    ...words.map((w) => (byName[w] ? tarballs[byName[w]]! : w)),
    ...others.map((dir) => tarballs[dir]!),
    'typescript@5.9.3',
    '@types/node@20',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    '--loglevel=error',
  ];
  const began = performance.now();
  await run('npm', args, { cwd: project, timeout: INSTALL_TIMEOUT, env });
  console.log(`npm install of the tarballs: ${((performance.now() - began) / 1000).toFixed(1)} s`);

  const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
  for (const block of blocks) {
    // Every block of the section runs here: a kind this test does not know how to run fails it.
    expect(['sh', 'json', 'ts'], `a ${block.lang} block in "Use Doppel in your project"`).toContain(block.lang);
    if (block.lang === 'json') manifest.scripts = { ...manifest.scripts, ...JSON.parse(block.body).scripts };
    if (block.lang === 'ts') {
      const name = /^\/\/ (\S+)/.exec(block.body)?.[1];
      expect(name, `a ts block names its file on its first line:\n${block.body}`).toBeDefined();
      mkdirSync(dirname(join(project, name!)), { recursive: true });
      writeFileSync(join(project, name!), block.body);
      tsFiles.push(name!);
    }
  }
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
});

afterAll(() => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  }
  // DOPPEL_KEEP_CONSUMER=1 keeps the project, to look into a failure.
  if (tmp && !process.env.DOPPEL_KEEP_CONSUMER) rmSync(tmp, { recursive: true, force: true });
  else if (tmp) console.log(`consumer project kept: ${project}`);
});

/** Start a command in the project in its own process group; resolves with the twin URLs it prints. */
function serve(cmd: string, args: string[], count: number): Promise<{ child: ChildProcess; urls: string[]; output: () => string }> {
  const child = spawn(cmd, args, { cwd: project, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${count} URLs within 60 s:\n${out}`)), 60_000);
    const look = (chunk: Buffer) => {
      out += chunk;
      const twinLines = out.replace(/^console\s.*$/gm, '');
      const urls = [...new Set([...twinLines.matchAll(/http:\/\/127\.0\.0\.1:(\d+)(?!\/__admin)\b/g)].map((m) => m[0]))];
      if (urls.length >= count && out.includes('ready')) {
        clearTimeout(timer);
        resolve({ child, urls, output: () => out });
      }
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before serving:\n${out}`));
    });
  });
}

/** Ctrl-C, as a terminal sends it: to the whole process group. */
function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    process.kill(-child.pid!, 'SIGINT');
  });
}

describe('Doppel installed from its tarballs into a fresh npm project', () => {
  it('installs no TypeScript runner and no SQLite driver', () => {
    for (const dir of Object.keys(PACKAGES)) {
      expect(existsSync(join(project, 'node_modules/@doppel', dir, 'dist/index.js')), dir).toBe(true);
    }
    expect(existsSync(join(project, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(join(project, 'node_modules/better-sqlite3'))).toBe(false);
    const cli = JSON.parse(readFileSync(join(project, 'node_modules/@doppel/cli/package.json'), 'utf8'));
    expect(cli.bin).toEqual({ doppel: './dist/bin.js' });
    expect(cli.dependencies['@doppel/mock-zentao']).toBe(cli.version);
  });

  it('ships each OpenAPI document, equal to contracts/openapi', async () => {
    const shipped: string[] = [];
    for (const [dir, spec] of Object.entries(PACKAGES)) {
      if (!spec) continue;
      const copy = join(project, 'node_modules/@doppel', dir, 'dist/openapi', spec);
      // The document as written, byte for byte…
      expect(readFileSync(`${copy}.yaml`, 'utf8'), `${dir} ships ${spec}.yaml`).toBe(
        readFileSync(join(ROOT, 'contracts/openapi', `${spec}.yaml`), 'utf8'),
      );
      shipped.push(copy);
    }
    // …and the pre-parsed JSON the twin loads is that document, parsed by the YAML parser the kit installed with.
    const script = `
      import { deepStrictEqual } from 'node:assert';
      import { readFileSync } from 'node:fs';
      import { parse } from 'yaml';
      for (const copy of ${JSON.stringify(shipped)}) {
        deepStrictEqual(JSON.parse(readFileSync(copy + '.json', 'utf8')), parse(readFileSync(copy + '.yaml', 'utf8')), copy);
      }
      console.log('equal');
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: project, env });
    expect(stdout.trim()).toBe('equal');
  });

  it('`npx doppel start --only zentao --zentao-port 0` serves a signed getGroupChats', async () => {
    const { child, urls, output } = await serve('npx', ['doppel', 'start', '--only', 'zentao', '--zentao-port', '0'], 1);
    expect(urls).toHaveLength(1);
    const answer = (await (await fetch(`${urls[0]}${SIGNED}`)).json()) as { result: string; data: Record<string, string> };
    expect(answer.result).toBe('success');
    expect(Object.keys(answer.data)).toHaveLength(3);
    // The QA console's static files ship in @doppel/cli's tarball: the installed CLI serves the page and its script.
    const consoleUrl = /^console\s+(http:\/\/\S+)/m.exec(output())![1]!;
    const page = await (await fetch(consoleUrl)).text();
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(page)![1];
    expect((await fetch(`${consoleUrl}/${script}`)).status).toBe(200);
    expect(((await (await fetch(`${urls[0]}/__admin`)).json()) as { console: string }).console).toBe(consoleUrl);
    await stop(child);
    expect(output()).toContain('Doppel: stopping');
  });

  it('starts the twins from the README npm script, with options after --', async () => {
    const { child, urls } = await serve('npm', ['run', 'twins', '--', '--zentao-port', '0', '--dingtalk-port', '0'], 2);
    expect(urls).toHaveLength(2);
    for (const url of urls) expect((await fetch(`${url}/__admin/health`)).status).toBe(200);
    // One of the two is ZenTao: it alone accepts the signed call.
    const answers = await Promise.all(urls.map(async (url) => (await fetch(`${url}${SIGNED}`)).text()));
    expect(answers.filter((a) => a.startsWith('{"result":"success"'))).toHaveLength(1);
    await stop(child);
  });

  it('runs in plain Node ESM with no loader: twins, clients and the shipped specs', async () => {
    copyFileSync(join(HERE, 'fixtures/flow.mjs'), join(project, 'flow.mjs'));
    const { stdout } = await run(process.execPath, ['flow.mjs'], { cwd: project, env });
    const seen = JSON.parse(stdout);
    expect(seen.chats).toHaveLength(3);
    expect(seen.sent).toBe(true);
    expect(seen.inbox).toBe(1);
    expect(seen.journal).toEqual(['200 sendNotification', '200 getGroupChats']);
    expect(seen.token).toBe('string');
    expect(seen.connectors).toBeGreaterThan(0);
    // The twins read the copies inside their installed packages, never a path outside them.
    expect(seen.specs).toEqual(
      ['mock-kit/dist/openapi/admin.json', 'mock-zentao/dist/openapi/zentao.json', 'mock-dingtalk/dist/openapi/dingtalk.json'].map((p) =>
        join(project, 'node_modules/@doppel', p),
      ),
    );
  });

  it('imports the typed clients without better-sqlite3, and the services store names it when missing', async () => {
    const script = `
      await import('@doppel/clients');
      const { ServiceStore } = await import('@doppel/clients/services');
      try { new ServiceStore(':memory:'); console.log('opened'); } catch (err) { console.log(err.message); }
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: project, env });
    expect(stdout.trim()).toBe('the services token store (@doppel/clients/services) needs better-sqlite3: npm install better-sqlite3');
  });

  it('type-checks a TypeScript consumer and the README files against the installed declarations', async () => {
    copyFileSync(join(HERE, 'fixtures/consumer.ts'), join(project, 'consumer.ts'));
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        allowImportingTsExtensions: true,
        skipLibCheck: false,
        types: ['node'],
      },
      files: ['consumer.ts', ...tsFiles],
    };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    const tsc = join(project, 'node_modules/typescript/bin/tsc');
    // consumer.ts's @ts-expect-error lines make this fail too if the declarations ever degrade to `any`.
    const checked = await run(process.execPath, [tsc, '-p', '.'], { cwd: project, env }).catch((err: { stdout: string }) => err);
    expect(checked.stdout).toBe('');
  });

  it('runs the README vitest files, one twin per test file', async () => {
    const report = join(project, 'vitest.json');
    await run('npm', ['test', '--', '--reporter=json', `--outputFile=${report}`], { cwd: project, env }).catch(
      (err: { stdout: string; stderr: string }) => {
        const failures = existsSync(report) ? readFileSync(report, 'utf8') : '';
        throw new Error(`npm test failed:\n${err.stdout}\n${err.stderr}\n${failures}`);
      },
    );
    const result = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; testResults: unknown[] };
    expect(result.testResults).toHaveLength(tsFiles.filter((f) => f.endsWith('.test.ts')).length);
    expect(result.numFailedTests).toBe(0);
    expect(result.numPassedTests).toBe(3);
  });
});

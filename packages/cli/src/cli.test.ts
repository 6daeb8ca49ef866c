import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTwin } from '@doppel/mock-kit';
import { zentaoTwin } from '@doppel/mock-zentao';
import { describe, expect, it } from 'vitest';
import { normaliseArgs, resolveSettings, StartError, startAll, table, warnings } from './start.ts';
import { twins } from './twins.ts';

// The CLI children these tests start serve the QA console on a free port too (never 4000–4040).
process.env.DOPPEL_CONSOLE_PORT = '0';

describe('settings', () => {
  it('uses the documented default ports', () => {
    const s = resolveSettings(twins, {}, {});
    expect(s.zentao).toEqual({ port: 4020, portSource: 'default' });
    expect(s.dingtalk).toEqual({ port: 4010, portSource: 'default' });
  });

  it('lets the environment override the default and the flag override both', () => {
    expect(resolveSettings(twins, {}, { DOPPEL_ZENTAO_PORT: '5020' }).zentao?.port).toBe(5020);
    expect(resolveSettings(twins, { zentaoPort: '6020' }, { DOPPEL_ZENTAO_PORT: '5020' }).zentao).toEqual({
      port: 6020,
      portSource: '--zentao-port',
    });
    expect(resolveSettings(twins, { zentaoFixtures: 'f.yaml' }, {}).zentao?.fixturesFile).toBe('f.yaml');
  });

  it('refuses a port that is not a number, naming where it came from', () => {
    expect(() => resolveSettings(twins, {}, { DOPPEL_ZENTAO_PORT: 'abc' })).toThrow('DOPPEL_ZENTAO_PORT must be a port number');
  });
});

describe('startAll', () => {
  it('starts every twin and prints URLs, admin URLs and default credentials', async () => {
    const settings = Object.fromEntries(twins.map((t) => [t.name, { port: 0, portSource: 'test' }]));
    const running = await startAll({ host: '127.0.0.1', twins, settings });
    try {
      const t = table(running);
      expect(t).toContain(`${running[0]!.url}/__admin`);
      expect(t).toContain('myAppCode / 3cd0914d656e90ab181f1d52ff352cfe');
      expect(t).toContain('appKey dingdoppelselfbuilt / appSecret doppel-self-built-secret');
      // The DingTalk authority page's sign-in: each default organisation's administrator.
      expect(t).toContain('administrator of Doppel 测试企业 (authority page): login admin / password doppel-admin');
      expect(t).toContain('Ones-User-Id AliceU01 · Ones-Auth-Token alice-token-0001');
    } finally {
      await Promise.all(running.map((r) => r.close()));
    }
  });

  it('gives one line naming the port and the flag when the port is taken', async () => {
    const taken = await startTwin(zentaoTwin);
    try {
      const err = await startAll({
        host: '127.0.0.1',
        twins,
        settings: { zentao: { port: taken.port, portSource: 'test' }, dingtalk: { port: 0, portSource: 'test' } },
      }).catch((e) => e);
      expect(err).toBeInstanceOf(StartError);
      expect(err.message).toBe(
        `doppel: port ${taken.port} for zentao is already in use; choose another with --zentao-port <port> or DOPPEL_ZENTAO_PORT`,
      );
    } finally {
      await taken.close();
    }
  });
});

describe('the doppel command', () => {
  const bin = fileURLToPath(new URL('../bin/doppel.mjs', import.meta.url));

  it('serves, prints the table, and stops cleanly on Ctrl-C (SIGINT)', async () => {
    // Port 0: the OS picks a free port and the table shows it (no race with parallel test files).
    const ports = twins.flatMap((t) => [`--${t.name}-port`, '0']);
    const child = spawn(process.execPath, [bin, 'start', ...ports], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    await expect.poll(() => /zentao\s+http:\/\/127\.0\.0\.1:\d+/.test(out), { timeout: 60_000 }).toBe(true);
    const url = /zentao\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
    const health = await (await fetch(`${url}/__admin/health`)).json();
    expect(health).toMatchObject({ status: 'ok', twin: 'zentao' });
    const dingtalk = /dingtalk\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
    expect(await (await fetch(`${dingtalk}/__admin/health`)).json()).toMatchObject({ status: 'ok', twin: 'dingtalk' });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    process.kill(child.pid!, 'SIGINT');
    expect(await exited).toBe(0);
  });

  it('refuses an invalid fixtures file, naming the file, the path inside it and the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doppel-cli-'));
    const file = join(dir, 'zentao.yaml');
    writeFileSync(file, 'apps:\n  - { code: myAppCode, key: NOT-HEX, ip: "*" }\nusers: []\n');
    const child = spawn(process.execPath, [bin, 'start', '--only', 'zentao', '--zentao-port', '0', '--zentao-fixtures', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(err).toContain(`doppel: zentao did not start: ${file}: invalid fixtures`);
    expect(err).toContain('at /apps/0/key: must match pattern');
    expect(err).toContain('at /chats: is required');
  });

  it('exits non-zero with one line when the port is in use', async () => {
    const taken = await startTwin(zentaoTwin);
    try {
      const others = twins.filter((t) => t.name !== 'zentao').flatMap((t) => [`--${t.name}-port`, '0']);
      const child = spawn(process.execPath, [bin, 'start', '--zentao-port', String(taken.port), ...others], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d) => {
        err += d;
      });
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      expect(code).toBe(1);
      expect(err.trim()).toBe(
        `doppel: port ${taken.port} for zentao is already in use; choose another with --zentao-port <port> or DOPPEL_ZENTAO_PORT`,
      );
    } finally {
      await taken.close();
    }
  });
});

/** Run the CLI to its end: exit code, stdout, stderr. */
function runCli(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; out: string; err: string }> {
  const bin = fileURLToPath(new URL('../bin/doppel.mjs', import.meta.url));
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    }),
  );
}

describe('a CLI people can rely on', () => {
  it('drops pnpm’s literal "--" and starts by default', () => {
    expect(normaliseArgs(['--', '--zentao-port', '5020'])).toEqual(['start', '--zentao-port', '5020']);
    expect(normaliseArgs(['start', '--', '--only', 'zentao'])).toEqual(['start', '--only', 'zentao']);
    expect(normaliseArgs([])).toEqual(['start']);
    expect(normaliseArgs(['--version'])).toEqual(['--version']);
    expect(normaliseArgs(['stop'])).toEqual(['stop']);
  });

  it('--version prints the package version; --help lists the commands', async () => {
    const v = await runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const h = await runCli(['--help']);
    expect(h.code).toBe(0);
    expect(h.out).toContain('start');
    expect(h.out).toMatch(/Commands:/);
  });

  it('an unknown command or option, or a number that is not one, is one line and exit code 2', async () => {
    const stop = await runCli(['stop']);
    expect(stop.code).toBe(2);
    expect(stop.err.trim().split('\n')).toHaveLength(1);
    expect(stop.err).toContain('unknown command "stop"');
    const size = await runCli(['start', '--journal-size', 'abc']);
    expect(size.code).toBe(2);
    expect(size.err.trim()).toBe(
      "doppel: option '--journal-size <n>' argument 'abc' is invalid. --journal-size must be a whole number from 1 to 1000000, got \"abc\"",
    );
    const port = await runCli(['--', '--zentao-port', 'x']);
    expect(port.code).toBe(2);
    const flag = await runCli(['start', '--nope']);
    expect(flag.code).toBe(2);
    expect(flag.err.trim()).toBe("doppel: unknown option '--nope'");
    const twin = await runCli(['start', '--only', 'jira']);
    expect(twin.code).toBe(2);
  });

  it('options work after pnpm’s "--", and a closed stdout ends quietly', async () => {
    const bin = fileURLToPath(new URL('../bin/doppel.mjs', import.meta.url));
    const child = spawn(process.execPath, [bin, '--', '--only', 'zentao', '--zentao-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    await expect.poll(() => /zentao\s+http:\/\/127\.0\.0\.1:\d+/.test(out), { timeout: 60_000 }).toBe(true);
    // Like `doppel start | head`: the reader goes away, then the CLI writes again (on stop).
    child.stdout.destroy();
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    process.kill(child.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(err).not.toMatch(/EPIPE|Error/);
  });
});

describe('exposed beyond loopback', () => {
  it('the table hides credentials from a user’s fixtures file, and the CLI warns with the admin token', async () => {
    const running = await startAll({
      host: '0.0.0.0',
      twins: twins.filter((t) => t.name === 'zentao'),
      settings: { zentao: { port: 0, portSource: 'test' } },
    });
    try {
      expect(running[0]!.adminToken).toMatch(/^[\w-]{32}$/);
      const [w] = warnings('0.0.0.0', running);
      expect(w).toContain(running[0]!.adminToken);
      expect(warnings('127.0.0.1', running)).toEqual([]);
    } finally {
      await Promise.all(running.map((r) => r.close()));
    }
    const dir = mkdtempSync(join(tmpdir(), 'doppel-cli-'));
    const file = join(dir, 'zentao.yaml');
    const { defaultFixtures } = await import('@doppel/mock-zentao');
    writeFileSync(file, JSON.stringify(defaultFixtures()));
    const mine = await startAll({
      host: '127.0.0.1',
      twins: twins.filter((t) => t.name === 'zentao'),
      settings: { zentao: { port: 0, portSource: 'test', fixturesFile: file } },
    });
    try {
      const t = table(mine);
      expect(t).toContain(`credentials: see ${file}`);
      expect(t).not.toContain('3cd0914d656e90ab181f1d52ff352cfe');
    } finally {
      await Promise.all(mine.map((r) => r.close()));
    }
  });

  it('the table hides the DingTalk administrators’ passwords from a user’s fixtures file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doppel-cli-'));
    const file = join(dir, 'dingtalk.json');
    const { defaultFixtures } = await import('@doppel/mock-dingtalk');
    const fixtures = defaultFixtures();
    fixtures.orgs[0]!.admin = { login: 'boss', password: 'real-admin-password' };
    writeFileSync(file, JSON.stringify(fixtures));
    const mine = await startAll({
      host: '127.0.0.1',
      twins: twins.filter((t) => t.name === 'dingtalk'),
      settings: { dingtalk: { port: 0, portSource: 'test', fixturesFile: file } },
    });
    try {
      const t = table(mine);
      expect(t).toContain(`credentials: see ${file}`);
      expect(t).not.toContain('real-admin-password');
    } finally {
      await Promise.all(mine.map((r) => r.close()));
    }
  });
});

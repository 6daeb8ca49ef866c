import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTwin } from '@doppel/mock-kit';
import { zentaoTwin } from '@doppel/mock-zentao';
import { describe, expect, it } from 'vitest';
import { resolveSettings, StartError, startAll, table } from './start.ts';
import { twins } from './twins.ts';

describe('settings', () => {
  it('uses the documented default ports', () => {
    const s = resolveSettings(twins, {}, {});
    expect(s.zentao).toEqual({ port: 4020, portSource: 'default' });
    expect(s.dingtalk).toEqual({ port: 4010, portSource: 'default' });
  });

  it('lets the environment override the default and the flag override both', () => {
    expect(resolveSettings(twins, {}, { DOPPEL_ZENTAO_PORT: '5020' }).zentao?.port).toBe(5020);
    expect(resolveSettings(twins, { zentaoPort: '6020' }, { DOPPEL_ZENTAO_PORT: '5020' }).zentao).toEqual({ port: 6020, portSource: '--zentao-port' });
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
      expect(t).toContain('Ones-User-Id AliceU01 · Ones-Auth-Token alice-token-0001');
    } finally {
      await Promise.all(running.map((r) => r.close()));
    }
  });

  it('gives one line naming the port and the flag when the port is taken', async () => {
    const taken = await startTwin(zentaoTwin);
    try {
      const err = await startAll({ host: '127.0.0.1', twins, settings: { zentao: { port: taken.port, portSource: 'test' }, dingtalk: { port: 0, portSource: 'test' } } }).catch((e) => e);
      expect(err).toBeInstanceOf(StartError);
      expect(err.message).toBe(`doppel: port ${taken.port} for zentao is already in use; choose another with --zentao-port <port> or DOPPEL_ZENTAO_PORT`);
    } finally {
      await taken.close();
    }
  });
});

describe('the doppel command', () => {
  const bin = fileURLToPath(new URL('../bin/doppel.mjs', import.meta.url));

  it('serves, prints the table, and stops cleanly on Ctrl-C (SIGINT)', async () => {
    // Port 0: the OS picks a free port and the table shows it (no race with parallel test files).
    const child = spawn(process.execPath, [bin, 'start', '--zentao-port', '0', '--dingtalk-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    await expect.poll(() => /zentao\s+http:\/\/127\.0\.0\.1:\d+/.test(out), { timeout: 20_000 }).toBe(true);
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
      const child = spawn(process.execPath, [bin, 'start', '--zentao-port', String(taken.port), '--dingtalk-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => {
        err += d;
      });
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      expect(code).toBe(1);
      expect(err.trim()).toBe(`doppel: port ${taken.port} for zentao is already in use; choose another with --zentao-port <port> or DOPPEL_ZENTAO_PORT`);
    } finally {
      await taken.close();
    }
  });
});

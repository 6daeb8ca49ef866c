import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { redisServerPath, startRedisServer, type TestRedis } from '@doppel/mock-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// CI installs redis-server (.ci/run); elsewhere these tests are skipped rather than fail.
const available = redisServerPath() !== undefined || process.env.CI === 'true';
const bin = fileURLToPath(new URL('../bin/doppel.mjs', import.meta.url));

/** `doppel start --only oauth` on a free port with the given store; resolves with its URL and the output so far. */
async function startCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string; out: () => string }> {
  const child = spawn(process.execPath, [bin, 'start', '--only', 'oauth', '--oauth-port', '0', '--no-console', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  await expect.poll(() => /oauth\s+http:\/\/127\.0\.0\.1:\d+/.test(out), { timeout: 60_000 }).toBe(true);
  return { child, url: /oauth\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!, out: () => out };
}

async function stopCli(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}

describe.skipIf(!available)('doppel start --store redis://…', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('runs two CLI replicas as one twin: a code issued by one is redeemed on the other, once', async () => {
    const a = await startCli(['--store', redis.url]);
    const b = await startCli([], { DOPPEL_STORE: redis.url });
    try {
      expect(a.out()).toContain(`State: shared in ${redis.url}`);
      const q = new URLSearchParams({
        client_id: 'Ov23liDoppelCiBot0001',
        redirect_uri: 'http://localhost:3000/github/oauth',
        scope: 'read:user',
      });
      const authorized = await fetch(`${a.url}/login/oauth/authorize?${q}`, { redirect: 'manual' });
      expect(authorized.status).toBe(302);
      const code = new URL(authorized.headers.get('location')!).searchParams.get('code')!;
      const body = new URLSearchParams({
        client_id: 'Ov23liDoppelCiBot0001',
        client_secret: 'doppel-ci-bot-secret-0123456789abcdef0000',
        code,
      });
      const exchange = (url: string) =>
        fetch(`${url}/login/oauth/access_token`, { method: 'POST', headers: { accept: 'application/json' }, body }).then(
          (r) => r.json() as Promise<Record<string, string>>,
        );
      expect((await exchange(b.url)).access_token).toMatch(/^gho_/);
      expect((await exchange(a.url)).error).toBe('bad_verification_code');
    } finally {
      await Promise.all([stopCli(a.child), stopCli(b.child)]);
    }
  });

  it('loses nothing when a replica is killed mid-run (SIGKILL) and started again', async () => {
    await redis.flush();
    const a = await startCli(['--store', redis.url]);
    let code: string;
    try {
      const q = new URLSearchParams({
        client_id: 'Ov23liDoppelCiBot0001',
        redirect_uri: 'http://localhost:3000/github/oauth',
        scope: 'repo',
      });
      const authorized = await fetch(`${a.url}/login/oauth/authorize?${q}`, { redirect: 'manual' });
      code = new URL(authorized.headers.get('location')!).searchParams.get('code')!;
      const rule = await fetch(`${a.url}/__admin/scenarios/rules`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ scenario: 'server_error', match: { path: '/user' }, times: 1 }),
      });
      expect(rule.status).toBe(201);
    } finally {
      const exited = new Promise((r) => a.child.once('exit', r));
      a.child.kill('SIGKILL');
      await exited;
    }
    const again = await startCli([], { DOPPEL_STORE: redis.url });
    try {
      const body = new URLSearchParams({
        client_id: 'Ov23liDoppelCiBot0001',
        client_secret: 'doppel-ci-bot-secret-0123456789abcdef0000',
        code,
      });
      const token = (await (
        await fetch(`${again.url}/login/oauth/access_token`, { method: 'POST', headers: { accept: 'application/json' }, body })
      ).json()) as { access_token: string; scope: string };
      expect(token.access_token).toMatch(/^gho_/);
      expect(token.scope).toBe('repo');
      const user = await fetch(`${again.url}/user`, {
        headers: { authorization: `Bearer ${token.access_token}`, 'user-agent': 'doppel-test' },
      });
      expect(user.status).toBe(500);
      const journal = (await (await fetch(`${again.url}/__admin/journal`)).json()) as { entries: { path: string }[] };
      expect(journal.entries.map((e) => e.path).reverse()).toEqual(['/login/oauth/authorize', '/login/oauth/access_token', '/user']);
    } finally {
      await stopCli(again.child);
    }
  });

  it('refuses a store it cannot open, in one line, with exit code 2', async () => {
    const child = spawn(
      process.execPath,
      [bin, 'start', '--only', 'oauth', '--oauth-port', '0', '--no-console', '--store', 'mongodb://x'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(err.trim()).toBe('doppel: unknown store "mongodb://x" (memory, or redis://host:port/db)');
  });
});

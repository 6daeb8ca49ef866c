import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CI_BOT, GITHUB_APP, startOAuthMock } from '@doppel/mock-oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthClient, type OAuthClientOptions } from './client.ts';
import { createOAuthFlow } from './flow.ts';
import { ServiceStore } from './store.ts';

type Running = Awaited<ReturnType<typeof startOAuthMock>>;

let twin: Running;
beforeAll(async () => {
  twin = await startOAuthMock({ port: 0 });
});
afterAll(() => twin.close());

const bot = { id: 'bot-42' };
const group = { id: 'group-7' };
const admin = (path: string, body: unknown) =>
  fetch(`${twin.url}/__admin${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The doc's bot: a callback server on loopback, the flow on a SQLite file. */
async function botServer(app = CI_BOT, file = join(mkdtempSync(join(tmpdir(), 'doppel-bot-')), 'bot.sqlite'), format?: OAuthClientOptions['format']) {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const callback = `http://127.0.0.1:${(server.address() as AddressInfo).port}/github/oauth`;
  const store = new ServiceStore(file);
  const client = createOAuthClient({ baseUrl: twin.url, clientId: app.clientId, clientSecret: app.clientSecret, redirectUri: callback, ...(format && { format }) });
  const flow = createOAuthFlow({ client, store, stateSecret: 'test-state-secret' });
  server.on('request', flow.callbackHandler());
  return {
    flow,
    store,
    file,
    /** A person (or CI) following the link: the twin redirects to the callback, which answers. */
    async follow(link: string): Promise<{ status: number; text: string }> {
      const r1 = await fetch(link, { redirect: 'manual' });
      const to = r1.headers.get('location');
      if (!to) return { status: r1.status, text: await r1.text() };
      const r2 = await fetch(to);
      return { status: r2.status, text: await r2.text() };
    },
    async close() {
      store.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('the vendor doc’s GitHub bot flow, end to end over HTTP', () => {
  it('link → consent (auto-approve) → callback → SQLite row → /user → revoked → re-auth needed → new link', async () => {
    const b = await botServer();
    try {
      // Not connected yet: the library says so and hands out a link.
      const before = await b.flow.getUser(bot, group);
      expect(before.status).toBe('not_connected');

      // Step 1: the link carries a signed state with group and bot.
      const link = b.flow.authLink(bot, group, { userId: 'glip-user-1' });
      const q = new URL(link).searchParams;
      expect(q.get('client_id')).toBe(CI_BOT.clientId);
      expect(q.get('scope')).toBe('read:user');
      expect(q.get('state')).toMatch(/^[\w-]+\.[\w-]+$/);

      // Step 2: consent (auto-approve) and the callback.
      const cb = await b.follow(link);
      expect(cb).toEqual({ status: 200, text: '<p id="result">Please close this page</p>' });

      // The row is in SQLite, as the doc's table has it.
      const row = b.store.db.prepare('SELECT * FROM services').all() as Record<string, unknown>[];
      expect(row).toHaveLength(1);
      expect(row[0]).toMatchObject({ name: 'GitHub', botId: 'bot-42', groupId: 'group-7', userId: 'glip-user-1' });
      const data = JSON.parse(String(row[0]!.data)) as { accessToken: string; scope: string };
      expect(data.accessToken).toMatch(/^gho_\w{36}$/);
      expect(data.scope).toBe('read:user');

      // Step 3: /user through the stored token.
      const me = await b.flow.getUser(bot, group);
      expect(me.status).toBe('ok');
      expect(me.status === 'ok' && me.data.login).toBe('octocat');

      // QA revokes the token through the admin API.
      expect(await (await admin('/oauth/tokens/revoke', { token: data.accessToken })).json()).toEqual({ revoked: 1 });

      // The library sees the 401, clears the token and asks for re-authorization with a new link.
      const after = await b.flow.getUser(bot, group);
      expect(after.status).toBe('reauth_needed');
      if (after.status !== 'reauth_needed') throw new Error('unreachable');
      expect(after.error.status).toBe(401);
      expect(after.error.code).toBe('Bad credentials');
      expect(new URL(after.link).searchParams.get('client_id')).toBe(CI_BOT.clientId);
      expect(b.flow.findService(bot, group)?.data.accessToken).toBeUndefined();
      expect((await b.flow.getUser(bot, group)).status).toBe('not_connected');

      // Following the new link reconnects the same row.
      expect((await b.follow(after.link)).status).toBe(200);
      const again = await b.flow.getUser(bot, group);
      expect(again.status).toBe('ok');
      expect(b.store.all()).toHaveLength(1);
      expect(b.store.all()[0]!.data.accessToken).not.toBe(data.accessToken);
    } finally {
      await b.close();
    }
  });

  it('the stored service survives a restart of the bot (the SQLite file reopened)', async () => {
    const first = await botServer();
    await first.follow(first.flow.authLink(bot, group));
    const file = first.file;
    await first.close();
    const second = await botServer(CI_BOT, file);
    try {
      const me = await second.flow.getUser(bot, group);
      expect(me.status).toBe('ok');
    } finally {
      await second.close();
    }
  });

  it('a forged or tampered state is rejected and stores nothing', async () => {
    const b = await botServer();
    try {
      const link = new URL(b.flow.authLink(bot, group));
      const [payload, mac] = link.searchParams.get('state')!.split('.');
      const forgedPayload = Buffer.from(JSON.stringify({ g: 'other-group', b: bot.id, t: Date.now() })).toString('base64url');
      for (const state of [`${forgedPayload}.${mac}`, `${payload}.AAAA`, 'group-7:bot-42']) {
        link.searchParams.set('state', state);
        const res = await b.follow(link.toString());
        expect(res.status).toBe(400);
        expect(res.text).toContain('(state)');
      }
      expect(b.store.all()).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it('an expired state is rejected', async () => {
    let t = Date.now();
    const store = new ServiceStore(':memory:');
    const client = createOAuthClient({ baseUrl: twin.url, clientId: CI_BOT.clientId, clientSecret: CI_BOT.clientSecret });
    const flow = createOAuthFlow({ client, store, stateSecret: 's', now: () => t, stateMaxAgeMs: 1000 });
    const state = new URL(flow.authLink(bot, group)).searchParams.get('state')!;
    t += 1001;
    expect(await flow.handleCallback({ code: 'x', state })).toMatchObject({ ok: false, reason: 'state', message: 'expired state' });
  });

  it('a failed exchange (GitHub’s HTTP-200 error) leaves the stored row untouched, in every reply format', async () => {
    for (const format of ['form', 'json', 'xml'] as const) {
      const b = await botServer(CI_BOT, undefined, format);
      try {
        await b.follow(b.flow.authLink(bot, group));
        const stored = b.flow.findService(bot, group)!;
        await admin('/oauth/failures', { step: 'exchange', error: 'bad_verification_code', times: 1, clientId: CI_BOT.clientId });
        const res = await b.follow(b.flow.authLink(bot, group));
        expect(res.status).toBe(400);
        expect(res.text).toContain('The code passed is incorrect or expired.');
        expect(b.flow.findService(bot, group)).toEqual(stored);
      } finally {
        await b.close();
      }
    }
  });

  it('a user who cancels (access_denied) is reported and nothing is stored', async () => {
    const b = await botServer();
    try {
      await admin('/oauth/failures', { step: 'authorize', error: 'access_denied', times: 1, clientId: CI_BOT.clientId });
      const res = await b.follow(b.flow.authLink(bot, group));
      expect(res.status).toBe(400);
      expect(res.text).toContain('(denied)');
      expect(b.store.all()).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it('expiring tokens: the row keeps the refresh token; after 8 hours /user needs re-authorization', async () => {
    const b = await botServer(GITHUB_APP);
    try {
      expect((await b.follow(b.flow.authLink(bot, group))).status).toBe(200);
      const data = b.flow.findService(bot, group)!.data;
      expect(data.accessToken).toMatch(/^ghu_/);
      expect(data.refreshToken).toMatch(/^ghr_/);
      expect(typeof data.expiresAt).toBe('string');
      await admin('/clock/advance', { seconds: 28_800 });
      expect((await b.flow.getUser(bot, group)).status).toBe('reauth_needed');
    } finally {
      await fetch(`${twin.url}/__admin/clock`, { method: 'DELETE' });
      await b.close();
    }
  });
});

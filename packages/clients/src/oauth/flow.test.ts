import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CI_BOT, GITHUB_APP, startOAuthMock } from '@doppel/mock-oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthClient, type OAuthClientOptions } from './client.ts';
import { createOAuthFlow, type OAuthFlowOptions } from './flow.ts';
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
async function botServer(
  app = CI_BOT,
  file = join(mkdtempSync(join(tmpdir(), 'doppel-bot-')), 'bot.sqlite'),
  format?: OAuthClientOptions['format'],
) {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const callback = `http://127.0.0.1:${(server.address() as AddressInfo).port}/github/oauth`;
  const store = new ServiceStore(file);
  const client = createOAuthClient({
    baseUrl: twin.url,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    redirectUri: callback,
    ...(format && { format }),
  });
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

/** A flow over a scripted GitHub (token and /user answers given), a store in memory and a settable clock. */
function scripted(answers: { token?: () => Response; user?: () => Response } = {}, options: Partial<OAuthFlowOptions> = {}) {
  let t = Date.parse('2026-01-01T00:00:00Z');
  const fetch = async (r: Request) =>
    r.url.endsWith('/user')
      ? (answers.user?.() ?? Response.json({ login: 'octocat' }))
      : (answers.token?.() ?? Response.json({ access_token: 'gho_1', scope: 'read:user', token_type: 'bearer' }));
  const client = createOAuthClient({ baseUrl: 'http://github.test', fetch, clientId: 'CID', clientSecret: 'S' });
  const store = new ServiceStore(':memory:', { now: () => new Date(t) });
  const flow = createOAuthFlow({ client, store, stateSecret: 'secret', now: () => t, ...options });
  const stateOf = (link: string) => new URL(link).searchParams.get('state')!;
  /** A state signed with the flow's secret over any payload. */
  const signed = (payload: string) => `${payload}.${createHmac('sha256', 'secret').update(payload).digest('base64url')}`;
  return { flow, store, stateOf, signed, advance: (ms: number) => (t += ms), now: () => t };
}

describe('the flow’s state', () => {
  it('is refused when missing, malformed, or carrying the wrong fields, even when signed', async () => {
    const { flow, signed } = scripted();
    const reason = async (state: string | undefined) => {
      const r = await flow.handleCallback({ code: 'c', state });
      return r.ok ? 'accepted' : r.message;
    };
    const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
    expect(await reason(undefined)).toBe('missing state');
    expect(await reason('')).toBe('missing state');
    expect(await reason('onlyone')).toBe('malformed state');
    expect(await reason('.mac')).toBe('malformed state');
    expect(await reason(`${signed(b64({ g: 'g', b: 'b', t: 1 }))}.extra`)).toBe('malformed state');
    expect(await reason(signed(b64('not json')))).toBe('malformed state');
    expect(await reason(signed(b64({ b: 'b', t: Date.now() })))).toBe('malformed state');
    expect(await reason(signed(b64({ g: 'g', t: Date.now() })))).toBe('malformed state');
    expect(await reason(signed(b64({ g: 'g', b: 'b', t: 'now' })))).toBe('malformed state');
    expect(await reason(`${b64({ g: 'g', b: 'b', t: 1 })}.short`)).toBe('forged state (bad signature)');
  });

  it('lives one hour by default, to the millisecond', async () => {
    const { flow, stateOf, advance } = scripted();
    const state = stateOf(flow.authLink(bot, group));
    advance(3_600_000);
    expect((await flow.handleCallback({ code: 'c', state })).ok).toBe(true);
    advance(1);
    expect(await flow.handleCallback({ code: 'c', state })).toMatchObject({ ok: false, reason: 'state', message: 'expired state' });
  });

  it('carries the user who asked, and the link the configured scope', async () => {
    const { flow, stateOf } = scripted({}, { scope: 'repo', serviceName: 'GitHub Enterprise' });
    const link = flow.authLink(bot, group, { userId: 'u-1', autoApprove: true });
    expect(new URL(link).searchParams.get('scope')).toBe('repo');
    expect(new URL(link).searchParams.get('doppel_auto_approve')).toBe('true');
    expect(new URL(flow.authLink(bot, group)).searchParams.has('doppel_auto_approve')).toBe(false);
    const done = await flow.handleCallback({ code: 'c', state: stateOf(link) });
    expect(done).toMatchObject({ ok: true, created: true, service: { name: 'GitHub Enterprise', userId: 'u-1' } });
  });
});

describe('the callback', () => {
  it('reports a denial with its description (or its code), and a missing code', async () => {
    const { flow, stateOf } = scripted();
    const state = stateOf(flow.authLink(bot, group));
    expect(await flow.handleCallback({ state, error: 'access_denied', error_description: 'The user denied it.' })).toEqual({
      ok: false,
      reason: 'denied',
      message: 'The user denied it.',
    });
    expect(await flow.handleCallback({ state, error: 'access_denied' })).toMatchObject({ reason: 'denied', message: 'access_denied' });
    expect(await flow.handleCallback({ state })).toEqual({ ok: false, reason: 'exchange', message: 'no code in the callback' });
  });

  it('updates the same row, keeping what else it held, and records when an expiring token expires', async () => {
    let expiring = false;
    const token = () =>
      Response.json(
        expiring
          ? { access_token: 'ghu_2', scope: '', token_type: 'bearer', expires_in: 28800, refresh_token: 'ghr_2' }
          : { access_token: 'gho_1', scope: 'read:user', token_type: 'bearer' },
      );
    const { flow, store, stateOf, now } = scripted({ token });
    const first = await flow.handleCallback({ code: 'c', state: stateOf(flow.authLink(bot, group, { userId: 'u' })) });
    expect(first).toMatchObject({ ok: true, created: true, service: { data: { accessToken: 'gho_1', scope: 'read:user' } } });
    if (!first.ok) throw new Error('unreachable');
    store.upsert({ name: 'GitHub', botId: bot.id, groupId: group.id, data: { ...first.service.data, note: 'kept' } });
    expiring = true;
    const second = await flow.handleCallback({ code: 'c', state: stateOf(flow.authLink(bot, group)) });
    expect(second).toMatchObject({ ok: true, created: false });
    expect(flow.findService(bot, group)).toMatchObject({
      userId: 'u',
      data: { accessToken: 'ghu_2', scope: '', refreshToken: 'ghr_2', note: 'kept', expiresAt: new Date(now() + 28_800_000).toISOString() },
    });
  });

  it('answers on its path only, and keeps markup out of the failure page', async () => {
    const { flow, stateOf } = scripted();
    const answer = async (url: string, path?: string) => {
      let status = 0;
      let body = '';
      const res = {
        writeHead: (s: number) => {
          status = s;
          return { end: (b: string) => (body = b) };
        },
      };
      await flow.callbackHandler(path)({ url } as IncomingMessage, res as unknown as ServerResponse);
      return [status, body];
    };
    const state = stateOf(flow.authLink(bot, group));
    expect(await answer(`/elsewhere?state=${state}`)).toEqual([404, 'Not Found']);
    expect(await answer('/cb?state=x', '/cb')).toEqual([400, '<p id="result">Authorization failed (state): malformed state</p>']);
    const denied = `/github/oauth?state=${state}&error=x&error_description=${encodeURIComponent('<script>&')}`;
    expect(await answer(denied)).toEqual([400, '<p id="result">Authorization failed (denied): script</p>']);
    expect(await answer(`/github/oauth?state=${state}&code=c`)).toEqual([200, '<p id="result">Please close this page</p>']);
  });
});

describe('calls through the stored token', () => {
  it('keep the token on a failure that is not a 401', async () => {
    const { flow, stateOf } = scripted({ user: () => new Response('down', { status: 502 }) });
    await flow.handleCallback({ code: 'c', state: stateOf(flow.authLink(bot, group)) });
    const r = await flow.getUser(bot, group);
    expect(r).toMatchObject({ status: 'error', error: { status: 502 } });
    expect(flow.findService(bot, group)?.data.accessToken).toBe('gho_1');
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_CORP_ID, defaultFixtures, OTHER_CORP_ID, SELF_BUILT_APP, SUITE } from '../fixtures.ts';
import { call, createApp, frozenClock, post, selfBuiltToken, suiteToken } from '../test-helpers.ts';

const CONNECTORS = '/v1.0/connector/assets/connectors?type=official';
const appPair = { appKey: SELF_BUILT_APP.appKey, appSecret: SELF_BUILT_APP.appSecret };
const suiteBody = { suiteKey: SUITE.suiteKey, suiteSecret: SUITE.suiteSecret, suiteTicket: SUITE.suiteTicket, authCorpId: DEFAULT_CORP_ID };

/** The twin with a 60 s token life, on a clock that only moves when told. */
const shortLived = () => createApp({ fixtures: { ...defaultFixtures(), tokenTtlSeconds: 60 }, clock: frozenClock() });

describe('self-built app tokens', () => {
  it('issues a token living tokenTtlSeconds for the right pair, and the token opens the connector API', async () => {
    const { app } = createApp();
    const res = await app.request('/v1.0/oauth2/accessToken', post(appPair));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accessToken: string; expireIn: number };
    expect(body.expireIn).toBe(7200);
    expect(body.accessToken).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.get('x-acs-request-id')).toBeTruthy();
    expect((await call(app, body.accessToken, CONNECTORS)).status).toBe(200);
  });

  it('lives exactly tokenTtlSeconds', async () => {
    const { app, twin } = shortLived();
    const res = await app.request('/v1.0/oauth2/accessToken', post(appPair));
    const { accessToken, expireIn } = (await res.json()) as { accessToken: string; expireIn: number };
    expect(expireIn).toBe(60);
    twin.clock.advance(59_999);
    expect((await call(app, accessToken, CONNECTORS)).status).toBe(200);
    twin.clock.advance(1);
    expect((await call(app, accessToken, CONNECTORS)).status).toBe(400);
  });

  it('returns the same token while it is valid and extends its life; a new one once it has expired', async () => {
    const { app, twin } = shortLived();
    const first = await selfBuiltToken(app);
    twin.clock.advance(50_000);
    expect(await selfBuiltToken(app)).toBe(first);
    twin.clock.advance(50_000); // 100 s after the first issue, 50 s after the renewal
    expect((await call(app, first, CONNECTORS)).status).toBe(200);
    twin.clock.advance(10_000); // exactly 60 s after the renewal: expired
    const next = await selfBuiltToken(app);
    expect(next).not.toBe(first);
    expect((await call(app, next, CONNECTORS)).status).toBe(200);
    // The expired token was swept when the new one was issued: only the live one is kept.
    expect(twin.state.tokens.size).toBe(1);
    expect(twin.state.tokens.has(first)).toBe(false);
  });

  it('refuses a wrong secret or an unknown key with invalidClientIdOrSecret', async () => {
    const { app } = createApp();
    for (const body of [
      { appKey: SELF_BUILT_APP.appKey, appSecret: 'wrong' },
      { appKey: 'nobody', appSecret: SELF_BUILT_APP.appSecret },
    ]) {
      const res = await app.request('/v1.0/oauth2/accessToken', post(body));
      expect(res.status).toBe(400);
      const err = (await res.json()) as { code: string; message: string; requestid: string };
      expect(err).toEqual({
        code: 'invalidClientIdOrSecret',
        message: '无效的clientId或者clientSecret',
        requestid: res.headers.get('x-acs-request-id'),
      });
    }
  });

  it('reads only a JSON body: a form or text with the right fields is Missingbody; any JSON content type is fine', async () => {
    const { app } = createApp();
    for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
      const res = await app.request('/v1.0/oauth2/accessToken', {
        method: 'POST',
        headers: { 'content-type': type },
        body: type.includes('form') ? new URLSearchParams(appPair).toString() : JSON.stringify(appPair),
      });
      expect(res.status, type).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'Missingbody', message: 'body is mandatory for this action.' });
    }
    const untyped = await app.request('/v1.0/oauth2/accessToken', { method: 'POST', body: JSON.stringify(appPair) });
    expect(await untyped.json()).toMatchObject({ code: 'Missingbody' });
    for (const type of ['application/json; charset=utf-8', 'APPLICATION/JSON']) {
      const res = await app.request('/v1.0/oauth2/accessToken', {
        method: 'POST',
        headers: { 'content-type': type },
        body: JSON.stringify(appPair),
      });
      expect(res.status, type).toBe(200);
    }
  });

  it('serves the legacy /gettoken with the same live token, and errors as HTTP 200 errcode 40089', async () => {
    const { app } = shortLived();
    const ok = await app.request(`/gettoken?appkey=${SELF_BUILT_APP.appKey}&appsecret=${SELF_BUILT_APP.appSecret}`);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { errcode: number; errmsg: string; access_token: string; expires_in: number };
    expect(body).toMatchObject({ errcode: 0, errmsg: 'ok', expires_in: 60 });
    expect(ok.headers.get('x-acs-trace-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(body.access_token).toBe(await selfBuiltToken(app));
    for (const q of [`appkey=${SELF_BUILT_APP.appKey}&appsecret=nope`, `appkey=nobody&appsecret=${SELF_BUILT_APP.appSecret}`]) {
      const bad = await app.request(`/gettoken?${q}`);
      expect(bad.status).toBe(200);
      expect(await bad.json()).toEqual({ errcode: 40089, errmsg: '不合法的corpId或corpSecret' });
    }
  });
});

describe('suite tokens', () => {
  it('issues a new token on each call for an organisation that installed the suite', async () => {
    const { app } = createApp();
    const a = await suiteToken(app);
    const b = await suiteToken(app);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
    expect((await call(app, a, CONNECTORS)).status).toBe(200);
    expect((await call(app, b, CONNECTORS)).status).toBe(200);
  });

  it('lives exactly tokenTtlSeconds, in the organisation it was asked for', async () => {
    const { app, twin } = shortLived();
    const res = await app.request('/v1.0/oauth2/corpAccessToken', post(suiteBody));
    const { accessToken, expireIn } = (await res.json()) as { accessToken: string; expireIn: number };
    expect(expireIn).toBe(60);
    expect(res.headers.get('x-acs-request-id')).toBeTruthy();
    expect(twin.state.tokens.get(accessToken)).toMatchObject({ corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey, kind: 'suite' });
    twin.clock.advance(59_999);
    expect((await call(app, accessToken, CONNECTORS)).status).toBe(200);
    twin.clock.advance(1);
    expect((await call(app, accessToken, CONNECTORS)).status).toBe(400);
  });

  it.each([
    ['a wrong suiteSecret', { suiteSecret: 'x' }, 'invalidSuiteKey', 'suitekey不合法'],
    ['an unknown suiteKey', { suiteKey: 'x' }, 'invalidSuiteKey', 'suitekey不合法'],
    ['a wrong suiteTicket', { suiteTicket: 'x' }, 'invalidSuiteTicket', 'suiteTicket无效'],
    ['an organisation without the suite', { authCorpId: OTHER_CORP_ID }, 'invalidAuthInfo', '授权关系不存在'],
  ])('refuses %s', async (_label, patch, code, message) => {
    const { app } = createApp();
    const res = await app.request('/v1.0/oauth2/corpAccessToken', post({ ...suiteBody, ...patch }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code, message });
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_CORP_ID, OTHER_CORP_ID, SELF_BUILT_APP, SUITE } from './fixtures.ts';
import { call, createApp, post, selfBuiltToken, suiteToken } from './test-helpers.ts';

const CONNECTORS = '/v1.0/connector/assets/connectors?type=official';

describe('self-built app tokens', () => {
  it('issues a 7200 s token for the right pair, and the token opens the connector API', async () => {
    const { app } = createApp();
    const res = await app.request('/v1.0/oauth2/accessToken', post({ appKey: SELF_BUILT_APP.appKey, appSecret: SELF_BUILT_APP.appSecret }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accessToken: string; expireIn: number };
    expect(body.expireIn).toBe(7200);
    expect(body.accessToken).toMatch(/^[0-9a-f]{32}$/);
    expect((await call(app, body.accessToken, CONNECTORS)).status).toBe(200);
  });

  it('returns the same token while it is valid and extends its life', async () => {
    const { app, twin } = createApp();
    const first = await selfBuiltToken(app);
    twin.clock.advance(7000 * 1000);
    expect(await selfBuiltToken(app)).toBe(first);
    twin.clock.advance(7000 * 1000); // 14000 s after the first issue, 7000 s after the renewal
    expect((await call(app, first, CONNECTORS)).status).toBe(200);
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
      expect(err).toMatchObject({ code: 'invalidClientIdOrSecret', message: '无效的clientId或者clientSecret' });
      expect(err.requestid).toBe(res.headers.get('x-acs-request-id'));
    }
  });

  it('answers a non-JSON or absent body with Missingbody, and a missing field with Missing<field>', async () => {
    const { app } = createApp();
    const form = await app.request('/v1.0/oauth2/accessToken', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'appKey=x&appSecret=y',
    });
    expect(form.status).toBe(400);
    expect(await form.json()).toMatchObject({ code: 'Missingbody', message: 'body is mandatory for this action.' });
    const none = await app.request('/v1.0/oauth2/accessToken', { method: 'POST' });
    expect(await none.json()).toMatchObject({ code: 'Missingbody' });
    const array = await app.request('/v1.0/oauth2/accessToken', post([1, 2]));
    expect(await array.json()).toMatchObject({ code: 'Missingbody' });
    const wrongType = await app.request('/v1.0/oauth2/accessToken', post({ appKey: 5, appSecret: 'x' }));
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ code: 'InvalidappKey' });
    const missing = await app.request('/v1.0/oauth2/accessToken', post({ appKey: SELF_BUILT_APP.appKey }));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: 'MissingappSecret', message: 'appSecret is mandatory for this action.' });
  });

  it('serves the legacy /gettoken, with errors as HTTP 200 errcode 40089', async () => {
    const { app } = createApp();
    const ok = await app.request(`/gettoken?appkey=${SELF_BUILT_APP.appKey}&appsecret=${SELF_BUILT_APP.appSecret}`);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { errcode: number; errmsg: string; access_token: string; expires_in: number };
    expect(body).toMatchObject({ errcode: 0, errmsg: 'ok', expires_in: 7200 });
    expect(body.access_token).toBe(await selfBuiltToken(app));
    const bad = await app.request(`/gettoken?appkey=${SELF_BUILT_APP.appKey}&appsecret=nope`);
    expect(bad.status).toBe(200);
    expect(await bad.json()).toEqual({ errcode: 40089, errmsg: '不合法的corpId或corpSecret' });
    const missing = await app.request('/gettoken?appkey=x');
    expect(missing.status).toBe(200);
    expect(((await missing.json()) as { errcode: number }).errcode).toBe(40089);
  });
});

describe('suite tokens', () => {
  const good = { suiteKey: SUITE.suiteKey, suiteSecret: SUITE.suiteSecret, suiteTicket: SUITE.suiteTicket, authCorpId: DEFAULT_CORP_ID };

  it('issues a new token on each call for an organisation that installed the suite', async () => {
    const { app } = createApp();
    const a = await suiteToken(app);
    const b = await suiteToken(app);
    expect(a).not.toBe(b);
    expect((await call(app, a, CONNECTORS)).status).toBe(200);
    expect((await call(app, b, CONNECTORS)).status).toBe(200);
  });

  it.each([
    ['a wrong suiteSecret', { suiteSecret: 'x' }, 'invalidSuiteKey', 'suitekey不合法'],
    ['an unknown suiteKey', { suiteKey: 'x' }, 'invalidSuiteKey', 'suitekey不合法'],
    ['a wrong suiteTicket', { suiteTicket: 'x' }, 'invalidSuiteTicket', 'suiteTicket无效'],
    ['an organisation without the suite', { authCorpId: OTHER_CORP_ID }, 'invalidAuthInfo', '授权关系不存在'],
  ])('refuses %s', async (_label, patch, code, message) => {
    const { app } = createApp();
    const res = await app.request('/v1.0/oauth2/corpAccessToken', post({ ...good, ...patch }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code, message });
  });
});

describe('the access token header', () => {
  it('is required, must be known and must be live; the refusal is 400 InvalidAuthentication with x-acs headers', async () => {
    const { app, twin } = createApp();
    const token = await selfBuiltToken(app);
    const missing = await app.request(CONNECTORS);
    const unknown = await call(app, 'not-a-token', CONNECTORS);
    twin.clock.advance(7200 * 1000);
    const expired = await call(app, token, CONNECTORS);
    for (const res of [missing, unknown, expired]) {
      expect(res.status).toBe(400);
      const body = (await res.json()) as { code: string; message: string; requestid: string };
      expect(body).toMatchObject({ code: 'InvalidAuthentication', message: '不合法的access_token' });
      expect(body.requestid).toBe(res.headers.get('x-acs-request-id'));
      expect(res.headers.get('x-acs-trace-id')).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('expires through the admin clock too (one admin call)', async () => {
    const { app } = createApp();
    const token = await suiteToken(app);
    await app.request('/__admin/clock/advance', post({ seconds: 7201 }));
    expect((await call(app, token, CONNECTORS)).status).toBe(400);
  });

  it('gives every response its own request id', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const a = await call(app, token, CONNECTORS);
    const b = await call(app, token, CONNECTORS);
    expect(a.headers.get('x-acs-request-id')).toBeTruthy();
    expect(a.headers.get('x-acs-request-id')).not.toBe(b.headers.get('x-acs-request-id'));
  });
});

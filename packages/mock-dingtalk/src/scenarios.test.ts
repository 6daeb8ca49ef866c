import { ADMIN_SPEC, drift, loadSpec } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import { DINGTALK_SPEC } from './definition.ts';
import { connectAssetUri, DEFAULT_CORP_ID, defaultFixtures, IDS, OTHER_CORP_ID, SELF_BUILT_APP, SUITE } from './fixtures.ts';
import { startDingTalkMock } from './server.ts';
import { STATE_INSTANCE_KEY, STATE_TOKENS } from './states.ts';
import { auth, call, createApp, post, selfBuiltToken, suiteToken } from './test-helpers.ts';

const CUSTOMER = connectAssetUri(DEFAULT_CORP_ID, IDS.createCustomer);
const invokeBody = { connectAssetUri: CUSTOMER, instanceKey: STATE_INSTANCE_KEY, inputJsonString: '{"name":"a","mobile":"13800000000"}' };

describe('the spec', () => {
  it('matches what the twin serves (no drift)', () => {
    const { app } = createApp();
    expect(drift(app, [loadSpec(DINGTALK_SPEC), loadSpec(ADMIN_SPEC)])).toEqual({ unserved: [], undocumented: [] });
  });

  it('answers unknown paths and methods in the gateway shape, never 500', async () => {
    const { app } = createApp();
    const res = await app.request('/v1.0/connector/nowhere');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'InvalidAction.NotFound' });
    const token = await selfBuiltToken(app);
    for (const bad of ['[1,2]', 'null', '"text"', '{"connectAssetUri":5,"instanceKey":{}}']) {
      const r = await app.request('/v1.0/connector/instances/invoke', {
        method: 'POST',
        headers: { ...auth(token), 'content-type': 'application/json' },
        body: bad,
      });
      expect(r.status, bad).toBe(400);
      expect(await r.json()).toMatchObject({ code: '4001' });
    }
  });
});

describe('default fixtures (documented in the README)', () => {
  const f = defaultFixtures();

  it('have the fixed credentials, with the suite installed in dingdoppelcorp', () => {
    expect(f.orgs[0]!.corpId).toBe('dingdoppelcorp');
    expect(f.apps[0]).toMatchObject({ appKey: 'dingdoppelselfbuilt', appSecret: 'doppel-self-built-secret', corpId: 'dingdoppelcorp' });
    expect(f.suites[0]).toMatchObject({
      suiteKey: 'suitedoppelthirdparty',
      suiteSecret: 'doppel-suite-secret',
      suiteTicket: 'doppel-suite-ticket',
      installedCorpIds: ['dingdoppelcorp'],
    });
  });

  it('have a connector of each type with two or more actions, and more connectors of one type than a default page', () => {
    for (const type of ['self_built', 'third_party', 'official'] as const) {
      const rich = f.connectors.filter((c) => c.type === type && f.actions.filter((a) => a.connectorId === c.id).length >= 2);
      expect(rich.length, type).toBeGreaterThan(0);
    }
    expect(f.connectors.filter((c) => c.type === 'official').length).toBeGreaterThan(f.defaultPageSize);
  });

  it('leave exactly one in-scope action the suite is not authorized for', async () => {
    const { app } = createApp();
    const token = await suiteToken(app);
    const unauthorized: string[] = [];
    for (const type of ['self_built', 'third_party', 'official']) {
      const page = (await (await call(app, token, `/v1.0/connector/assets/connectors?type=${type}&maxResults=100`)).json()) as {
        list: { id: string; providerCorpId: string }[];
      };
      for (const c of page.list) {
        const actions = (await (
          await call(app, token, '/v1.0/connector/assets/actions/search', { connectorId: c.id, connectorProviderCorpId: c.providerCorpId })
        ).json()) as { list: { id: string; authorized: boolean }[] };
        unauthorized.push(...actions.list.filter((a) => !a.authorized).map((a) => a.id));
      }
    }
    expect(unauthorized).toEqual([IDS.createOrder]);
  });
});

describe('named states', () => {
  it('"tokens issued, instance created" gives known tokens and an instance ready to invoke', async () => {
    const { app } = createApp();
    expect((await app.request('/__admin/states/tokens%20issued%2C%20instance%20created', { method: 'POST' })).status).toBe(200);
    const res = await call(app, STATE_TOKENS.selfBuilt, '/v1.0/connector/instances/invoke', invokeBody);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ errorCode: '0' });
  });

  it('"suite not installed" makes corpAccessToken fail with invalidAuthInfo; reset restores it', async () => {
    const { app } = createApp();
    await app.request('/__admin/states/suite%20not%20installed', { method: 'POST' });
    const body = { suiteKey: SUITE.suiteKey, suiteSecret: SUITE.suiteSecret, suiteTicket: SUITE.suiteTicket, authCorpId: DEFAULT_CORP_ID };
    expect(await (await app.request('/v1.0/oauth2/corpAccessToken', post(body))).json()).toMatchObject({ code: 'invalidAuthInfo' });
    await app.request('/__admin/reset', { method: 'POST' });
    expect((await app.request('/v1.0/oauth2/corpAccessToken', post(body))).status).toBe(200);
  });

  it('"suite without grants" makes every suite asset unauthorized', async () => {
    const { app } = createApp();
    await app.request('/__admin/states/suite%20without%20grants', { method: 'POST' });
    const token = await suiteToken(app);
    const res = await call(app, token, '/v1.0/connector/instances', { connectAssetUri: CUSTOMER, instanceKey: 'x' });
    expect(res.status).toBe(403);
  });
});

describe('scenarios: every error with one header or one admin call', () => {
  it.each([
    ['4001', 400],
    ['4003', 403],
    ['4004', 404],
    ['InvalidAuthentication', 400],
    ['AccessTokenPermissionDenied', 403],
    ['Throttling', 429],
  ])('x-doppel-scenario: %s forces it in the gateway body', async (name, status) => {
    const { app } = createApp();
    await app.request('/__admin/states/tokens%20issued%2C%20instance%20created', { method: 'POST' });
    const res = await app.request('/v1.0/connector/instances/invoke', {
      ...post(invokeBody, { ...auth(STATE_TOKENS.selfBuilt), 'x-doppel-scenario': name }),
    });
    expect(res.status).toBe(status);
    const body = (await res.json()) as { code: string; requestid: string; message: string };
    const catalogue = (await (await app.request('/__admin/scenarios')).json()) as { scenarios: { name: string; body: { code: string } }[] };
    expect(body.code).toBe(catalogue.scenarios.find((s) => s.name === name)!.body.code);
    expect(body.code).not.toBe('');
    expect(body.requestid).toBe(res.headers.get('x-acs-request-id'));
  });

  it('forces a business failure (HTTP 200, non-zero errorCode) with actionFailed', async () => {
    const { app } = createApp();
    await app.request('/__admin/states/tokens%20issued%2C%20instance%20created', { method: 'POST' });
    const res = await app.request('/v1.0/connector/instances/invoke', post(invokeBody, { ...auth(STATE_TOKENS.selfBuilt), 'x-doppel-scenario': 'actionFailed' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { errorCode: string };
    expect(body.errorCode).not.toBe('0');
  });

  it('forces token errors: legacy 40089 stays HTTP 200', async () => {
    const { app } = createApp();
    const res = await app.request(`/gettoken?appkey=${SELF_BUILT_APP.appKey}&appsecret=${SELF_BUILT_APP.appSecret}`, { headers: { 'x-doppel-scenario': 'legacy40089' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ errcode: 40089, errmsg: '不合法的corpId或corpSecret' });
  });

  it('a rule scoped to the calling corp forces 4003 for that organisation only, N times', async () => {
    const { app } = createApp();
    await app.request('/__admin/states/tokens%20issued%2C%20instance%20created', { method: 'POST' });
    const rule = await app.request('/__admin/scenarios/rules', post({ scenario: '4003', tenant: DEFAULT_CORP_ID, match: { path: '/v1.0/connector/instances/invoke' }, times: 1 }));
    expect(rule.status).toBe(201);
    const first = await call(app, STATE_TOKENS.selfBuilt, '/v1.0/connector/instances/invoke', invokeBody);
    expect(first.status).toBe(403);
    expect(await first.json()).toMatchObject({ code: '4003' });
    expect((await call(app, STATE_TOKENS.selfBuilt, '/v1.0/connector/instances/invoke', invokeBody)).status).toBe(200);

    await app.request('/__admin/scenarios/rules', post({ scenario: '4004', tenant: OTHER_CORP_ID }));
    expect((await call(app, STATE_TOKENS.selfBuilt, '/v1.0/connector/instances/invoke', invokeBody)).status).toBe(200);
  });

  it('lists the catalogue with the exact status and body', async () => {
    const { app } = createApp();
    const { scenarios } = (await (await app.request('/__admin/scenarios')).json()) as { scenarios: { name: string; status: number }[] };
    expect(scenarios.map((s) => s.name)).toEqual(expect.arrayContaining(['4001', '4003', '4004', 'InvalidAuthentication', 'invalidSuiteTicket', 'actionFailed']));
  });
});

describe('over HTTP', () => {
  it('starts on a free port; authorityUrl points at the twin itself', async () => {
    const running = await startDingTalkMock({ port: 0 });
    try {
      const tokenRes = await fetch(`${running.url}/v1.0/oauth2/accessToken`, post({ appKey: SELF_BUILT_APP.appKey, appSecret: SELF_BUILT_APP.appSecret }));
      const { accessToken } = (await tokenRes.json()) as { accessToken: string };
      const search = await fetch(`${running.url}/v1.0/connector/assets/actions/search`, post({ connectorId: IDS.crm, connectorProviderCorpId: DEFAULT_CORP_ID }, auth(accessToken)));
      const { list } = (await search.json()) as { list: { authorityUrl: string }[] };
      expect(list[0]!.authorityUrl.startsWith(`${running.url}/connect/authority?`)).toBe(true);
      expect((await fetch(list[0]!.authorityUrl)).status).toBe(200);
    } finally {
      await running.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_CORP_ID, IDS, OTHER_CORP_ID, SELF_BUILT_APP, SUITE } from './fixtures.ts';
import { call, createApp, frozenClock, post, selfBuiltToken, suiteToken } from './test-helpers.ts';

const CONNECTORS = '/v1.0/connector/assets/connectors?type=official';

describe('the access token header', () => {
  it('is required, must be known and must be live; the refusal is 400 InvalidAuthentication with x-acs headers', async () => {
    const { app, twin } = createApp({ clock: frozenClock() });
    const token = await selfBuiltToken(app);
    const missing = await app.request(CONNECTORS);
    const empty = await call(app, '', CONNECTORS);
    const unknown = await call(app, 'not-a-token', CONNECTORS);
    twin.clock.advance(7200 * 1000 - 1);
    expect((await call(app, token, CONNECTORS)).status).toBe(200);
    twin.clock.advance(1);
    const expired = await call(app, token, CONNECTORS);
    for (const res of [missing, empty, unknown, expired]) {
      expect(res.status).toBe(400);
      const body = (await res.json()) as { code: string; message: string; requestid: string };
      expect(body).toEqual({
        code: 'InvalidAuthentication',
        message: '不合法的access_token',
        requestid: res.headers.get('x-acs-request-id'),
      });
      expect(res.headers.get('x-acs-trace-id')).toMatch(/^[0-9a-f]{32}$/);
    }
    const notes = twin.journal.find({ path: '/v1.0/connector/assets/connectors' }).map((e) => e.notes?.auth);
    expect(notes).toEqual([
      'no x-acs-dingtalk-access-token header',
      'no x-acs-dingtalk-access-token header',
      'unknown or expired token',
      undefined,
      'unknown or expired token',
    ]);
  });

  it('expires through the admin clock too (one admin call)', async () => {
    const { app } = createApp();
    const token = await suiteToken(app);
    await app.request('/__admin/clock/advance', post({ seconds: 7201 }));
    expect((await call(app, token, CONNECTORS)).status).toBe(400);
  });

  it('names the caller in the journal: organisation, client and kind', async () => {
    const { app, twin } = createApp();
    await call(app, await selfBuiltToken(app), CONNECTORS);
    await call(app, await suiteToken(app), CONNECTORS);
    const callers = twin.journal.find({ path: '/v1.0/connector/assets/connectors' }).map((e) => e.notes?.caller);
    expect(callers).toEqual([
      { corpId: DEFAULT_CORP_ID, clientId: SELF_BUILT_APP.appKey, kind: 'self_built' },
      { corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey, kind: 'suite' },
    ]);
    // The token calls are anonymous: no caller.
    expect(twin.journal.find({ path: '/v1.0/oauth2/*' }).map((e) => e.notes?.caller)).toEqual([undefined, undefined]);
  });
});

describe('the tenant of a request (the calling organisation, for scoped scenario rules)', () => {
  const form = (fields: Record<string, string>, query = '') =>
    [
      `/connect/authority${query}`,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() },
    ] as const;

  it('is the token’s organisation for connector calls, and none for an unknown token', async () => {
    const { app, twin } = createApp();
    await call(app, await suiteToken(app), CONNECTORS);
    await call(app, 'unknown', CONNECTORS);
    await app.request('/v1.0/connector/nowhere');
    expect(
      twin.journal
        .all()
        .slice(1)
        .map((e) => e.tenant),
    ).toEqual([DEFAULT_CORP_ID, undefined, undefined]);
  });

  it('is the app’s organisation for accessToken and gettoken, authCorpId for corpAccessToken', async () => {
    const { app, twin } = createApp();
    await app.request('/v1.0/oauth2/accessToken', post({ appKey: SELF_BUILT_APP.appKey, appSecret: 'wrong' }));
    await app.request('/v1.0/oauth2/accessToken', post({ appKey: 'nobody', appSecret: 'x' }));
    await app.request(
      '/v1.0/oauth2/corpAccessToken',
      post({ suiteKey: 'x', suiteSecret: 'x', suiteTicket: 'x', authCorpId: OTHER_CORP_ID }),
    );
    await app.request('/v1.0/oauth2/corpAccessToken', post({ suiteKey: 'x', suiteSecret: 'x', suiteTicket: 'x', authCorpId: 5 }));
    await app.request(`/gettoken?appkey=${SELF_BUILT_APP.appKey}&appsecret=x`);
    await app.request('/gettoken?appkey=nobody&appsecret=x');
    await app.request('/v1.0/oauth2/accessToken', { method: 'POST' });
    expect(twin.journal.all().map((e) => e.tenant)).toEqual([
      DEFAULT_CORP_ID,
      undefined,
      OTHER_CORP_ID,
      undefined,
      DEFAULT_CORP_ID,
      undefined,
      undefined,
    ]);
  });

  it('is the corpId of the authority page (query first, then the form)', async () => {
    const { app, twin } = createApp();
    const fields = { corpId: OTHER_CORP_ID, clientId: SUITE.suiteKey, connectAssetUri: 'dca://x', decision: 'grant' };
    await app.request(`/connect/authority?corpId=${DEFAULT_CORP_ID}&clientId=x&connectAssetUri=y`);
    await app.request(...form(fields));
    await app.request(...form(fields, `?corpId=${DEFAULT_CORP_ID}`));
    await app.request(...form({ clientId: 'x' }));
    await app.request('/connect/authority', post({ corpId: 5 }));
    expect(twin.journal.all().map((e) => e.tenant)).toEqual([DEFAULT_CORP_ID, OTHER_CORP_ID, DEFAULT_CORP_ID, undefined, undefined]);
  });

  it('scopes a scenario rule to one organisation, N times', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const rule = await app.request(
      '/__admin/scenarios/rules',
      post({ scenario: '4003', tenant: DEFAULT_CORP_ID, match: { path: '/v1.0/connector/assets/*' }, times: 1 }),
    );
    expect(rule.status).toBe(201);
    const first = await call(app, token, CONNECTORS);
    expect(first.status).toBe(403);
    expect(await first.json()).toMatchObject({ code: '4003' });
    expect((await call(app, token, CONNECTORS)).status).toBe(200);
    await app.request('/__admin/scenarios/rules', post({ scenario: '4004', tenant: OTHER_CORP_ID }));
    expect((await call(app, token, `/v1.0/connector/assets/actions/details/query?connectAssetUri=${IDS.crm}`)).status).toBe(404);
    expect((await call(app, token, CONNECTORS)).status).toBe(200);
  });
});

describe('the callers of a request (the app and the organisation, for scoped rules and the journal)', () => {
  const INVOKE = '/v1.0/connector/instances/invoke';
  const todo = (twin: ReturnType<typeof createApp>['twin']) => [...twin.state.assetByUri.keys()].find((u) => u.endsWith(IDS.createTodo))!;

  it('names the app and its organisation for token calls, connector calls and the authority page', async () => {
    const { app, twin } = createApp();
    await selfBuiltToken(app);
    const token = await suiteToken(app);
    await call(app, token, CONNECTORS);
    await app.request(`/gettoken?appkey=${SELF_BUILT_APP.appKey}&appsecret=x`);
    await app.request(`/connect/authority?corpId=${OTHER_CORP_ID}&clientId=${SUITE.suiteKey}&connectAssetUri=y`);
    await call(app, 'unknown', CONNECTORS);
    expect(twin.journal.all().map((e) => e.callers)).toEqual([
      { app: SELF_BUILT_APP.appKey, org: DEFAULT_CORP_ID },
      { app: SUITE.suiteKey, org: DEFAULT_CORP_ID },
      { app: SUITE.suiteKey, org: DEFAULT_CORP_ID },
      { app: SELF_BUILT_APP.appKey, org: DEFAULT_CORP_ID },
      { app: SUITE.suiteKey, org: OTHER_CORP_ID },
      undefined,
    ]);
    expect(twin.journal.find({ caller: `app:${SUITE.suiteKey}` })).toHaveLength(3);
  });

  it('fails the next invoke with 4003 for app dingdoppelselfbuilt only: the suite’s invoke in the same organisation succeeds', async () => {
    const { app, twin } = createApp();
    const selfBuilt = await selfBuiltToken(app);
    const suite = await suiteToken(app);
    const uri = todo(twin);
    const input = { subject: '复现 4003', executorIds: ['u1'] };
    for (const token of [selfBuilt, suite])
      expect((await call(app, token, '/v1.0/connector/instances', { connectAssetUri: uri, instanceKey: 'k' })).status).toBe(200);
    const added = await app.request(
      '/__admin/scenarios/rules',
      post({ scenario: '4003', match: { path: INVOKE }, caller: { app: SELF_BUILT_APP.appKey }, times: 1 }),
    );
    expect(added.status).toBe(201);
    const invoke = (token: string) =>
      call(app, token, INVOKE, { connectAssetUri: uri, instanceKey: 'k', inputJsonString: JSON.stringify(input) });
    expect((await invoke(suite)).status).toBe(200);
    const refused = await invoke(selfBuilt);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: '4003' });
    expect((await invoke(selfBuilt)).status).toBe(200);
    expect(twin.journal.find({ path: INVOKE }).map((e) => [e.callers?.app, e.status, e.rule ?? null, e.ruleSummary ?? null])).toEqual([
      [SUITE.suiteKey, 200, null, null],
      [SELF_BUILT_APP.appKey, 403, 'rule-1', `4003 on ${INVOKE} for app ${SELF_BUILT_APP.appKey}, once`],
      [SELF_BUILT_APP.appKey, 200, null, null],
    ]);
  });

  it('names only what a token request carries: an unknown appKey alone, a corpId alone, nothing for empty or missing keys', async () => {
    const { app, twin } = createApp();
    await app.request('/v1.0/oauth2/accessToken', post({ appKey: 'dingnosuchapp', appSecret: 'x' }));
    await app.request('/gettoken?appkey=dingnosuchapp&appsecret=x');
    await app.request('/v1.0/oauth2/corpAccessToken', post({ suiteSecret: 'x', suiteTicket: 'x', authCorpId: OTHER_CORP_ID }));
    await app.request('/v1.0/oauth2/accessToken', post({ appKey: '', appSecret: 'x' }));
    await app.request('/v1.0/oauth2/accessToken', post({ appSecret: 'x' }));
    await app.request('/gettoken?appsecret=x');
    expect(twin.journal.all().map((e) => e.callers)).toEqual([
      { app: 'dingnosuchapp' },
      { app: 'dingnosuchapp' },
      { org: OTHER_CORP_ID },
      undefined,
      undefined,
      undefined,
    ]);
    expect(twin.journal.all().map((e) => e.callers && Object.keys(e.callers))).toEqual([
      ['app'],
      ['app'],
      ['org'],
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('scopes a rule to an organisation the fixtures know, refusing one they do not know and listing the known ones', async () => {
    const { app } = createApp();
    expect((await app.request('/__admin/scenarios/rules', post({ scenario: '4003', caller: { org: DEFAULT_CORP_ID } }))).status).toBe(201);
    const res = await app.request('/__admin/scenarios/rules', post({ scenario: '4003', caller: { org: 'dingnosuchcorp' } }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { known: { kind: string; id: string }[] } } };
    expect(body.error.code).toBe('unknown_caller');
    expect(body.error.details.known).toContainEqual(expect.objectContaining({ kind: 'org', id: DEFAULT_CORP_ID }));
  });

  it('refuses a rule for an app the fixtures do not know, listing the known apps', async () => {
    const { app } = createApp();
    const res = await app.request('/__admin/scenarios/rules', post({ scenario: '4003', caller: { app: 'dingnosuchapp' } }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; details: { known: { id: string }[] } } };
    expect(body.error.code).toBe('unknown_caller');
    expect(body.error.message).toContain(SELF_BUILT_APP.appKey);
    expect(body.error.details.known.map((k) => k.id)).toEqual(expect.arrayContaining([SELF_BUILT_APP.appKey, SUITE.suiteKey]));
  });
});

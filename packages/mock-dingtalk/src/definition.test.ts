import { ADMIN_SPEC, drift, loadSpec } from '@doppel/mock-kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DINGTALK_SPEC, dingtalkTwin } from './definition.ts';
import { connectAssetUri, DEFAULT_CORP_ID, defaultFixtures, IDS, ORG_ADMIN, OTHER_ORG_ADMIN, SELF_BUILT_APP, SUITE } from './fixtures.ts';
import { dingtalkStates } from './states.ts';
import { auth, call, createApp, post, selfBuiltToken } from './test-helpers.ts';

interface GatewayBody {
  code: string;
  requestid: string;
  message: string;
}

afterEach(() => vi.restoreAllMocks());

describe('the spec', () => {
  it('matches what the twin serves (no drift)', () => {
    const { app } = createApp();
    expect(drift(app, [loadSpec(DINGTALK_SPEC), loadSpec(ADMIN_SPEC)])).toEqual({ unserved: [], undocumented: [] });
  });

  it('refuses a body over bodyLimit with 413 PayloadTooLarge in the gateway shape, naming the limit', async () => {
    const { app } = createApp({ bodyLimit: 64 });
    const res = await app.request('/v1.0/oauth2/accessToken', post({ appKey: SELF_BUILT_APP.appKey, appSecret: 'x'.repeat(200) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      code: 'PayloadTooLarge',
      message: '请求体过大: 超过 64 字节',
      requestid: res.headers.get('x-acs-request-id'),
    });
  });

  it('answers unknown paths and methods with 404 InvalidAction.NotFound in the gateway shape', async () => {
    const { app, twin } = createApp();
    for (const [method, path] of [
      ['GET', '/v1.0/connector/nowhere'],
      ['PUT', '/v1.0/connector/instances'],
      ['GET', '/'],
    ] as const) {
      const res = await app.request(path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toEqual({
        code: 'InvalidAction.NotFound',
        requestid: res.headers.get('x-acs-request-id'),
        message: 'Specified api is not found, please check your url and method.',
      });
    }
    expect(twin.journal.all().map((e) => e.error)).toEqual(['NotFound', 'NotFound', 'NotFound']);
  });
});

describe('a request that fails the spec', () => {
  it('on the connector API is 4001, naming every problem in one message', async () => {
    const { app, twin } = createApp();
    const token = await selfBuiltToken(app);
    const res = await call(app, token, '/v1.0/connector/instances/invoke', {});
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: '4001', message: '参数错误: /connectAssetUri is required; /instanceKey is required' });
    expect(twin.journal.all().at(-1)!.error).toBe('4001');
  });

  it('on the connector API is 4001 for a body that is not a JSON object, never a 500', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    for (const bad of ['[1,2]', 'null', '"text"', '{"connectAssetUri":5,"instanceKey":{}}', 'not json{']) {
      const r = await app.request('/v1.0/connector/instances/invoke', {
        method: 'POST',
        headers: { ...auth(token), 'content-type': 'application/json' },
        body: bad,
      });
      expect(r.status, bad).toBe(400);
      expect(await r.json()).toMatchObject({ code: '4001' });
    }
  });

  it('on the legacy /gettoken is HTTP 200 with errcode 40089, with the x-acs headers', async () => {
    const { app } = createApp();
    for (const q of ['', '?appkey=x', '?appsecret=y']) {
      const res = await app.request(`/gettoken${q}`);
      expect(res.status, q).toBe(200);
      expect(await res.json()).toEqual({ errcode: 40089, errmsg: '不合法的corpId或corpSecret' });
      expect(res.headers.get('x-acs-request-id')).toMatch(/^[0-9A-F-]{36}$/);
    }
  });

  it.each([
    ['no body', undefined, { code: 'Missingbody', message: 'body is mandatory for this action.' }],
    ['a body that is not JSON', 'appKey=x', { code: 'Missingbody', message: 'body is mandatory for this action.' }],
    ['a JSON array', '[1,2]', { code: 'Missingbody', message: 'body is mandatory for this action.' }],
    ['a missing field', '{"appKey":"k"}', { code: 'MissingappSecret', message: 'appSecret is mandatory for this action.' }],
    [
      'a field of the wrong type',
      '{"appKey":5,"appSecret":"s"}',
      { code: 'InvalidappKey', message: 'Specified parameter appKey is not valid.' },
    ],
    ['a wrong type and a missing field', '{"appKey":5}', { code: 'MissingappSecret', message: 'appSecret is mandatory for this action.' }],
  ])('on a token call with %s is the gateway’s own answer', async (_label, body, expected) => {
    const { app } = createApp();
    const res = await app.request('/v1.0/oauth2/accessToken', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    const answer = (await res.json()) as GatewayBody;
    expect(answer).toEqual({ ...expected, requestid: res.headers.get('x-acs-request-id') });
  });

  it('on corpAccessToken names the first missing field', async () => {
    const { app } = createApp();
    const res = await app.request('/v1.0/oauth2/corpAccessToken', post({ suiteKey: SUITE.suiteKey, authCorpId: DEFAULT_CORP_ID }));
    expect(await res.json()).toMatchObject({ code: 'MissingsuiteSecret', message: 'suiteSecret is mandatory for this action.' });
  });
});

describe('a defect in the twin itself', () => {
  it('answers 500 InternalError in the gateway shape, naming the defect', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const fixtures = dingtalkStates['tokens issued, instance created']!.apply(defaultFixtures(), {});
    // A type JSON Schema does not have: compiling the action's inputSchema throws.
    fixtures.actions.find((a) => a.id === IDS.createCustomer)!.inputSchema = { type: 'object', properties: { a: { type: 'nonsense' } } };
    const { app, twin } = createApp({ fixtures });
    const res = await app.request(
      '/v1.0/connector/instances/invoke',
      post(
        { connectAssetUri: connectAssetUri(DEFAULT_CORP_ID, IDS.createCustomer), instanceKey: 'doppel-instance' },
        auth('doppel-state-self-built-token'),
      ),
    );
    expect(res.status).toBe(500);
    const body = (await res.json()) as GatewayBody;
    expect(body.code).toBe('InternalError');
    expect(body.message).toContain('nonsense');
    expect(body.requestid).toBe(res.headers.get('x-acs-request-id'));
    expect(twin.journal.all().at(-1)!.error).toBe('InternalError');
    expect(errors).toHaveBeenCalledOnce();
    // The execution record of the interrupted invoke says nothing was answered.
    expect(twin.state.executions.values()).toMatchObject([{ errorCode: '', errorMessage: '', output: null, cost: 0 }]);
  });
});

describe('the definition', () => {
  it('is the "dingtalk" twin on port 4010, as the README’s CLI flags say (--dingtalk-port)', () => {
    expect(dingtalkTwin).toMatchObject({ name: 'dingtalk', title: 'DingTalk Connect', defaultPort: 4010 });
  });

  it('lists the CLI credentials: the first organisation, every organisation administrator, every self-built app and every suite', () => {
    const f = defaultFixtures();
    expect(dingtalkTwin.credentials!(f)).toEqual([
      { label: 'organisation (corpId)', value: DEFAULT_CORP_ID },
      { label: 'administrator of Doppel 测试企业 (authority page)', value: `login ${ORG_ADMIN.login} / password ${ORG_ADMIN.password}` },
      {
        label: 'administrator of Doppel 另一家企业 (authority page)',
        value: `login ${OTHER_ORG_ADMIN.login} / password ${OTHER_ORG_ADMIN.password}`,
      },
      { label: `self-built app ${SELF_BUILT_APP.name}`, value: `appKey ${SELF_BUILT_APP.appKey} / appSecret ${SELF_BUILT_APP.appSecret}` },
      {
        label: `suite ${SUITE.name}`,
        value: `suiteKey ${SUITE.suiteKey} / suiteSecret ${SUITE.suiteSecret} / suiteTicket ${SUITE.suiteTicket}`,
      },
    ]);
  });

  it('lists no administrator for an organisation without one', () => {
    const f = defaultFixtures();
    f.orgs = f.orgs.map(({ admin: _admin, ...org }) => org);
    expect(dingtalkTwin.credentials!(f).map((c) => c.label)).not.toContain('administrator of Doppel 测试企业 (authority page)');
    expect(dingtalkTwin.credentials!(f).some((c) => c.value.includes('password'))).toBe(false);
  });

  it('masks app and suite secrets, tickets and the access token in the journal', async () => {
    const { app, twin } = createApp();
    const token = await selfBuiltToken(app);
    await app.request(
      '/v1.0/oauth2/corpAccessToken',
      post({ suiteKey: SUITE.suiteKey, suiteSecret: SUITE.suiteSecret, suiteTicket: SUITE.suiteTicket, authCorpId: DEFAULT_CORP_ID }),
    );
    await app.request(`/gettoken?appkey=${SELF_BUILT_APP.appKey}&appsecret=${SELF_BUILT_APP.appSecret}`);
    await call(app, token, '/v1.0/connector/assets/connectors?type=official');
    const journal = JSON.stringify(twin.journal.all());
    for (const secret of [SELF_BUILT_APP.appSecret, SUITE.suiteSecret, SUITE.suiteTicket, token]) expect(journal).not.toContain(secret);
    expect(journal).toContain(SELF_BUILT_APP.appKey);
  });
});

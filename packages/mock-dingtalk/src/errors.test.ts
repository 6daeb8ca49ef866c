import { describe, expect, it } from 'vitest';
import { connectAssetUri, DEFAULT_CORP_ID, IDS, SELF_BUILT_APP } from './fixtures.ts';
import { STATE_INSTANCE_KEY, STATE_TOKENS } from './states.ts';
import { auth, call, createApp, post, selfBuiltToken } from './test-helpers.ts';

const invokeBody = {
  connectAssetUri: connectAssetUri(DEFAULT_CORP_ID, IDS.createCustomer),
  instanceKey: STATE_INSTANCE_KEY,
  inputJsonString: '{"name":"a","mobile":"13800000000"}',
};

async function ready() {
  const created = createApp();
  await created.app.request('/__admin/states/tokens%20issued%2C%20instance%20created', { method: 'POST' });
  return created;
}

describe('every error is a scenario, in the gateway body with the request id', () => {
  it.each([
    ['InvalidAuthentication', 400, 'InvalidAuthentication', '不合法的access_token'],
    [
      'AccessTokenPermissionDenied',
      403,
      'Forbidden.AccessDenied.AccessTokenPermissionDenied',
      '应用尚未开通所需的权限：[Connector.Asset.Read]',
    ],
    ['Missingbody', 400, 'Missingbody', 'body is mandatory for this action.'],
    ['MissingParameter', 400, 'MissingParameter', 'parameter is mandatory for this action.'],
    ['invalidClientIdOrSecret', 400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret'],
    ['invalidSuiteKey', 400, 'invalidSuiteKey', 'suitekey不合法'],
    ['invalidSuiteTicket', 400, 'invalidSuiteTicket', 'suiteTicket无效'],
    ['invalidAuthInfo', 400, 'invalidAuthInfo', '授权关系不存在'],
    ['4001', 400, '4001', '参数错误'],
    ['4003', 403, '4003', '调用发起未授权'],
    ['4004', 404, '4004', '连接资产不存在/调用的实例不存在'],
    ['NotFound', 404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.'],
    ['Throttling', 429, 'Throttling.Api', 'Request was denied due to api flow control.'],
    ['InternalError', 500, 'InternalError', 'internal error'],
  ])('x-doppel-scenario: %s answers %i with code %s', async (name, status, code, message) => {
    const { app, twin } = await ready();
    const res = await app.request(
      '/v1.0/connector/instances/invoke',
      post(invokeBody, { ...auth(STATE_TOKENS.selfBuilt), 'x-doppel-scenario': name }),
    );
    expect(res.status).toBe(status);
    const requestId = res.headers.get('x-acs-request-id')!;
    expect(await res.json()).toEqual({ code, requestid: requestId, message });
    expect(requestId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(res.headers.get('x-acs-trace-id')).toBe(requestId.replace(/-/g, '').toLowerCase());
    expect(twin.journal.all().at(-1)).toMatchObject({ error: name, notes: { requestId } });
    // Answered by the scenario: the handler never ran, so there is no execution record.
    expect(twin.state.executions.values()).toEqual([]);
  });

  it('actionFailed is HTTP 200 with the invoke body, a non-zero errorCode and a scenario instanceId', async () => {
    const { app } = await ready();
    const res = await app.request(
      '/v1.0/connector/instances/invoke',
      post(invokeBody, { ...auth(STATE_TOKENS.selfBuilt), 'x-doppel-scenario': 'actionFailed' }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      outputJson: '{}',
      instanceId: `SCENARIO-${res.headers.get('x-acs-request-id')}`,
      cost: 0,
      errorCode: 'ACTION_EXECUTE_FAILED',
      errorMessage: '执行动作调用失败',
    });
    expect(res.headers.get('x-acs-trace-id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('legacy40089 is HTTP 200 with errcode 40089 and the x-acs headers', async () => {
    const { app } = createApp();
    const res = await app.request(`/gettoken?appkey=${SELF_BUILT_APP.appKey}&appsecret=${SELF_BUILT_APP.appSecret}`, {
      headers: { 'x-doppel-scenario': 'legacy40089' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ errcode: 40089, errmsg: '不合法的corpId或corpSecret' });
    expect(res.headers.get('x-acs-trace-id')).toBe(res.headers.get('x-acs-request-id')!.replace(/-/g, '').toLowerCase());
  });

  it('the admin API lists every one of them, each with a description', async () => {
    const { app } = createApp();
    const { scenarios } = (await (await app.request('/__admin/scenarios')).json()) as {
      scenarios: { name: string; description: string }[];
    };
    expect(scenarios.map((s) => s.name).sort()).toEqual(
      [
        '4001',
        '4003',
        '4004',
        'AccessTokenPermissionDenied',
        'InternalError',
        'InvalidAuthentication',
        'Missingbody',
        'MissingParameter',
        'NotFound',
        'PayloadTooLarge',
        'Throttling',
        'actionFailed',
        'invalidAuthInfo',
        'invalidClientIdOrSecret',
        'invalidSuiteKey',
        'invalidSuiteTicket',
        'legacy40089',
      ].sort(),
    );
    for (const s of scenarios) expect(s.description.length, s.name).toBeGreaterThan(10);
  });

  it('the admin catalogue shows each template as the platform sends it, per-request fields marked', async () => {
    const { app } = createApp();
    const { scenarios } = (await (await app.request('/__admin/scenarios')).json()) as {
      scenarios: { name: string; status: number; body: unknown }[];
    };
    const byName = Object.fromEntries(scenarios.map((s) => [s.name, s]));
    expect(byName['4001']).toMatchObject({ status: 400, body: { code: '4001', requestid: '<per request>', message: '参数错误' } });
    expect(byName.actionFailed).toMatchObject({ status: 200, body: { instanceId: '<per request>', errorCode: 'ACTION_EXECUTE_FAILED' } });
    expect(byName.legacy40089).toMatchObject({ status: 200, body: { errcode: 40089 } });
  });
});

describe('request ids', () => {
  it('differ per response, and a success carries them too', async () => {
    const { app } = createApp();
    const token = await selfBuiltToken(app);
    const a = await call(app, token, '/v1.0/connector/assets/connectors?type=official');
    const b = await call(app, token, '/v1.0/connector/assets/connectors?type=official');
    const idA = a.headers.get('x-acs-request-id')!;
    expect(idA).toMatch(/^[0-9A-F-]{36}$/);
    expect(a.headers.get('x-acs-trace-id')).toBe(idA.replace(/-/g, '').toLowerCase());
    expect(idA).not.toBe(b.headers.get('x-acs-request-id'));
  });
});

import { createApp, DEFAULT_CORP_ID, IDS, ISV_CORP_ID, ORG_ADMIN, OTHER_CORP_ID, SELF_BUILT_APP, SUITE } from '@doppel/mock-dingtalk';
import { describe, expect, it } from 'vitest';
import { createAdminClient } from '../admin/client.ts';
import { unwrap } from '../http.ts';
import { createDingTalkClient, type DingTalkClientOptions, DingTalkError, parseSchemas, TOKEN_HEADER } from './client.ts';

const BASE = 'http://dingtalk.test';
const selfBuilt = { appKey: SELF_BUILT_APP.appKey, appSecret: SELF_BUILT_APP.appSecret };
const suite = { suiteKey: SUITE.suiteKey, suiteSecret: SUITE.suiteSecret, suiteTicket: SUITE.suiteTicket, corpId: DEFAULT_CORP_ID };

function setup(options: Partial<DingTalkClientOptions> = {}) {
  const { app, twin } = createApp();
  const seen: Request[] = [];
  const fetch = (r: Request) => {
    seen.push(r.clone());
    return Promise.resolve(app.fetch(r));
  };
  let clock = Date.parse('2024-05-01T00:00:00Z');
  const client = createDingTalkClient({ baseUrl: BASE, fetch, now: () => clock, ...options });
  const admin = createAdminClient({ baseUrl: BASE, fetch });
  return { client, admin, twin, seen, fetch, advance: (s: number) => (clock += s * 1000) };
}

const tokenCalls = (seen: Request[]) => seen.filter((r) => /oauth2|gettoken/.test(r.url)).map((r) => new URL(r.url).pathname);

describe('the doc’s whole flow, through the client, against the twin', () => {
  it('lists connectors → picks an action → reads details → sees it unauthorized → authorizes → creates an instance → invokes', async () => {
    const { client, admin, fetch } = setup(suite);
    expect(client.mode).toBe('suite');

    // 1. The connectors the suite may use.
    const connectors = unwrap(await client.listAllConnectors('third_party'));
    const erp = connectors.find((c) => c.name === '云进销存 ERP')!;
    expect(erp).toBeDefined();

    // 2. Its actions; pick 创建销售订单.
    const actions = unwrap(await client.listAllActions({ connectorId: erp.id, connectorProviderCorpId: erp.providerCorpId }));
    const action = actions.find((a) => a.name === '创建销售订单')!;
    expect(action.connectAssetUri).toMatch(/^dca:\/\/.+\/action\/G-ACT-/);

    // 3. Its details: the input schema tells what to send.
    const detail = unwrap(await client.getActionDetail(action.connectAssetUri));
    const { input: inputSchema } = parseSchemas(detail);
    expect(inputSchema).toMatchObject({ required: ['customerName', 'items'] });

    // 4. Unauthorized: the search says so, and using it is 4003.
    expect(action.authorized).toBe(false);
    const refused = await client.createInstance({ connectAssetUri: action.connectAssetUri, instanceKey: 'flow' });
    expect(refused.error?.isNotAuthorized).toBe(true);

    // 5. The organisation's administrator signs in and grants it on the page behind authorityUrl (a page of the twin).
    const url = new URL(action.authorityUrl);
    const page = await (await fetch(new Request(`${BASE}${url.pathname}${url.search}`))).text();
    expect(page).toContain('未授权');
    const form = new URLSearchParams({ ...Object.fromEntries(url.searchParams), ...ORG_ADMIN, decision: 'grant' });
    const granted = await fetch(
      new Request(`${BASE}/connect/authority`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      }),
    );
    expect(granted.status).toBe(200);
    expect(await granted.text()).toContain('已同意授权');
    const again = unwrap(await client.searchActions({ connectorId: erp.id, connectorProviderCorpId: erp.providerCorpId }));
    expect(again.list.find((a) => a.id === action.id)?.authorized).toBe(true);

    // 6. An instance, 7. the invocation.
    const instance = unwrap(await client.createInstance({ connectAssetUri: action.connectAssetUri, instanceKey: 'flow' }));
    expect(instance.versionId).toMatch(/^G-ACT-VER-/);
    const result = unwrap(
      await client.invoke({
        connectAssetUri: action.connectAssetUri,
        instanceKey: 'flow',
        input: { customerName: '客户甲', items: [{ sku: 'SKU-1', quantity: 2 }] },
      }),
    );
    expect(result.errorCode).toBe('0');
    expect(result.output).toEqual({ orderNo: 'SO-20240501-0001', status: 'created', amount: 199.5 });

    // The execution is on record.
    const records = unwrap(
      await admin.request<{ total: number; executions: { instanceId: string; errorCode: string }[] }>('GET', '/executions'),
    );
    expect(records.executions.at(-1)).toMatchObject({ instanceId: result.instanceId, errorCode: '0' });
  });
});

describe('tokens', () => {
  it('uses the self-built pair when both pairs are configured (the vendor doc’s rule)', async () => {
    const { client, seen } = setup({ ...suite, ...selfBuilt });
    expect(client.mode).toBe('self_built');
    unwrap(await client.searchConnectors({ type: 'self_built' }));
    expect(tokenCalls(seen)).toEqual(['/v1.0/oauth2/accessToken']);
    // A self-built app sees the third-party connector outside the suite's scope.
    const thirdParty = unwrap(await client.listAllConnectors('third_party'));
    expect(thirdParty.map((c) => c.id)).toContain(IDS.esign);
  });

  it('uses the suite pair alone, for the configured organisation', async () => {
    const { client, seen } = setup(suite);
    const thirdParty = unwrap(await client.listAllConnectors('third_party'));
    expect(thirdParty.map((c) => c.id)).toEqual([IDS.erp]);
    expect(tokenCalls(seen)).toEqual(['/v1.0/oauth2/corpAccessToken']);
  });

  it('caches the token and fetches a new one shortly before it expires', async () => {
    const { client, seen, advance } = setup({ ...selfBuilt, refreshMarginSeconds: 300 });
    unwrap(await client.searchConnectors({ type: 'official' }));
    advance(6800);
    unwrap(await client.searchConnectors({ type: 'official' }));
    expect(tokenCalls(seen)).toHaveLength(1);
    advance(200); // 7000 s: inside the 300 s margin
    unwrap(await client.searchConnectors({ type: 'official' }));
    expect(tokenCalls(seen)).toHaveLength(2);
  });

  it('fetches a new token and retries once when the platform says the token is no longer valid', async () => {
    const { client, seen, admin } = setup(suite);
    unwrap(await client.searchConnectors({ type: 'official' }));
    await admin.advanceClock({ seconds: 7201 }); // the twin's clock: the token expired there
    unwrap(await client.searchConnectors({ type: 'official' }));
    expect(tokenCalls(seen)).toHaveLength(2);
  });

  it('can use the legacy /gettoken as the vendor sample does', async () => {
    const { client, seen } = setup({ ...selfBuilt, tokenEndpoint: 'legacy' });
    unwrap(await client.searchConnectors({ type: 'official' }));
    expect(tokenCalls(seen)).toEqual(['/gettoken']);
    const bad = setup({ appKey: SELF_BUILT_APP.appKey, appSecret: 'nope', tokenEndpoint: 'legacy' });
    const r = await bad.client.getAccessToken();
    expect(r.error).toMatchObject({ kind: 'legacy', code: '40089' });
  });

  it('returns typed token errors with the platform’s code', async () => {
    const wrong = setup({ appKey: SELF_BUILT_APP.appKey, appSecret: 'nope' });
    expect((await wrong.client.searchConnectors({ type: 'official' })).error).toMatchObject({
      kind: 'gateway',
      code: 'invalidClientIdOrSecret',
      status: 400,
    });
    const notInstalled = setup({ ...suite, corpId: OTHER_CORP_ID });
    expect((await notInstalled.client.getAccessToken()).error?.code).toBe('invalidAuthInfo');
    expect(() => createDingTalkClient({ baseUrl: BASE })).toThrow(DingTalkError);
    expect(() => createDingTalkClient({ baseUrl: BASE, suiteKey: 'a', suiteSecret: 'b' })).toThrow('suiteTicket');
  });
});

describe('paging helpers', () => {
  it('walk every page once, in order, whatever the page size', async () => {
    const { client, admin, twin } = setup(selfBuilt);
    await admin.useState('many connectors', { count: 23 });
    const expected = twin.state.fixtures.connectors.filter((c) => c.type === 'official').map((c) => c.id);
    for (const size of [1, 4, 100]) {
      expect(unwrap(await client.listAllConnectors('official', size)).map((c) => c.id)).toEqual(expected);
    }
    const page = unwrap(await client.searchConnectors({ type: 'official', maxResults: 5 }));
    expect(page).toMatchObject({ hasMore: true, nextToken: '5', totalCount: String(expected.length) });
  });

  it('surface a paging parameter error as 4001', async () => {
    const { client } = setup(selfBuilt);
    const r = await client.searchConnectors({ type: 'official', nextToken: 'bogus' });
    expect(r.error?.isParameterError).toBe(true);
    expect(r.error?.requestId).toBe(r.response.headers.get('x-acs-request-id'));
  });
});

describe('typed errors', () => {
  it('4001, 4003 and 4004 come back as gateway errors carrying the code, and a business failure as an action error', async () => {
    const { client } = setup(selfBuilt);
    const uri = `dca://${DEFAULT_CORP_ID}.connect.dingtalk.com/${DEFAULT_CORP_ID}/action/${IDS.createCustomer}`;
    unwrap(await client.createInstance({ connectAssetUri: uri, instanceKey: 'k' }));
    const bad = await client.invoke({ connectAssetUri: uri, instanceKey: 'k', input: { name: 'x' } });
    expect(bad.error).toMatchObject({ kind: 'gateway', code: '4001', status: 400 });
    const missing = await client.invoke({ connectAssetUri: uri, instanceKey: 'nope', input: {} });
    expect(missing.error?.isNotFound).toBe(true);
    const failed = await client.invoke({ connectAssetUri: uri, instanceKey: 'k', input: { name: '重复客户', mobile: '13800000000' } });
    expect(failed.error).toMatchObject({ kind: 'action', code: 'CUSTOMER_EXISTS', status: 200 });
    expect(() => unwrap(failed)).toThrow('客户已存在');
    unwrap(await client.deleteInstance({ connectAssetUri: uri, instanceKey: 'k' }));
    expect((await client.invoke({ connectAssetUri: uri, instanceKey: 'k', input: {} })).error?.code).toBe('4004');
  });

  it('fails the next invoke with 4003 for app dingdoppelselfbuilt only; the suite’s invoke succeeds; the journal names both', async () => {
    const { app, twin } = createApp();
    const fetch = (r: Request) => Promise.resolve(app.fetch(r));
    const asSelfBuilt = createDingTalkClient({ baseUrl: BASE, fetch, ...selfBuilt });
    const asSuite = createDingTalkClient({ baseUrl: BASE, fetch, ...suite });
    const admin = createAdminClient({ baseUrl: BASE, fetch });
    const uri = [...twin.state.assetByUri.keys()].find((u) => u.endsWith(IDS.createTodo))!;
    const input = { subject: '复现 4003', executorIds: ['u1'] };
    for (const client of [asSelfBuilt, asSuite]) unwrap(await client.createInstance({ connectAssetUri: uri, instanceKey: 'k' }));
    const known = unwrap(await admin.scenarios());
    expect(known.callerKinds.map((k) => k.kind)).toEqual(['app', 'org']);
    expect(known.callers).toContainEqual({ kind: 'app', id: SELF_BUILT_APP.appKey, name: SELF_BUILT_APP.name });
    const rule = unwrap(
      await admin.addRule({
        scenario: '4003',
        match: { path: '/v1.0/connector/instances/invoke' },
        caller: { app: SELF_BUILT_APP.appKey },
        times: 1,
      }),
    );
    unwrap(await asSuite.invoke({ connectAssetUri: uri, instanceKey: 'k', input }));
    const refused = await asSelfBuilt.invoke({ connectAssetUri: uri, instanceKey: 'k', input });
    expect(refused.error).toMatchObject({ kind: 'gateway', code: '4003', status: 403 });
    unwrap(await asSelfBuilt.invoke({ connectAssetUri: uri, instanceKey: 'k', input }));
    const invokes = unwrap(await admin.journal({ path: '/v1.0/connector/instances/invoke' })).entries.reverse();
    expect(invokes.map((e) => [e.callers, e.status, e.rule, e.ruleSummary])).toEqual([
      [{ app: SUITE.suiteKey, org: DEFAULT_CORP_ID }, 200, undefined, undefined],
      [{ app: SELF_BUILT_APP.appKey, org: DEFAULT_CORP_ID }, 403, rule.id, rule.summary],
      [{ app: SELF_BUILT_APP.appKey, org: DEFAULT_CORP_ID }, 200, undefined, undefined],
    ]);
    expect(rule.summary).toBe(`4003 on /v1.0/connector/instances/invoke for app ${SELF_BUILT_APP.appKey}, once`);
    const refusedRule = await admin.addRule({ scenario: '4003', caller: { app: 'dingnosuchapp' } });
    expect(refusedRule.error).toMatchObject({ status: 400, code: 'unknown_caller' });
  });

  it('reproduces 4003 with one admin call (a rule for the calling corp)', async () => {
    const { client, admin } = setup(suite);
    unwrap(await admin.addRule({ scenario: '4003', tenant: DEFAULT_CORP_ID, times: 1 }));
    const r = await client.searchActions({ connectorId: IDS.erp, connectorProviderCorpId: ISV_CORP_ID });
    expect(r.error).toMatchObject({ code: '4003', status: 403 });
    expect((await client.searchActions({ connectorId: IDS.erp, connectorProviderCorpId: ISV_CORP_ID })).data).toBeDefined();
  });
});

/**
 * A scripted DingTalk: the token endpoints issue T1, T2, … (or answer `tokenAnswer`), and `answer` answers the
 * connector calls in turn (the last one again when they run out). Every request is kept, body read.
 */
function scripted(options: Partial<DingTalkClientOptions>, answers: (() => Response)[] = [], tokenAnswer?: () => Response) {
  const seen: { method: string; path: string; token: string | null; accept: string | null; body: string }[] = [];
  let issued = 0;
  let answered = 0;
  const fetch = async (r: Request) => {
    const url = new URL(r.url);
    seen.push({
      method: r.method,
      path: url.pathname + url.search,
      token: r.headers.get(TOKEN_HEADER),
      accept: r.headers.get('accept'),
      body: await r.text(),
    });
    if (/oauth2|gettoken/.test(url.pathname)) return tokenAnswer?.() ?? Response.json({ accessToken: `T${++issued}`, expireIn: 7200 });
    const answer = answers[Math.min(answered++, answers.length - 1)];
    return answer ? answer() : Response.json({ hasMore: false, totalCount: '0', list: [] });
  };
  let clock = Date.parse('2024-05-01T00:00:00Z');
  const client = createDingTalkClient({ baseUrl: BASE, fetch, now: () => clock, ...options });
  const calls = () => seen.filter((r) => !/oauth2|gettoken/.test(r.path));
  return { client, seen, calls, tokens: () => seen.length - calls().length, advance: (s: number) => (clock += s * 1000) };
}

const gateway =
  (code: string, status = 400, message = `${code} message`) =>
  () =>
    Response.json({ code, requestid: 'REQ-1', message }, { status, headers: { 'x-acs-request-id': 'REQ-1' } });
const instance = { connectAssetUri: 'dca://c/action/A', instanceKey: 'k' };

describe('the token middleware', () => {
  it('puts the cached token and accept: application/json on every call, and fetches the token once', async () => {
    const { client, seen, tokens } = scripted(selfBuilt);
    await client.searchConnectors({ type: 'official' });
    await client.searchConnectors({ type: 'official', nextToken: '5', maxResults: 5 });
    expect(tokens()).toBe(1);
    expect(seen.map((r) => [r.path, r.token, r.accept])).toEqual([
      ['/v1.0/oauth2/accessToken', null, 'application/json'],
      ['/v1.0/connector/assets/connectors?type=official', 'T1', 'application/json'],
      ['/v1.0/connector/assets/connectors?type=official&nextToken=5&maxResults=5', 'T1', 'application/json'],
    ]);
    expect(JSON.parse(seen[0]!.body)).toEqual(selfBuilt);
  });

  it('sends the suite pair to corpAccessToken', async () => {
    const { client, seen } = scripted(suite);
    unwrap(await client.getAccessToken());
    expect(seen.map((r) => [r.path, JSON.parse(r.body)])).toEqual([
      [
        '/v1.0/oauth2/corpAccessToken',
        { suiteKey: suite.suiteKey, suiteSecret: suite.suiteSecret, authCorpId: suite.corpId, suiteTicket: suite.suiteTicket },
      ],
    ]);
  });

  it('after InvalidAuthentication, fetches a new token and sends the same call again, body and all, once', async () => {
    const { client, calls, tokens } = scripted(selfBuilt, [
      gateway('InvalidAuthentication'),
      () => Response.json({ connectAssetUri: 'u', versionId: 'v' }),
    ]);
    const r = await client.createInstance(instance);
    expect(r.data).toEqual({ connectAssetUri: 'u', versionId: 'v' });
    expect(tokens()).toBe(2);
    expect(calls().map((c) => [c.method, c.path, c.token, JSON.parse(c.body)])).toEqual([
      ['POST', '/v1.0/connector/instances', 'T1', instance],
      ['POST', '/v1.0/connector/instances', 'T2', instance],
    ]);
    unwrap(await client.searchConnectors({ type: 'official' }));
    expect(calls().at(-1)!.token).toBe('T2');
  });

  it('gives the second InvalidAuthentication as the answer (one retry only)', async () => {
    const { client, calls, tokens } = scripted(selfBuilt, [gateway('InvalidAuthentication')]);
    const r = await client.deleteInstance(instance);
    expect(r.error).toMatchObject({ kind: 'gateway', code: 'InvalidAuthentication', status: 400, requestId: 'REQ-1' });
    expect(calls()).toHaveLength(2);
    expect(tokens()).toBe(2);
  });

  it('does not retry any other refusal, and keeps its body', async () => {
    const { client, calls, tokens } = scripted(selfBuilt, [gateway('4001', 400, 'nextToken 不合法')]);
    const r = await client.searchConnectors({ type: 'official', nextToken: 'x' });
    expect(r.error).toMatchObject({ kind: 'gateway', code: '4001', message: 'nextToken 不合法', isParameterError: true });
    expect(r.error?.body).toEqual({ code: '4001', requestid: 'REQ-1', message: 'nextToken 不合法' });
    expect(r.response.status).toBe(400);
    expect(calls()).toHaveLength(1);
    expect(tokens()).toBe(1);
  });

  it('sends no call when no token can be had: the token’s refusal is the answer', async () => {
    const { client, calls } = scripted(selfBuilt, [], gateway('invalidClientIdOrSecret'));
    const r = await client.getActionDetail('dca://x');
    expect(r.error).toBeInstanceOf(DingTalkError);
    expect(r.error).toMatchObject({ kind: 'gateway', code: 'invalidClientIdOrSecret', status: 400 });
    expect(r.response.status).toBe(400);
    expect(r.response.headers.get('x-acs-request-id')).toBe('REQ-1');
    expect(calls()).toEqual([]);
  });

  it('when the new token after InvalidAuthentication is refused, that refusal is the answer', async () => {
    let tokenCalls = 0;
    const token = () => (++tokenCalls === 1 ? Response.json({ accessToken: 'T1', expireIn: 7200 }) : gateway('invalidAuthInfo')());
    const { client, calls } = scripted(suite, [gateway('InvalidAuthentication')], token);
    const r = await client.searchActions({ connectorId: 'c', connectorProviderCorpId: 'p' });
    expect(r.error).toMatchObject({ code: 'invalidAuthInfo' });
    expect(calls()).toHaveLength(1);
  });

  it('refreshes 300 s before expiry by default, and after clearToken()', async () => {
    const { client, tokens, advance } = scripted(selfBuilt);
    await client.searchConnectors({ type: 'official' });
    advance(6899);
    await client.searchConnectors({ type: 'official' });
    expect(tokens()).toBe(1);
    advance(1); // exactly 300 s before expiry
    await client.searchConnectors({ type: 'official' });
    expect(tokens()).toBe(2);
    client.clearToken();
    await client.searchConnectors({ type: 'official' });
    expect(tokens()).toBe(3);
  });

  it('hands a success on as openapi-fetch received it (nothing read, nothing copied)', async () => {
    const sent = Response.json({ hasMore: false, totalCount: '0', list: [] });
    const { client } = scripted(selfBuilt, [() => sent]);
    expect((await client.searchConnectors({ type: 'official' })).response).toBe(sent);
  });

  it('getAccessToken gives the cached token without a call while it is fresh', async () => {
    const { client, tokens } = scripted(selfBuilt);
    expect(unwrap(await client.getAccessToken())).toBe('T1');
    const again = await client.getAccessToken();
    expect(again.data).toBe('T1');
    expect(again.response.status).toBe(200);
    expect(tokens()).toBe(1);
  });

  it('a static token is sent as it is, never fetched, never refreshed', async () => {
    const { client, calls, tokens } = scripted({ accessToken: 'STATIC', appKey: 'only-a-key' }, [gateway('InvalidAuthentication')]);
    expect(client.mode).toBe('static');
    expect(unwrap(await client.getAccessToken())).toBe('STATIC');
    const r = await client.createInstance(instance);
    expect(r.error?.code).toBe('InvalidAuthentication');
    expect(calls().map((c) => [c.token, c.accept])).toEqual([['STATIC', 'application/json']]);
    expect(tokens()).toBe(0);
  });
});

describe('legacy /gettoken', () => {
  it('sends the pair in the query, and caches for expires_in (7200 s when absent)', async () => {
    const { client, seen, tokens, advance } = scripted({ ...selfBuilt, tokenEndpoint: 'legacy' }, [], () =>
      Response.json({ errcode: 0, errmsg: 'ok', access_token: 'L1' }),
    );
    unwrap(await client.searchConnectors({ type: 'official' }));
    expect(seen[0]!.path).toBe(`/gettoken?appkey=${selfBuilt.appKey}&appsecret=${selfBuilt.appSecret}`);
    expect(seen[1]!.token).toBe('L1');
    advance(6800);
    await client.searchConnectors({ type: 'official' });
    expect(tokens()).toBe(1);
    advance(200);
    await client.searchConnectors({ type: 'official' });
    expect(tokens()).toBe(2);
  });

  it('an errcode, or no token, is a legacy error; a refusal is a gateway error', async () => {
    const legacy = (answer: () => Response) => scripted({ ...selfBuilt, tokenEndpoint: 'legacy' }, [], answer).client.getAccessToken();
    expect((await legacy(() => Response.json({ errcode: 40089, errmsg: '不合法的corpId或corpSecret' }))).error).toMatchObject({
      kind: 'legacy',
      code: '40089',
      message: '不合法的corpId或corpSecret',
      status: 200,
    });
    expect((await legacy(() => Response.json({ errcode: 0, errmsg: 'ok' }))).error).toMatchObject({ kind: 'legacy', code: '0' });
    expect((await legacy(() => Response.json({}))).error).toMatchObject({ kind: 'legacy', code: '', message: 'gettoken failed' });
    expect((await legacy(gateway('Missingbody'))).error).toMatchObject({ kind: 'gateway', code: 'Missingbody' });
  });
});

describe('answers that are not the gateway’s', () => {
  it('a refusal without the gateway’s body is an http error naming the status', async () => {
    const { client } = scripted(selfBuilt, [() => new Response('upstream timeout', { status: 504 })]);
    const r = await client.searchConnectors({ type: 'official' });
    expect(r.error).toMatchObject({
      kind: 'http',
      code: 'HTTP 504',
      message: 'DingTalk answered HTTP 504 without its error body',
      status: 504,
      body: 'upstream timeout',
      requestId: undefined,
    });
    expect(r.error?.name).toBe('DingTalkError');
  });

  it('a gateway body without a message uses the code as the message', async () => {
    const { client } = scripted(selfBuilt, [() => Response.json({ code: '4004' }, { status: 404 })]);
    const r = await client.createInstance(instance);
    expect(r.error).toMatchObject({ message: '4004', isNotFound: true, isNotAuthorized: false, isParameterError: false });
  });
});

describe('invoke', () => {
  const invoked =
    (over: object = {}) =>
    () =>
      Response.json(
        { outputJson: '{"n":1}', instanceId: 'I', cost: 1, errorCode: '0', errorMessage: '', ...over },
        { headers: { 'x-acs-request-id': 'REQ-9' } },
      );

  it('sends inputJsonString as given, else the input as JSON, else null', async () => {
    const { client, calls } = scripted(selfBuilt, [invoked()]);
    await client.invoke({ ...instance, input: { a: 1 }, inputJsonString: '{"b":2}' });
    await client.invoke({ ...instance, input: { a: 1 } });
    await client.invoke({ ...instance, input: { a: 1 }, inputJsonString: null });
    await client.invoke(instance);
    expect(calls().map((c) => JSON.parse(c.body).inputJsonString)).toEqual(['{"b":2}', '{"a":1}', null, null]);
    expect(JSON.parse(calls()[0]!.body)).toEqual({ ...instance, inputJsonString: '{"b":2}' });
  });

  it('parses outputJson into output, or keeps the text when it is not JSON', async () => {
    expect(unwrap(await scripted(selfBuilt, [invoked()]).client.invoke(instance))).toMatchObject({
      output: { n: 1 },
      outputJson: '{"n":1}',
    });
    expect(unwrap(await scripted(selfBuilt, [invoked({ outputJson: 'plain' })]).client.invoke(instance)).output).toBe('plain');
  });

  it('a business failure is an action error with the request id of the answer', async () => {
    const r = await scripted(selfBuilt, [invoked({ errorCode: 'E1', errorMessage: '失败' })]).client.invoke(instance);
    expect(r.error).toMatchObject({
      kind: 'action',
      code: 'E1',
      message: '失败',
      status: 200,
      requestId: 'REQ-9',
      body: { errorCode: 'E1' },
    });
    const bare = await scripted(selfBuilt, [() => new Response('', { status: 200 })]).client.invoke(instance);
    expect(bare.error).toMatchObject({ kind: 'action', code: '', message: '', requestId: undefined });
  });
});

describe('requests', () => {
  it('searchActions asks for basic integrations unless told otherwise', async () => {
    const { client, calls } = scripted(selfBuilt, [() => Response.json({ hasMore: false, totalCount: 0, list: [] })]);
    await client.searchActions({ connectorId: 'c', connectorProviderCorpId: 'p' });
    await client.searchActions({ connectorId: 'c', connectorProviderCorpId: 'p', integrationTypes: ['integration_endpoint'] });
    expect(calls().map((c) => JSON.parse(c.body).integrationTypes)).toEqual([['basic'], ['integration_endpoint']]);
  });

  it('getActionDetail posts the URI; deleteInstance sends the instance in the query', async () => {
    const { client, calls } = scripted(selfBuilt, [() => Response.json({ result: true })]);
    await client.getActionDetail('dca://c/action/A');
    expect(unwrap(await client.deleteInstance(instance))).toEqual({ result: true });
    expect(calls().map((c) => [c.method, c.path, c.body])).toEqual([
      ['POST', '/v1.0/connector/assets/actions/details/query', JSON.stringify({ connectAssetUri: 'dca://c/action/A' })],
      ['DELETE', '/v1.0/connector/instances?connectAssetUri=dca%3A%2F%2Fc%2Faction%2FA&instanceKey=k', ''],
    ]);
  });

  it('paging stops at a page without nextToken, and at the first error', async () => {
    const page = (list: string[], more: boolean, next?: string) => () =>
      Response.json({ hasMore: more, totalCount: '9', list: list.map((id) => ({ id })), nextToken: next });
    const { client, calls } = scripted(selfBuilt, [page(['a'], true, '1'), page(['b'], true)]);
    expect(unwrap(await client.listAllConnectors('official', 1)).map((c) => c.id)).toEqual(['a', 'b']);
    expect(calls().map((c) => c.path)).toEqual([
      '/v1.0/connector/assets/connectors?type=official&maxResults=1',
      '/v1.0/connector/assets/connectors?type=official&nextToken=1&maxResults=1',
    ]);
    const failing = scripted(selfBuilt, [page(['a'], true, '1'), gateway('4001')]);
    expect((await failing.client.listAllActions({ connectorId: 'c', connectorProviderCorpId: 'p' })).error?.code).toBe('4001');
    expect(failing.calls().map((c) => JSON.parse(c.body).nextToken)).toEqual([undefined, '1']);
  });

  it('refuses a configuration without a usable credential', () => {
    expect(() => createDingTalkClient({ baseUrl: BASE, appKey: 'k' })).toThrow('configure appKey/appSecret');
    expect(() => createDingTalkClient({ baseUrl: BASE, ...suite, corpId: undefined })).toThrow('suiteTicket and corpId');
    expect(() => createDingTalkClient({ baseUrl: BASE, ...suite, suiteTicket: undefined })).toThrow('suiteTicket and corpId');
    expect(createDingTalkClient({ baseUrl: BASE, appKey: 'k', ...suite }).mode).toBe('suite');
    expect(createDingTalkClient({ baseUrl: BASE, suiteKey: 'k', accessToken: 't' }).mode).toBe('static');
    const error = (() => {
      try {
        createDingTalkClient({ baseUrl: BASE });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ kind: 'config', code: 'config', status: 0 });
  });
});

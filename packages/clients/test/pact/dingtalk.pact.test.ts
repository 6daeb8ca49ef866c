import { Matchers } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { createDingTalkClient, type DingTalkClientOptions, TOKEN_HEADER } from '../../src/dingtalk/client.ts';
import { pactBetween } from './pact.ts';

/**
 * Consumer side of the DingTalk Connect contract: the real client drives every interaction, and the pact it
 * writes (contracts/pacts/) is verified against the twin in contracts/test/dingtalk.provider.test.ts.
 * Connector calls send the fixed tokens the `tokens issued…` states seed.
 */
const pact = pactBetween('doppel-dingtalk-client', 'doppel-dingtalk');

const { string, integer, regex, eachLike } = Matchers;

const CORP = 'dingdoppelcorp';
const ISV = 'dingdoppelisvcorp';
const OFFICIAL = 'dingofficialconnect';
const SELF_TOKEN = 'doppel-state-self-built-token';
const SUITE_TOKEN = 'doppel-state-suite-token';
const INSTANCE = 'doppel-instance';
const uri = (provider: string, id: string) => `dca://${provider}.connect.dingtalk.com/${provider}/action/${id}`;
const CUSTOMER = uri(CORP, 'G-ACT-101FDEBD3C6E213DB4740001');
const ORDER = uri(ISV, 'G-ACT-101FDEBD3C6E213DB4740011');
const TODO = uri(OFFICIAL, 'G-ACT-101FDEBD3C6E213DB4740031');

const selfBuilt = { appKey: 'dingdoppelselfbuilt', appSecret: 'doppel-self-built-secret' };
const suite = { suiteKey: 'suitedoppelthirdparty', suiteSecret: 'doppel-suite-secret', suiteTicket: 'doppel-suite-ticket', corpId: CORP };

const client = (baseUrl: string, o: Partial<DingTalkClientOptions> = {}) =>
  createDingTalkClient({ baseUrl, accessToken: SELF_TOKEN, ...o });

const ACS = { 'x-acs-request-id': string('3B7A1C2D-0000-4000-8000-000000000000') };
const gatewayError = (code: string, message: string) => ({
  code,
  message: string(message),
  requestid: string('3B7A1C2D-0000-4000-8000-000000000000'),
});
const authHeader = (token: string) => ({ [TOKEN_HEADER]: token });
const CONTRACT_DCA = regex(
  '^dca://[^/]+\\.connect\\.dingtalk\\.com/[^/]+/action/G-ACT-[0-9A-Z]+$',
  uri(ISV, 'G-ACT-101FDEBD3C6E213DB4740012'),
);

describe('DingTalk client ↔ twin contract: tokens', () => {
  it('gets a self-built app token', () =>
    pact
      .addInteraction()
      .given('the default fixtures')
      .uponReceiving('POST /v1.0/oauth2/accessToken with the self-built pair')
      .withRequest('POST', '/v1.0/oauth2/accessToken', (b) => b.jsonBody(selfBuilt))
      .willRespondWith(200, (b) => b.headers(ACS).jsonBody({ accessToken: string('0123456789abcdef0123456789abcdef'), expireIn: 7200 }))
      .executeTest(async (server) => {
        const r = await createDingTalkClient({ baseUrl: server.url, ...selfBuilt }).getAccessToken();
        expect(r.data).toBe('0123456789abcdef0123456789abcdef');
      }));

  it('is refused a token for a wrong appSecret', () =>
    pact
      .addInteraction()
      .given('the default fixtures')
      .uponReceiving('POST /v1.0/oauth2/accessToken with a wrong appSecret')
      .withRequest('POST', '/v1.0/oauth2/accessToken', (b) => b.jsonBody({ ...selfBuilt, appSecret: 'wrong' }))
      .willRespondWith(400, (b) => b.jsonBody(gatewayError('invalidClientIdOrSecret', '无效的clientId或者clientSecret')))
      .executeTest(async (server) => {
        const r = await createDingTalkClient({ baseUrl: server.url, ...selfBuilt, appSecret: 'wrong' }).getAccessToken();
        expect(r.error).toMatchObject({ kind: 'gateway', code: 'invalidClientIdOrSecret', status: 400 });
      }));

  it('gets a token the legacy way (GET /gettoken)', () =>
    pact
      .addInteraction()
      .given('the default fixtures')
      .uponReceiving('GET /gettoken with the self-built pair')
      .withRequest('GET', '/gettoken', (b) => b.query({ appkey: selfBuilt.appKey, appsecret: selfBuilt.appSecret }))
      .willRespondWith(200, (b) =>
        b.jsonBody({ errcode: 0, errmsg: 'ok', access_token: string('0123456789abcdef0123456789abcdef'), expires_in: 7200 }),
      )
      .executeTest(async (server) => {
        const r = await createDingTalkClient({ baseUrl: server.url, ...selfBuilt, tokenEndpoint: 'legacy' }).getAccessToken();
        expect(r.data).toBe('0123456789abcdef0123456789abcdef');
      }));

  it('gets errcode 40089 with HTTP 200 from /gettoken for a wrong secret', () =>
    pact
      .addInteraction()
      .given('the default fixtures')
      .uponReceiving('GET /gettoken with a wrong appsecret')
      .withRequest('GET', '/gettoken', (b) => b.query({ appkey: selfBuilt.appKey, appsecret: 'wrong' }))
      .willRespondWith(200, (b) => b.jsonBody({ errcode: 40089, errmsg: '不合法的corpId或corpSecret' }))
      .executeTest(async (server) => {
        const r = await createDingTalkClient({
          baseUrl: server.url,
          ...selfBuilt,
          appSecret: 'wrong',
          tokenEndpoint: 'legacy',
        }).getAccessToken();
        expect(r.error).toMatchObject({ kind: 'legacy', code: '40089' });
      }));

  it('gets a suite token for an organisation that installed the suite', () =>
    pact
      .addInteraction()
      .given('the default fixtures')
      .uponReceiving('POST /v1.0/oauth2/corpAccessToken with the suite pair and ticket')
      .withRequest('POST', '/v1.0/oauth2/corpAccessToken', (b) =>
        b.jsonBody({ suiteKey: suite.suiteKey, suiteSecret: suite.suiteSecret, authCorpId: CORP, suiteTicket: suite.suiteTicket }),
      )
      .willRespondWith(200, (b) => b.jsonBody({ accessToken: string('fedcba9876543210fedcba9876543210'), expireIn: 7200 }))
      .executeTest(async (server) => {
        const r = await createDingTalkClient({ baseUrl: server.url, ...suite }).getAccessToken();
        expect(r.data).toBe('fedcba9876543210fedcba9876543210');
      }));

  it('is refused a suite token with a wrong ticket', () =>
    pact
      .addInteraction()
      .given('the default fixtures')
      .uponReceiving('POST /v1.0/oauth2/corpAccessToken with a wrong suiteTicket')
      .withRequest('POST', '/v1.0/oauth2/corpAccessToken', (b) =>
        b.jsonBody({ suiteKey: suite.suiteKey, suiteSecret: suite.suiteSecret, authCorpId: CORP, suiteTicket: 'stale' }),
      )
      .willRespondWith(400, (b) => b.jsonBody(gatewayError('invalidSuiteTicket', 'suiteTicket无效')))
      .executeTest(async (server) => {
        const r = await createDingTalkClient({ baseUrl: server.url, ...suite, suiteTicket: 'stale' }).getAccessToken();
        expect(r.error?.code).toBe('invalidSuiteTicket');
      }));
});

describe('DingTalk client ↔ twin contract: assets', () => {
  it('lists connectors of a type, one page', () =>
    pact
      .addInteraction()
      .given('tokens issued')
      .uponReceiving('GET /v1.0/connector/assets/connectors?type=official&maxResults=3')
      .withRequest('GET', '/v1.0/connector/assets/connectors', (b) =>
        b.headers(authHeader(SELF_TOKEN)).query({ type: 'official', maxResults: '3' }),
      )
      .willRespondWith(200, (b) =>
        b.headers(ACS).jsonBody({
          hasMore: true,
          nextToken: '3',
          totalCount: '12',
          list: eachLike(
            { id: regex('^G-CONN-[0-9A-Z]+$', 'G-CONN-1016B0A1E1D3C2F1'), name: string('钉钉待办'), providerCorpId: OFFICIAL },
            3,
          ),
        }),
      )
      .executeTest(async (server) => {
        const r = await client(server.url).searchConnectors({ type: 'official', maxResults: 3 });
        expect(r.data).toMatchObject({ hasMore: true, nextToken: '3', totalCount: '12' });
        expect(r.data?.list).toHaveLength(3);
      }));

  it('is refused with InvalidAuthentication for an unknown token', () =>
    pact
      .addInteraction()
      .given('the default fixtures')
      .uponReceiving('GET /v1.0/connector/assets/connectors with an unknown token')
      .withRequest('GET', '/v1.0/connector/assets/connectors', (b) => b.headers(authHeader('no-such-token')).query({ type: 'official' }))
      .willRespondWith(400, (b) => b.jsonBody(gatewayError('InvalidAuthentication', '不合法的access_token')))
      .executeTest(async (server) => {
        const r = await client(server.url, { accessToken: 'no-such-token' }).searchConnectors({ type: 'official' });
        expect(r.error).toMatchObject({ kind: 'gateway', code: 'InvalidAuthentication', status: 400 });
      }));

  it('is refused with 4001 for a nextToken the platform never issued', () =>
    pact
      .addInteraction()
      .given('tokens issued')
      .uponReceiving('GET /v1.0/connector/assets/connectors with a bad nextToken')
      .withRequest('GET', '/v1.0/connector/assets/connectors', (b) =>
        b.headers(authHeader(SELF_TOKEN)).query({ type: 'official', nextToken: 'bogus' }),
      )
      .willRespondWith(400, (b) => b.jsonBody(gatewayError('4001', '参数错误: nextToken "bogus" is not a token this API issued')))
      .executeTest(async (server) => {
        const r = await client(server.url).searchConnectors({ type: 'official', nextToken: 'bogus' });
        expect(r.error?.isParameterError).toBe(true);
      }));

  it('searches a connector’s actions with the suite’s authorization', () =>
    pact
      .addInteraction()
      .given('tokens issued')
      .uponReceiving('POST /v1.0/connector/assets/actions/search for the ERP connector as the suite')
      .withRequest('POST', '/v1.0/connector/assets/actions/search', (b) =>
        b
          .headers(authHeader(SUITE_TOKEN))
          .jsonBody({ integrationTypes: ['basic'], connectorId: 'G-CONN-1016B0A1E1D3C2E1', connectorProviderCorpId: ISV }),
      )
      .willRespondWith(200, (b) =>
        b.headers(ACS).jsonBody({
          hasMore: false,
          totalCount: 2,
          list: [
            {
              id: 'G-ACT-101FDEBD3C6E213DB4740011',
              connectorId: 'G-CONN-1016B0A1E1D3C2E1',
              name: '创建销售订单',
              providerCorpId: ISV,
              integrationType: 'basic',
              connectAssetUri: ORDER,
              authorized: false,
              authorityUrl: regex(
                '^https?://[^/]+/connect/authority\\?.+$',
                'http://127.0.0.1:4010/connect/authority?corpId=dingdoppelcorp',
              ),
            },
            {
              id: 'G-ACT-101FDEBD3C6E213DB4740012',
              connectorId: 'G-CONN-1016B0A1E1D3C2E1',
              name: '查询库存',
              providerCorpId: ISV,
              integrationType: 'basic',
              connectAssetUri: CONTRACT_DCA,
              authorized: true,
              authorityUrl: string('http://127.0.0.1:4010/connect/authority'),
            },
          ],
        }),
      )
      .executeTest(async (server) => {
        const r = await client(server.url, { accessToken: SUITE_TOKEN }).searchActions({
          connectorId: 'G-CONN-1016B0A1E1D3C2E1',
          connectorProviderCorpId: ISV,
        });
        expect(r.data?.list.map((a) => a.authorized)).toEqual([false, true]);
      }));

  it('is refused with 4004 for a connector the caller cannot see', () =>
    pact
      .addInteraction()
      .given('tokens issued')
      .uponReceiving('POST /v1.0/connector/assets/actions/search for a connector outside the suite scope')
      .withRequest('POST', '/v1.0/connector/assets/actions/search', (b) =>
        b
          .headers(authHeader(SUITE_TOKEN))
          .jsonBody({ integrationTypes: ['basic'], connectorId: 'G-CONN-1016B0A1E1D3C2E2', connectorProviderCorpId: ISV }),
      )
      .willRespondWith(404, (b) => b.jsonBody(gatewayError('4004', '连接器不存在: G-CONN-1016B0A1E1D3C2E2')))
      .executeTest(async (server) => {
        const r = await client(server.url, { accessToken: SUITE_TOKEN }).searchActions({
          connectorId: 'G-CONN-1016B0A1E1D3C2E2',
          connectorProviderCorpId: ISV,
        });
        expect(r.error?.isNotFound).toBe(true);
      }));

  it('reads an action’s details', () =>
    pact
      .addInteraction()
      .given('tokens issued')
      .uponReceiving('POST /v1.0/connector/assets/actions/details/query for 创建客户')
      .withRequest('POST', '/v1.0/connector/assets/actions/details/query', (b) =>
        b.headers(authHeader(SELF_TOKEN)).jsonBody({ connectAssetUri: CUSTOMER }),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({
          connectAssetUri: CUSTOMER,
          name: '创建客户',
          inputSchema: string('{"type":"object","required":["name","mobile"]}'),
          outputSchema: string('{"type":"object"}'),
          refId: 'G-ACT-101FDEBD3C6E213DB4740001',
          refType: 'action',
          refProviderCorpId: CORP,
          integrationConfig: {
            entityName: string('customer'),
            categoryNames: eachLike({ value: string('客户管理') }),
            props: eachLike({ key: string('operation'), value: string('create') }),
          },
        }),
      )
      .executeTest(async (server) => {
        const r = await client(server.url).getActionDetail(CUSTOMER);
        expect(r.data?.refType).toBe('action');
        expect(() => JSON.parse(r.data!.inputSchema)).not.toThrow();
      }));
});

describe('DingTalk client ↔ twin contract: instances and invoke', () => {
  it('creates an instance', () =>
    pact
      .addInteraction()
      .given('tokens issued')
      .uponReceiving('POST /v1.0/connector/instances for 创建客户')
      .withRequest('POST', '/v1.0/connector/instances', (b) =>
        b.headers(authHeader(SELF_TOKEN)).jsonBody({ connectAssetUri: CUSTOMER, instanceKey: 'pact-instance' }),
      )
      .willRespondWith(200, (b) =>
        b
          .headers(ACS)
          .jsonBody({ connectAssetUri: CUSTOMER, versionId: regex('^G-ACT-VER-[0-9A-Z]+$', 'G-ACT-VER-101FDEBD3C6E213DB4740001') }),
      )
      .executeTest(async (server) => {
        const r = await client(server.url).createInstance({ connectAssetUri: CUSTOMER, instanceKey: 'pact-instance' });
        expect(r.data?.versionId).toMatch(/^G-ACT-VER-/);
      }));

  it('is refused with 4003 creating an instance of an asset the organisation has not granted', () =>
    pact
      .addInteraction()
      .given('tokens issued')
      .uponReceiving('POST /v1.0/connector/instances for 创建销售订单 as the suite')
      .withRequest('POST', '/v1.0/connector/instances', (b) =>
        b.headers(authHeader(SUITE_TOKEN)).jsonBody({ connectAssetUri: ORDER, instanceKey: 'pact-instance' }),
      )
      .willRespondWith(403, (b) => b.jsonBody(gatewayError('4003', `调用发起未授权: 组织尚未授权该连接资产 ${ORDER}`)))
      .executeTest(async (server) => {
        const r = await client(server.url, { accessToken: SUITE_TOKEN }).createInstance({
          connectAssetUri: ORDER,
          instanceKey: 'pact-instance',
        });
        expect(r.error).toMatchObject({ code: '4003', status: 403 });
      }));

  it('deletes an instance', () =>
    pact
      .addInteraction()
      .given('tokens issued, instance created')
      .uponReceiving('DELETE /v1.0/connector/instances')
      .withRequest('DELETE', '/v1.0/connector/instances', (b) =>
        b.headers(authHeader(SELF_TOKEN)).query({ connectAssetUri: CUSTOMER, instanceKey: INSTANCE }),
      )
      .willRespondWith(200, (b) => b.jsonBody({ result: true }))
      .executeTest(async (server) => {
        expect((await client(server.url).deleteInstance({ connectAssetUri: CUSTOMER, instanceKey: INSTANCE })).data).toEqual({
          result: true,
        });
      }));

  it('invokes an instance', () =>
    pact
      .addInteraction()
      .given('tokens issued, instance created')
      .uponReceiving('POST /v1.0/connector/instances/invoke with valid input')
      .withRequest('POST', '/v1.0/connector/instances/invoke', (b) =>
        b
          .headers(authHeader(SELF_TOKEN))
          .jsonBody({ connectAssetUri: CUSTOMER, instanceKey: INSTANCE, inputJsonString: '{"name":"张三","mobile":"13800000000"}' }),
      )
      .willRespondWith(200, (b) =>
        b.headers(ACS).jsonBody({
          outputJson: string('{"customerId":"CUST-0001","createdAt":"2024-05-01T08:00:00Z"}'),
          instanceId: string('G-EXEC-0000000001'),
          cost: integer(35),
          errorCode: '0',
          errorMessage: 'success',
        }),
      )
      .executeTest(async (server) => {
        const r = await client(server.url).invoke({
          connectAssetUri: CUSTOMER,
          instanceKey: INSTANCE,
          input: { name: '张三', mobile: '13800000000' },
        });
        expect(r.data?.output).toEqual({ customerId: 'CUST-0001', createdAt: '2024-05-01T08:00:00Z' });
      }));

  it('gets a business failure as HTTP 200 with a non-zero errorCode', () =>
    pact
      .addInteraction()
      .given('tokens issued, instance created')
      .uponReceiving('POST /v1.0/connector/instances/invoke that the action refuses')
      .withRequest('POST', '/v1.0/connector/instances/invoke', (b) =>
        b
          .headers(authHeader(SELF_TOKEN))
          .jsonBody({ connectAssetUri: CUSTOMER, instanceKey: INSTANCE, inputJsonString: '{"name":"重复客户","mobile":"13800000000"}' }),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({
          outputJson: '{}',
          instanceId: string('G-EXEC-0000000001'),
          cost: integer(35),
          errorCode: 'CUSTOMER_EXISTS',
          errorMessage: '客户已存在',
        }),
      )
      .executeTest(async (server) => {
        const r = await client(server.url).invoke({
          connectAssetUri: CUSTOMER,
          instanceKey: INSTANCE,
          input: { name: '重复客户', mobile: '13800000000' },
        });
        expect(r.error).toMatchObject({ kind: 'action', code: 'CUSTOMER_EXISTS', status: 200 });
      }));

  it('is refused with 4001 for input that fails the inputSchema', () =>
    pact
      .addInteraction()
      .given('tokens issued, instance created')
      .uponReceiving('POST /v1.0/connector/instances/invoke with input missing a required field')
      .withRequest('POST', '/v1.0/connector/instances/invoke', (b) =>
        b
          .headers(authHeader(SELF_TOKEN))
          .jsonBody({ connectAssetUri: CUSTOMER, instanceKey: INSTANCE, inputJsonString: '{"name":"张三"}' }),
      )
      .willRespondWith(400, (b) =>
        b.jsonBody(gatewayError('4001', '参数错误: inputJsonString does not match the inputSchema: /mobile is required')),
      )
      .executeTest(async (server) => {
        const r = await client(server.url).invoke({ connectAssetUri: CUSTOMER, instanceKey: INSTANCE, input: { name: '张三' } });
        expect(r.error).toMatchObject({ code: '4001', status: 400 });
      }));

  it('is refused with 4003 invoking an asset the organisation has not granted', () =>
    pact
      .addInteraction()
      .given('tokens issued')
      .uponReceiving('POST /v1.0/connector/instances/invoke of 创建销售订单 as the suite')
      .withRequest('POST', '/v1.0/connector/instances/invoke', (b) =>
        b.headers(authHeader(SUITE_TOKEN)).jsonBody({ connectAssetUri: ORDER, instanceKey: INSTANCE, inputJsonString: null }),
      )
      .willRespondWith(403, (b) => b.jsonBody(gatewayError('4003', `调用发起未授权: 组织尚未授权该连接资产 ${ORDER}`)))
      .executeTest(async (server) => {
        const r = await client(server.url, { accessToken: SUITE_TOKEN }).invoke({ connectAssetUri: ORDER, instanceKey: INSTANCE });
        expect(r.error?.isNotAuthorized).toBe(true);
      }));

  it('is refused with 4004 invoking an instance that does not exist', () =>
    pact
      .addInteraction()
      .given('tokens issued')
      .uponReceiving('POST /v1.0/connector/instances/invoke of a missing instance')
      .withRequest('POST', '/v1.0/connector/instances/invoke', (b) =>
        b.headers(authHeader(SUITE_TOKEN)).jsonBody({ connectAssetUri: TODO, instanceKey: 'never-created', inputJsonString: '{}' }),
      )
      .willRespondWith(404, (b) => b.jsonBody(gatewayError('4004', '调用的实例不存在: never-created')))
      .executeTest(async (server) => {
        const r = await client(server.url, { accessToken: SUITE_TOKEN }).invoke({
          connectAssetUri: TODO,
          instanceKey: 'never-created',
          input: {},
        });
        expect(r.error).toMatchObject({ code: '4004', status: 404 });
      }));

  it('is refused with 4004 for an asset that does not exist', () =>
    pact
      .addInteraction()
      .given('tokens issued')
      .uponReceiving('POST /v1.0/connector/assets/actions/details/query of an unknown asset')
      .withRequest('POST', '/v1.0/connector/assets/actions/details/query', (b) =>
        b.headers(authHeader(SELF_TOKEN)).jsonBody({ connectAssetUri: uri(CORP, 'G-ACT-000000000000000000000000') }),
      )
      .willRespondWith(404, (b) => b.jsonBody(gatewayError('4004', `连接资产不存在: ${uri(CORP, 'G-ACT-000000000000000000000000')}`)))
      .executeTest(async (server) => {
        const r = await client(server.url).getActionDetail(uri(CORP, 'G-ACT-000000000000000000000000'));
        expect(r.error?.isNotFound).toBe(true);
      }));
});

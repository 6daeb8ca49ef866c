/**
 * The bot's first version, tested the way its authors read the vendor docs: every expectation here is what a doc
 * promises. Pact's mock server answers whatever a consumer test expects, so these pass; `doppel verify`
 * (test/verify.test.ts) is where each one meets the platform.
 */
import { MatchersV3 } from '@pact-foundation/pact';
import { expect, it } from 'vitest';
import {
  DOC_GROUP_CHATS_URL,
  githubUserByQuery,
  groupChatsAsPrinted,
  invokeCheckingErrcode,
  notifyWithoutSender,
} from '../src/doc-version.ts';
import { signedUrl } from '../src/zentao.ts';
import { pactWith, queryOf } from './pact.ts';

const CONSUMER = 'chatbot-doc-version';
const DIR = '../pacts/doc-version';
const app = (baseUrl: string) => ({ baseUrl, code: 'chatbot', key: '9f3b2c7d41e0a6b58c2d7e1f0a3b4c5d' });

it('ZenTao: the URL as the doc prints it', () =>
  pactWith('zentao', CONSUMER, DIR)
    .addInteraction()
    .given("the doc's example app is registered in ZenTao")
    .uponReceiving('getGroupChats with the token printed in the doc')
    .withRequest('GET', '/api.php', (b) => b.query(queryOf(`http://x${DOC_GROUP_CHATS_URL}`)))
    .willRespondWith(200, (b) => b.jsonBody({ result: 'success', data: MatchersV3.like({ g: '研发部' }) }))
    .executeTest(async (server) => {
      expect(await groupChatsAsPrinted(server.url)).toBeTruthy();
    }));

it('ZenTao: a notification without the optional sender', () =>
  pactWith('zentao', CONSUMER, DIR)
    .addInteraction()
    .given('the chatbot app is registered in ZenTao')
    .uponReceiving('a notification without sender')
    .withRequest('POST', '/api.php', (b) =>
      b
        .query(queryOf(signedUrl(app('http://x'), 'sendNotification')))
        .jsonBody({ users: [1], title: 'build #42 failed', contentType: 'text', content: 'build #42 failed' }),
    )
    .willRespondWith(200, (b) => b.jsonBody({ result: 'success' }))
    .executeTest(async (server) => {
      expect(await notifyWithoutSender(app(server.url), [1], 'build #42 failed')).toBe('success');
    }));

it('GitHub: step 3 of the doc, the token in the query', () =>
  pactWith('github', CONSUMER, DIR)
    .addInteraction()
    .given('a GitHub user signed in to the chatbot')
    .uponReceiving('GET /user?access_token=')
    .withRequest('GET', '/user', (b) =>
      b.query({ access_token: 'gho_ChatbotStoredToken000000000000000000' }).headers({ 'user-agent': 'chatbot' }),
    )
    .willRespondWith(200, (b) => b.jsonBody({ login: MatchersV3.string('octocat') }))
    .executeTest(async (server) => {
      expect((await githubUserByQuery(server.url, 'gho_ChatbotStoredToken000000000000000000')).login).toBe('octocat');
    }));

it("DingTalk: the sample app's errcode check on a v1.0 answer", () =>
  pactWith('dingtalk', CONSUMER, DIR)
    .addInteraction()
    .given('the chatbot holds a DingTalk token and an ERP customer instance')
    .uponReceiving('an invocation answered with errcode 0')
    .withRequest('POST', '/v1.0/connector/instances/invoke', (b) =>
      b.headers({ 'x-acs-dingtalk-access-token': 'chatbot-dingtalk-token' }).jsonBody({
        connectAssetUri: 'dca://dingdoppelcorp.connect.dingtalk.com/dingdoppelcorp/action/G-ACT-101FDEBD3C6E213DB4740001',
        instanceKey: 'chatbot-erp',
        inputJsonString: '{"name":"张三","mobile":"13800000000"}',
      }),
    )
    .willRespondWith(200, (b) => b.jsonBody({ errcode: 0, errmsg: 'ok', errorCode: '0' }))
    .executeTest(async (server) => {
      await invokeCheckingErrcode(server.url, 'chatbot-dingtalk-token', {
        connectAssetUri: 'dca://dingdoppelcorp.connect.dingtalk.com/dingdoppelcorp/action/G-ACT-101FDEBD3C6E213DB4740001',
        instanceKey: 'chatbot-erp',
        inputJsonString: '{"name":"张三","mobile":"13800000000"}',
      });
    }));

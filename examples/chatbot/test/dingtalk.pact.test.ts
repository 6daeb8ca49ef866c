import { MatchersV3 } from '@pact-foundation/pact';
import { expect, it } from 'vitest';
import { invokeAction } from '../src/dingtalk.ts';
import { pactWith } from './pact.ts';

const pact = pactWith('dingtalk');
/** The ERP connector's 创建客户 action, as our organisation's admin console shows it. */
const CREATE_CUSTOMER = 'dca://dingdoppelcorp.connect.dingtalk.com/dingdoppelcorp/action/G-ACT-101FDEBD3C6E213DB4740001';
const input = { name: '张三', mobile: '13800000000' };

it('creates the customer through the ERP connector action', () =>
  pact
    .addInteraction()
    .given('the chatbot holds a DingTalk token and an ERP customer instance')
    .uponReceiving('an invocation of the ERP create-customer action')
    .withRequest('POST', '/v1.0/connector/instances/invoke', (b) =>
      b
        .headers({ 'x-acs-dingtalk-access-token': 'chatbot-dingtalk-token' })
        .jsonBody({ connectAssetUri: CREATE_CUSTOMER, instanceKey: 'chatbot-erp', inputJsonString: JSON.stringify(input) }),
    )
    .willRespondWith(200, (b) =>
      b.jsonBody({ errorCode: '0', errorMessage: 'success', outputJson: MatchersV3.string('{"customerId":"CUST-0001"}') }),
    )
    .executeTest(async (server) => {
      const r = await invokeAction({ baseUrl: server.url, accessToken: 'chatbot-dingtalk-token' }, CREATE_CUSTOMER, 'chatbot-erp', input);
      expect(JSON.parse(r.outputJson)).toHaveProperty('customerId');
    }));

import {
  connectAssetUri,
  DEFAULT_CORP_ID,
  defaultFixtures,
  dingtalkStates,
  IDS,
  STATE_INSTANCE_KEY,
  STATE_TOKENS,
  SUITE,
  startDingTalkMock,
} from '@doppel/mock-dingtalk';
import type { BenchTarget } from './types.ts';

const CUSTOMER = connectAssetUri(DEFAULT_CORP_ID, IDS.createCustomer);
const json = { 'content-type': 'application/json' };
const selfBuilt = { 'x-acs-dingtalk-access-token': STATE_TOKENS.selfBuilt };
let instance = 0;

export const dingtalk: BenchTarget = {
  name: 'dingtalk',
  label: 'instances/invoke (token check + inputSchema ajv validation + outputJson + execution record + journal)',
  // A live token and an instance from the start, so every request is the full invoke path.
  start: () => startDingTalkMock({ port: 0, fixtures: dingtalkStates['tokens issued, instance created']!.apply(defaultFixtures(), {}) }),
  request: {
    method: 'POST',
    path: '/v1.0/connector/instances/invoke',
    headers: { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': STATE_TOKENS.selfBuilt },
    body: JSON.stringify({
      connectAssetUri: connectAssetUri(DEFAULT_CORP_ID, IDS.createCustomer),
      instanceKey: STATE_INSTANCE_KEY,
      inputJsonString: JSON.stringify({ name: '张三', mobile: '13800000000', level: 'A' }),
    }),
  },
  soak: [
    {
      label: 'oauth2/corpAccessToken (a new suite token per call: the bounded token store)',
      request: {
        method: 'POST',
        path: '/v1.0/oauth2/corpAccessToken',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          suiteKey: SUITE.suiteKey,
          suiteSecret: SUITE.suiteSecret,
          suiteTicket: SUITE.suiteTicket,
          authCorpId: DEFAULT_CORP_ID,
        }),
      },
    },
    {
      label: 'connector/instances (a new instanceKey per call: the bounded instances)',
      request: { method: 'POST', path: '/v1.0/connector/instances', headers: { ...json, ...selfBuilt } },
      nextBody: () => JSON.stringify({ connectAssetUri: CUSTOMER, instanceKey: `soak-${instance++}` }),
    },
    {
      label: 'connector/instances/invoke (an execution record per call: the bounded executions)',
      request: {
        method: 'POST',
        path: '/v1.0/connector/instances/invoke',
        headers: { ...json, ...selfBuilt },
        body: JSON.stringify({
          connectAssetUri: CUSTOMER,
          instanceKey: STATE_INSTANCE_KEY,
          inputJsonString: JSON.stringify({ name: '张三', mobile: '13800000000', level: 'A' }),
        }),
      },
    },
  ],
};

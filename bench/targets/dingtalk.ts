import {
  connectAssetUri,
  DEFAULT_CORP_ID,
  defaultFixtures,
  dingtalkStates,
  IDS,
  STATE_INSTANCE_KEY,
  STATE_TOKENS,
  startDingTalkMock,
} from '@doppel/mock-dingtalk';
import type { BenchTarget } from './types.ts';

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
};

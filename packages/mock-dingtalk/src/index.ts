export type { DingTalkApp, DingTalkContext, DingTalkEnv } from './context.ts';
export { DINGTALK_SPEC, dingtalkTwin } from './definition.ts';
export { type DingTalkErrorName, dingtalkErrors } from './errors.ts';
export {
  connectAssetUri,
  DEFAULT_CORP_ID,
  type DingTalkFixtures,
  defaultFixtures,
  fixturesSchema,
  IDS,
  ISV_CORP_ID,
  OFFICIAL_CORP_ID,
  ORG_ADMIN,
  OTHER_CORP_ID,
  OTHER_ORG_ADMIN,
  SELF_BUILT_APP,
  SUITE,
} from './fixtures.ts';
export type { DingTalkRuntime } from './runtime.ts';
export { createApp, startDingTalkMock } from './server.ts';
export { dingtalkStates, STATE_INSTANCE_KEY, STATE_TOKENS } from './states.ts';
export { knownDifferences } from './known-differences.ts';

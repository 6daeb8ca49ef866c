export { createApp } from './app.ts';
export { DEFAULT_PORT, DINGTALK_SPEC, dingtalkTwin } from './definition.ts';
export { type DingTalkErrorName, errors } from './errors.ts';
export * from './fixtures.ts';
export { sampleFromSchema } from './schemas.ts';
export { startDingTalkMock } from './server.ts';
export type { Caller, DingTalkState, ExecutionRecord, InstanceRecord } from './state.ts';
export { STATE_INSTANCE_KEY, STATE_TOKENS, states } from './states.ts';

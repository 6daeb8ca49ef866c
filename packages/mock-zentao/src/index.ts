export { createApp } from './app.ts';
export { errors, type ZentaoErrorName } from './errors.ts';
export * from './fixtures.ts';
export { httpBuildQuery, md5, parseStr, phpUrlencode, queryToken, signedQuery, timeToken } from './php.ts';
export { startZentaoMock } from './server.ts';
export type { Delivery, ZentaoState } from './state.ts';
export { states } from './states.ts';
export { ZENTAO_SPEC, type ZentaoContext, type ZentaoEnv, zentaoTwin } from './twin.ts';

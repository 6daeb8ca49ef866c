export type { ZentaoContext, ZentaoEnv } from './context.ts';
export { ZENTAO_SPEC, zentaoTwin } from './definition.ts';
export { type ZentaoErrorName, zentaoErrors } from './errors.ts';
export { defaultApp, defaultChats, defaultFixtures, fixturesSchema, type ZentaoFixtures } from './fixtures.ts';
export { queryToken } from './php.ts';
export type { ZentaoRuntime } from './runtime.ts';
export { createApp, startZentaoMock } from './server.ts';
export { zentaoStates } from './states.ts';

export type { OnesApp, OnesContext, OnesEnv } from './context.ts';
export { ONES_SPEC, onesTwin } from './definition.ts';
export { type OnesErrorName, onesErrors } from './errors.ts';
export {
  alice,
  bob,
  defaultFixtures,
  fixturesSchema,
  type OnesFixtures,
  ORG_UUID,
  PAGE_WELCOME,
  TEAM_ALPHA,
  TEAM_BETA,
} from './fixtures.ts';
export { PluginConfigError } from './plugins/config.ts';
export { PluginConflictError, type PluginInput } from './plugins/registry.ts';
export type { PluginFunction, PluginRequest, PluginResponse } from './plugins/types.ts';
export type { OnesRuntime } from './runtime.ts';
export { createApp, startOnesMock } from './server.ts';
export { onesStates } from './states.ts';
export { knownDifferences } from './known-differences.ts';

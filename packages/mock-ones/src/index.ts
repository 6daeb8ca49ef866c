export { createApp, ONES_DEFAULT_PORT, ONES_SPEC, onesTwin } from './app.ts';
export { onesErrors, type OnesErrorName } from './errors.ts';
export * from './fixtures.ts';
export { PluginConfigError, parsePluginConfig } from './plugins/config.ts';
export { canonicalHeader, SCOPE_PREFIX, scopeOf, type Stage } from './plugins/engine.ts';
export {
  DEFAULT_PLUGIN_TIMEOUT_MS,
  type Plugin,
  PluginConflictError,
  type PluginInput,
  PluginRegistry,
  type PluginTarget,
} from './plugins/registry.ts';
export type * from './plugins/types.ts';
export { startOnesMock } from './server.ts';
export { type OnesContext, type OnesState, type OnesTwin, seed } from './state.ts';
export { onesStates } from './states.ts';

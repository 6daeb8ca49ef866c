export {
  capturedBody,
  ConnectionDropped,
  createTwinApp,
  defaultParseBody,
  KIT_ERRORS,
  rawQuery,
  SCENARIO_HEADER,
  type TwinApp,
} from './app.ts';
export { ADMIN_BODY_LIMIT, ADMIN_SPEC, adminError } from './admin.ts';
export { ADMIN_TOKEN_HEADER, type AdminGuard, isLoopback, loopbackHosts, refuseAdmin } from './guard.ts';
export { CLOCK_MAX, type Clock, clockInRange, createClock } from './clock.ts';
export { specFile } from './spec-file.ts';
export { BoundedList, BoundedMap } from './store.ts';
export { clientIp } from './net.ts';
export { type DriftReport, drift } from './drift.ts';
export { defineErrors, type ErrorCatalogue, type ErrorOverrides, type ErrorTemplate, type Errors, Refusal, render } from './errors.ts';
export { FixtureError, parseYamlText, readFixtureFile } from './fixtures.ts';
export { jsonTooDeep, MAX_JSON_DEPTH, parseJson } from './json.ts';
export { Journal, type JournalEntry, type JournalEvent, type JournalFilter } from './journal.ts';
export type { KnownDifference, PactExpectation } from './known-differences.ts';
export { isSecretName, maskDeep, maskValue } from './mask.ts';
export { type LoadedSpec, loadSpec, type Operation, safeDecode, schemaIssues, type ValidationIssue } from './openapi.ts';
export { type Fault, type Rule, RuleBook, type RuleInput, summarize } from './scenarios.ts';
export { compileSchema, describeErrors, sampleFromSchema, type SchemaProblem, schemaProblems } from './schema.ts';
export { PortInUseError, type RunningTwin, type StartOptions, startTwin, storeOf } from './serve.ts';
export { connectStore, isRedisUrl, RedisStore, type RedisStoreOptions, StoreContention } from './redis-store.ts';
export { Cell, type Op, type Shared, Space, Tx } from './shared.ts';
export {
  type CallerFacts,
  type CallerHooks,
  type Callers,
  type CredentialRow,
  type KnownCaller,
  type NamedState,
  type RouteMount,
  Twin,
  type TwinContext,
  type TwinDefinition,
  type TwinEnv,
  type TwinOptions,
  type TwinVariables,
} from './twin.ts';

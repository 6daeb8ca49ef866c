export type { ExampleApp, ExampleContext, ExampleEnv } from './context.ts';
export { EXAMPLE_SPEC, exampleTwin } from './definition.ts';
export { type ExampleErrorName, exampleErrors } from './errors.ts';
export { defaultFixtures, type ExampleFixtures, fixturesSchema } from './fixtures.ts';
export type { ExampleRuntime } from './runtime.ts';
export { createApp, startExampleMock } from './server.ts';
export { exampleStates } from './states.ts';

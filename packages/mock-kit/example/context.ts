import type { TwinContext, TwinEnv } from '../src/index.ts';
import type { Hono } from 'hono';
import type { ExampleFixtures } from './fixtures.ts';
import type { ExampleRuntime } from './runtime.ts';

/** The Hono env, context and app types of this twin: declared once, here, and imported everywhere else. */
export type ExampleEnv = TwinEnv<ExampleFixtures, ExampleRuntime>;
export type ExampleContext = TwinContext<ExampleFixtures, ExampleRuntime>;
export type ExampleApp = Hono<ExampleEnv>;

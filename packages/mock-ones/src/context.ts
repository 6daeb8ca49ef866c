import type { TwinContext, TwinEnv } from '@doppel/mock-kit';
import type { Hono } from 'hono';
import type { OnesFixtures } from './fixtures.ts';
import type { OnesRuntime } from './runtime.ts';

/** The Hono env, context and app types of the ONES twin: declared once, here, and imported everywhere else. */
export type OnesEnv = TwinEnv<OnesFixtures, OnesRuntime>;
export type OnesContext = TwinContext<OnesFixtures, OnesRuntime>;
export type OnesApp = Hono<OnesEnv>;

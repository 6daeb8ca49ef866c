import type { TwinContext, TwinEnv } from '@doppel/mock-kit';
import type { Hono } from 'hono';
import type { DingTalkFixtures } from './fixtures.ts';
import type { DingTalkRuntime } from './runtime.ts';

/** The Hono env, context and app types of this twin: declared once, here, and imported everywhere else. */
export type DingTalkEnv = TwinEnv<DingTalkFixtures, DingTalkRuntime>;
export type DingTalkContext = TwinContext<DingTalkFixtures, DingTalkRuntime>;
export type DingTalkApp = Hono<DingTalkEnv>;

import type { TwinContext, TwinEnv } from '@doppel/mock-kit';
import type { Hono } from 'hono';
import type { OAuthFixtures } from './fixtures.ts';
import type { OAuthRuntime } from './runtime.ts';

/** The Hono env, context and app types of this twin: declared once, here, and imported everywhere else. */
export type OAuthEnv = TwinEnv<OAuthFixtures, OAuthRuntime>;
export type OAuthContext = TwinContext<OAuthFixtures, OAuthRuntime>;
export type OAuthApp = Hono<OAuthEnv>;

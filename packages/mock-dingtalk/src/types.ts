import type { TwinContext, TwinEnv } from '@doppel/mock-kit';
import type { Hono } from 'hono';
import type { DingTalkFixtures } from './fixtures.ts';
import type { DingTalkState } from './state.ts';

export type Env = TwinEnv<DingTalkFixtures, DingTalkState>;
export type Ctx = TwinContext<DingTalkFixtures, DingTalkState>;
export type App = Hono<Env>;

import type { TwinContext, TwinEnv } from '@doppel/mock-kit';
import type { ZentaoFixtures } from './fixtures.ts';
import type { ZentaoRuntime } from './runtime.ts';

/**
 * The Hono env and context types of this twin: declared once, here, and imported everywhere else.
 * (`ZentaoApp` is the fixtures' integrated application, ZenTao's own word, so no Hono-app alias is declared.)
 */
export type ZentaoEnv = TwinEnv<ZentaoFixtures, ZentaoRuntime>;
export type ZentaoContext = TwinContext<ZentaoFixtures, ZentaoRuntime>;

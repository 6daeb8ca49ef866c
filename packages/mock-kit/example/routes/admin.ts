import { Hono } from 'hono';
import type { ExampleEnv } from '../context.ts';

/** The twin's own admin routes, mounted under `/__admin` and described in its spec. */
export const exampleAdminRoutes = new Hono<ExampleEnv>().get('/echo-count', (c) => c.json({ count: c.get('twin').state.things.size }));

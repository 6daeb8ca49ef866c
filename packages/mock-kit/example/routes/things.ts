import { Hono } from 'hono';
import type { ExampleEnv } from '../context.ts';
import { exampleErrors } from '../errors.ts';

/** `/things`: a Hono sub-app, mounted at its base path by the definition. */
export const thingsRoutes = new Hono<ExampleEnv>()
  .get('/', (c) => {
    const all = [...c.get('twin').state.things.values()];
    return c.json({ things: all.slice(0, Number(c.req.query('limit') ?? 10)) });
  })
  .post('/', (c) => {
    const body = c.get('body') as { name: string };
    const { state } = c.get('twin');
    const id = `t${state.things.size + 1}`;
    state.things.set(id, { id, name: body.name });
    return c.json({ id, name: body.name }, 201);
  })
  .get('/:id', (c) => {
    const t = c.get('twin').state.things.get(c.req.param('id'));
    if (!t) exampleErrors.raise('NOT_FOUND');
    return c.json(t);
  });

/** `/open`: an anonymous operation (`security: []`) that reads the twin's clock. */
export const openRoutes = new Hono<ExampleEnv>().get('/', (c) => {
  const twin = c.get('twin');
  return c.json({ expired: twin.clock.now() > twin.state.tokenExpiresAt });
});

import { fileURLToPath } from 'node:url';
import { defineErrors, type TwinDefinition } from '../src/index.ts';

/** A tiny platform used to test the kit itself. */
export interface EchoFixtures {
  things: { id: string; name: string }[];
  keys: Record<string, string>;
}
export interface EchoState {
  things: Map<string, { id: string; name: string }>;
  tokenExpiresAt: number;
}

export const echoErrors = defineErrors({
  NOT_FOUND: { description: 'No such thing', status: 404, body: { error: 'not_found' } },
  BAD_KEY: { description: 'Unknown key', status: 401, body: { error: 'bad_key' } },
  INVALID: { description: 'Validation failed', status: 422, body: { error: 'invalid', issues: [] } },
  QUOTA: { description: 'Over quota', status: 429, body: { error: 'quota' }, headers: { 'retry-after': '60' } },
});

export const echoTwin: TwinDefinition<EchoFixtures, EchoState> = {
  name: 'echo',
  title: 'Echo',
  defaultPort: 4999,
  spec: fileURLToPath(new URL('./echo.yaml', import.meta.url)),
  fixtures: {
    schema: {
      type: 'object',
      required: ['things', 'keys'],
      additionalProperties: false,
      properties: {
        things: {
          type: 'array',
          items: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } },
        },
        keys: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    defaults: () => ({ things: [{ id: 't1', name: 'first' }], keys: { k1: 'tenant-a', k2: 'tenant-b' } }),
  },
  states: {
    empty: { description: 'No things at all', apply: (f) => ({ ...f, things: [] }) },
    'many things': {
      description: 'params.count things',
      apply: (f, p) => ({ ...f, things: Array.from({ length: Number(p.count ?? 3) }, (_, i) => ({ id: `t${i}`, name: `n${i}` })) }),
    },
  },
  seed: (f, twin) => ({ things: new Map(f.things.map((t) => [t.id, t])), tokenExpiresAt: twin.clock.now() + 60_000 }),
  errors: echoErrors.catalogue,
  tenantOf: (c) => {
    const key = c.req.header('x-key');
    return key ? c.var.twin.fixtures.keys[key] : undefined;
  },
  authenticate: async (c, op) => {
    if (op.secured && !c.var.twin.fixtures.keys[c.req.header('x-key') ?? '']) await echoErrors.raise(c, 'BAD_KEY');
  },
  onInvalid: (c, issues) => echoErrors.response(c, 'INVALID', { body: { issues: issues.map((i) => i.message) } }),
  notFound: (c) => c.json({ error: 'no_route' }, 404),
  routes(app) {
    app.get('/things', (c) => {
      const all = [...c.var.twin.state.things.values()];
      return c.json({ things: all.slice(0, Number(c.req.query('limit') ?? 10)) });
    });
    app.post('/things', (c) => {
      const body = c.var.body as { name: string };
      const id = `t${c.var.twin.state.things.size + 1}`;
      c.var.twin.state.things.set(id, { id, name: body.name });
      return c.json({ id, name: body.name }, 201);
    });
    app.get('/things/:id', async (c) => {
      const t = c.var.twin.state.things.get(c.req.param('id'));
      if (!t) return echoErrors.raise(c, 'NOT_FOUND');
      return c.json(t);
    });
    app.get('/open', (c) =>
      c.json({ expired: c.var.twin.clock.now() > c.var.twin.state.tokenExpiresAt }),
    );
  },
  adminRoutes(admin) {
    admin.get('/echo-count', (c) => c.json({ count: c.var.twin.state.things.size }));
  },
};

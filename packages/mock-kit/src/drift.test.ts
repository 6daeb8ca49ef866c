import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type ExampleEnv, exampleTwin } from '../example/index.ts';
import { ADMIN_SPEC } from './admin.ts';
import { createTwinApp } from './app.ts';
import { drift } from './drift.ts';
import { compileSpec, loadSpec } from './openapi.ts';
import { make } from './test-support.ts';

describe('drift', () => {
  it('finds no drift for a twin that serves exactly its spec', () => {
    const { app } = make();
    expect(drift(app, [loadSpec(exampleTwin.spec), loadSpec(ADMIN_SPEC)])).toEqual({ unserved: [], undocumented: [] });
  });

  it('reports routes served but undocumented', () => {
    const extra = new Hono<ExampleEnv>().get('/', (c) => c.text('x'));
    const { app } = createTwinApp({ ...exampleTwin, routes: [...exampleTwin.routes, ['/secret-extra', extra]] });
    const report = drift(app, [loadSpec(exampleTwin.spec), loadSpec(ADMIN_SPEC)]);
    expect(report).toEqual({ unserved: [], undocumented: ['GET /secret-extra'] });
  });

  it('reports operations documented but unserved', () => {
    const { app } = createTwinApp({ ...exampleTwin, routes: exampleTwin.routes.filter(([base]) => base !== '/open') });
    const report = drift(app, [loadSpec(exampleTwin.spec), loadSpec(ADMIN_SPEC)]);
    expect(report).toEqual({ unserved: ['GET /open'], undocumented: [] });
  });
});

describe('drift: what counts as served', () => {
  it('ignores catch-all and wildcard routes, trims a trailing slash, and lists both sides sorted', () => {
    const app = new Hono()
      .use('*', async (_c, next) => next())
      .all('/any', (c) => c.text(''))
      .get('/files/*', (c) => c.text(''))
      .get('/b/', (c) => c.text(''))
      .get('/a', (c) => c.text(''))
      .post('/z', (c) => c.text(''))
      .post('/y', (c) => c.text(''));
    const spec = compileSpec({ paths: { '/a': { get: {} }, '/b': { get: {} }, '/d': { get: {} }, '/c': { get: {} } } }, 'drift');
    expect(drift(app, [spec])).toEqual({ unserved: ['GET /c', 'GET /d'], undocumented: ['POST /y', 'POST /z'] });
    const root = new Hono().get('/', (c) => c.text(''));
    expect(drift(root, [compileSpec({ paths: { '/': { get: {} } } }, 'root')])).toEqual({ unserved: [], undocumented: [] });
  });
});

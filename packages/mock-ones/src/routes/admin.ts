import { adminError } from '@doppel/mock-kit';
import { Hono } from 'hono';
import type { OnesApp, OnesEnv } from '../context.ts';
import type { components } from '../generated/openapi.ts';
import { PluginConfigError } from '../plugins/config.ts';
import { PluginConflictError, summarize } from '../plugins/registry.ts';

type Registration = components['schemas']['PluginRegistration'];

const noPlugin = (name: string) => `no plugin ${name}`;

/** `/__admin/plugins`: register (HTTP form), list, read, unregister (declared in ones.yaml, tag admin). */
export const onesAdminRoutes: OnesApp = new Hono<OnesEnv>()
  .get('/plugins', (c) =>
    c.json({
      plugins: c
        .get('twin')
        .state.plugins.list()
        .map((p) => summarize(p)),
    }),
  )
  .post('/plugins', (c) => {
    const body = c.get('body') as Registration;
    const config = body.yaml ?? body.config;
    if (config === undefined) return adminError(c, 400, 'invalid_plugin', 'give yaml (the text of config/plugin.yaml) or config');
    try {
      const { plugin, replaced } = c.get('twin').state.plugins.register({
        ...(body.name !== undefined && { name: body.name }),
        config,
        ...(body.teams && { teams: body.teams }),
        ...(body.timeoutMs !== undefined && { timeoutMs: body.timeoutMs }),
        target: { baseUrl: body.baseUrl },
      });
      return c.json(summarize(plugin, replaced), 201);
    } catch (err) {
      if (err instanceof PluginConflictError) return adminError(c, 409, 'plugin_conflict', err.message, err.conflict);
      if (err instanceof PluginConfigError) return adminError(c, 400, 'invalid_plugin', err.message);
      throw err;
    }
  })
  .delete('/plugins', (c) => {
    c.get('twin').state.plugins.clear();
    return c.json({ cleared: true });
  })
  .get('/plugins/:name', (c) => {
    const plugin = c.get('twin').state.plugins.get(c.req.param('name'));
    return plugin ? c.json(summarize(plugin)) : adminError(c, 404, 'not_found', noPlugin(c.req.param('name')));
  })
  .delete('/plugins/:name', (c) =>
    c.get('twin').state.plugins.unregister(c.req.param('name'))
      ? c.json({ removed: c.req.param('name') })
      : adminError(c, 404, 'not_found', noPlugin(c.req.param('name'))),
  );

import { adminError, type TwinEnv } from '@doppel/mock-kit';
import type { Hono } from 'hono';
import type { OnesFixtures } from '../fixtures.ts';
import { PluginConfigError } from '../plugins/config.ts';
import { PluginConflictError, summarize } from '../plugins/registry.ts';
import type { OnesState } from '../state.ts';

interface Registration {
  name?: string;
  yaml?: string;
  config?: Record<string, unknown>;
  baseUrl: string;
  teams?: string[];
  timeoutMs?: number;
}

/** `/__admin/plugins`: register (HTTP form), list, read, unregister (declared in ones.yaml, tag admin). */
export function pluginAdminRoutes(admin: Hono<TwinEnv<OnesFixtures, OnesState>>): void {
  admin.get('/plugins', (c) => c.json({ plugins: c.get('twin').state.plugins.list().map((p) => summarize(p)) }));

  admin.post('/plugins', (c) => {
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
  });

  admin.delete('/plugins', (c) => {
    c.get('twin').state.plugins.clear();
    return c.json({ cleared: true });
  });

  admin.get('/plugins/:name', (c) => {
    const plugin = c.get('twin').state.plugins.get(c.req.param('name'));
    return plugin ? c.json(summarize(plugin)) : adminError(c, 404, 'not_found', `no plugin ${c.req.param('name')}`);
  });

  admin.delete('/plugins/:name', (c) =>
    c.get('twin').state.plugins.unregister(c.req.param('name'))
      ? c.json({ removed: c.req.param('name') })
      : adminError(c, 404, 'not_found', `no plugin ${c.req.param('name')}`),
  );
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { createApp } from './server.ts';
import type { Stage } from './plugins/engine.ts';
import type { PluginRequest, PluginResponse } from './plugins/types.ts';

/** Shared by the package's tests (not part of the twin). */
export const P = '/project/api/project';
export const W = '/wiki/api/wiki';

type Caller = { uuid: string; token: string };

export const auth = (u: Caller) => ({ 'Ones-User-Id': u.uuid, 'Ones-Auth-Token': u.token });
export const as = (u: Caller, extra: Record<string, string> = {}) => ({ headers: { ...auth(u), ...extra } });
export const post = (u: Caller | undefined, body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(u ? auth(u) : {}) },
  body: JSON.stringify(body),
});
export const adminPost = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** plugin.yaml with `apis` entries built by `api()`. */
export const yamlOf = (...apis: string[]) => `service:\n  app_id: test\napis:\n${apis.join('')}`;
export const api = (type: string, method: string, url: string, fn: string, extra = '') =>
  `  - type: ${type}\n    methods:\n      - ${method}\n    url: ${url}\n` +
  `${url.includes('online_page') ? '    scope: wiki\n' : ''}    function: ${fn}\n${extra}`;

/** The interception chain the journal keeps for the last intercepted request to `path`. */
export function chainOf(twin: ReturnType<typeof createApp>['twin'], path: string): Stage[] {
  const entry = twin.journal
    .all()
    .filter((e) => e.path === path && (e.notes?.interception as { stages?: unknown })?.stages)
    .pop();
  return ((entry?.notes?.interception as { stages?: Stage[] } | undefined)?.stages ?? []) as Stage[];
}

/** An HTTP plugin on 127.0.0.1 (port 0); `close` stops every one started. */
export function pluginServers() {
  const servers: Server[] = [];
  return {
    async start(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<string> {
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (d) => {
          body += d;
        });
        req.on('end', () => handler(req, res, body));
      });
      servers.push(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () =>
      Promise.all(
        servers.splice(0).map(
          (s) =>
            new Promise<void>((r) => {
              s.closeAllConnections();
              s.close(() => r());
            }),
        ),
      ),
  };
}

/**
 * A plugin runtime in miniature, for `pluginServers().start`: `POST /<function>` with a PluginRequest answers
 * the function's PluginResponse as JSON (404 for a function it does not have, 500 if it throws).
 */
export function functionsHandler(
  // biome-ignore lint/suspicious/noExplicitAny: each function types its own body, as the doc's do
  functions: Record<string, (request: PluginRequest<any>) => Promise<PluginResponse> | PluginResponse>,
) {
  return (req: IncomingMessage, res: ServerResponse, body: string) => {
    const fn = functions[(req.url ?? '').slice(1)];
    if (!fn) return void res.writeHead(404).end();
    Promise.resolve()
      .then(() => fn(JSON.parse(body) as PluginRequest))
      .then(
        (answer) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)),
        (err: Error) => res.writeHead(500).end(String(err?.message ?? err)),
      );
  };
}

// The QA console's server (issue 13): the static files of @doppel/console, and each twin's admin API proxied
// under `/twins/<name>/__admin/…`, so the browser talks to one origin (no CORS on the twins). The proxy applies the
// twins' own guard (Host and Origin, packages/mock-kit/src/guard.ts) and forwards the admin token the page sends,
// never one of its own: the console can do nothing its user could not do with curl.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLoopback, loopbackHosts, refuseAdmin } from '@doppel/mock-kit';

export interface ConsoleTwin {
  name: string;
  title: string;
  /** The twin's own URL (`http://127.0.0.1:4010`). */
  url: string;
}

export interface RunningConsole {
  url: string;
  port: number;
  /** The twins the console shows; set once they listen (they need the console's URL first). */
  setTwins(twins: ConsoleTwin[]): void;
  close(): Promise<void>;
}

/**
 * Where the built console is: `dist/console/` of the installed CLI (copied there by `copy-console.mjs` at build),
 * else the workspace's `packages/console/dist/` (the CLI run from source).
 */
export function consoleDir(): string | undefined {
  const candidates = [new URL('./console/', import.meta.url), new URL('../../console/dist/', import.meta.url)];
  for (const c of candidates) if (existsSync(new URL('index.html', c))) return fileURLToPath(c);
  return undefined;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** Only what the console's own files and its server offer; nothing from any other origin. */
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

/** Headers the proxy passes to the twin: what the admin API reads, and the token. */
const FORWARD = ['accept', 'content-type', 'content-length', 'authorization', 'x-doppel-admin-token', 'last-event-id'];

export class ConsolePortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is already in use`);
  }
}

export async function startConsole(options: { host: string; port: number; dir?: string }): Promise<RunningConsole> {
  const dir = options.dir ?? consoleDir();
  if (!dir) throw new Error('the console is not built (run `pnpm build` in packages/console)');
  let twins: ConsoleTwin[] = [];
  let hosts: Set<string> | undefined;

  const fail = (res: ServerResponse, status: number, code: string, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code, message } }));
  };

  /** The twins' own guard (packages/mock-kit/src/guard.ts), for the console's origin: its Host only, no other page. */
  const refused = (req: IncomingMessage) =>
    refuseAdmin(
      (name) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      },
      { hosts },
    );

  const proxy = (req: IncomingMessage, res: ServerResponse, twin: ConsoleTwin, path: string) => {
    const target = new URL(path, twin.url);
    const headers: Record<string, string> = { host: target.host };
    for (const h of FORWARD) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const upstream = httpRequest(target, { method: req.method, headers }, (answer) => {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && k !== 'connection' && k !== 'keep-alive') out[k] = v;
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
    });
    upstream.on('error', (err) => {
      if (!res.headersSent) fail(res, 502, 'twin_unreachable', `${twin.name} did not answer: ${err.message}`);
      else res.destroy();
    });
    // The page closed (or left the live journal): end the twin's side too.
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  };

  const serveFile = (res: ServerResponse, path: string) => {
    const rel = normalize(decodeURIComponent(path)).replace(/^([/\\])+/, '');
    let file = join(dir, rel);
    if (!file.startsWith(dir.endsWith(sep) ? dir : dir + sep) && file !== dir) return fail(res, 404, 'not_found', 'no such file');
    if (rel === '' || !existsSync(file) || !extname(file)) file = join(dir, 'index.html');
    res
      .writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': CSP,
        'x-content-type-options': 'nosniff',
        'cache-control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
      })
      .end(readFileSync(file));
  };

  const server = createServer((req, res) => {
    const why = refused(req);
    if (why) return fail(res, why[0], why[1], why[2]);
    const url = new URL(req.url ?? '/', 'http://console');
    const twinPath = /^\/twins\/([a-z0-9-]+)(\/__admin(?:\/.*)?)$/.exec(url.pathname);
    if (twinPath) {
      const twin = twins.find((t) => t.name === twinPath[1]);
      if (!twin) return fail(res, 404, 'unknown_twin', `no twin ${twinPath[1]}; running: ${twins.map((t) => t.name).join(', ')}`);
      return proxy(req, res, twin, `${twinPath[2]}${url.search}`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'method_not_allowed', `${req.method} ${url.pathname}`);
    if (url.pathname === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ twins }));
      return;
    }
    try {
      serveFile(res, url.pathname);
    } catch {
      fail(res, 400, 'bad_path', 'a malformed path');
    }
  });
  // The live journal holds its request open: no timeout may end it.
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new ConsolePortInUseError(options.port) : err));
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  if (isLoopback(options.host)) hosts = loopbackHosts(options.host, port);
  const shown = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shown}:${port}`,
    port,
    setTwins(list) {
      twins = list;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { watch } from 'chokidar';
import { createTwinApp } from './app.ts';
import { FixtureError } from './fixtures.ts';
import { generateAdminToken, isLoopback, loopbackHosts } from './guard.ts';
import type { Twin, TwinDefinition, TwinOptions } from './twin.ts';

/** The port is taken: the CLI prints this one line and exits non-zero. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly host: string,
  ) {
    super(`port ${port} on ${host} is already in use`);
    this.name = 'PortInUseError';
  }
}

export interface StartOptions<F> extends TwinOptions<F> {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Re-read `fixturesFile` when it changes (default: on when a file is given). */
  watch?: boolean;
  /** Where reload messages go (default: console). */
  log?: (line: string) => void;
}

export interface RunningTwin<F, S> {
  url: string;
  /** The token the admin API requires, when it requires one (non-loopback hosts, or `adminToken` given). */
  adminToken?: string;
  port: number;
  twin: Twin<F, S>;
  close(): Promise<void>;
}

/** The only place in Doppel that binds a port. */
export async function startTwin<F, S>(def: TwinDefinition<F, S>, options: StartOptions<F> = {}): Promise<RunningTwin<F, S>> {
  const host = options.host ?? '127.0.0.1';
  // Reachable from other machines: the admin API needs a token, generated when none is given.
  const adminToken = options.adminToken ?? (isLoopback(host) ? undefined : generateAdminToken());
  const { app, twin } = createTwinApp(def, { ...options, ...(adminToken !== undefined && { adminToken }) });
  const requested = options.port ?? 0;
  const log = options.log ?? ((line: string) => console.log(line));

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: requested, hostname: host }, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(requested, host) : err);
    });
  });
  // A client that keeps connections alive must not hold close() open.
  server.on('error', (err) => log(`[doppel:${def.name}] server error: ${String(err)}`));

  let stopWatching = async () => {};
  const file = options.fixturesFile;
  if (file && options.watch !== false) {
    const watcher = watch(file, { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 10 } });
    watcher.on('all', (event) => {
      if (event !== 'change' && event !== 'add') return;
      try {
        twin.reloadFromFile(file);
        log(`[doppel:${def.name}] fixtures reloaded from ${file}`);
      } catch (err) {
        log(err instanceof FixtureError ? `[doppel:${def.name}] ${err.message} (kept the previous fixtures)` : String(err));
      }
    });
    await new Promise<void>((r) => watcher.once('ready', () => r()));
    stopWatching = () => watcher.close();
  }

  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  // On loopback, the Host header must name this twin (no DNS rebinding); elsewhere the token guards it.
  if (isLoopback(host)) twin.adminGuard.hosts = loopbackHosts(host, port);
  return {
    url: `http://${shownHost}:${port}`,
    ...(adminToken !== undefined && { adminToken }),
    port,
    twin,
    async close() {
      await stopWatching();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}

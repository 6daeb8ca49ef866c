import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { watch } from 'chokidar';
import { createTwinApp } from './app.ts';
import { FixtureError } from './fixtures.ts';
import { generateAdminToken, isLoopback, loopbackHosts } from './guard.ts';
import { connectStore, isRedisUrl, type RedisStore, type RedisStoreOptions } from './redis-store.ts';
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
  /** Tuning of a shared store (how often it snapshots, how often a transaction is retried). */
  storeOptions?: RedisStoreOptions;
}

/** The store a twin starts with: `options.store`, else `DOPPEL_STORE`, else memory. Throws on one it cannot open. */
export function storeOf(store: string | undefined): string | undefined {
  const chosen = store ?? process.env.DOPPEL_STORE;
  if (chosen === undefined || chosen === '' || chosen === 'memory') return undefined;
  if (!isRedisUrl(chosen)) throw new Error(`doppel: unknown store "${chosen}" (memory, or redis://host:port/db)`);
  return chosen;
}

export interface RunningTwin<F, S> {
  url: string;
  /** The token the admin API requires, when it requires one (non-loopback hosts, or `adminToken` given). */
  adminToken?: string;
  port: number;
  twin: Twin<F, S>;
  /** The shared store, when the twin was started with one (`options.store`, `DOPPEL_STORE`). */
  store?: RedisStore;
  close(): Promise<void>;
}

/** The only place in Doppel that binds a port. */
export async function startTwin<F, S>(def: TwinDefinition<F, S>, options: StartOptions<F> = {}): Promise<RunningTwin<F, S>> {
  const host = options.host ?? '127.0.0.1';
  // Reachable from other machines: the admin API needs a token, generated when none is given.
  const adminToken = options.adminToken ?? (isLoopback(host) ? undefined : generateAdminToken());
  const storeUrl = storeOf(options.store);
  const twinApp = createTwinApp(def, {
    ...options,
    // The store chosen (DOPPEL_STORE when none is given; `memory` and '' are none), whatever options.store said.
    store: storeUrl,
    ...(adminToken !== undefined && { adminToken }),
  });
  const { app, twin } = twinApp;
  // Shared: brought up to the shared state before it answers anything; every request is then a transaction.
  const store = storeUrl === undefined ? undefined : await connectStore(twinApp, storeUrl, options.storeOptions);
  const requested = options.port ?? 0;
  const log = options.log ?? ((line: string) => console.log(line));

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: requested, hostname: host }, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(requested, host) : err);
    });
  }).catch(async (err) => {
    await store?.close();
    throw err;
  });
  // A client that keeps connections alive must not hold close() open.
  server.on('error', (err) => log(`[doppel:${def.name}] server error: ${String(err)}`));

  let stopWatching = async () => {};
  const file = options.fixturesFile;
  if (file && options.watch !== false) {
    const watcher = watch(file, { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 10 } });
    watcher.on('all', (event) => {
      if (event !== 'change' && event !== 'add') return;
      const failed = (err: unknown) =>
        log(err instanceof FixtureError ? `[doppel:${def.name}] ${err.message} (kept the previous fixtures)` : String(err));
      const reloaded = () => log(`[doppel:${def.name}] fixtures reloaded from ${file}`);
      if (store) {
        // Shared: the reload is a change like any other, so every replica takes it.
        store.transact(() => twin.reloadFromFile(file)).then(reloaded, failed);
        return;
      }
      try {
        twin.reloadFromFile(file);
        reloaded();
      } catch (err) {
        failed(err);
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
    ...(store && { store }),
    async close() {
      await stopWatching();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await store?.close();
    },
  };
}

/**
 * A small ONES plugin SDK for the Doppel twin: write the functions exactly as vendor doc 001 shows
 * (`export async function prefixFunc(request: PluginRequest): Promise<PluginResponse>`), serve them over
 * HTTP on 127.0.0.1, read config/plugin.yaml, register with the twin and call `fetchONES` against it.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { parse as parseYaml } from 'yaml';
import { AdminError } from '../admin/client.ts';
import type { components, paths } from '../generated/ones.ts';
import { bodyOf, type FetchLike, openapi, settle, unwrap } from '../http.ts';

/** What the twin sends a plugin function (`B`: the body's type, as in the doc's `PluginRequest<Record<string, any>>`). */
export type PluginRequest<B = unknown> = Omit<components['schemas']['PluginRequest'], 'body'> & { body: B };
/** What a plugin function answers: prefix → new headers/body (or, with a non-2xx statusCode, a rejection), replace → the reply, suffix → ignored. */
export type PluginResponse = components['schemas']['PluginResponse'];
export type PluginSummary = components['schemas']['PluginSummary'];
// biome-ignore lint/suspicious/noExplicitAny: plugin functions type their own bodies, as in the doc
export type PluginFunction = (request: PluginRequest<any>) => Promise<PluginResponse> | PluginResponse;
/** A plugin's functions: a module namespace (`import * as plugin from './src/index.ts'`) or a plain map. */
export type PluginFunctions = Record<string, unknown>;

// ---------------------------------------------------------------- fetchONES

export interface FetchONESOptions {
  /** `/project/…` or `/wiki/…` (short for `/project/api/project/…`, `/wiki/api/wiki/…`), or a full API path. */
  path: string;
  method?: string;
  /** As in the doc: `{ 'Ones-User-Id': [userUUID], 'Ones-Auth-Token': [userToken] }` (strings also accepted). */
  headers?: Record<string, string | string[]>;
  body?: unknown;
  /** `true` calls with the root credentials given to `configureONES` instead of the headers' user. */
  root?: boolean;
}

export interface FetchONESResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface ONESConnection {
  /** The twin's base URL, e.g. `http://127.0.0.1:4030`. */
  url: string;
  /** Used when a call asks for `root: true`. */
  root?: { userId: string; token: string };
  fetch?: FetchLike;
}

/** `/wiki/team/x` → `/wiki/api/wiki/team/x`; `/project/users/me` → `/project/api/project/users/me`. */
function onesApiPath(path: string): string {
  if (/^\/(project\/api\/project|wiki\/api\/wiki)(\/|$|\?)/.test(path)) return path;
  if (path.startsWith('/wiki/')) return `/wiki/api/wiki${path.slice(5)}`;
  if (path.startsWith('/project/')) return `/project/api/project${path.slice(8)}`;
  return `/project/api/project${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * A fetchONES bound to one twin. Every call carries `Replace: replace`, so calling the API a plugin
 * replaces reaches ONES's own handler instead of the plugin again (no recursion).
 */
export function createFetchONES(connection: ONESConnection) {
  const api = openapi<paths>({ baseUrl: connection.url, fetch: connection.fetch });
  // A string body goes as it is; anything else as JSON (openapi-fetch adds the JSON content type unless given one).
  const bodySerializer = (body: unknown) => (typeof body === 'string' ? body : JSON.stringify(body));
  return async function fetchONES(options: FetchONESOptions): Promise<FetchONESResponse> {
    const { root } = connection;
    if (options.root && !root) throw new Error('fetchONES({ root: true }) needs root credentials: configureONES({ url, root })');
    const headers = {
      ...options.headers,
      ...(options.root && { 'Ones-User-Id': root!.userId, 'Ones-Auth-Token': root!.token }),
      Replace: 'replace',
    };
    const method = (options.method ?? 'GET').toUpperCase();
    const body = method === 'GET' || method === 'HEAD' ? undefined : options.body;
    const path = onesApiPath(options.path) as '/project/api/project/users/me';
    const answer = await api.request(method as 'get', path, { headers, body: body as never, bodySerializer, parseAs: 'text' });
    const out: Record<string, string> = {};
    answer.response.headers.forEach((v, k) => {
      out[k] = v;
    });
    return { statusCode: answer.response.status, headers: out, body: bodyOf(answer) };
  };
}

let connected: ReturnType<typeof createFetchONES> | undefined;

/** Point the module-level `fetchONES` at a twin (`runPlugin` does this for you). */
export function configureONES(connection: ONESConnection): void {
  connected = createFetchONES(connection);
}

/** The doc's `fetchONES` (from `@ones-op/node-fetch`), against the twin `configureONES` / `runPlugin` set. */
export function fetchONES(options: FetchONESOptions): Promise<FetchONESResponse> {
  if (!connected) return Promise.reject(new Error('fetchONES: no ONES twin configured; call configureONES({ url }) or runPlugin()'));
  return connected(options);
}

// ---------------------------------------------------------------- plugin.yaml

/** The text of `config/plugin.yaml`: give the plugin's directory or the file itself. */
export async function readPluginYaml(dirOrFile: string): Promise<string> {
  const file = (await stat(dirOrFile)).isDirectory() ? join(dirOrFile, 'config', 'plugin.yaml') : dirOrFile;
  return readFile(file, 'utf8');
}

/** The function names plugin.yaml's `apis` refer to, in declaration order. */
function pluginFunctionNames(yaml: string): string[] {
  const doc = parseYaml(yaml) as { apis?: { function?: unknown }[] } | null;
  const names = (doc?.apis ?? []).map((a) => a?.function).filter((f): f is string => typeof f === 'string');
  return [...new Set(names)];
}

// ---------------------------------------------------------------- serving

export interface ServedPlugin {
  /** The base URL the twin POSTs `<url>/<function>` to. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serve plugin functions over HTTP on 127.0.0.1 (port 0 picks one): `POST /<function>` with a PluginRequest
 * answers the function's PluginResponse. A function that throws answers 500 with the error message.
 */
export async function servePlugin(functions: PluginFunctions, options: { port?: number; host?: string } = {}): Promise<ServedPlugin> {
  const app = new Hono();
  app.post('/:fn', async (c) => {
    const fn = functions[c.req.param('fn')];
    if (typeof fn !== 'function') return c.json({ error: `the plugin exports no function ${c.req.param('fn')}` }, 404);
    let request: PluginRequest;
    try {
      request = (await c.req.json()) as PluginRequest;
    } catch {
      return c.json({ error: 'the body is not a JSON PluginRequest' }, 400);
    }
    try {
      const result = await (fn as PluginFunction)(request);
      return c.json(result ?? {});
    } catch (err) {
      return c.json({ error: (err as Error)?.message ?? String(err) }, 500);
    }
  });
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

// ---------------------------------------------------------------- registration

/** The twin refused the plugin: 409 `plugin_conflict` (the message names the other plugin) or 400. */
export class PluginRegistrationError extends AdminError {
  override name = 'PluginRegistrationError';
}

export interface RegisterOptions {
  /** The twin's base URL. */
  twinUrl: string;
  /** The text of config/plugin.yaml. */
  yaml: string;
  /** Where the functions are served. */
  baseUrl: string;
  name?: string;
  teams?: string[];
  timeoutMs?: number;
  fetch?: FetchLike;
}

/** The twin's refusal of a registration. */
const refused = (body: unknown, response: Response) => (response.ok ? undefined : PluginRegistrationError.of(body, response.status));

/** Register (or re-register, replacing) a plugin with the twin: `POST /__admin/plugins`. */
export async function registerPlugin(options: RegisterOptions): Promise<PluginSummary> {
  const { twinUrl, fetch, ...body } = options;
  const answer = openapi<paths>({ baseUrl: twinUrl, fetch }).POST('/__admin/plugins', { body, parseAs: 'text' });
  return unwrap(await settle<PluginSummary, PluginRegistrationError>(answer, refused));
}

/** Unregister a plugin (`DELETE /__admin/plugins/{name}`); false when it was not registered. */
export async function unregisterPlugin(twinUrl: string, name: string, fetch?: FetchLike): Promise<boolean> {
  const api = openapi<paths>({ baseUrl: twinUrl, fetch });
  return (await api.DELETE('/__admin/plugins/{name}', { params: { path: { name } }, parseAs: 'text' })).response.ok;
}

export interface RunPluginOptions {
  twinUrl: string;
  /** The plugin's exported functions. */
  functions: PluginFunctions;
  /** The plugin directory (its config/plugin.yaml is read) … */
  dir?: string;
  /** … or the text of plugin.yaml. */
  yaml?: string;
  name?: string;
  teams?: string[];
  timeoutMs?: number;
  /** Root credentials for `fetchONES({ root: true })`. */
  root?: { userId: string; token: string };
}

export interface RunningPlugin {
  name: string;
  url: string;
  summary: PluginSummary;
  /** Unregister from the twin, then stop serving. */
  close(): Promise<void>;
}

/**
 * What `npx op invoke run` did, against the twin: read plugin.yaml, check every function it names is
 * exported, serve the functions, register them, and point `fetchONES` at the twin.
 */
export async function runPlugin(options: RunPluginOptions): Promise<RunningPlugin> {
  const yaml = options.yaml ?? (options.dir ? await readPluginYaml(options.dir) : undefined);
  if (yaml === undefined) throw new Error('runPlugin needs dir (the plugin directory) or yaml');
  const missing = pluginFunctionNames(yaml).filter((n) => typeof options.functions[n] !== 'function');
  if (missing.length) throw new Error(`plugin.yaml names functions the plugin does not export: ${missing.join(', ')}`);
  const served = await servePlugin(options.functions);
  try {
    const summary = await registerPlugin({
      twinUrl: options.twinUrl,
      yaml,
      baseUrl: served.url,
      ...(options.name !== undefined && { name: options.name }),
      ...(options.teams && { teams: options.teams }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    });
    configureONES({ url: options.twinUrl, ...(options.root && { root: options.root }) });
    return {
      name: summary.name,
      url: served.url,
      summary,
      async close() {
        await unregisterPlugin(options.twinUrl, summary.name);
        await served.close();
      },
    };
  } catch (err) {
    await served.close();
    throw err;
  }
}

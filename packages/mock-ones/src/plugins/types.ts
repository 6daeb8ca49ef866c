/** The wire types between the twin and a plugin (components PluginRequest / PluginResponse of ones.yaml). */

export type InterceptType = 'prefix' | 'replace' | 'suffix';
export type Scope = 'project' | 'wiki';

export interface PluginResponse {
  statusCode?: number;
  headers?: Record<string, string | string[]>;
  body?: unknown;
}

export interface PluginRequest<B = unknown> {
  type: InterceptType;
  plugin: string;
  function: string;
  method: string;
  /** The ONES path without its scope prefix, with the query string (`/users/me?k1=v1`). */
  url: string;
  /** The same path without the query string. */
  path: string;
  scope: Scope;
  teamUUID?: string;
  query: Record<string, string>;
  /** The url's `:params`, by name. */
  params: Record<string, string>;
  /** Go-canonical names (`Ones-User-Id`), one string each. */
  headers: Record<string, string>;
  body: B;
  /** Suffix only: what the client received. */
  response?: { statusCode: number; headers: Record<string, string>; body: unknown };
}

/** Library form: a plugin function, run in-process. (To call ONES from it, use the SDK's fetchONES.) */
// biome-ignore lint/suspicious/noExplicitAny: each function types its own body (the doc's PluginRequest<Record<string, any>>)
export type PluginFunction = (request: PluginRequest<any>) => Promise<PluginResponse> | PluginResponse;

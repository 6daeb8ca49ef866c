/** The wire types between the twin and a plugin (components PluginRequest / PluginResponse of ones.yaml). */

export type InterceptType = 'prefix' | 'replace' | 'suffix';
export type Scope = 'project' | 'wiki';

export interface PluginResponse {
  statusCode?: number;
  headers?: Record<string, string | string[]>;
  body?: unknown;
}

export interface PluginRequest {
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
  body: unknown;
  /** Suffix only: what the client received. */
  response?: { statusCode: number; headers: Record<string, string>; body: unknown };
}

/** Library form: a plugin function. The second argument calls the twin's own ONES API. */
export type PluginFunction = (request: PluginRequest, context: PluginContext) => Promise<PluginResponse> | PluginResponse;

export interface FetchONESOptions {
  /** `/project/…` or `/wiki/…` (mapped onto `/project/api/project/…`, `/wiki/api/wiki/…`), or a full API path. */
  path: string;
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: unknown;
  /** `true` calls as the organisation owner instead of the given user. */
  root?: boolean;
}

export interface FetchONESResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface PluginContext {
  fetchONES(options: FetchONESOptions): Promise<FetchONESResponse>;
}

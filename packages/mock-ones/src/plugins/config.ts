import { parse as parseYaml } from 'yaml';
import type { InterceptType, Scope } from './types.ts';

/** One entry of plugin.yaml's `apis`, as the twin runs it. */
export interface ApiRule {
  type: InterceptType;
  methods: string[];
  /** As written in plugin.yaml (without the scope prefix). */
  url: string;
  scope: Scope;
  function: string;
  query?: Record<string, string>;
  /** Team-level when the url contains `/team/:teamUUID`. */
  level: 'organization' | 'team';
  /** The name of the team `:param` of a team-level url. */
  teamParam?: string;
  /** Position in plugin.yaml's `apis` (declaration order decides between matching rules). */
  index: number;
  /** The url with every `:param` name erased: two rules with the same key are the same API. */
  key: string;
  match(path: string): Record<string, string> | undefined;
}

interface ParsedConfig {
  service: Record<string, unknown>;
  rules: ApiRule[];
  /** Entries of types the twin does not run (addition, external, intercept, subscribe, …). */
  ignored: string[];
}

export class PluginConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PluginConfigError';
  }
}

/** Where each scope's API lives: a plugin.yaml url is written without it. */
const SCOPE_PREFIX: Record<Scope, string> = { project: '/project/api/project', wiki: '/wiki/api/wiki' };

/** `/wiki/api/wiki/team/x/…` → `{ scope: 'wiki', path: '/team/x/…' }`; undefined outside both scopes. */
export function scopeOf(fullPath: string): { scope: Scope; path: string } | undefined {
  for (const scope of ['project', 'wiki'] as const) {
    const prefix = SCOPE_PREFIX[scope];
    if (fullPath === prefix || fullPath.startsWith(`${prefix}/`)) return { scope, path: fullPath.slice(prefix.length) || '/' };
  }
  return undefined;
}

const TYPES = new Set<InterceptType>(['prefix', 'replace', 'suffix']);
const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);

/**
 * A plugin.yaml url (`/team/:teamUUID/online_page/:pageUUID/update_title`) as a matcher that answers its
 * unescaped `:params`, and its key: the url with every `:param` name erased (two urls with one key are one API).
 */
export function compileUrl(url: string): { key: string; match: (path: string) => Record<string, string> | undefined } {
  const names: string[] = [];
  const source = url
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        names.push(seg.slice(1));
        return '([^/]+)';
      }
      return seg.replace(/[.+?^${}()|[\]\\*]/g, '\\$&');
    })
    .join('/');
  const re = new RegExp(`^${source}/?$`);
  const key = url.replace(/:[^/]+/g, ':').replace(/\/$/, '');
  return {
    key,
    match(path) {
      const hit = re.exec(path);
      if (!hit) return undefined;
      const params: Record<string, string> = {};
      names.forEach((n, i) => {
        params[n] = decodeURIComponent(hit[i + 1]!);
      });
      return params;
    },
  };
}

/** Read plugin.yaml (text) or its parsed form; throws PluginConfigError saying which entry is wrong and why. */
export function parsePluginConfig(input: string | Record<string, unknown>): ParsedConfig {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = parseYaml(input);
    } catch (err) {
      throw new PluginConfigError(`plugin.yaml is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new PluginConfigError('plugin.yaml must be a mapping');
  const { service, apis } = doc as { service?: unknown; apis?: unknown };
  if (apis !== undefined && apis !== null && !Array.isArray(apis)) throw new PluginConfigError('apis must be a list');
  const rules: ApiRule[] = [];
  const ignored: string[] = [];
  ((apis as unknown[] | undefined) ?? []).forEach((raw, index) => {
    const where = `apis[${index}]`;
    if (!raw || typeof raw !== 'object') throw new PluginConfigError(`${where} must be a mapping`);
    const e = raw as Record<string, unknown>;
    if (typeof e.type !== 'string') throw new PluginConfigError(`${where}.type is required`);
    if (!TYPES.has(e.type as InterceptType)) {
      ignored.push(`${where}: type ${e.type} (${String(e.url ?? '')}) is not run by the twin`);
      return;
    }
    if (!Array.isArray(e.methods) || e.methods.length === 0 || !e.methods.every((m) => typeof m === 'string')) {
      throw new PluginConfigError(`${where}.methods must be a non-empty list of HTTP methods`);
    }
    const methods = (e.methods as string[]).map((m) => m.toUpperCase());
    const bad = methods.find((m) => !METHODS.has(m));
    if (bad) throw new PluginConfigError(`${where}.methods: ${bad} is not an HTTP method`);
    if (typeof e.url !== 'string' || !e.url.startsWith('/')) throw new PluginConfigError(`${where}.url must be a path starting with /`);
    if (scopeOf(e.url)) {
      throw new PluginConfigError(`${where}.url must be written without the /project/api/project or /wiki/api/wiki prefix`);
    }
    const scope = e.scope ?? 'project';
    if (scope !== 'project' && scope !== 'wiki') throw new PluginConfigError(`${where}.scope must be project or wiki`);
    if (typeof e.function !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(e.function)) {
      throw new PluginConfigError(`${where}.function must be the name of an exported function`);
    }
    let query: Record<string, string> | undefined;
    if (e.query !== undefined && e.query !== null) {
      if (typeof e.query !== 'object' || Array.isArray(e.query)) throw new PluginConfigError(`${where}.query must be a map`);
      query = {};
      for (const [k, v] of Object.entries(e.query)) {
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
          throw new PluginConfigError(`${where}.query.${k} must be a string`);
        }
        query[k] = String(v);
      }
    }
    const { key, match } = compileUrl(e.url);
    const teamParam = /\/team\/:([^/]+)/.exec(e.url)?.[1];
    rules.push({
      type: e.type as InterceptType,
      methods,
      url: e.url,
      scope,
      function: e.function,
      ...(query && { query }),
      level: teamParam ? 'team' : 'organization',
      ...(teamParam && { teamParam }),
      index,
      key,
      match,
    });
  });
  return { service: (service && typeof service === 'object' ? service : {}) as Record<string, unknown>, rules, ignored };
}

import { Cell, type Shared, type Space } from '@doppel/mock-kit';
import type { components } from '../generated/openapi.ts';
import { type ApiRule, PluginConfigError, parsePluginConfig } from './config.ts';
import type { InterceptType, PluginFunction, Scope } from './types.ts';

const DEFAULT_PLUGIN_TIMEOUT_MS = 5000;

/** Where a plugin's functions run: over HTTP (`<baseUrl>/<function>`) or in-process (library form). */
type PluginTarget = { baseUrl: string } | { functions: Record<string, PluginFunction> };

export interface PluginInput {
  /** Default: `service.app_id`, then `service.name` of the config. */
  name?: string;
  /** The text of config/plugin.yaml, or the same document parsed. */
  config: string | Record<string, unknown>;
  /** Teams the plugin is installed in; team-level urls only fire there. Default: every team. */
  teams?: string[];
  timeoutMs?: number;
  target: PluginTarget;
}

export interface Plugin {
  name: string;
  rules: ApiRule[];
  ignored: string[];
  teams: string[] | '*';
  timeoutMs: number;
  target: PluginTarget;
}

/** Registration refused because another plugin already intercepts the same API. */
export class PluginConflictError extends Error {
  constructor(
    message: string,
    readonly conflict: { plugin: string; type: InterceptType; method: string; scope: Scope; url: string; team?: string },
  ) {
    super(message);
    this.name = 'PluginConflictError';
  }
}

export interface Match {
  plugin: Plugin;
  rule: ApiRule;
  params: Record<string, string>;
  teamUUID?: string;
}

interface RequestShape {
  method: string;
  scope: Scope;
  /** Path without scope prefix and query. */
  path: string;
  query: URLSearchParams;
}

const overlap = <T>(a: T[], b: T[]) => a.filter((x) => b.includes(x));

/**
 * A registration as the shared state keeps it: JSON only. A plugin over HTTP is the same on every replica; a
 * library-form plugin's functions live in the process that registered it (`local`), the only one that can call them.
 */
interface Registration {
  name: string;
  config: string | Record<string, unknown>;
  teams: string[] | '*';
  timeoutMs: number;
  target: { baseUrl: string } | { local: true };
}

/**
 * The registered plugins, in registration order: one kit Cell of registrations (so a shared store keeps them in step
 * across replicas, and a conflict is found whichever replica registered first), each compiled once per process.
 */
export class PluginRegistry implements Shared {
  private readonly cell = new Cell<Registration[]>([]);
  private readonly compiled = new WeakMap<Registration, Plugin>();
  /** Library-form plugins' functions, by plugin name: this process's own. */
  private readonly functions = new Map<string, Record<string, PluginFunction>>();
  /** Replace calls in flight, by `replaceKey`: how many (README "No recursion"). */
  private readonly replacing = new Map<string, number>();
  /** Suffix notifications still running after their response was sent (README "The journal"). */
  private readonly suffixes = new Set<Promise<unknown>>();

  constructor(private readonly knownTeams: () => string[]) {}

  private get plugins(): Plugin[] {
    return this.cell.get().map((r) => this.compile(r));
  }

  private compile(r: Registration): Plugin {
    let plugin = this.compiled.get(r);
    if (!plugin) {
      const parsed = parsePluginConfig(r.config);
      const target: PluginTarget = 'baseUrl' in r.target ? { baseUrl: r.target.baseUrl } : { functions: this.functions.get(r.name) ?? {} };
      plugin = { name: r.name, rules: parsed.rules, ignored: parsed.ignored, teams: r.teams, timeoutMs: r.timeoutMs, target };
      this.compiled.set(r, plugin);
    }
    return plugin;
  }

  list(): Plugin[] {
    return this.plugins;
  }

  get(name: string): Plugin | undefined {
    return this.plugins.find((p) => p.name === name);
  }

  get size(): number {
    return this.cell.get().length;
  }

  /**
   * Register, or replace the plugin of the same name. Throws PluginConfigError for a bad config or team,
   * PluginConflictError when the doc's one-plugin-per-API rules are broken (the message names the other plugin).
   */
  register(input: PluginInput): { plugin: Plugin; replaced: boolean } {
    const parsed = parsePluginConfig(input.config);
    const name = input.name ?? String(parsed.service.app_id ?? parsed.service.name ?? '');
    if (!name) throw new PluginConfigError('the plugin needs a name (give name, or service.app_id / service.name in plugin.yaml)');
    const known = this.knownTeams();
    const teams = input.teams ? [...new Set(input.teams)] : '*';
    if (teams !== '*') {
      const unknown = teams.filter((t) => !known.includes(t));
      if (unknown.length)
        throw new PluginConfigError(`unknown team ${unknown.join(', ')}; the organisation's teams are ${known.join(', ')}`);
    }
    const timeoutMs = input.timeoutMs ?? DEFAULT_PLUGIN_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 60_000) {
      throw new PluginConfigError('timeoutMs must be an integer between 1 and 60000');
    }
    const plugin: Plugin = { name, rules: parsed.rules, ignored: parsed.ignored, teams, timeoutMs, target: input.target };
    const others = this.plugins.filter((p) => p.name !== name);
    for (const rule of plugin.rules) {
      for (const other of others) {
        for (const theirs of other.rules) {
          if (theirs.type !== rule.type || theirs.scope !== rule.scope || theirs.key !== rule.key) continue;
          const method = overlap(theirs.methods, rule.methods)[0];
          if (!method) continue;
          const what = `${rule.type} of ${method} ${rule.scope} ${rule.url}`;
          if (rule.level === 'organization') {
            throw new PluginConflictError(
              `plugin "${name}" cannot register ${what}: plugin "${other.name}" already intercepts this organisation-level API ` +
                `(only one plugin may ${rule.type} it)`,
              { plugin: other.name, type: rule.type, method, scope: rule.scope, url: theirs.url },
            );
          }
          const team = overlap(teams === '*' ? known : teams, other.teams === '*' ? known : other.teams)[0];
          if (team !== undefined) {
            throw new PluginConflictError(
              `plugin "${name}" cannot register ${what} in team ${team}: plugin "${other.name}" already intercepts this team-level API ` +
                `in that team (one plugin per team may ${rule.type} it)`,
              { plugin: other.name, type: rule.type, method, scope: rule.scope, url: theirs.url, team },
            );
          }
        }
      }
    }
    // This process's functions for the name belong to its library registration only: an HTTP one drops them, or a
    // library registration of the name by another replica would be answered with them here (README "Mutation testing").
    let target: Registration['target'];
    if ('baseUrl' in input.target) {
      target = { baseUrl: input.target.baseUrl };
      this.functions.delete(name);
    } else {
      target = { local: true };
      this.functions.set(name, input.target.functions);
    }
    const registration: Registration = { name, config: input.config, teams, timeoutMs, target };
    this.compiled.set(registration, plugin);
    const regs = [...this.cell.get()];
    const at = regs.findIndex((r) => r.name === name);
    if (at >= 0) regs[at] = registration;
    else regs.push(registration);
    this.cell.set(regs);
    return { plugin, replaced: at >= 0 };
  }

  unregister(name: string): boolean {
    const regs = this.cell.get();
    const kept = regs.filter((r) => r.name !== name);
    if (kept.length === regs.length) return false;
    this.cell.set(kept);
    return true;
  }

  clear(): void {
    this.cell.set([]);
  }

  // A kit container (shared.ts), by its cell.
  bindShared(space: Space, name: string): void {
    this.cell.bindShared(space, name);
  }

  applyShared(action: string, args: unknown[]): void {
    this.cell.applyShared(action, args);
  }

  dumpShared(): unknown {
    return this.cell.dumpShared();
  }

  restoreShared(dump: unknown): void {
    this.cell.restoreShared(dump);
  }

  /**
   * Run `call`, a replace function's call for `key` (`replaceKey`), marking the API in flight for that user
   * until it settles or the twin stops waiting for it.
   */
  async whileReplacing<T>(key: string, call: () => Promise<T>): Promise<T> {
    this.replacing.set(key, (this.replacing.get(key) ?? 0) + 1);
    try {
      return await call();
    } finally {
      const left = this.replacing.get(key)! - 1;
      if (left === 0) this.replacing.delete(key);
      else this.replacing.set(key, left);
    }
  }

  /** A replace function for this API and user is in flight: a request with this key is the plugin's own call. */
  isReplacing(key: string): boolean {
    return this.replacing.has(key);
  }

  /** Keep track of a suffix notification that outlives its request, until it settles. */
  track(suffix: Promise<unknown>): void {
    this.suffixes.add(suffix);
    const done = () => this.suffixes.delete(suffix);
    suffix.then(done, done);
  }

  /** Resolves once every suffix notification started so far has completed or timed out (and is journaled). */
  async settled(): Promise<void> {
    while (this.suffixes.size > 0) await Promise.allSettled([...this.suffixes]);
  }

  /**
   * The rule of `type` that intercepts this request, if any: within a plugin the first declared rule whose
   * method, url, team and query all match; across plugins the first registered (conflicts keep it unique).
   */
  find(type: InterceptType, req: RequestShape): Match | undefined {
    for (const plugin of this.plugins) {
      for (const rule of plugin.rules) {
        if (rule.type !== type || rule.scope !== req.scope || !rule.methods.includes(req.method)) continue;
        const params = rule.match(req.path);
        if (!params) continue;
        const teamUUID = rule.teamParam ? params[rule.teamParam] : undefined;
        if (teamUUID !== undefined && plugin.teams !== '*' && !plugin.teams.includes(teamUUID)) continue;
        if (rule.query && !Object.entries(rule.query).every(([k, v]) => req.query.getAll(k).includes(v))) continue;
        return { plugin, rule, params, ...(teamUUID !== undefined && { teamUUID }) };
      }
    }
    return undefined;
  }
}

/** One API (method, scope, path without query) called by one user (`Ones-User-Id`): what "the same call" means. */
export const replaceKey = (method: string, scope: Scope, path: string, userId: string | undefined) =>
  JSON.stringify([method, scope, path, userId ?? '']);

/** The JSON view of a plugin (admin API). */
export function summarize(plugin: Plugin, replaced?: boolean): components['schemas']['PluginSummary'] {
  return {
    name: plugin.name,
    ...('baseUrl' in plugin.target ? { baseUrl: plugin.target.baseUrl } : { library: true }),
    teams: plugin.teams,
    timeoutMs: plugin.timeoutMs,
    apis: plugin.rules.map((r) => ({
      type: r.type,
      methods: r.methods,
      url: r.url,
      scope: r.scope,
      function: r.function,
      ...(r.query && { query: r.query }),
      level: r.level,
    })),
    ignored: plugin.ignored,
    ...(replaced !== undefined && { replaced }),
  };
}

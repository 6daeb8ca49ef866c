import type { Context, Hono, MiddlewareHandler } from 'hono';
import { type Clock, createClock } from './clock.ts';
import type { ErrorCatalogue, Refusal } from './errors.ts';
import { FixtureError, fixtureValidator, readFixtureFile } from './fixtures.ts';
import type { AdminGuard } from './guard.ts';
import { Journal, type RawJournalEntry } from './journal.ts';
import type { LoadedSpec, Operation, ValidationIssue } from './openapi.ts';
import { loadSpec } from './openapi.ts';
import { RuleBook } from './scenarios.ts';
import { Cell, isShared, type Shared, Space } from './shared.ts';

/** 1 MiB: the request body limit of a twin whose platform documents none. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface NamedState<F> {
  description: string;
  /** Derive this state's fixtures from the twin's base fixtures (a fresh copy). */
  apply(fixtures: F, params: Record<string, unknown>): F;
}

/** Per-request values every twin handler reads with `c.get(name)` (`c.var` copies them all on every access). */
export interface TwinVariables<F, S> {
  twin: Twin<F, S>;
  /** The operation of the twin's OpenAPI spec that this request matched. */
  op: Operation;
  /** The body as sent, `undefined` for none. */
  rawBody: string | undefined;
  /** The body parsed by its content type (JSON, form fields), `undefined` when absent or unparseable. */
  body: unknown;
  /** Notes the journal keeps beside this request (the twin's debugging aids). */
  notes: Record<string, unknown>;
  /** The name of the error template that answered this request, once the kit has rendered it. */
  refusal: string | undefined;
}

export type TwinEnv<F, S> = { Variables: TwinVariables<F, S> };
export type TwinContext<F, S> = Context<TwinEnv<F, S>>;

export interface CredentialRow {
  label: string;
  value: string;
}

export interface TwinDefinition<F, S> {
  /** Short name: CLI flag prefix, log prefix, Pact provider name suffix. */
  name: string;
  title: string;
  defaultPort: number;
  /** Absolute path of the twin's OpenAPI document. */
  spec: string;
  fixtures: {
    /** JSON Schema every fixtures document must satisfy. */
    schema: object;
    /** The built-in fixtures (a new object on each call). */
    defaults: () => F;
  };
  /** Named fixture states; the same names are the twin's Pact provider states. */
  states?: Record<string, NamedState<F>>;
  /** Build the mutable runtime state from fixtures. */
  seed(fixtures: F, twin: Twin<F, S>): S;
  /** The platform's own named errors; scenarios can force any of them. */
  errors: ErrorCatalogue;
  /**
   * Who calls the platform, by kinds a person knows (an app, an organisation, a user…): what scenario rules can be
   * scoped to and what the journal files each request under (package README, "Callers").
   */
  callers?: CallerHooks<F, S>;
  /**
   * Optional middleware between scenarios and routing: a platform's own interception layer (e.g. ONES's plugin
   * engine) that may answer before the spec routes the request, or call `next()` to let it through; whatever
   * the rest of the pipeline answers (a rendered refusal included) is in `c.res` when `next()` returns.
   */
  beforeRouting?: MiddlewareHandler<TwinEnv<F, S>>;
  /** Runs after routing, before validation: the platform's entry check. Throws a Refusal to refuse. */
  authenticate?(c: TwinContext<F, S>, op: Operation): void | Promise<void>;
  /** The platform's refusal of a request that fails the OpenAPI spec. */
  onInvalid(c: TwinContext<F, S>, issues: ValidationIssue[], op: Operation): Refusal;
  /** The platform's refusal of a path or method it does not serve. */
  notFound(c: TwinContext<F, S>): Refusal;
  /** The platform's answer to a defect in the twin itself (never expected); default a JSON 500. */
  internalError?(c: TwinContext<F, S>, err: Error): Refusal;
  /** Parse a request body; default: JSON for JSON or untyped bodies, fields for forms. */
  parseBody?(raw: string, contentType: string | undefined): unknown;
  /** The largest request body the platform accepts, in bytes (default 1 MiB): larger ones get `tooLarge`. */
  bodyLimit?: number;
  /** The platform's refusal of a body over the limit (default: the kit's JSON 413). */
  tooLarge?(c: TwinContext<F, S>, limit: number): Refusal;
  /** Extra secret names to mask in the journal. */
  secretNames?: RegExp;
  /** The stores that grow with traffic (BoundedMap or alike), by name: `/__admin/health` shows how full they are. */
  stores?(runtime: S): Record<string, { usage(): { size: number; max: number; evicted: number } }>;
  /** Lines for the CLI table: default credentials. */
  credentials?(fixtures: F): CredentialRow[];
  /** The platform's routes: Hono sub-apps, each mounted at its base path with `app.route(base, routes)`. */
  routes: RouteMount<F, S>[];
  /** Twin-specific admin routes (described in the twin's spec), mounted under `/__admin`. */
  adminRoutes?: Hono<TwinEnv<F, S>>;
}

/** Who a request came from, by caller kind (`app`, `org`, `user`, …): ids a person knows from the fixtures. */
export type Callers = Record<string, string>;

/** A caller the fixtures know, as `GET /__admin/scenarios` lists it. */
export interface KnownCaller {
  kind: string;
  id: string;
  /** What the fixtures call it, if they name it. */
  name?: string;
}

/**
 * What a caller hook reads of a request: the same for a live request (a scenario rule deciding) and for a
 * recorded one (the journal, read later: then `notes` holds what the twin noted while serving it).
 */
export interface CallerFacts {
  method: string;
  path: string;
  query(name: string): string | undefined;
  header(name: string): string | undefined;
  /** The parsed body (JSON or form fields), else the text, else undefined. */
  body: unknown;
  notes: Record<string, unknown>;
}

export interface CallerHooks<F, S> {
  /** The caller kinds of the platform, each with a one-line description. */
  kinds: Record<string, string>;
  /**
   * The callers of a request. Only computed when needed: a rule scoped to a caller is tried, or the journal is
   * read (or streamed); so it must read nothing but `req` and the twin's state.
   */
  of(req: CallerFacts, twin: Twin<F, S>): Callers | undefined;
  /** Every caller the fixtures know (a rule naming another is refused). */
  known(fixtures: F): KnownCaller[];
  /** The kinds, in order, whose first present caller is the deprecated `tenant` of a journal entry. */
  tenant?: string[];
}

/** `[basePath, subApp]`: where a sub-app of the platform's routes is mounted. */
export type RouteMount<F, S> = readonly [base: string, routes: Hono<TwinEnv<F, S>>];

export interface TwinOptions<F> {
  /** Fixtures to start with instead of the built-in defaults (validated). */
  fixtures?: F;
  /** A JSON or YAML file to start from (validated); wins over `fixtures`. */
  fixturesFile?: string;
  /** Journal capacity (ring buffer), default 1000. */
  journalSize?: number;
  /** What the journal may hold in all, in bytes (default 32 MiB): the oldest entries go first. */
  journalBytes?: number;
  /** Overrides the definition's request body limit, in bytes. */
  bodyLimit?: number;
  /** Require this token on every admin call (see AdminGuard). `startTwin` sets one for non-loopback hosts. */
  adminToken?: string;
  /** Browser origins (besides the twin's own) allowed to drive the admin API: the QA console's. */
  adminOrigins?: string[];
  /** The QA console's URL, linked from `GET /__admin`. */
  consoleUrl?: string;
  clock?: Clock;
  /**
   * Where the twin's state lives: `memory` (the default) or `redis://host:port/db`, shared by every replica pointed
   * at it (the kit's README, "A shared QA twin"). `startTwin` connects it (and reads `DOPPEL_STORE`).
   */
  store?: string;
}

/** Which fixtures the live state was seeded from: one shared value (the twin's `@fixtures`). */
interface FixturesState<F> {
  base: F;
  current: F;
  source: string;
  active: string | null;
  /** When it was seeded (the machine's ms): every replica seeds with the clock showing the same time. */
  seededAt: number;
}

/** The containers of a runtime: its own enumerable properties that are kit containers, by property name. */
export function sharedContainers(runtime: unknown): [string, Shared][] {
  if (typeof runtime !== 'object' || runtime === null) return [];
  return Object.entries(runtime).filter((e): e is [string, Shared] => isShared(e[1]));
}

export class Twin<F, S> {
  readonly clock: Clock;
  readonly journal: Journal;
  /** The largest request body accepted, in bytes. */
  readonly bodyLimit: number;
  /** Who may drive the admin API; `startTwin` fills in the hosts once it knows its port. */
  readonly adminGuard: AdminGuard;
  readonly rules = new RuleBook();
  readonly spec: LoadedSpec;
  /** The QA console's URL, if the twin knows it. */
  readonly consoleUrl: string | undefined;
  /**
   * Set when the state is shared between replicas (`options.store` other than memory): the named containers a
   * store keeps in step, and the transaction of the request being served.
   */
  readonly space: Space | undefined;
  /** What `/__admin/health` says of a shared store (set when one is connected); none: memory. */
  storeStatus: (() => { kind: 'redis'; version: number; conflicts: number }) | undefined;
  private readonly check: (value: unknown, source: string) => F;
  private readonly fixtureCell: Cell<FixturesState<F>>;
  private runtime!: S;
  /** Shared: the machine time the clock shows while seeding (the `seededAt` of the fixtures). */
  private pinned: number | undefined;

  constructor(
    readonly def: TwinDefinition<F, S>,
    options: TwinOptions<F> = {},
  ) {
    const shared = options.store !== undefined && options.store !== 'memory';
    this.space = shared ? new Space() : undefined;
    const offset = new Cell(0);
    this.clock = options.clock ?? (shared ? createClock(() => this.pinned ?? Date.now(), offset) : createClock());
    this.journal = new Journal(options.journalSize ?? 1000, def.secretNames, options.journalBytes);
    this.consoleUrl = options.consoleUrl;
    const hooks = def.callers;
    if (hooks) {
      this.journal.callers = {
        of: (raw) => hooks.of(recordedFacts(raw), this),
        ...(hooks.tenant && { tenant: hooks.tenant }),
      };
    }
    this.bodyLimit = options.bodyLimit ?? def.bodyLimit ?? DEFAULT_BODY_LIMIT;
    this.adminGuard = {
      ...(options.adminToken !== undefined && { token: options.adminToken }),
      ...(options.adminOrigins && { origins: new Set(options.adminOrigins.map((o) => o.toLowerCase())) }),
    };
    if (!Number.isSafeInteger(this.bodyLimit) || this.bodyLimit < 0)
      throw new RangeError(`body limit must be a whole number of bytes, got ${this.bodyLimit}`);
    this.spec = loadSpec(def.spec);
    this.check = fixtureValidator<F>(def.fixtures.schema);
    let base: F;
    let source: string;
    if (options.fixturesFile) {
      base = this.check(readFixtureFile(options.fixturesFile), options.fixturesFile);
      source = options.fixturesFile;
    } else if (options.fixtures) {
      base = this.check(structuredClone(options.fixtures), 'options.fixtures');
      source = 'options';
    } else {
      base = def.fixtures.defaults();
      source = 'defaults';
    }
    this.fixtureCell = new Cell<FixturesState<F>>({ base, current: base, source, active: null, seededAt: Date.now() }, () =>
      this.reseedLocal(),
    );
    if (this.space) {
      this.space.register('@fixtures', this.fixtureCell);
      this.space.register('@clock', offset);
      this.space.register('@rules', this.rules.cell);
      this.space.register('@journal', this.journal);
    }
    this.reseedLocal();
  }

  /** Where the base fixtures came from: `defaults`, `options` or a file path. */
  get fixturesSource(): string {
    return this.fixtureCell.get().source;
  }

  /** The name of the applied named state, if any. */
  get activeState(): string | undefined {
    return this.fixtureCell.get().active ?? undefined;
  }

  /** The live state the handlers read and change. */
  get state(): S {
    if (this.space !== undefined) {
      const rt = this.space.current()?.runtime;
      if (rt !== undefined) return rt as S;
    }
    return this.runtime;
  }

  /** The fixtures the live state was seeded from. */
  get fixtures(): F {
    return this.fixtureCell.get().current;
  }

  /** Back to the start-up fixtures: state re-seeded, journal cleared, scenarios removed, clock restored. */
  reset(): void {
    const f = this.fixtureCell.get();
    this.journal.clear();
    this.rules.clear();
    this.clock.reset();
    this.fixtureCell.set({ ...f, current: f.base, active: null, seededAt: Date.now() });
    this.reseed();
  }

  stateNames(): { name: string; description: string }[] {
    return Object.entries(this.def.states ?? {}).map(([name, s]) => ({ name, description: s.description }));
  }

  /** Reset, then seed the named state. Throws RangeError for an unknown name. */
  useState(name: string, params: Record<string, unknown> = {}): void {
    // Own names only: `toString` or `__proto__` is no state.
    const states = this.def.states ?? {};
    const state = Object.hasOwn(states, name) ? states[name] : undefined;
    if (!state)
      throw new RangeError(
        `unknown state "${name}"; known: ${this.stateNames()
          .map((s) => s.name)
          .join(', ')}`,
      );
    const f = this.fixtureCell.get();
    const current = this.check(state.apply(structuredClone(f.base), params), `state ${name}`);
    this.journal.clear();
    this.rules.clear();
    this.clock.reset();
    this.fixtureCell.set({ ...f, current, active: name, seededAt: Date.now() });
    this.reseed();
  }

  /** Replace the live fixtures (validated); `reset` still returns to the start-up ones. */
  replaceFixtures(value: unknown, source = 'request'): void {
    const current = this.check(structuredClone(value), source);
    this.fixtureCell.set({ ...this.fixtureCell.get(), current, active: null, seededAt: Date.now() });
    this.reseed();
  }

  /** Make `file` the start-up fixtures and seed from it (hot reload). Throws FixtureError and keeps the old ones. */
  reloadFromFile(file: string): void {
    const next = this.check(readFixtureFile(file), file);
    this.fixtureCell.set({ base: next, current: next, source: file, active: null, seededAt: Date.now() });
    this.reseed();
  }

  /**
   * Seed the runtime from the live fixtures. Within a shared transaction the new runtime is the transaction's own
   * until it commits; every replica then seeds its own from the same fixtures (`reseedLocal`, on the commit).
   */
  private reseed(): void {
    const space = this.space;
    const tx = space?.current();
    if (!space || !tx) {
      this.reseedLocal();
      return;
    }
    tx.write('*');
    const { current, seededAt } = this.fixtureCell.get();
    const runtime = this.pinnedAt(seededAt, () => space.untracked(() => this.def.seed(structuredClone(current), this)));
    for (const [name, c] of sharedContainers(runtime)) c.bindShared(space, name);
    tx.runtime = runtime;
  }

  /** Seed the local runtime from the fixtures, registering its containers under their property names. */
  private reseedLocal(): void {
    if (!this.space) {
      this.runtime = this.def.seed(structuredClone(this.fixtureCell.get().current), this);
      return;
    }
    const space = this.space;
    const { current, seededAt } = this.fixtureCell.get();
    this.runtime = this.pinnedAt(seededAt, () => space.untracked(() => this.def.seed(structuredClone(current), this)));
    for (const [name, c] of sharedContainers(this.runtime)) space.register(name, c);
  }

  private pinnedAt<T>(at: number, fn: () => T): T {
    this.pinned = at;
    try {
      return fn();
    } finally {
      this.pinned = undefined;
    }
  }
}

/** The caller facts of a recorded request (the journal's raw entry). */
function recordedFacts(raw: RawJournalEntry): CallerFacts {
  let url: URL | undefined;
  const parsed = () => {
    url ??= new URL(raw.url, 'http://twin.local');
    return url;
  };
  const h = raw.headers;
  return {
    method: raw.method,
    get path() {
      // As the live request's `c.req.path` has it: percent-escapes decoded (decodeURI), or as sent when malformed.
      const path = parsed().pathname;
      try {
        return path.includes('%') ? decodeURI(path) : path;
      } catch {
        return path;
      }
    },
    query: (name) => parsed().searchParams.get(name) ?? undefined,
    header: (name) => {
      if (!Array.isArray(h)) return h.get(name) ?? undefined;
      const lower = name.toLowerCase();
      for (let i = 0; i + 1 < h.length; i += 2) if (h[i]!.toLowerCase() === lower) return h[i + 1];
      return undefined;
    },
    body: raw.body,
    notes: raw.notes ?? {},
  };
}

/** The caller facts of a live request. */
export function liveFacts(c: Context, body: unknown, notes: Record<string, unknown>, query: () => URLSearchParams): CallerFacts {
  return {
    method: c.req.method,
    path: c.req.path,
    query: (name) => query().get(name) ?? undefined,
    header: (name) => c.req.header(name),
    body,
    notes,
  };
}

export { FixtureError };

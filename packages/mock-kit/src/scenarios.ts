import { Cell } from './shared.ts';
import { pathMatcher } from './journal.ts';

/** A generic fault, whatever the platform. */
export type Fault =
  | { type: 'delay'; ms: number }
  | { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { type: 'drop' };

export interface RuleMatch {
  method?: string;
  /** Exact path, or a pattern with `*`. */
  path?: string;
  /** Every key/value must be in the request's query. */
  query?: Record<string, string>;
  /** Every header (case-insensitive name) must have this value. */
  headers?: Record<string, string>;
  /**
   * Every top-level field of the parsed body (JSON or form) must be present and its value, as a string,
   * must match: exactly, or as a pattern with `*` (so `"*"` means "present").
   */
  body?: Record<string, string>;
}

export interface RuleInput {
  /** A name from the twin's error catalogue. */
  scenario?: string;
  /** Or a generic fault. A `delay` may also go with `scenario`. */
  fault?: Fault;
  match?: RuleMatch;
  /** Only requests of these callers, by kind (`{ app: 'dingdoppelselfbuilt' }`): every one must match. */
  caller?: Record<string, string>;
  /** Deprecated (read `caller`): only requests with a caller of any kind with this id. */
  tenant?: string;
  /** How many requests it applies to; absent means until removed. */
  times?: number;
}

export interface Rule extends RuleInput {
  id: string;
  /** What it does, in one line: `4003 on POST /path for app x, once`. */
  summary: string;
  /** Requests it has applied to so far. */
  hits: number;
  /** Left to apply, when `times` was given. */
  remaining?: number;
}

export interface RequestFacts {
  method: string;
  path: string;
  query: URLSearchParams;
  header(name: string): string | undefined;
  /** The request's callers, computed only when a rule scoped to a caller is tried. */
  callers(): Record<string, string> | undefined;
  /** The parsed body, when there is one. */
  body?: unknown;
}

/** The rule book's content: one shared value (shared.ts), replaced whole on every change. */
interface RuleState {
  seq: number;
  rules: Rule[];
}

export class RuleBook {
  /**
   * The rules and the last id, in one cell: shared by every replica when the twin's store is shared. Never changed
   * in place: each change sets a new value, so a dropped transaction leaves nothing behind.
   */
  readonly cell = new Cell<RuleState>({ seq: 0, rules: [] });
  private matchers = new Map<string, (p: string) => boolean>();
  private bodyMatchers = new Map<string, [string, (v: string) => boolean][]>();

  /** Adds a rule; one with neither a scenario nor a fault would force nothing, so it is refused (TypeError). */
  add(input: RuleInput): Rule {
    if (!input.scenario && !input.fault) throw new TypeError('a rule needs a scenario or a fault');
    const { seq, rules } = this.cell.get();
    const rule: Rule = { ...input, id: `rule-${seq + 1}`, summary: summarize(input), hits: 0 };
    if (input.times !== undefined) rule.remaining = input.times;
    this.cell.set({ seq: seq + 1, rules: [...rules, rule] });
    return { ...rule };
  }

  list(): Rule[] {
    return this.cell.get().rules.map((r) => ({ ...r }));
  }

  remove(id: string): boolean {
    const { seq, rules } = this.cell.get();
    const kept = rules.filter((r) => r.id !== id);
    if (kept.length === rules.length) return false;
    this.cell.set({ seq, rules: kept });
    return true;
  }

  clear(): void {
    this.cell.set({ seq: this.cell.get().seq, rules: [] });
  }

  get size(): number {
    return this.cell.get().rules.length;
  }

  /** The first rule that applies to the request, consumed by one use. */
  take(req: RequestFacts): Rule | undefined {
    const { seq, rules } = this.cell.get();
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      if (!this.applies(rule, req)) continue;
      const used: Rule = { ...rule, hits: rule.hits + 1 };
      if (used.remaining !== undefined) used.remaining -= 1;
      const next = [...rules];
      if (used.remaining !== undefined && used.remaining <= 0) next.splice(i, 1);
      else next[i] = used;
      this.cell.set({ seq, rules: next });
      return { ...used };
    }
    return undefined;
  }

  /** A rule's path matcher, compiled once per pattern (ids may repeat across a shared store's restores). */
  private pathOf(rule: Rule): ((p: string) => boolean) | undefined {
    const path = rule.match?.path;
    if (!path) return undefined;
    let m = this.matchers.get(path);
    if (!m) {
      if (this.matchers.size > 1000) this.matchers.clear();
      m = pathMatcher(path);
      this.matchers.set(path, m);
    }
    return m;
  }

  private bodyOf(rule: Rule): [string, (v: string) => boolean][] | undefined {
    const body = rule.match?.body;
    if (!body) return undefined;
    const key = JSON.stringify(body);
    let m = this.bodyMatchers.get(key);
    if (!m) {
      if (this.bodyMatchers.size > 1000) this.bodyMatchers.clear();
      m = Object.entries(body).map(([k, v]) => [k, pathMatcher(v)]);
      this.bodyMatchers.set(key, m);
    }
    return m;
  }

  private applies(rule: Rule, req: RequestFacts): boolean {
    if (!this.matches(rule, req)) return false;
    // The callers last: computing them is the dearest check, and most requests fail the match first.
    if (rule.caller === undefined && rule.tenant === undefined) return true;
    const callers = req.callers();
    if (rule.tenant !== undefined && !(callers && Object.values(callers).includes(rule.tenant))) return false;
    if (rule.caller) {
      for (const [kind, id] of Object.entries(rule.caller)) if (callers?.[kind] !== id) return false;
    }
    return true;
  }

  private matches(rule: Rule, req: RequestFacts): boolean {
    const m = rule.match;
    if (!m) return true;
    if (m.method && m.method.toUpperCase() !== req.method) return false;
    if (m.path && !this.pathOf(rule)?.(req.path)) return false;
    if (m.query) {
      for (const [k, v] of Object.entries(m.query)) if (!req.query.getAll(k).includes(v)) return false;
    }
    if (m.headers) {
      for (const [k, v] of Object.entries(m.headers)) if (req.header(k) !== v) return false;
    }
    const body = this.bodyOf(rule);
    if (body) {
      const fields = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
      for (const [k, ok] of body) {
        const v = fields[k];
        if (v === undefined || v === null || typeof v === 'object' || !ok(String(v))) return false;
      }
    }
    return true;
  }
}

const fault = (f: Fault): string =>
  f.type === 'delay' ? `a delay of ${f.ms} ms` : f.type === 'status' ? `status ${f.status}` : 'a dropped connection';

/** A rule in one line, for the journal and the console: what it answers, to which requests, for whom, how often. */
export function summarize(input: RuleInput): string {
  const m = input.match ?? {};
  let what = input.scenario ?? (input.fault ? fault(input.fault) : 'nothing');
  if (input.scenario && input.fault?.type === 'delay') what += ` after ${input.fault.ms} ms`;
  const where = m.method || m.path ? `${m.method ? `${m.method.toUpperCase()} ` : ''}${m.path ?? '*'}` : 'every request';
  const also = [
    ...Object.entries(m.query ?? {}).map(([k, v]) => `query ${k}=${v}`),
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `header ${k}: ${v}`),
    ...Object.entries(m.body ?? {}).map(([k, v]) => `body ${k}=${v}`),
  ];
  const who = [
    ...Object.entries(input.caller ?? {}).map(([kind, id]) => `${kind} ${id}`),
    ...(input.tenant !== undefined ? [`tenant ${input.tenant}`] : []),
  ];
  const times = input.times === undefined ? 'until removed' : input.times === 1 ? 'once' : `${input.times} times`;
  return `${what} on ${where}${also.length ? ` (${also.join(', ')})` : ''}${who.length ? ` for ${who.join(' and ')}` : ''}, ${times}`;
}

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

export class RuleBook {
  private rules: Rule[] = [];
  private seq = 0;
  private matchers = new Map<string, (p: string) => boolean>();
  private bodyMatchers = new Map<string, [string, (v: string) => boolean][]>();

  add(input: RuleInput): Rule {
    this.seq += 1;
    const rule: Rule = { ...input, id: `rule-${this.seq}`, summary: summarize(input), hits: 0 };
    if (input.times !== undefined) rule.remaining = input.times;
    this.rules.push(rule);
    if (input.match?.path) this.matchers.set(rule.id, pathMatcher(input.match.path));
    if (input.match?.body) {
      this.bodyMatchers.set(
        rule.id,
        Object.entries(input.match.body).map(([k, v]) => [k, pathMatcher(v)]),
      );
    }
    return rule;
  }

  list(): Rule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    this.matchers.delete(id);
    this.bodyMatchers.delete(id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
    this.matchers.clear();
    this.bodyMatchers.clear();
  }

  get size(): number {
    return this.rules.length;
  }

  /** The first rule that applies to the request, consumed by one use. */
  take(req: RequestFacts): Rule | undefined {
    for (const rule of this.rules) {
      if (!this.applies(rule, req)) continue;
      rule.hits += 1;
      if (rule.remaining !== undefined) {
        rule.remaining -= 1;
        if (rule.remaining <= 0) this.remove(rule.id);
      }
      return { ...rule };
    }
    return undefined;
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
    if (m.path && !this.matchers.get(rule.id)?.(req.path)) return false;
    if (m.query) {
      for (const [k, v] of Object.entries(m.query)) if (!req.query.getAll(k).includes(v)) return false;
    }
    if (m.headers) {
      for (const [k, v] of Object.entries(m.headers)) if (req.header(k) !== v) return false;
    }
    const body = this.bodyMatchers.get(rule.id);
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

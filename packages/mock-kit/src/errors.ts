import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * One named error of a platform, kept as a template with its status (the way Prism keeps
 * `ProblemJsonError` templates): the same template answers when a twin raises it and when a scenario
 * forces it, and the kit renders it in one place (`render` below).
 */
export interface ErrorTemplate {
  description: string;
  status: number;
  /** The body as the platform sends it (JSON unless it is a string or `respond` says otherwise). */
  body: unknown;
  headers?: Record<string, string>;
  /**
   * Custom rendering: content negotiation (form / JSON / XML), HTML pages, redirects.
   * Receives the body and status after overrides.
   */
  respond?: (c: Context, body: unknown, status: number) => Response | Promise<Response>;
}

export type ErrorCatalogue = Record<string, ErrorTemplate>;

export interface ErrorOverrides {
  /** Replaces fields of an object body (shallow merge), or the whole body when either is not an object. */
  body?: unknown;
  status?: number;
  headers?: Record<string, string>;
}

/**
 * A refusal, as data: the name of a template and what to change in it. A twin throws (or returns) one; the
 * kit renders it once, in `render`, before the journal records the exchange, so the journal's status, body and
 * error name are always what the client received.
 */
export class Refusal extends Error {
  constructor(
    /** The template's name in the twin's catalogue (or in `template`'s own catalogue). */
    readonly errorName: string,
    readonly overrides: ErrorOverrides = {},
    /** A template from outside the twin's catalogue (the kit's own errors, generic faults). */
    readonly template?: ErrorTemplate,
  ) {
    super(`refused: ${errorName}`);
    this.name = 'Refusal';
  }
}

export interface Errors<N extends string> {
  readonly catalogue: Record<N, ErrorTemplate>;
  /** The refusal `name`, as a value: return it from a hook or throw it. */
  refuse(name: N, overrides?: ErrorOverrides): Refusal;
  /** Throw the refusal `name` from anywhere in a handler. */
  raise(name: N, overrides?: ErrorOverrides): never;
}

export function defineErrors<const C extends ErrorCatalogue>(catalogue: C): Errors<Extract<keyof C, string>> {
  type N = Extract<keyof C, string>;
  return {
    catalogue,
    refuse: (name: N, overrides?: ErrorOverrides) => new Refusal(name, overrides),
    raise(name: N, overrides?: ErrorOverrides): never {
      throw new Refusal(name, overrides);
    },
  };
}

function mergeBody(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return base;
  if (base && typeof base === 'object' && !Array.isArray(base) && patch && typeof patch === 'object' && !Array.isArray(patch)) {
    return { ...(base as object), ...(patch as object) };
  }
  return patch;
}

/** The template a refusal names: its own, else the twin's catalogue's; undefined when neither has it. */
export function templateOf(refusal: Refusal, catalogue: ErrorCatalogue): ErrorTemplate | undefined {
  return refusal.template ?? (Object.hasOwn(catalogue, refusal.errorName) ? catalogue[refusal.errorName] : undefined);
}

/** The one place a refusal becomes a response. */
export function render(c: Context, template: ErrorTemplate, overrides: ErrorOverrides = {}): Response | Promise<Response> {
  const body = mergeBody(structuredClone(template.body), overrides.body);
  const status = overrides.status ?? template.status;
  if (template.respond) return template.respond(c, body, status);
  const headers = { ...template.headers, ...overrides.headers };
  // HTTP forbids a body with these statuses (and `Response` refuses one).
  if (status === 204 || status === 205 || status === 304) return c.body(null, status as 204, headers);
  if (body === undefined || body === null || typeof body === 'string') {
    return c.body((body ?? '') as string, status as ContentfulStatusCode, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  }
  return c.json(body, status as ContentfulStatusCode, headers);
}

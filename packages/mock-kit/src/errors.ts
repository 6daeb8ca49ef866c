import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * One named error of a platform, kept as a template with its status (the Prism way):
 * the same template answers when a handler raises it and when a scenario forces it.
 */
export interface ErrorTemplate {
  description: string;
  status: number;
  /** The body as the platform sends it (JSON unless `respond` says otherwise). */
  body: unknown;
  headers?: Record<string, string>;
  /**
   * Custom rendering: content negotiation (form / JSON / XML), dynamic ids, redirects.
   * Receives the body after overrides.
   */
  respond?: (c: Context, body: unknown, status: number) => Response | Promise<Response>;
}

export type ErrorCatalogue = Record<string, ErrorTemplate>;

export interface ErrorOverrides {
  /** Replaces fields of an object body (shallow merge), or the whole body when not an object. */
  body?: unknown;
  status?: number;
}

function mergeBody(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return base;
  if (base && typeof base === 'object' && !Array.isArray(base) && patch && typeof patch === 'object') {
    return { ...(base as object), ...(patch as object) };
  }
  return patch;
}

export function renderError(
  c: Context,
  template: ErrorTemplate,
  overrides: ErrorOverrides = {},
): Response | Promise<Response> {
  const body = mergeBody(structuredClone(template.body), overrides.body);
  const status = overrides.status ?? template.status;
  if (template.respond) return template.respond(c, body, status);
  const headers = { ...template.headers };
  if (typeof body === 'string') {
    return c.body(body, status as ContentfulStatusCode, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  }
  return c.json(body, status as ContentfulStatusCode, headers);
}

/** Thrown by handlers; the kit's error handler sends `response` unchanged. */
export class TwinError extends HTTPException {
  constructor(
    readonly errorName: string,
    readonly response: Response,
  ) {
    super(response.status as ContentfulStatusCode, { res: response, message: errorName });
  }
}

export interface Errors<N extends string> {
  readonly catalogue: Record<N, ErrorTemplate>;
  /** The vendor-shaped response for `name`. */
  response(c: Context, name: N, overrides?: ErrorOverrides): Promise<Response>;
  /** Throw the vendor-shaped error `name` from anywhere in a handler. */
  raise(c: Context, name: N, overrides?: ErrorOverrides): Promise<never>;
}

export function defineErrors<const C extends ErrorCatalogue>(catalogue: C): Errors<Extract<keyof C, string>> {
  type N = Extract<keyof C, string>;
  return {
    catalogue,
    async response(c, name: N, overrides) {
      return renderError(c, catalogue[name]!, overrides);
    },
    async raise(c, name: N, overrides) {
      throw new TwinError(name, await renderError(c, catalogue[name]!, overrides));
    },
  };
}

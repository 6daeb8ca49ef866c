/** What every Doppel client returns, as openapi-fetch does: data or error, and the raw response. */
export type Result<T, E> =
  | { data: T; error?: undefined; response: Response }
  | { data?: undefined; error: E; response: Response };

/** The fetch a client calls; inject one to reach an in-process twin (`(r) => app.fetch(r)`) or to add tracing. */
export type FetchLike = (request: Request) => Promise<Response>;

export interface BaseOptions {
  /** The platform's (or the twin's) base URL, e.g. `http://127.0.0.1:4020`. */
  baseUrl: string;
  /** Defaults to the global fetch. */
  fetch?: FetchLike;
}

export function resolveFetch(f: FetchLike | undefined): FetchLike {
  return f ?? ((request) => fetch(request));
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

/** Read a body as JSON when it is JSON, else as text (never throws). */
export async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Throw the error of a result, or give its data: for code that prefers exceptions. */
export function unwrap<T, E>(result: Result<T, E>): T {
  if (result.error !== undefined) throw result.error;
  return result.data as T;
}

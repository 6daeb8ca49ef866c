import createClient, { type Client, type ClientOptions } from 'openapi-fetch';

/** What every Doppel client returns, as openapi-fetch does: data or error, and the raw response. */
export type Result<T, E> = { data: T; error?: undefined; response: Response } | { data?: undefined; error: E; response: Response };

/** The fetch a client calls; inject one to reach an in-process twin (`(r) => app.fetch(r)`) or to add tracing. */
export type FetchLike = (request: Request) => Promise<Response>;

export interface BaseOptions {
  /** The platform's (or the twin's) base URL, e.g. `http://127.0.0.1:4020`. */
  baseUrl: string;
  /** Defaults to the global fetch. */
  fetch?: FetchLike;
}

/**
 * openapi-fetch over one spec's paths, at the client's base URL, through the client's fetch (the global fetch,
 * looked up at each call, when none is given). https://openapi-ts.dev/openapi-fetch/api#createclient
 */
export function openapi<Paths extends {}>(options: BaseOptions, more?: ClientOptions): Client<Paths> {
  return createClient<Paths>({ baseUrl: options.baseUrl, fetch: options.fetch ?? ((request) => fetch(request)), ...more });
}

/** What an openapi-fetch call resolves to. */
export interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** A body as JSON when it is JSON, else as the text it is ('' → undefined). */
export function parseBody(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The body of an answer read with `parseAs: 'text'`, so that a platform answering 200 with an HTML page gives a
 * body to judge instead of a thrown SyntaxError; openapi-fetch reads a refused answer the same way itself
 * (https://openapi-ts.dev/openapi-fetch/api#response).
 */
export function bodyOf({ data, error, response }: Answer): unknown {
  return response.ok ? parseBody(data as string | undefined) : error === '' ? undefined : error;
}

/**
 * An openapi-fetch answer as a client's Result: `judge` names the error of an answer that is one (a refusal, or
 * a 200 that carries the platform's error), `pick` shapes the data of the others (default: the body itself).
 */
export async function settle<T, E>(
  pending: Promise<Answer>,
  judge: (body: unknown, response: Response) => E | undefined,
  pick?: (body: never) => T,
): Promise<Result<T, E>> {
  const answer = await pending;
  const body = bodyOf(answer);
  const error = judge(body, answer.response);
  if (error !== undefined) return { error, response: answer.response };
  return { data: pick ? pick(body as never) : (body as T), response: answer.response };
}

/** Throw the error of a result, or give its data: for code that prefers exceptions. */
export function unwrap<T, E>(result: Result<T, E>): T {
  if (result.error !== undefined) throw result.error;
  return result.data as T;
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import { bodyOf, openapi, parseBody, settle, unwrap } from './http.ts';

type Paths = {
  '/thing': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: {
      parameters: { query?: never; header?: never; path?: never; cookie?: never };
      requestBody?: never;
      responses: { 200: { headers: Record<string, unknown>; content: { 'application/json': { n: number } } } };
    };
  };
};

const answering = (response: Response) => {
  const seen: Request[] = [];
  const fetch = (request: Request) => {
    seen.push(request);
    return Promise.resolve(response);
  };
  return { seen, fetch };
};

/** A refusal if the status is not 2xx, with the body it came with. */
const refuse = (body: unknown, response: Response) => (response.ok ? undefined : { status: response.status, body });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('openapi', () => {
  it('sends to the base URL through the injected fetch', async () => {
    const { seen, fetch } = answering(Response.json({ n: 1 }));
    const api = openapi<Paths>({ baseUrl: 'http://twin.test/', fetch });
    const r = await api.GET('/thing');
    expect(seen.map((s) => s.url)).toEqual(['http://twin.test/thing']);
    expect(r.data).toEqual({ n: 1 });
  });

  it('uses the global fetch of the moment of the call when none is injected', async () => {
    const api = openapi<Paths>({ baseUrl: 'http://twin.test' });
    const { seen, fetch } = answering(Response.json({ n: 2 }));
    vi.stubGlobal('fetch', fetch);
    expect((await api.GET('/thing')).data).toEqual({ n: 2 });
    expect(seen).toHaveLength(1);
  });

  it('passes further openapi-fetch options on (headers here)', async () => {
    const { seen, fetch } = answering(Response.json({ n: 1 }));
    await openapi<Paths>({ baseUrl: 'http://twin.test', fetch }, { headers: { 'x-extra': 'yes' } }).GET('/thing');
    expect(seen[0]!.headers.get('x-extra')).toBe('yes');
  });
});

describe('parseBody', () => {
  it('reads JSON as JSON, anything else as the text, and nothing as undefined', () => {
    expect(parseBody('{"a":[1]}')).toEqual({ a: [1] });
    expect(parseBody('<html>login</html>')).toBe('<html>login</html>');
    expect(parseBody('')).toBeUndefined();
    expect(parseBody(undefined)).toBeUndefined();
  });
});

describe('bodyOf', () => {
  const response = (status: number) => new Response(null, { status });
  it('parses the text of an accepted answer and keeps the parsed body of a refused one', () => {
    expect(bodyOf({ data: '{"ok":true}', response: response(200) })).toEqual({ ok: true });
    expect(bodyOf({ data: 'plain', response: response(200) })).toBe('plain');
    expect(bodyOf({ error: { code: 'x' }, response: response(400) })).toEqual({ code: 'x' });
    expect(bodyOf({ error: 'Bad Gateway', response: response(502) })).toBe('Bad Gateway');
  });

  it('gives undefined for an empty refusal, as for an empty success', () => {
    expect(bodyOf({ error: '', response: response(500) })).toBeUndefined();
    expect(bodyOf({ error: undefined, response: response(500) })).toBeUndefined();
    expect(bodyOf({ data: '', response: response(200) })).toBeUndefined();
  });
});

describe('settle', () => {
  const api = (response: Response) => openapi<Paths>({ baseUrl: 'http://twin.test', fetch: answering(response).fetch });

  it('gives the body as data when the judge finds no error, with the response', async () => {
    const sent = Response.json({ n: 3 });
    const r = await settle(api(sent).GET('/thing', { parseAs: 'text' }), refuse);
    expect(r).toEqual({ data: { n: 3 }, response: sent });
  });

  it('shapes the data with pick', async () => {
    const r = await settle(api(Response.json({ n: 3 })).GET('/thing', { parseAs: 'text' }), refuse, (b: { n: number }) => b.n * 2);
    expect(r.data).toBe(6);
  });

  it('gives the judge’s error, with the parsed body, and no data', async () => {
    const sent = Response.json({ reason: 'nope' }, { status: 409 });
    const r = await settle(api(sent).GET('/thing', { parseAs: 'text' }), refuse, () => 'never picked');
    expect(r).toEqual({ error: { status: 409, body: { reason: 'nope' } }, response: sent });
    expect(r.data).toBeUndefined();
  });

  it('lets the judge refuse a 200 (a platform error in disguise) and read a page that is not JSON', async () => {
    const judge = (body: unknown) => (typeof body === 'string' ? `not JSON: ${body}` : undefined);
    const r = await settle(api(new Response('<h1>Login</h1>', { status: 200 })).GET('/thing', { parseAs: 'text' }), judge);
    expect(r.error).toBe('not JSON: <h1>Login</h1>');
  });
});

describe('unwrap', () => {
  it('gives the data, or throws the error', () => {
    const response = new Response();
    expect(unwrap({ data: 0, response })).toBe(0);
    const error = new Error('refused');
    expect(() => unwrap({ error, response })).toThrow(error);
  });
});

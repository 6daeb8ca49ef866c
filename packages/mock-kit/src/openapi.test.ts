import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSpec, loadSpec, type RequestParts, safeDecode, schemaIssues } from './openapi.ts';

type Json = Record<string, unknown>;

/** A request to validate: everything empty unless given. Header lookup is case-insensitive, as in Hono. */
function req(parts: Partial<Omit<RequestParts, 'header'>> & { headers?: Record<string, string> } = {}): RequestParts {
  const headers = Object.fromEntries(Object.entries(parts.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    query: parts.query ?? new URLSearchParams(),
    header: (name) => headers[name.toLowerCase()],
    pathParams: parts.pathParams ?? {},
    contentType: parts.contentType,
    body: parts.body,
    skipBody: parts.skipBody,
  };
}

const op = (doc: Json, method: string, path: string) => {
  const found = compileSpec(doc).operations.find((o) => o.method === method && o.path === path);
  if (!found) throw new Error(`no ${method} ${path}`);
  return found;
};

describe('compileSpec: operations', () => {
  it('lists each method of each path with its Hono path, operationId and x- extensions only', () => {
    const spec = compileSpec({
      paths: {
        '/v1.0/pets/{petId}/toys/{toyId}': {
          get: { operationId: 'getToy', summary: 'not an extension', 'x-doppel-latency': 5, responses: {} },
          delete: { responses: {} },
        },
      },
    });
    expect(spec.operations.map((o) => [o.method, o.honoPath, o.operationId])).toEqual([
      ['GET', '/v1.0/pets/:petId/toys/:toyId', 'getToy'],
      ['DELETE', '/v1.0/pets/:petId/toys/:toyId', undefined],
    ]);
    expect(spec.operations[0]!.extensions).toEqual({ 'x-doppel-latency': 5 });
    expect(spec.operations[1]!.extensions).toEqual({});
  });

  it('is titled by info.title, else by its label, else "spec"', () => {
    expect(compileSpec({ info: { title: 'Pets' }, paths: {} }).title).toBe('Pets');
    expect(compileSpec({ paths: {} }, 'pets.yaml').title).toBe('pets.yaml');
    expect(compileSpec({ paths: {} }).title).toBe('spec');
  });

  it('secures operations by the global security unless an operation declares its own', () => {
    const paths = {
      '/a': { get: { responses: {} }, post: { security: [], responses: {} }, put: { security: [{ key: [] }], responses: {} } },
    };
    const secured = (doc: Json) => compileSpec(doc).operations.map((o) => `${o.method}:${o.secured}`);
    expect(secured({ security: [{ key: [] }], paths })).toEqual(['GET:true', 'PUT:true', 'POST:false']);
    expect(secured({ security: [], paths })).toEqual(['GET:false', 'PUT:true', 'POST:false']);
    expect(secured({ paths })).toEqual(['GET:false', 'PUT:true', 'POST:false']);
  });
});

// Specs are compiled inside each test, never at describe level: StrykerJS links a mutant only to the tests that
// ran its code, and code run while a file is collected counts for none of them.
describe('compileSpec: match', () => {
  const matchSpec = () =>
    compileSpec({
      paths: {
        '/pets/{petId}': { get: { responses: {} } },
        '/pets/mine': { get: { responses: {} } },
        '/v1.0/things': { get: { responses: {} } },
        '/files/{name}.json': { get: { responses: {} } },
      },
    });

  it('prefers static segments over templated ones, whatever the declaration order', () => {
    expect(matchSpec().match('GET', '/pets/mine')).toEqual({ op: expect.objectContaining({ path: '/pets/mine' }), params: {} });
    expect(matchSpec().match('GET', '/pets/42')).toEqual({
      op: expect.objectContaining({ path: '/pets/{petId}' }),
      params: { petId: '42' },
    });
  });

  it('captures templated segments, decoded, with an optional trailing slash, and only for the method', () => {
    expect(matchSpec().match('GET', '/pets/a%20b/')?.params).toEqual({ petId: 'a b' });
    expect(matchSpec().match('GET', '/pets/%ZZ')?.params).toEqual({ petId: '%ZZ' });
    expect(matchSpec().match('GET', '/files/report.json')?.params).toEqual({ name: 'report' });
    expect(matchSpec().match('POST', '/pets/42')).toBeUndefined();
    expect(matchSpec().match('GET', '/pets/42/more')).toBeUndefined();
    expect(matchSpec().match('GET', '/pets')).toBeUndefined();
  });

  it('matches static text literally (a dot is a dot)', () => {
    expect(matchSpec().match('GET', '/v1.0/things')?.op.path).toBe('/v1.0/things');
    expect(matchSpec().match('GET', '/v1x0/things')).toBeUndefined();
    expect(matchSpec().match('GET', '/files/reportxjson')).toBeUndefined();
  });

  it('safeDecode decodes escapes and keeps a malformed segment as sent', () => {
    expect(safeDecode('a%2Fb')).toBe('a/b');
    expect(safeDecode('100%')).toBe('100%');
    expect(safeDecode('plain')).toBe('plain');
  });
});

describe('compileSpec: parameters', () => {
  const doc: Json = {
    components: {
      parameters: {
        Limit: { $ref: '#/components/parameters/LimitReal' },
        LimitReal: { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 10 } },
      },
      schemas: { Tags: { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 2 } },
    },
    paths: {
      '/items/{id}': {
        parameters: [
          { $ref: '#/components/parameters/Limit' },
          { name: 'X-Tenant', in: 'header', required: true, schema: { type: 'string', pattern: '^t-' } },
          { name: 'id', in: 'path', schema: { type: 'integer' } },
        ],
        get: {
          parameters: [
            { name: 'maxResults', in: 'query', required: true, schema: { type: 'integer', maximum: 100 } },
            { name: 'tags', in: 'query', schema: { $ref: '#/components/schemas/Tags' } },
          ],
          responses: {},
        },
        put: {
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 100 } },
            { name: 'X-Tenant', in: 'query', schema: { type: 'string' } },
          ],
          responses: {},
        },
      },
    },
  };
  const get = { validate: (r: RequestParts) => op(doc, 'GET', '/items/{id}').validate(r) };
  const put = { validate: (r: RequestParts) => op(doc, 'PUT', '/items/{id}').validate(r) };
  const ok = { pathParams: { id: '7' }, headers: { 'x-tenant': 't-1' } };

  it('accepts a valid request (types coerced from strings)', () => {
    expect(get.validate(req({ ...ok, query: new URLSearchParams('maxResults=5&limit=3&tags=1&tags=2') }))).toEqual([]);
  });

  it('requires path parameters, and required query and header parameters, naming each', () => {
    expect(get.validate(req())).toEqual([
      { in: 'path', name: 'id', keyword: 'required', message: 'id is required' },
      { in: 'query', name: 'maxResults', keyword: 'required', message: 'maxResults is required' },
      { in: 'header', name: 'x-tenant', keyword: 'required', message: 'x-tenant is required' },
    ]);
  });

  it('checks each parameter against its schema, path-level ($ref chains included) and operation-level', () => {
    const issues = get.validate(
      req({ pathParams: { id: 'x' }, headers: { 'X-Tenant': 'nope' }, query: new URLSearchParams('maxResults=101&limit=11') }),
    );
    expect(issues).toEqual([
      { in: 'path', name: 'id', keyword: 'type', message: 'id must be integer' },
      { in: 'query', name: 'limit', keyword: 'maximum', message: 'limit must be <= 10' },
      { in: 'query', name: 'maxResults', keyword: 'maximum', message: 'maxResults must be <= 100' },
      { in: 'header', name: 'x-tenant', keyword: 'pattern', message: 'x-tenant must match pattern "^t-"' },
    ]);
  });

  it('reads array query parameters from every occurrence, and leaves an absent one absent', () => {
    const q = (s: string) => get.validate(req({ ...ok, query: new URLSearchParams(`maxResults=1&${s}`) }));
    expect(q('tags=1&tags=2&tags=3')).toEqual([
      { in: 'query', name: 'tags', keyword: 'maxItems', message: 'tags must NOT have more than 2 items' },
    ]);
    expect(q('tags=x')).toEqual([{ in: 'query', name: 'tags', keyword: 'type', message: 'tags must be integer' }]);
    expect(q('other=1')).toEqual([]);
  });

  it('lets an operation override a path-level parameter of the same name and location only', () => {
    // PUT redeclares query `limit` (maximum 100) and adds a query `X-Tenant`: the header X-Tenant still applies.
    expect(put.validate(req({ ...ok, query: new URLSearchParams('limit=50') }))).toEqual([]);
    expect(put.validate(req({ pathParams: { id: '7' }, query: new URLSearchParams('limit=101&X-Tenant=t-1') }))).toEqual([
      { in: 'query', name: 'limit', keyword: 'maximum', message: 'limit must be <= 100' },
      { in: 'header', name: 'x-tenant', keyword: 'required', message: 'x-tenant is required' },
    ]);
  });

  it("lists an operation's parameters resolved: the path's, unless redeclared, then its own, and those of an operation without any", () => {
    const doc2: Json = {
      components: { parameters: { A: { name: 'a', in: 'query', required: true } } },
      paths: {
        '/a': {
          parameters: [{ $ref: '#/components/parameters/A' }, { name: 'h', in: 'header', required: true }],
          get: { parameters: [{ name: 'a', in: 'query', required: false }], responses: {} },
          delete: { responses: { '204': { description: 'gone' } } },
        },
      },
    };
    const get = op(doc2, 'GET', '/a');
    expect(get.parameters).toEqual([
      { name: 'h', in: 'header', required: true },
      { name: 'a', in: 'query', required: false },
    ]);
    // The operation's own optional `a` replaces the path's required one.
    expect(get.validate(req({ headers: { h: '1' } }))).toEqual([]);
    const del = op(doc2, 'DELETE', '/a');
    expect(del.parameters.map((p) => p.name)).toEqual(['a', 'h']);
    expect(del.validate(req())).toEqual([
      { in: 'query', name: 'a', keyword: 'required', message: 'a is required' },
      { in: 'header', name: 'h', keyword: 'required', message: 'h is required' },
    ]);
    expect(del.responses).toEqual({ '204': { description: 'gone' } });
    expect(del.requestBody).toBeUndefined();
  });

  it('keeps path-level parameters the operation does not redeclare', () => {
    const doc2: Json = {
      paths: {
        '/a': {
          parameters: [{ name: 'a', in: 'query', required: true }],
          get: { parameters: [{ name: 'b', in: 'query' }], responses: {} },
        },
      },
    };
    expect(op(doc2, 'GET', '/a').validate(req())).toEqual([{ in: 'query', name: 'a', keyword: 'required', message: 'a is required' }]);
  });

  it('refuses remote $refs and unresolved ones when the spec compiles', () => {
    const withParam = (p: Json) => ({ paths: { '/a': { get: { parameters: [p], responses: {} } } } });
    expect(() => compileSpec(withParam({ $ref: 'other.yaml#/components/parameters/X' }))).toThrow(
      'only local $refs are supported, got other.yaml#/components/parameters/X',
    );
    expect(() => compileSpec(withParam({ $ref: '#/components/parameters/Nope' }))).toThrow('unresolved $ref #/components/parameters/Nope');
  });

  it('resolves escaped JSON pointers and stops on a $ref cycle instead of looping', () => {
    const escaped: Json = {
      components: { parameters: { 'a/b~c': { name: 'q', in: 'query', required: true } } },
      paths: { '/a': { get: { parameters: [{ $ref: '#/components/parameters/a~1b~0c' }], responses: {} } } },
    };
    expect(op(escaped, 'GET', '/a').validate(req())).toEqual([{ in: 'query', name: 'q', keyword: 'required', message: 'q is required' }]);
    const cyclic: Json = {
      components: { parameters: { A: { $ref: '#/components/parameters/B' }, B: { $ref: '#/components/parameters/A' } } },
      paths: { '/a': { get: { parameters: [{ $ref: '#/components/parameters/A' }], responses: {} } } },
    };
    expect(op(cyclic, 'GET', '/a').validate(req())).toEqual([]);
  });
});

describe('compileSpec: request bodies', () => {
  const doc: Json = {
    components: {
      schemas: { Pet: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, kind: { const: '#/tag' } } } },
      requestBodies: { PetBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } } },
    },
    paths: {
      '/pets': {
        post: { requestBody: { $ref: '#/components/requestBodies/PetBody' }, responses: {} },
        put: {
          requestBody: {
            content: {
              'application/json': { schema: { type: 'object', required: ['json'] } },
              'application/x-www-form-urlencoded': { schema: { type: 'object', required: ['form'] } },
              'text/plain': {},
            },
          },
          responses: {},
        },
      },
    },
  };
  const post = { validate: (r: RequestParts) => op(doc, 'POST', '/pets').validate(r) };
  const put = { validate: (r: RequestParts) => op(doc, 'PUT', '/pets').validate(r) };

  it('requires a required body, exactly once, and not an optional one', () => {
    expect(post.validate(req())).toEqual([{ in: 'body', name: '', keyword: 'required', message: 'body is required' }]);
    expect(put.validate(req())).toEqual([]);
    expect(post.validate(req({ skipBody: true }))).toEqual([]);
  });

  it('validates the body by its $ref schema, names problems by pointer, and the body itself as "body"', () => {
    expect(post.validate(req({ contentType: 'application/json', body: { name: 'Rex', kind: '#/tag' } }))).toEqual([]);
    expect(post.validate(req({ contentType: 'application/json', body: { kind: 'x' } }))).toEqual([
      { in: 'body', name: '/name', keyword: 'required', message: '/name is required' },
      { in: 'body', name: '/kind', keyword: 'const', message: '/kind must be equal to constant' },
    ]);
    expect(post.validate(req({ contentType: 'application/json', body: [] }))).toEqual([
      { in: 'body', name: '', keyword: 'type', message: 'body must be object' },
    ]);
  });

  it('uses the only schema whatever the content type, even none', () => {
    expect(post.validate(req({ body: {} }))).toEqual([{ in: 'body', name: '/name', keyword: 'required', message: '/name is required' }]);
    expect(post.validate(req({ contentType: 'text/plain', body: {} }))).toHaveLength(1);
  });

  it('picks the schema by media type (case and parameters ignored) and skips types without one', () => {
    const issues = (contentType: string) => put.validate(req({ contentType, body: {} })).map((i) => i.name);
    expect(issues('Application/JSON ; charset=utf-8')).toEqual(['/json']);
    expect(issues('application/x-www-form-urlencoded')).toEqual(['/form']);
    expect(issues('text/plain')).toEqual([]);
    expect(issues('application/xml')).toEqual([]);
  });
});

describe('LoadedSpec.schema and schemaIssues', () => {
  it('compiles a component schema once and names a missing one', () => {
    const spec = compileSpec({ components: { schemas: { Pet: { type: 'object', required: ['name'] } } }, paths: {} }, 'pets');
    const v = spec.schema('Pet');
    expect(spec.schema('Pet')).toBe(v);
    expect(v({})).toBe(false);
    expect(schemaIssues(v)).toEqual([{ in: 'body', name: '/name', keyword: 'required', message: '/name is required' }]);
    expect(() => spec.schema('Nope')).toThrow('pets: no schema #/components/schemas/Nope');
  });
});

describe('loadSpec', () => {
  it('reads YAML or JSON once per file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doppel-openapi-'));
    const yaml = join(dir, 'a.yaml');
    const json = join(dir, 'b.json');
    writeFileSync(yaml, 'info:\n  title: From YAML\npaths:\n  /a:\n    get:\n      responses: {}\n');
    writeFileSync(json, JSON.stringify({ info: { title: 'From JSON' }, paths: {} }));
    const a = loadSpec(yaml);
    expect(a.title).toBe('From YAML');
    expect(a.operations.map((o) => o.path)).toEqual(['/a']);
    expect(loadSpec(yaml)).toBe(a);
    expect(loadSpec(json).title).toBe('From JSON');
  });
});

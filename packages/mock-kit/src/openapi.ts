import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { dataAjv, describeErrors, paramAjv } from './schema.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

type Json = Record<string, unknown>;

export interface ValidationIssue {
  /** Where the problem is. */
  in: 'query' | 'header' | 'path' | 'body';
  /** The parameter name or the JSON pointer inside the body ('' for the body itself). */
  name: string;
  /** The JSON Schema keyword that failed (`required`, `type`, `enum`, …). */
  keyword: string;
  message: string;
}

export interface Operation {
  method: string;
  /** The OpenAPI path, e.g. `/v1.0/connector/instances/{id}`. */
  path: string;
  /** The same path in Hono's syntax, e.g. `/v1.0/connector/instances/:id`. */
  honoPath: string;
  operationId?: string;
  /** False when the operation declares `security: []` (anonymous). */
  secured: boolean;
  /** Vendor extensions (`x-…`) of the operation. */
  extensions: Json;
  /** Its parameters, `$ref`s resolved: the path's, unless the operation redeclares one (same name and `in`), then its own. */
  parameters: readonly OperationParameter[];
  /** Its request body, `$ref` resolved, if it has one. */
  requestBody: Json | undefined;
  /** Its responses, as written. */
  responses: Json;
  validate(req: RequestParts): ValidationIssue[];
}

export interface RequestParts {
  query: URLSearchParams;
  header(name: string): string | undefined;
  pathParams: Record<string, string>;
  contentType: string | undefined;
  /** The parsed body (JSON object or form fields), `undefined` when there is none. */
  body: unknown;
  /** The handler validates the body itself. */
  skipBody?: boolean;
}

export interface OperationParameter {
  name: string;
  in: 'query' | 'header' | 'path' | 'cookie';
  required?: boolean;
  schema?: Json;
}

export interface LoadedSpec {
  title: string;
  doc: Json;
  operations: Operation[];
  /** Find the operation serving `method path` (path without query). */
  match(method: string, path: string): { op: Operation; params: Record<string, string> } | undefined;
  /** A validator for `#/components/schemas/<name>`, compiled once. */
  schema(name: string): ValidateFunction;
}

/** A node of the document with its `$ref` chain followed (local refs only; a cycle stops after 20 steps). */
export function deref(doc: Json, node: unknown): Json {
  let cur = node as Json;
  for (let i = 0; i < 20 && cur && typeof cur.$ref === 'string'; i++) {
    const ref = cur.$ref as string;
    if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got ${ref}`);
    cur = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((o, k) => (o as Json)?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc) as Json;
    if (!cur) throw new Error(`unresolved $ref ${ref}`);
  }
  return cur;
}

/** Point `#/components/...` refs at the registered spec so any sub-schema compiles on its own. */
function rebaseRefs(node: unknown, base: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rebaseRefs(n, base));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${base}${v}` : rebaseRefs(v, base);
  }
  return out;
}

function issuesFrom(errors: ErrorObject[] | null | undefined, where: ValidationIssue['in']): ValidationIssue[] {
  return describeErrors(errors).map(({ path, keyword, reason }) => {
    // A parameter is named by the first segment (`/maxResults` → `maxResults`); a body problem by its pointer.
    const name = where === 'body' ? path : path.slice(1).split('/')[0]!;
    return { in: where, name, keyword, message: `${name || 'body'} ${reason}` };
  });
}

/** A path segment decoded, or as sent when its percent-escapes are malformed (`%ZZ`): never a URIError. */
export function safeDecode(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const cache = new Map<string, LoadedSpec>();

/**
 * Load an OpenAPI 3.1 document, YAML or JSON (`.json`: what a built package ships, parsed ~50× faster than the
 * YAML; see spec-file.ts). Its validators compile on first use, once per process (`lazy`).
 */
export function loadSpec(file: string): LoadedSpec {
  const hit = cache.get(file);
  if (hit) return hit;
  const text = readFileSync(file, 'utf8');
  const raw = (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as Json;
  const spec = compileSpec(raw, file);
  cache.set(file, spec);
  return spec;
}

let specSeq = 0;

/**
 * A validator compiled on its first use: a twin's cold start compiles none (ajv's compilation was most of it once
 * the spec was parsed), and each operation pays for its own on its first request, once per process.
 */
function lazy(make: () => ValidateFunction): () => ValidateFunction {
  let fn: ValidateFunction | undefined;
  return () => {
    fn ??= make();
    return fn;
  };
}

export function compileSpec(doc: Json, label = 'spec'): LoadedSpec {
  specSeq += 1;
  const base = `doppel-spec-${specSeq}.json`;
  const components = rebaseRefs(doc.components ?? {}, base);
  // Each spec's components are registered once under its own id in the shared instances.
  dataAjv.addSchema({ $id: base, components });
  paramAjv.addSchema({ $id: base, components });
  const compileParams = (schema: unknown) => paramAjv.compile(rebaseRefs(schema, base) as Json);
  const compile = (schema: unknown) => dataAjv.compile(rebaseRefs(schema, base) as Json);

  const globalSecured = Array.isArray(doc.security) && (doc.security as unknown[]).length > 0;
  const operations: Operation[] = [];
  const paths = (doc.paths ?? {}) as Record<string, Json>;
  for (const [path, item] of Object.entries(paths)) {
    const shared = ((item.parameters as unknown[]) ?? []).map((p) => deref(doc, p) as unknown as OperationParameter);
    for (const method of METHODS) {
      const opDoc = item[method] as Json | undefined;
      if (!opDoc) continue;
      const own = ((opDoc.parameters as unknown[]) ?? []).map((p) => deref(doc, p) as unknown as OperationParameter);
      const params = [...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)), ...own];
      const groups: Record<'query' | 'header' | 'path', (() => ValidateFunction) | undefined> = {
        query: undefined,
        header: undefined,
        path: undefined,
      };
      const arrays = new Set<string>();
      for (const where of ['query', 'header', 'path'] as const) {
        const ps = params.filter((p) => p.in === where);
        if (!ps.length) continue;
        const properties: Json = {};
        for (const p of ps) {
          const schema = p.schema ? deref(doc, p.schema) : {};
          if (schema.type === 'array') arrays.add(p.name);
          properties[where === 'header' ? p.name.toLowerCase() : p.name] = p.schema ?? {};
        }
        const required = ps.filter((p) => p.required || where === 'path').map((p) => (where === 'header' ? p.name.toLowerCase() : p.name));
        groups[where] = lazy(() => compileParams({ type: 'object', properties, required }));
      }
      const bodyDoc = opDoc.requestBody ? deref(doc, opDoc.requestBody) : undefined;
      const bodyRequired = Boolean(bodyDoc?.required);
      const bodyValidators = new Map<string, () => ValidateFunction>();
      for (const [type, media] of Object.entries((bodyDoc?.content ?? {}) as Record<string, Json>)) {
        if (!media.schema) continue;
        bodyValidators.set(
          type,
          lazy(() => compile(media.schema)),
        );
      }
      const declaredParams = params;
      const secured = opDoc.security ? (opDoc.security as unknown[]).length > 0 : globalSecured;
      const extensions: Json = {};
      for (const [k, v] of Object.entries(opDoc)) if (k.startsWith('x-')) extensions[k] = v;

      operations.push({
        method: method.toUpperCase(),
        path,
        honoPath: path.replace(/\{([^}]+)\}/g, ':$1'),
        operationId: opDoc.operationId as string | undefined,
        secured,
        extensions,
        parameters: params,
        requestBody: bodyDoc,
        responses: (opDoc.responses ?? {}) as Json,
        validate(req) {
          const issues: ValidationIssue[] = [];
          for (const where of ['path', 'query', 'header'] as const) {
            const validator = groups[where];
            if (!validator) continue;
            const v = validator();
            const data: Json = {};
            for (const p of declaredParams) {
              if (p.in !== where) continue;
              if (where === 'query') {
                if (arrays.has(p.name)) {
                  const all = req.query.getAll(p.name);
                  if (all.length) data[p.name] = all;
                } else {
                  const one = req.query.get(p.name);
                  if (one !== null) data[p.name] = one;
                }
              } else if (where === 'header') {
                const h = req.header(p.name);
                if (h !== undefined) data[p.name.toLowerCase()] = h;
              } else if (req.pathParams[p.name] !== undefined) {
                data[p.name] = req.pathParams[p.name];
              }
            }
            if (!v(data)) issues.push(...issuesFrom(v.errors, where));
          }
          if (bodyDoc && !req.skipBody) {
            if (req.body === undefined) {
              if (bodyRequired) issues.push({ in: 'body', name: '', keyword: 'required', message: 'body is required' });
            } else {
              const type = (req.contentType ?? '').split(';')[0]!.trim().toLowerCase();
              const v = (bodyValidators.get(type) ?? (bodyValidators.size === 1 ? [...bodyValidators.values()][0] : undefined))?.();
              if (v && !v(req.body)) issues.push(...issuesFrom(v.errors, 'body'));
            }
          }
          return issues;
        },
      });
    }
  }

  // Static segments beat templated ones, as in every router.
  const matchers = operations
    .map((op) => {
      const names: string[] = [];
      const source = op.path
        .split('/')
        .map((seg) =>
          seg.replace(/\{([^}]+)\}|[^{}]+/g, (m, name: string | undefined) => {
            if (name) {
              names.push(name);
              return '([^/]+)';
            }
            return m.replace(/[.+?^${}()|[\]\\*]/g, '\\$&');
          }),
        )
        .join('/');
      return { op, names, re: new RegExp(`^${source}/?$`), dynamic: names.length };
    })
    .sort((a, b) => a.dynamic - b.dynamic);

  const schemaCache = new Map<string, ValidateFunction>();
  return {
    title: String((doc.info as Json | undefined)?.title ?? label),
    doc,
    operations,
    match(method, path) {
      for (const m of matchers) {
        if (m.op.method !== method) continue;
        const hit = m.re.exec(path);
        if (!hit) continue;
        const params: Record<string, string> = {};
        m.names.forEach((n, i) => {
          params[n] = safeDecode(hit[i + 1]!);
        });
        return { op: m.op, params };
      }
      return undefined;
    },
    schema(name) {
      let v = schemaCache.get(name);
      if (!v) {
        v = dataAjv.getSchema(`${base}#/components/schemas/${name}`);
        if (!v) throw new Error(`${label}: no schema #/components/schemas/${name}`);
        schemaCache.set(name, v);
      }
      return v;
    },
  };
}

export function schemaIssues(v: ValidateFunction): ValidationIssue[] {
  return issuesFrom(v.errors, 'body');
}

import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { RE2JS } from 're2js';

// ajv-formats ships CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * Doppel's one JSON-Schema module: every validator of every twin — request validation against the OpenAPI
 * specs, fixtures, DingTalk's action input/output schemas — is compiled here, by one ajv instance for data
 * and one that coerces query/header/path strings to their declared types, with one formatter for what fails.
 */
/**
 * `pattern` keywords of schemas that come from fixtures (an action's inputSchema, anything a user loads) run
 * on RE2 (re2js: Google's linear-time engine, in pure JavaScript), so `^(a+)+$` cannot stall a twin; a
 * pattern RE2 cannot run (look-around, back-references) is refused when the schema compiles.
 */
function re2(pattern: string): { test(text: string): boolean } {
  return RE2JS.compile(pattern);
}
re2.code = 're2';

function makeAjv(coerceTypes: boolean, linearPatterns = false): Ajv2020 {
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    coerceTypes,
    validateSchema: false,
    ...(linearPatterns && { code: { regExp: re2 as never } }),
  });
  addFormats(ajv);
  return ajv;
}

/** Validates data as it is against the twins' own OpenAPI specs (bodies). */
export const dataAjv = makeAjv(false);
/** Validates parameters, which arrive as strings: coerced to the schema's types first. */
export const paramAjv = makeAjv(true);
/** Validates against schemas that are data (fixtures, action schemas): patterns on RE2. */
const userAjv = makeAjv(false, true);

const compiled = new WeakMap<object, ValidateFunction>();

/**
 * A validator for a JSON Schema that is data (fixtures schema, an action's inputSchema), compiled once per
 * schema object, its patterns on RE2. `$schema` and `$id` are ignored, so draft-07 style documents compile
 * with the 2020 dialect. Throws for a schema that does not compile (a pattern RE2 refuses included).
 */
export function compileSchema(schema: object): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    const { $schema: _s, $id: _id, ...rest } = schema as Record<string, unknown>;
    v = userAjv.compile(rest);
    compiled.set(schema, v);
  }
  return v;
}

/** One failed check: where (a JSON pointer, naming the missing or unknown field itself), which keyword, why. */
export interface SchemaProblem {
  path: string;
  keyword: string;
  reason: string;
}

/** The one formatter of validation errors. */
export function describeErrors(errors: ErrorObject[] | null | undefined): SchemaProblem[] {
  return (errors ?? []).map((e) => {
    if (e.keyword === 'required') {
      return { path: `${e.instancePath}/${String(e.params.missingProperty)}`, keyword: e.keyword, reason: 'is required' };
    }
    if (e.keyword === 'additionalProperties') {
      return { path: `${e.instancePath}/${String(e.params.additionalProperty)}`, keyword: e.keyword, reason: 'is not a known field' };
    }
    if (e.keyword === 'enum') {
      return { path: e.instancePath, keyword: e.keyword, reason: `must be one of ${JSON.stringify(e.params.allowedValues)}` };
    }
    return { path: e.instancePath, keyword: e.keyword, reason: e.message ?? 'is invalid' };
  });
}

/** Problems of `value` against `schema`, one readable line each (`/a/b is required`); empty when valid. */
export function schemaProblems(schema: object, value: unknown, root = 'value'): string[] {
  const v = compileSchema(schema);
  return v(value) ? [] : describeErrors(v.errors).map((p) => `${p.path || root} ${p.reason}`);
}

type Json = Record<string, unknown>;

const FORMAT_SAMPLES: Record<string, string> = {
  'date-time': '2024-01-01T00:00:00Z',
  date: '2024-01-01',
  time: '00:00:00Z',
  email: 'user@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
  ipv4: '127.0.0.1',
  hostname: 'example.com',
};

/**
 * A value that satisfies `schema`, always the same for the same schema: `const`, `default`, `examples[0]`
 * and `enum[0]` first, then the type's simplest value honouring bounds, lengths, formats and minItems.
 * Every property (required or not) of an object is filled, named after its key.
 */
export function sampleFromSchema(schema: unknown, name = 'value', depth = 0): unknown {
  if (!schema || typeof schema !== 'object' || depth > 32) return null;
  const s = schema as Json;
  if ('const' in s) return s.const;
  if ('default' in s) return s.default;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  for (const k of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(s[k]) && (s[k] as unknown[]).length) return sampleFromSchema((s[k] as unknown[])[0], name, depth + 1);
  }
  if (Array.isArray(s.allOf)) {
    return Object.assign({}, ...(s.allOf as unknown[]).map((part) => sampleFromSchema(part, name, depth + 1)));
  }
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? s.type[0]) : s.type;
  switch (type ?? (s.properties ? 'object' : s.items ? 'array' : undefined)) {
    case 'object': {
      const out: Json = {};
      for (const [key, sub] of Object.entries((s.properties ?? {}) as Json)) out[key] = sampleFromSchema(sub, key, depth + 1);
      return out;
    }
    case 'array': {
      const count = Math.max(1, Math.min(100, Number(s.minItems ?? 1)));
      return Array.from({ length: count }, () => sampleFromSchema(s.items ?? {}, name, depth + 1));
    }
    case 'integer':
    case 'number': {
      let n = typeof s.minimum === 'number' ? s.minimum : 0;
      if (typeof s.exclusiveMinimum === 'number') n = Math.max(n, s.exclusiveMinimum + 1);
      if (typeof s.maximum === 'number' && n > s.maximum) n = s.maximum;
      if (typeof s.multipleOf === 'number' && s.multipleOf > 0) n = Math.ceil(n / s.multipleOf) * s.multipleOf;
      return type === 'integer' ? Math.ceil(n) : n;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'string': {
      if (typeof s.format === 'string' && FORMAT_SAMPLES[s.format]) return FORMAT_SAMPLES[s.format];
      let text = `${name}-sample`;
      const min = Math.min(Number(s.minLength ?? 0), 10_000);
      const max = typeof s.maxLength === 'number' ? s.maxLength : undefined;
      if (text.length < min) text += 'x'.repeat(min - text.length);
      if (max !== undefined) text = text.slice(0, max);
      return text;
    }
    default:
      return {};
  }
}

import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats ships CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

type Json = Record<string, unknown>;

/**
 * Validators for the actions' own inputSchema / outputSchema (JSON Schema documents that are data, not part
 * of the twin's OpenAPI spec). `$schema` is ignored so draft-07 style schemas compile with the 2020 dialect.
 */
export class ActionSchemas {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  private readonly cache = new WeakMap<object, ValidateFunction>();

  constructor() {
    addFormats(this.ajv);
  }

  validator(schema: Json): ValidateFunction {
    let v = this.cache.get(schema);
    if (!v) {
      const { $schema: _ignored, $id: _id, ...rest } = schema;
      v = this.ajv.compile(rest);
      this.cache.set(schema, v);
    }
    return v;
  }

  /** Problems of `value` against `schema`, one readable line each; empty when valid. */
  problems(schema: Json, value: unknown): string[] {
    const v = this.validator(schema);
    return v(value) ? [] : (v.errors ?? []).map(describe);
  }
}

function describe(e: ErrorObject): string {
  if (e.keyword === 'required') return `${e.instancePath}/${String(e.params.missingProperty)} is required`;
  if (e.keyword === 'enum') return `${e.instancePath || 'input'} must be one of ${JSON.stringify(e.params.allowedValues)}`;
  if (e.keyword === 'additionalProperties') return `${e.instancePath}/${String(e.params.additionalProperty)} is not allowed`;
  return `${e.instancePath || 'input'} ${e.message ?? 'is invalid'}`;
}

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
export function sampleFromSchema(schema: unknown, name = 'value'): unknown {
  if (!schema || typeof schema !== 'object') return null;
  const s = schema as Json;
  if ('const' in s) return s.const;
  if ('default' in s) return s.default;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  for (const k of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(s[k]) && (s[k] as unknown[]).length) return sampleFromSchema((s[k] as unknown[])[0], name);
  }
  if (Array.isArray(s.allOf)) {
    return Object.assign({}, ...(s.allOf as unknown[]).map((part) => sampleFromSchema(part, name)));
  }
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? s.type[0]) : s.type;
  switch (type ?? (s.properties ? 'object' : s.items ? 'array' : undefined)) {
    case 'object': {
      const out: Json = {};
      for (const [key, sub] of Object.entries((s.properties ?? {}) as Json)) out[key] = sampleFromSchema(sub, key);
      return out;
    }
    case 'array': {
      const count = Math.max(1, Number(s.minItems ?? 1));
      return Array.from({ length: count }, () => sampleFromSchema(s.items ?? {}, name));
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
      const min = Number(s.minLength ?? 0);
      const max = typeof s.maxLength === 'number' ? s.maxLength : undefined;
      while (text.length < min) text += 'x';
      if (max !== undefined) text = text.slice(0, max);
      return text;
    }
    default:
      return {};
  }
}

import { describe, expect, it } from 'vitest';
import { compileSchema, describeErrors, sampleFromSchema, schemaProblems } from './schema.ts';

describe('compileSchema and schemaProblems', () => {
  it('compiles a schema object once and reuses it', () => {
    const schema = { type: 'object', required: ['a'] };
    expect(compileSchema(schema)).toBe(compileSchema(schema));
  });

  it('accepts draft-07 documents ($schema, $id ignored) and formats', () => {
    const schema = { $schema: 'http://json-schema.org/draft-07/schema#', $id: 'x', type: 'string', format: 'email' };
    expect(schemaProblems(schema, 'a@b.example')).toEqual([]);
    expect(schemaProblems(schema, 'nope')).toEqual(['value must match format "email"']);
  });

  it('names the missing or unknown field itself, lists enum values, and keeps other messages', () => {
    const schema = {
      type: 'object',
      required: ['mobile'],
      additionalProperties: false,
      properties: { mobile: { type: 'string' }, kind: { enum: ['a', 'b'] }, n: { type: 'integer', minimum: 1 } },
    };
    expect(schemaProblems(schema, { kind: 'c', n: 0, extra: 1 }, 'input')).toEqual([
      '/mobile is required',
      '/extra is not a known field',
      '/kind must be one of ["a","b"]',
      '/n must be >= 1',
    ]);
    expect(schemaProblems(schema, 5, 'input')).toEqual(['input must be object']);
  });
});

describe('sampleFromSchema', () => {
  it('prefers const, default, examples and enum, in that order', () => {
    expect(sampleFromSchema({ const: 1, default: 2 })).toBe(1);
    expect(sampleFromSchema({ default: 2, examples: [3] })).toBe(2);
    expect(sampleFromSchema({ examples: [3], enum: [4] })).toBe(3);
    expect(sampleFromSchema({ enum: [4, 5] })).toBe(4);
  });

  it('fills every property, named after its key, honouring bounds, lengths, formats and minItems', () => {
    const schema = {
      type: 'object',
      properties: {
        title: { type: 'string' },
        code: { type: 'string', minLength: 15, maxLength: 15 },
        short: { type: 'string', maxLength: 3 },
        at: { type: 'string', format: 'date-time' },
        count: { type: 'integer', minimum: 2, multipleOf: 5 },
        ratio: { type: 'number', exclusiveMinimum: 0.5 },
        capped: { type: 'integer', minimum: 10, maximum: 5 },
        tags: { type: 'array', minItems: 2, items: { type: 'string' } },
        ok: { type: 'boolean' },
        none: { type: 'null' },
        either: { oneOf: [{ type: 'integer' }, { type: 'string' }] },
        both: { allOf: [{ properties: { a: { const: 1 } } }, { properties: { b: { const: 2 } } }] },
        nullable: { type: ['null', 'string'] },
      },
    };
    const sample = sampleFromSchema(schema);
    expect(sample).toEqual({
      title: 'title-sample',
      code: 'code-samplexxxx',
      short: 'sho',
      at: '2024-01-01T00:00:00Z',
      count: 5,
      ratio: 1.5,
      capped: 5,
      tags: ['tags-sample', 'tags-sample'],
      ok: true,
      none: null,
      either: 0,
      both: { a: 1, b: 2 },
      nullable: 'nullable-sample',
    });
    expect(schemaProblems({ ...schema, properties: { ...schema.properties, capped: { type: 'integer' } } }, sample)).toEqual([]);
  });

  it('stops at a depth limit instead of recursing forever', () => {
    const deep: Record<string, unknown> = { type: 'object', properties: {} };
    let cur = deep;
    for (let i = 0; i < 100; i++) {
      const next = { type: 'object', properties: {} };
      (cur.properties as Record<string, unknown>).x = next;
      cur = next;
    }
    expect(() => sampleFromSchema(deep)).not.toThrow();
  });
});

describe('patterns from data run in linear time', () => {
  it('an exponential pattern answers at once, and a pattern RE2 cannot run is refused when compiled', () => {
    const schema = { type: 'string', pattern: '^(a+)+$' };
    // A backtracking engine takes seconds per extra character here; RE2 does not backtrack.
    expect(schemaProblems(schema, `${'a'.repeat(5_000)}b`)).toEqual(['value must match pattern "^(a+)+$"']);
    expect(schemaProblems(schema, 'aaaa')).toEqual([]);
    expect(schemaProblems({ type: 'string', pattern: 'b' }, 'abc')).toEqual([]);
    expect(() => compileSchema({ type: 'string', pattern: '(?<=a)b' })).toThrow();
  });
});

describe('sampleFromSchema: edge cases', () => {
  it('names a top-level string "value", answers null for a non-schema, infers object and array from their keywords', () => {
    expect(sampleFromSchema({ type: 'string' })).toBe('value-sample');
    expect(sampleFromSchema(true)).toBeNull();
    expect(sampleFromSchema('string')).toBeNull();
    expect(sampleFromSchema(null)).toBeNull();
    expect(sampleFromSchema({ properties: { a: { type: 'string' } } })).toEqual({ a: 'a-sample' });
    expect(sampleFromSchema({ items: { type: 'integer' } })).toEqual([0]);
    expect(sampleFromSchema({})).toEqual({});
  });

  it('fills exactly 32 levels of nesting, then null', () => {
    const nested = (levels: number): unknown =>
      levels === 0 ? { type: 'string' } : { type: 'object', properties: { x: nested(levels - 1) } };
    const leaf = (value: unknown, levels: number): unknown => {
      let cur = value;
      for (let i = 0; i < levels; i++) cur = (cur as { x: unknown }).x;
      return cur;
    };
    expect(leaf(sampleFromSchema(nested(32)), 32)).toBe('x-sample');
    expect(leaf(sampleFromSchema(nested(33)), 33)).toBeNull();
  });

  it('stops on a schema that refers to itself through properties, items, oneOf or allOf', () => {
    const viaProps: Record<string, unknown> = { type: 'object', properties: {} };
    (viaProps.properties as Record<string, unknown>).self = viaProps;
    const viaItems: Record<string, unknown> = { type: 'array' };
    viaItems.items = viaItems;
    const viaOneOf: Record<string, unknown> = {};
    viaOneOf.oneOf = [viaOneOf];
    const viaAllOf: Record<string, unknown> = {};
    viaAllOf.allOf = [viaAllOf];
    expect(JSON.stringify(sampleFromSchema(viaProps))).toBe(`${'{"self":'.repeat(33)}null${'}'.repeat(33)}`);
    expect(JSON.stringify(sampleFromSchema(viaItems))).toBe(`${'['.repeat(33)}null${']'.repeat(33)}`);
    expect(sampleFromSchema(viaOneOf)).toBeNull();
    expect(sampleFromSchema(viaAllOf)).toEqual({});
  });

  it('clamps only to a numeric maximum, steps only by a positive multipleOf, and rounds integers up', () => {
    expect(sampleFromSchema({ type: 'integer' })).toBe(0);
    expect(sampleFromSchema({ type: 'integer', maximum: -2 })).toBe(-2);
    expect(sampleFromSchema({ type: 'integer', maximum: 10 })).toBe(0);
    expect(sampleFromSchema({ type: 'number', minimum: 1, multipleOf: 5 })).toBe(5);
    expect(sampleFromSchema({ type: 'number', minimum: 1, multipleOf: 0 })).toBe(1);
    expect(sampleFromSchema({ type: 'number', minimum: 1, multipleOf: -2 })).toBe(1);
    expect(sampleFromSchema({ type: 'number', minimum: 1, multipleOf: '5' })).toBe(1);
    expect(sampleFromSchema({ type: 'integer', exclusiveMinimum: 0.5 })).toBe(2);
    expect(sampleFromSchema({ type: 'number', minimum: 0.25 })).toBe(0.25);
  });

  it('uses a known format’s sample, else the named text padded to minLength and cut only to a numeric maxLength', () => {
    expect(sampleFromSchema({ type: 'string', format: 'email' })).toBe('user@example.com');
    expect(sampleFromSchema({ type: 'string', format: 'unknown-format' })).toBe('value-sample');
    expect(sampleFromSchema({ type: 'string', minLength: 20 })).toBe('value-samplexxxxxxxx');
    expect(sampleFromSchema({ type: 'string', maxLength: 5 })).toBe('value');
    expect(sampleFromSchema({ type: 'string', maxLength: '5' })).toBe('value-sample');
  });
});

describe('describeErrors', () => {
  it('is empty without errors, and says "is invalid" for an error without a message', () => {
    expect(describeErrors(null)).toEqual([]);
    expect(describeErrors(undefined)).toEqual([]);
    expect(describeErrors([{ keyword: 'custom', instancePath: '/a', schemaPath: '#', params: {} }])).toEqual([
      { path: '/a', keyword: 'custom', reason: 'is invalid' },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { ActionSchemas, sampleFromSchema } from './schemas.ts';

describe('sampleFromSchema', () => {
  it('produces a valid value honouring enums, formats, bounds, lengths and minItems', () => {
    const schema = {
      type: 'object',
      properties: {
        status: { enum: ['open', 'closed'] },
        at: { type: 'string', format: 'date-time' },
        count: { type: 'integer', minimum: 3, maximum: 9 },
        ratio: { type: 'number', exclusiveMinimum: 0 },
        code: { type: 'string', minLength: 20, maxLength: 25 },
        short: { type: 'string', maxLength: 3 },
        tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
        fixed: { const: 'x' },
        either: { oneOf: [{ type: 'boolean' }, { type: 'string' }] },
        maybe: { type: ['null', 'integer'] },
      },
    };
    const value = sampleFromSchema(schema) as Record<string, unknown>;
    expect(new ActionSchemas().problems(schema, value)).toEqual([]);
    expect(value).toMatchObject({ status: 'open', at: '2024-01-01T00:00:00Z', count: 3, fixed: 'x', either: true, maybe: 0 });
    expect(value.tags).toHaveLength(2);
    expect(sampleFromSchema(schema)).toEqual(value);
  });

  it('reports problems as readable lines, and ignores $schema of draft-07 documents', () => {
    const schemas = new ActionSchemas();
    const schema = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', required: ['a'], properties: { a: { type: 'integer' } } };
    expect(schemas.problems(schema, {})).toEqual(['/a is required']);
    expect(schemas.problems(schema, { a: 'x' })).toEqual(['/a must be integer']);
    expect(schemas.problems(schema, { a: 1 })).toEqual([]);
  });
});

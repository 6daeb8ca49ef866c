/** What the twin starts from: typed defaults and the JSON Schema every fixtures document must satisfy. */
export interface ExampleFixtures {
  things: { id: string; name: string }[];
  /** API key → the tenant it belongs to. */
  keys: Record<string, string>;
}

export const fixturesSchema = {
  type: 'object',
  required: ['things', 'keys'],
  additionalProperties: false,
  properties: {
    things: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name'],
        additionalProperties: false,
        properties: { id: { type: 'string' }, name: { type: 'string' } },
      },
    },
    keys: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

export const defaultFixtures = (): ExampleFixtures => ({
  things: [{ id: 't1', name: 'first' }],
  keys: { k1: 'tenant-a', k2: 'tenant-b' },
});

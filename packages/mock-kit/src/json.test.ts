import { describe, expect, it } from 'vitest';
import { jsonTooDeep, MAX_JSON_DEPTH, parseJson } from './json.ts';
import { json, K1, make, withKey } from './test-support.ts';

const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

describe('JSON depth limit', () => {
  it('counts nesting outside strings only, escapes included', () => {
    expect(jsonTooDeep(nested(3), 3)).toBe(false);
    expect(jsonTooDeep(nested(4), 3)).toBe(true);
    expect(jsonTooDeep('{"a":{"b":{"c":1}}}', 3)).toBe(false);
    expect(jsonTooDeep('{"a":{"b":{"c":{}}}}', 3)).toBe(true);
    expect(jsonTooDeep(`["${'[['.repeat(10)}"]`, 2)).toBe(false);
    expect(jsonTooDeep(`["\\"${'['.repeat(10)}"]`, 2)).toBe(false);
    expect(jsonTooDeep('[[],[],[]]', 2)).toBe(false);
    expect(jsonTooDeep('{"a":{},"b":{},"c":{}}', 2)).toBe(false);
  });

  it('parses up to the limit, refuses deeper documents and invalid ones', () => {
    expect(parseJson(nested(MAX_JSON_DEPTH))).toBeInstanceOf(Array);
    expect(parseJson(nested(MAX_JSON_DEPTH + 1))).toBeUndefined();
    expect(parseJson('{"a":')).toBeUndefined();
    expect(parseJson('null')).toBeNull();
  });

  it('a 100,000-deep body is refused in the platform shape, journaled, and the journal still reads', async () => {
    const { app, twin } = make();
    const deep = `{"name":${nested(100_000)}}`;
    const res = await app.request('/things', withKey({ method: 'POST', headers: { 'content-type': 'application/json' }, body: deep }));
    expect(res.status).toBe(422);
    expect(twin.journal.all()).toHaveLength(1);
    expect((await app.request('/__admin/journal')).status).toBe(200);
    const admin = await app.request('/__admin/fixtures', { method: 'PUT', body: deep });
    expect(admin.status).toBe(400);
    expect(((await admin.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
    expect((await app.request('/things', K1)).status).toBe(200);
    expect(
      (await app.request('/__admin/scenarios/rules', json({ scenario: 'QUOTA', match: { body: JSON.parse(nested(50)) } }))).status,
    ).toBe(400);
  });
});

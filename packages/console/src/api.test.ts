import type { JournalEntry } from '@doppel/clients/admin';
import { describe, expect, it } from 'vitest';
import { callersText, matches, operationsOf } from './api.ts';

const entry = (over: Partial<JournalEntry>): JournalEntry => ({
  id: 1,
  time: '2024-05-01T00:00:00Z',
  method: 'POST',
  path: '/v1.0/connector/instances/invoke',
  query: {},
  headers: {},
  status: 403,
  durationMs: 1,
  callers: { app: 'dingdoppelselfbuilt', org: 'dingdoppelcorp' },
  ...over,
});
const none = { caller: '', path: '', status: '' };

describe('the journal filters', () => {
  it('match a caller as kind:id or as an id, a path by part or pattern, a status by prefix', () => {
    const e = entry({});
    expect(callersText(e)).toBe('app:dingdoppelselfbuilt org:dingdoppelcorp');
    expect(matches(e, { ...none, caller: 'app:dingdoppelselfbuilt' })).toBe(true);
    expect(matches(e, { ...none, caller: 'dingdoppelcorp' })).toBe(true);
    expect(matches(e, { ...none, caller: 'app:suitedoppelthirdparty' })).toBe(false);
    expect(matches(e, { ...none, path: 'invoke' })).toBe(true);
    expect(matches(e, { ...none, path: '/v1.0/*/invoke' })).toBe(true);
    expect(matches(e, { ...none, path: '/v1.0/*/list' })).toBe(false);
    expect(matches(e, { ...none, status: '4xx' })).toBe(true);
    expect(matches(e, { ...none, status: '200' })).toBe(false);
    expect(matches(entry({ callers: undefined }), { ...none, caller: 'x' })).toBe(false);
  });
});

describe('the requests a rule may match', () => {
  it("are the twin's operations, path parameters as *, admin routes left out", () => {
    const doc = {
      paths: {
        '/v1.0/connector/instances/invoke': { post: { summary: 'Invoke' } },
        '/v1.0/connector/actions/{actionId}': { get: { operationId: 'getAction' } },
        '/__admin/health': { get: {} },
      },
    };
    expect(operationsOf(doc)).toEqual([
      { method: 'GET', path: '/v1.0/connector/actions/*', summary: 'getAction' },
      { method: 'POST', path: '/v1.0/connector/instances/invoke', summary: 'Invoke' },
    ]);
  });
});

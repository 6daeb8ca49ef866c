import type { JournalEntry } from '@doppel/clients/admin';
import { describe, expect, it } from 'vitest';
import { interceptionOf, queryText, signatureOf } from './notes.ts';

const entry = (over: Partial<JournalEntry>): JournalEntry => ({
  id: 1,
  time: '2024-05-01T00:00:00Z',
  method: 'GET',
  path: '/api.php',
  query: { m: 'im', f: 'getGroupChats', code: 'myAppCode', token: '****8de0' },
  headers: {},
  status: 200,
  durationMs: 1,
  ...over,
});

describe('ZenTao’s signature debugger', () => {
  it('shows what the twin noted for a failed query signature, nothing computed here', () => {
    const signature = {
      mode: 'query',
      signed: 'm=im&f=getGroupChats&code=myAppCode',
      formula: 'md5(md5(signed) + key)',
      received: 'aa',
      expected: 'bb',
      hint: 'check the key',
    };
    expect(signatureOf(entry({ notes: { signature } }))).toEqual({ kind: 'query', ...signature });
    expect(signatureOf(entry({ notes: { signature: { ...signature, timeSigned: 'c + key + 1' } } }))).toMatchObject({
      timeSigned: 'c + key + 1',
    });
  });

  it('a replayed time token, an IP refusal, or nothing noted', () => {
    expect(signatureOf(entry({ notes: { signature: { mode: 'time', time: '1700000000', lastCalledTime: 1700000005 } } }))).toEqual({
      kind: 'time',
      time: '1700000000',
      lastCalledTime: '1700000005',
    });
    expect(signatureOf(entry({ notes: { ip: { caller: '10.0.0.1', whitelist: '127.0.0.1' } } }))).toEqual({
      kind: 'none',
      query: 'm=im&f=getGroupChats&code=myAppCode&token=****8de0',
      ip: { caller: '10.0.0.1', whitelist: '127.0.0.1' },
    });
    expect(signatureOf(entry({}))).toEqual({ kind: 'none', query: 'm=im&f=getGroupChats&code=myAppCode&token=****8de0' });
  });

  it('the query as held, repeated keys in order', () => {
    expect(queryText(entry({ query: { a: ['1', '2'], b: 'x y' } }))).toBe('a=1&a=2&b=x+y');
  });
});

describe('ONES’s interception chain', () => {
  it('stage by stage: the matched functions, each stage’s timing, the rest of what it recorded', () => {
    const interception = {
      prefix: { plugin: 'p', function: 'stamp', url: '/users/me' },
      replace: null,
      suffix: null,
      stages: [
        { stage: 'request', atMs: 0 },
        { stage: 'prefix', atMs: 1, durationMs: 2, plugin: 'p', function: 'stamp', returned: {} },
        { stage: 'ones', atMs: 3, status: 200 },
      ],
    };
    expect(interceptionOf(entry({ notes: { interception } }))).toEqual({
      kind: 'chain',
      matched: { prefix: interception.prefix, replace: null, suffix: null },
      stages: [
        { stage: 'request', atMs: 0, rest: {} },
        { stage: 'prefix', atMs: 1, durationMs: 2, plugin: 'p', function: 'stamp', rest: { returned: {} } },
        { stage: 'ones', atMs: 3, rest: { status: 200 } },
      ],
    });
  });

  it('skipped, refused, or none', () => {
    expect(interceptionOf(entry({ notes: { interception: { skipped: 'Replace: replace' } } }))).toEqual({
      kind: 'skipped',
      reason: 'Not intercepted: Replace: replace',
    });
    expect(interceptionOf(entry({ notes: { interception: { refused: 'invalid credentials' } } }))).toEqual({
      kind: 'skipped',
      reason: 'Refused before any plugin: invalid credentials',
    });
    expect(interceptionOf(entry({}))).toEqual({ kind: 'none' });
  });
});

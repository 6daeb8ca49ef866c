import { readFileSync } from 'node:fs';
import type { PactExpectation } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import { knownDifferences } from './known-differences.ts';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** A consumer's pact interaction: `POST path`, expecting `status` and `body`. */
const interaction = (path: string, body: unknown, status?: number, method = 'POST'): PactExpectation => ({
  description: `${method} ${path}`,
  method,
  path,
  query: {},
  headers: {},
  body: {},
  expected: { ...(status !== undefined && { status }), headers: {}, body },
});

function difference(id: string) {
  const d = knownDifferences.find((k) => k.id === id);
  if (!d) throw new Error(`no known difference ${id}`);
  return d;
}

const SEARCH = '/v1.0/connector/assets/actions/search';
const INVOKE = '/v1.0/connector/instances/invoke';

describe('knownDifferences: what `doppel verify` prints beside a failure', () => {
  it('are three, each under the README’s section heading, with its title and README line', () => {
    expect(knownDifferences.map((d) => d.id)).toEqual(['v1-no-errcode', 'next-cursor', 'invoke-business-failure']);
    for (const d of knownDifferences) {
      expect(d.readme).toBe('Where the vendor doc and the real platform differ, and what the twin does');
      expect(README).toContain(`\n## ${d.readme}\n`);
    }
    expect(knownDifferences.map((d) => d.title)).toEqual([
      "v1.0 answers carry no errcode: the legacy errcode: 0 the doc's sample checks is not there",
      'the paging cursor is nextToken, never nextCursor',
      'a failing action answers HTTP 200 with a non-zero errorCode',
    ]);
    const [errcode, cursor, invoke] = knownDifferences.map((d) => d.difference);
    expect(errcode).toMatch(
      /^v1\.0 answers carry no errcode\. The doc's sample checks the legacy errcode: 0 \(DingResponse\); the v1\.0 API answers /,
    );
    expect(errcode).toContain(
      'success as HTTP 200 with the resource alone, and failure as a 4xx {code, message, requestid}. Only the legacy /gettoken ',
    );
    expect(errcode).toMatch(/ answers errcode\.$/);
    expect(cursor).toBe(
      'nextToken. The sample reads nextCursor, which the API never returns; the twin returns nextToken only (when hasMore is true).',
    );
    expect(invoke).toBe(
      'Invoke business failure comes back as HTTP 200 with a non-zero errorCode (as on the real platform), not as a 4xx.',
    );
  });
});

describe('v1-no-errcode: a pact expecting errcode from a v1.0 API', () => {
  const d = difference('v1-no-errcode');

  it('applies to a /v1.0/ answer expected to carry errcode', () => {
    expect(d.applies(interaction(SEARCH, { errcode: 0, result: {} }, 200), undefined)).toBe(true);
    expect(d.applies(interaction('/v1.0/oauth2/accessToken', { errcode: 0 }), undefined)).toBe(true);
  });

  it('does not apply to the legacy /gettoken, a v1.0 answer without errcode, or a body that is no object', () => {
    expect(d.applies(interaction('/gettoken', { errcode: 0, access_token: 't' }, 200, 'GET'), undefined)).toBe(false);
    expect(d.applies(interaction('/api/v1.0/x', { errcode: 0 }), undefined)).toBe(false);
    expect(d.applies(interaction(SEARCH, { list: [], hasMore: false }), undefined)).toBe(false);
    for (const body of [null, 'errcode', [{ errcode: 0 }]]) {
      expect(d.applies(interaction(SEARCH, body), undefined), JSON.stringify(body)).toBe(false);
    }
  });
});

describe('next-cursor: a pact expecting nextCursor', () => {
  const d = difference('next-cursor');

  it('applies to any answer expected to carry nextCursor', () => {
    expect(d.applies(interaction(SEARCH, { list: [], hasMore: true, nextCursor: '1' }), undefined)).toBe(true);
  });

  it('does not apply to nextToken, or to a body that is no object', () => {
    expect(d.applies(interaction(SEARCH, { list: [], hasMore: true, nextToken: '1' }), undefined)).toBe(false);
    for (const body of [null, 'nextCursor', [{ nextCursor: '1' }]]) {
      expect(d.applies(interaction(SEARCH, body), undefined), JSON.stringify(body)).toBe(false);
    }
  });
});

describe('invoke-business-failure: a pact expecting a failing invocation as an HTTP error', () => {
  const d = difference('invoke-business-failure');

  it('applies to an invocation expected to answer 400 or more', () => {
    for (const status of [400, 403, 500]) {
      expect(d.applies(interaction(INVOKE, { errorCode: 'x' }, status), undefined), String(status)).toBe(true);
    }
  });

  it('does not apply to an invocation expected to answer 2xx or 3xx or no status, or to another path', () => {
    for (const status of [200, 302, 399, undefined]) {
      expect(d.applies(interaction(INVOKE, { errorCode: 'x' }, status), undefined), String(status)).toBe(false);
    }
    expect(d.applies(interaction(SEARCH, {}, 400), undefined)).toBe(false);
    expect(d.applies(interaction(`${INVOKE}/status`, {}, 400), undefined)).toBe(false);
  });
});

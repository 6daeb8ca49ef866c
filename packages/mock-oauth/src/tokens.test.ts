import { BoundedMap, Cell, createClock } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import { CI_BOT, GITHUB_APP } from './fixtures.ts';
import { STATE_VALUES } from './states.ts';
import { isLive, issueTokens, newCode, newToken, normaliseScope, revokeGrant, s256, type TokenRecord, type TokenStore } from './tokens.ts';

const NOW = 1_700_000_000_000;
const clock = () => createClock(() => NOW);
const store = (nextTokens: string[] = []): TokenStore => ({
  tokens: new BoundedMap(1000, () => 0),
  nextTokens: new Cell(nextTokens),
  grants: new BoundedMap(1000, () => 0),
});

describe('secrets', () => {
  it('tokens are the prefix and 36 base62 characters, each one new', () => {
    const seen = new Set<string>();
    for (const prefix of ['gho_', 'ghu_', 'ghr_'] as const) {
      for (let i = 0; i < 50; i++) {
        const t = newToken(prefix);
        expect(t).toMatch(new RegExp(`^${prefix}[A-Za-z0-9]{36}$`));
        seen.add(t);
      }
    }
    expect(seen.size).toBe(150);
    // Every character of the alphabet turns up, the last ones included.
    const chars = new Set(Array.from({ length: 200 }, () => newToken('gho_').slice(4)).join(''));
    for (const c of 'AZaz09') expect(chars.has(c), c).toBe(true);
  });

  it('codes are 20 hex characters', () => {
    expect(newCode()).toMatch(/^[0-9a-f]{20}$/);
    expect(newCode()).not.toBe(newCode());
  });

  it('s256 is RFC 7636’s S256 (its appendix B example)', () => {
    expect(s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(s256(STATE_VALUES.pkceVerifier)).toBe(STATE_VALUES.pkceChallenge);
  });
});

describe('normaliseScope', () => {
  it('joins scopes with commas, without blanks or repeats, in the order asked', () => {
    expect(normaliseScope('read:user repo')).toBe('read:user,repo');
    expect(normaliseScope(' repo,,read:user  repo ,gist\t')).toBe('repo,read:user,gist');
    expect(normaliseScope('')).toBe('');
    expect(normaliseScope(undefined)).toBe('');
  });
});

describe('isLive', () => {
  const token = (over: Partial<TokenRecord>): TokenRecord => ({
    token: 't',
    kind: 'access',
    clientId: 'c',
    login: 'l',
    scope: '',
    createdAt: 0,
    expiresAt: null,
    revoked: false,
    ...over,
  });

  it('a token lives until revoked or until its expiry (exclusive)', () => {
    expect(isLive(token({}), clock())).toBe(true);
    expect(isLive(token({ revoked: true }), clock())).toBe(false);
    expect(isLive(token({ expiresAt: NOW + 1 }), clock())).toBe(true);
    expect(isLive(token({ expiresAt: NOW }), clock())).toBe(false);
    expect(isLive(token({ expiresAt: NOW + 1, revoked: true }), clock())).toBe(false);
  });
});

describe('issueTokens', () => {
  it('an OAuth app gets one gho_ token that never expires, with the scope asked', () => {
    const s = store();
    const { access, refresh } = issueTokens(s, clock(), CI_BOT, 'octocat', 'repo');
    expect(refresh).toBeUndefined();
    expect(access).toEqual({
      token: expect.stringMatching(/^gho_\w{36}$/),
      kind: 'access',
      clientId: CI_BOT.clientId,
      login: 'octocat',
      scope: 'repo',
      createdAt: NOW,
      expiresAt: null,
      revoked: false,
    });
    expect([...s.tokens.values()]).toEqual([access]);
  });

  it('a client with expiring tokens gets an 8-hour ghu_ without scope and a 184-day ghr_', () => {
    const s = store();
    const { access, refresh } = issueTokens(s, clock(), GITHUB_APP, 'hubot', 'repo');
    expect(access).toMatchObject({
      token: expect.stringMatching(/^ghu_\w{36}$/),
      kind: 'access',
      scope: '',
      expiresAt: NOW + 28_800_000,
      login: 'hubot',
    });
    expect(refresh).toEqual({ ...access, token: expect.stringMatching(/^ghr_\w{36}$/), kind: 'refresh', expiresAt: NOW + 15_897_600_000 });
    expect(s.tokens.get(access.token)).toBe(access);
    expect(s.tokens.get(refresh!.token)).toBe(refresh);
  });

  it('hands out the queued tokens first, access before refresh', () => {
    const s = store(['ghu_A', 'ghr_B', 'ghu_C']);
    const { access, refresh } = issueTokens(s, clock(), GITHUB_APP, 'octocat', '');
    expect([access.token, refresh?.token]).toEqual(['ghu_A', 'ghr_B']);
    expect(s.nextTokens.get()).toEqual(['ghu_C']);
  });
});

describe('revokeGrant', () => {
  it("revokes the tokens issued from one code, refreshes included, and no other grant's; a second call finds none left", () => {
    const s = store();
    const clock = createClock();
    const first = issueTokens(s, clock, GITHUB_APP, 'octocat', '', 'code-1');
    const refreshed = issueTokens(s, clock, GITHUB_APP, 'octocat', '', 'code-1');
    const other = issueTokens(s, clock, CI_BOT, 'octocat', 'read:user', 'code-2');
    const noGrant = issueTokens(s, clock, CI_BOT, 'octocat', 'read:user');
    expect(revokeGrant(s, 'code-1')).toBe(4);
    for (const t of [first.access, first.refresh!, refreshed.access, refreshed.refresh!]) expect(s.tokens.get(t.token)?.revoked).toBe(true);
    for (const t of [other.access, noGrant.access]) expect(s.tokens.get(t.token)?.revoked).toBe(false);
    expect(revokeGrant(s, 'code-1')).toBe(0);
    expect(revokeGrant(s, 'never-issued')).toBe(0);
  });

  it('skips a token the bounded store has already let go', () => {
    const s: TokenStore = { ...store(), tokens: new BoundedMap(2, () => 0) };
    const clock = createClock();
    const gone = issueTokens(s, clock, CI_BOT, 'octocat', 'read:user', 'code-1');
    const kept = issueTokens(s, clock, CI_BOT, 'octocat', 'read:user', 'code-1');
    issueTokens(s, clock, CI_BOT, 'octocat', 'read:user', 'code-2');
    expect(s.tokens.get(gone.access.token)).toBeUndefined();
    expect(revokeGrant(s, 'code-1')).toBe(1);
    expect(s.tokens.get(kept.access.token)?.revoked).toBe(true);
  });

  it('leaves alone a token of another grant that now holds an id the grant once had (a queued token handed out twice)', () => {
    const s = store(['ghu_SAME', 'ghr_one', 'ghu_SAME', 'ghr_two']);
    issueTokens(s, clock(), GITHUB_APP, 'octocat', '', 'code-1');
    issueTokens(s, clock(), GITHUB_APP, 'octocat', '', 'code-2');
    expect(s.tokens.get('ghu_SAME')?.grant).toBe('code-2');
    expect(revokeGrant(s, 'code-1')).toBe(1);
    expect(s.tokens.get('ghr_one')?.revoked).toBe(true);
    expect(s.tokens.get('ghu_SAME')?.revoked).toBe(false);
    expect(s.tokens.get('ghr_two')?.revoked).toBe(false);
  });
});

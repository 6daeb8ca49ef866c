import { describe, expect, it } from 'vitest';
import { defaultFixtures, HUBOT, OCTOCAT_TOKEN } from './fixtures.ts';
import { createApp } from './server.ts';
import { stoppedClock, T0 } from './test-helpers.ts';

describe('seed', () => {
  it('indexes apps by client_id and users by lower-case login', () => {
    const f = defaultFixtures();
    f.users.push({ ...HUBOT, login: 'MixedCase', id: 77 });
    const { twin } = createApp({ fixtures: f });
    expect([...twin.state.apps.keys()]).toEqual(f.apps.map((a) => a.clientId));
    expect(twin.state.users.get('mixedcase')?.id).toBe(77);
    expect(twin.state.users.has('MixedCase')).toBe(false);
  });

  it('seeded codes expire 10 minutes after seeding, their scope normalised', () => {
    const f = defaultFixtures();
    f.codes = [{ code: 'c1', clientId: 'x', login: 'octocat', scope: 'repo  gist', redirectUri: null, codeChallenge: 'ch' }];
    const { twin } = createApp({ fixtures: f, clock: stoppedClock() });
    expect(twin.state.codes.get('c1')).toEqual({
      code: 'c1',
      clientId: 'x',
      login: 'octocat',
      scope: 'repo,gist',
      redirectUri: null,
      codeChallenge: 'ch',
      expiresAt: T0 + 600_000,
    });
  });

  it('seeded tokens are live, created now, expiring after expiresInSeconds or never', () => {
    const f = defaultFixtures();
    f.tokens.push({ token: 'ghu_x', kind: 'access', clientId: 'y', login: 'hubot', scope: 'a b', expiresInSeconds: 60 });
    const { twin } = createApp({ fixtures: f, clock: stoppedClock() });
    expect(twin.state.tokens.get(OCTOCAT_TOKEN.token)).toEqual({
      token: OCTOCAT_TOKEN.token,
      kind: 'access',
      clientId: OCTOCAT_TOKEN.clientId,
      login: 'octocat',
      scope: 'read:user',
      createdAt: T0,
      expiresAt: null,
      revoked: false,
    });
    expect(twin.state.tokens.get('ghu_x')).toMatchObject({ scope: 'a,b', createdAt: T0, expiresAt: T0 + 60_000, revoked: false });
  });

  it('a reset forgets what the flow changed: the queue of next tokens is refilled, codes and tokens re-seeded', () => {
    const f = defaultFixtures();
    f.nextTokens = ['gho_Next'];
    const { twin } = createApp({ fixtures: f });
    twin.state.nextTokens.set([]);
    twin.state.tokens.update(OCTOCAT_TOKEN.token, { ...twin.state.tokens.get(OCTOCAT_TOKEN.token)!, revoked: true });
    twin.reset();
    expect(twin.state.nextTokens.get()).toEqual(['gho_Next']);
    expect(twin.state.tokens.get(OCTOCAT_TOKEN.token)?.revoked).toBe(false);
  });
});

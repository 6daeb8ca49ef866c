import { readFileSync } from 'node:fs';
import { schemaProblems } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import { defaultFixtures, fixturesSchema, OCTOCAT } from './fixtures.ts';
import { createApp } from './server.ts';
import { jsonPost } from './test-helpers.ts';

type Json = Record<string, unknown>;
const problems = (f: unknown) => schemaProblems(fixturesSchema, f, 'fixtures');

describe('defaultFixtures', () => {
  it('satisfy the schema, and are a new copy on each call', () => {
    expect(problems(defaultFixtures())).toEqual([]);
    const a = defaultFixtures();
    a.apps[0]!.name = 'changed';
    a.users[0]!.login = 'changed';
    expect(defaultFixtures().apps[0]!.name).toBe('Doppel GitHub Bot');
    expect(defaultFixtures().users[0]!.login).toBe(OCTOCAT.login);
  });
});

describe('fixturesSchema', () => {
  /** One of each list, so every item schema is exercised. */
  const full = (): Json => {
    const f = defaultFixtures();
    f.codes = [{ code: 'c', clientId: 'x', login: 'octocat', scope: '', redirectUri: null, codeChallenge: null }];
    f.nextTokens = ['gho_A', 'ghu_B', 'ghr_C_1'];
    return f as unknown as Json;
  };
  const at = (f: Json, path: (string | number)[]): Json => path.reduce<Json>((o, k) => o[k] as Json, f);

  it('requires every field of every object, and refuses unknown ones', () => {
    for (const path of [[], ['apps', 0], ['users', 0], ['codes', 0], ['tokens', 0]] as (string | number)[][]) {
      for (const key of Object.keys(at(full(), path))) {
        const f = full();
        delete at(f, path)[key];
        expect(problems(f), `${path.join('/')}/${key}`).toContain(`/${[...path, key].join('/')} is required`);
      }
      const f = full();
      at(f, path).extra = 1;
      expect(problems(f)).toContain(`/${[...path, 'extra'].join('/')} is not a known field`);
    }
  });

  it('checks each field’s type', () => {
    const wrong: [(string | number)[], unknown][] = [
      [['apps', 0, 'clientId'], ''],
      [['apps', 0, 'clientSecret'], ''],
      [['apps', 0, 'name'], 1],
      [['apps', 0, 'callbackUrls'], []],
      [['apps', 0, 'callbackUrls'], ['not a uri']],
      [['apps', 0, 'autoApprove'], 'yes'],
      [['apps', 0, 'expiringTokens'], 1],
      [['apps', 0, 'suspended'], null],
      [['users', 0, 'login'], ''],
      [['users', 0, 'id'], 0],
      [['users', 0, 'id'], 1.5],
      [['users', 0, 'password'], 1],
      [['users', 0, 'name'], 1],
      [['users', 0, 'email'], 1],
      [['users', 0, 'emailVerified'], 'true'],
      [['users', 0, 'company'], 1],
      [['users', 0, 'blog'], null],
      [['users', 0, 'location'], 1],
      [['users', 0, 'bio'], 1],
      [['users', 0, 'type'], 'Organization'],
      [['users', 0, 'siteAdmin'], 0],
      [['users', 0, 'publicRepos'], -1],
      [['users', 0, 'followers'], -1],
      [['users', 0, 'following'], -1],
      [['users', 0, 'createdAt'], 'yesterday'],
      [['codes', 0, 'code'], ''],
      [['codes', 0, 'clientId'], 1],
      [['codes', 0, 'login'], 1],
      [['codes', 0, 'scope'], null],
      [['codes', 0, 'redirectUri'], 1],
      [['codes', 0, 'codeChallenge'], 1],
      [['tokens', 0, 'token'], ''],
      [['tokens', 0, 'kind'], 'id'],
      [['tokens', 0, 'clientId'], 1],
      [['tokens', 0, 'login'], 1],
      [['tokens', 0, 'scope'], 1],
      [['tokens', 0, 'expiresInSeconds'], 1.5],
      [['nextTokens', 0], 'abc_123'],
      [['nextTokens', 0], 'gho_'],
      [['nextTokens', 0], 'xgho_A'],
      [['nextTokens', 0], 'gho_A-'],
      [['defaultLogin'], 1],
      [['apps'], {}],
      [['users'], {}],
      [['codes'], {}],
      [['tokens'], {}],
      [['nextTokens'], {}],
      [['apps', 0], []],
      [['users', 0], 'x'],
      [['codes', 0], 1],
      [['tokens', 0], null],
    ];
    for (const [path, value] of wrong) {
      const f = full();
      at(f, path.slice(0, -1))[path.at(-1)!] = value;
      expect(problems(f), `${path.join('/')} = ${JSON.stringify(value)}`).not.toEqual([]);
    }
    expect(problems('x')).not.toEqual([]);
  });

  it('accepts the nullable fields as null', () => {
    const f = full();
    Object.assign(at(f, ['users', 0]), { name: null, email: null, company: null, location: null, bio: null });
    Object.assign(at(f, ['codes', 0]), { redirectUri: 'http://x', codeChallenge: 'y' });
    Object.assign(at(f, ['tokens', 0]), { expiresInSeconds: 3, kind: 'refresh' });
    Object.assign(at(f, ['users', 1]), { type: 'Bot' });
    expect(problems(f)).toEqual([]);
  });

  it('the admin API refuses invalid fixtures naming the path', async () => {
    const { app } = createApp();
    const f = defaultFixtures() as unknown as { apps: Json[] };
    f.apps[0]!.callbackUrls = [];
    const res = await app.request('/__admin/fixtures', { ...jsonPost(f), method: 'PUT' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('/apps/0/callbackUrls');
  });
});

describe('the README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  it('documents every default client with its client_id, secret and mode', () => {
    for (const a of defaultFixtures().apps) {
      const row = readme.split('\n').find((l) => l.startsWith(`| ${a.name} |`));
      expect(row, a.name).toContain(`| \`${a.clientId}\` | \`${a.clientSecret}\` |`);
      expect(row).toContain(a.suspended ? 'suspended' : a.autoApprove ? 'auto-approve' : 'consent page');
      if (a.expiringTokens) expect(row).toContain('expiring tokens');
    }
  });

  it('documents every default user with the password, and the ready-made token', () => {
    const f = defaultFixtures();
    for (const u of f.users) expect(readme).toMatch(new RegExp(`\\| \`${u.login}\`[^|]*\\| \`${u.password}\` \\|`));
    expect(readme).toContain(`Ready-made token: \`${f.tokens[0]!.token}\``);
  });
});

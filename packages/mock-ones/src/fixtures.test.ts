import { FixtureError, schemaProblems } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import { defaultFixtures, fixturesSchema, type OnesFixtures } from './fixtures.ts';
import { createApp } from './server.ts';

type Obj = Record<string, unknown>;

/** Every object of the fixtures document, by where it is: the root, the org and the first item of each list. */
function objectsOf(f: OnesFixtures): [string, Obj][] {
  const lists = ['users', 'teams', 'projects', 'tasks', 'pages'] as const;
  return [
    ['', f as unknown as Obj],
    ['/org', f.org as unknown as Obj],
    ...lists.map((l): [string, Obj] => [`/${l}/0`, f[l][0] as unknown as Obj]),
  ];
}

describe('fixtures', () => {
  it('the defaults satisfy the schema', () => {
    expect(schemaProblems(fixturesSchema, defaultFixtures())).toEqual([]);
  });

  it('every field of every object is required', () => {
    const count = objectsOf(defaultFixtures()).reduce((n, [, o]) => n + Object.keys(o).length, 0);
    expect(count).toBe(6 + 3 + 12 + 5 + 6 + 9 + 6);
    for (const [where, o] of objectsOf(defaultFixtures())) {
      for (const key of Object.keys(o)) {
        const f = defaultFixtures();
        const target = objectsOf(f).find(([w]) => w === where)![1];
        delete target[key];
        expect(schemaProblems(fixturesSchema, f)).toEqual([`${where}/${key} is required`]);
      }
    }
  });

  it('no object takes a field it does not know', () => {
    for (const [where] of objectsOf(defaultFixtures())) {
      const f = defaultFixtures();
      objectsOf(f).find(([w]) => w === where)![1].extra = 1;
      expect(schemaProblems(fixturesSchema, f)).toEqual([`${where}/extra is not a known field`]);
    }
  });

  it('checks types: times and numbers are integers, ids and tokens non-empty strings, members a list of ids', () => {
    const problems = (edit: (f: OnesFixtures) => void) => {
      const f = defaultFixtures();
      edit(f);
      return schemaProblems(fixturesSchema, f);
    };
    expect(problems((f) => Object.assign(f.users[0]!, { create_time: 1.5 }))).toEqual(['/users/0/create_time must be integer']);
    expect(problems((f) => Object.assign(f.users[0]!, { status: '1' }))).toEqual(['/users/0/status must be integer']);
    expect(problems((f) => Object.assign(f.users[0]!, { token: '' }))).toEqual(['/users/0/token must NOT have fewer than 1 characters']);
    expect(problems((f) => Object.assign(f.users[0]!, { password: '' }))).toHaveLength(1);
    expect(problems((f) => Object.assign(f.users[0]!, { uuid: '' }))).toHaveLength(1);
    expect(problems((f) => Object.assign(f.teams[0]!, { uuid: '' }))).toHaveLength(1);
    expect(problems((f) => Object.assign(f.teams[0]!, { members: [1] }))).toEqual(['/teams/0/members/0 must be string']);
    expect(problems((f) => Object.assign(f.tasks[0]!, { number: 'one' }))).toEqual(['/tasks/0/number must be integer']);
    expect(problems((f) => Object.assign(f.pages[0]!, { updated_time: '0' }))).toEqual(['/pages/0/updated_time must be integer']);
    expect(problems((f) => Object.assign(f.users[0]!, { uuid: 1, password: 2, token: 3 }))).toEqual([
      '/users/0/uuid must be string',
      '/users/0/password must be string',
      '/users/0/token must be string',
    ]);
    expect(problems((f) => Object.assign(f.teams[0]!, { uuid: 1, members: 'x' }))).toEqual([
      '/teams/0/uuid must be string',
      '/teams/0/members must be array',
    ]);
    for (const list of ['users', 'teams', 'projects', 'tasks', 'pages'] as const) {
      expect(problems((f) => Object.assign(f, { [list]: {} }))).toEqual([`/${list} must be array`]);
      expect(problems((f) => Object.assign(f, { [list]: ['x'] }))).toEqual([`/${list}/0 must be object`]);
    }
    expect(problems((f) => Object.assign(f, { org: 'x' }))).toEqual(['/org must be object']);
    expect(schemaProblems(fixturesSchema, [])).toEqual(['value must be object']);
  });

  it('a twin starts from the fixtures it is given, and refuses invalid ones', async () => {
    const f = defaultFixtures();
    f.org.name = 'Other Org';
    const { twin } = createApp({ fixtures: f });
    expect(twin.state.org.name).toBe('Other Org');
    expect(() => createApp({ fixtures: { ...defaultFixtures(), org: {} } as unknown as OnesFixtures })).toThrow(FixtureError);
  });

  it('defaultFixtures() is a new document on each call', () => {
    const a = defaultFixtures();
    a.users[0]!.name = 'changed';
    expect(defaultFixtures().users[0]!.name).toBe('Alice');
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleTwin } from '../example/index.ts';
import { FixtureError, parseYamlText, readFixtureFile } from './fixtures.ts';
import { startTwin } from './serve.ts';
import { make } from './test-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'doppel-kit-'));

describe('fixtures files', () => {
  it('loads YAML and JSON, and a file wins over options.fixtures', () => {
    const y = join(dir, 'f.yaml');
    writeFileSync(y, 'things:\n  - { id: a, name: A }\nkeys: {}\n');
    const fromYaml = make({ fixturesFile: y, fixtures: { things: [], keys: {} } }).twin;
    expect(fromYaml.state.things.get('a')).toEqual({ id: 'a', name: 'A' });
    expect(fromYaml.fixturesSource).toBe(y);
    const j = join(dir, 'f.json');
    writeFileSync(j, JSON.stringify({ things: [], keys: { z: 'q' } }));
    expect(make({ fixturesFile: j }).twin.fixtures.keys).toEqual({ z: 'q' });
    expect(make({ fixtures: { things: [], keys: { o: 'p' } } }).twin.fixturesSource).toBe('options');
  });

  it('refuses an invalid file naming the file, the path inside it and the reason', () => {
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'things:\n  - { id: a }\nkeys: {}\nextra: 1\n');
    try {
      make({ fixturesFile: f });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(FixtureError);
      expect((err as Error).message).toContain(f);
      expect((err as FixtureError).problems).toEqual(
        expect.arrayContaining([
          { path: '/things/0/name', reason: 'is required' },
          { path: '/extra', reason: 'is not a known field' },
        ]),
      );
    }
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'things: [\n');
    expect(() => make({ fixturesFile: broken })).toThrow(/YAML syntax error at line/);
    const brokenJson = join(dir, 'broken.json');
    writeFileSync(brokenJson, '{');
    expect(() => readFixtureFile(brokenJson)).toThrow(/JSON syntax error/);
    expect(() => readFixtureFile(join(dir, 'missing.yaml'))).toThrow(/cannot be read \(ENOENT\)/);
  });

  it('refuses invalid options.fixtures, and never shares them with the caller', () => {
    expect(() => make({ fixtures: { things: 3 } as never })).toThrow(FixtureError);
    const mine = { things: [{ id: 'a', name: 'A' }], keys: {} };
    const { twin } = make({ fixtures: mine });
    twin.state.things.get('a')!.name = 'changed';
    expect(mine.things[0]!.name).toBe('A');
  });

  it('hot-reloads the file when it changes, keeping the old fixtures if the new ones are invalid', async () => {
    const f = join(dir, 'hot.yaml');
    writeFileSync(f, 'things: []\nkeys: {}\n');
    const lines: string[] = [];
    const running = await startTwin(exampleTwin, { fixturesFile: f, log: (l) => lines.push(l) });
    try {
      writeFileSync(f, 'things: [{ id: h, name: hot }]\nkeys: {}\n');
      await expect.poll(() => running.twin.state.things.has('h'), { timeout: 10_000 }).toBe(true);
      writeFileSync(f, 'things: 3\nkeys: {}\n');
      await expect.poll(() => lines.some((l) => l.includes('kept the previous fixtures')), { timeout: 10_000 }).toBe(true);
      expect(running.twin.state.things.has('h')).toBe(true);
    } finally {
      await running.close();
    }
  });
});

describe('FixtureError and unreadable files', () => {
  it('lists each problem at its path ("/" for the document itself)', () => {
    const err = new FixtureError('f.yaml', [
      { path: '', reason: 'must be object' },
      { path: '/things', reason: 'is required' },
    ]);
    expect(err.name).toBe('FixtureError');
    expect(err.message).toBe('f.yaml: invalid fixtures\n  at /: must be object\n  at /things: is required');
  });

  it('says why a file cannot be read or parsed, at the document itself', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doppel-fixtures-'));
    const missing = join(dir, 'missing.yaml');
    expect(() => readFixtureFile(missing)).toThrow(new FixtureError(missing, [{ path: '', reason: 'cannot be read (ENOENT)' }]));
    const badYaml = join(dir, 'bad.yaml');
    writeFileSync(badYaml, 'a: [1,\n');
    try {
      readFixtureFile(badYaml);
      expect.unreachable();
    } catch (err) {
      expect((err as FixtureError).problems).toHaveLength(1);
      expect((err as FixtureError).problems[0]!.path).toBe('');
      expect((err as FixtureError).problems[0]!.reason).toMatch(/^YAML syntax error at line \d+: \S/);
    }
    const badJson = join(dir, 'bad.json');
    writeFileSync(badJson, '{"a":');
    try {
      readFixtureFile(badJson);
      expect.unreachable();
    } catch (err) {
      expect((err as FixtureError).problems[0]!.path).toBe('');
      expect((err as FixtureError).problems[0]!.reason).toMatch(/^JSON syntax error: /);
    }
  });
});

describe('parseYamlText (admin bodies sent as YAML)', () => {
  const reasonOf = (text: string) => {
    try {
      parseYamlText(text, 'request body');
    } catch (err) {
      return [(err as FixtureError).source, (err as FixtureError).problems];
    }
    return undefined;
  };

  it('says the line and the first line of the parser’s message', () => {
    expect(reasonOf('a: [1\nb: 2')).toEqual([
      'request body',
      [
        {
          path: '',
          reason:
            'YAML syntax error at line 2: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1:',
        },
      ],
    ]);
  });

  it('says the same of a fixtures file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'doppel-fixtures-')), 'bad.yaml');
    writeFileSync(file, 'a: [1\nb: 2');
    expect(() => readFixtureFile(file)).toThrow(
      new FixtureError(file, [
        {
          path: '',
          reason:
            'YAML syntax error at line 2: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1:',
        },
      ]),
    );
  });

  /** "Billion laughs": each anchor lists the previous one nine times, so the `yaml` parser refuses the alias count. */
  const aliasBomb = () => {
    const rows = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
    ]) {
      rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    return rows.join('\n');
  };
  const aliasBombReason = 'not YAML the twin can read: Excessive alias count indicates a resource exhaustion attack';

  it('refuses an alias bomb, saying why', () => {
    expect(reasonOf(aliasBomb())).toEqual(['request body', [{ path: '', reason: aliasBombReason }]]);
  });

  it('refuses an alias bomb in a .yaml fixtures file as YAML, not as a JSON syntax error', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'doppel-fixtures-')), 'bomb.yaml');
    writeFileSync(file, aliasBomb());
    expect(() => readFixtureFile(file)).toThrow(new FixtureError(file, [{ path: '', reason: aliasBombReason }]));
  });
});

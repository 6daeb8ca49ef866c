import { readFileSync } from 'node:fs';
import type { PactExpectation } from '@doppel/mock-kit';
import { describe, expect, it } from 'vitest';
import { knownDifferences } from './known-differences.ts';
import { createApp } from './server.ts';
import { P, W } from './test-helpers.ts';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** A consumer's pact interaction: `method path`, expecting 200. */
const interaction = (path: string, method = 'GET'): PactExpectation => ({
  description: `${method} ${path}`,
  method,
  path,
  query: {},
  headers: {},
  body: null,
  expected: { status: 200, headers: {}, body: {} },
});

describe('knownDifferences: what `doppel verify` prints beside a failure', () => {
  it('is the README’s path-prefix item, under its section heading', () => {
    expect(knownDifferences.map((d) => d.id)).toEqual(['path-prefix']);
    const [d] = knownDifferences;
    expect(d).toMatchObject({
      title: 'ONES serves these APIs under /project/api/project and /wiki/api/wiki',
      readme: 'Where the docs and the real platform differ, and the choices made',
    });
    expect(README).toContain(`\n## ${d!.readme}\n`);
    expect(d!.difference).toMatch(/^Paths\. The doc's urls \(\/users\/me, \/team\/:teamUUID\/online_page\/…\) have no prefix\. Real ONES /);
    expect(d!.difference).toMatch(/serves them under \/project\/api\/project and \/wiki\/api\/wiki\.$/);
  });
});

describe('path-prefix: the doc’s urls without /project/api/project or /wiki/api/wiki', () => {
  const [d] = knownDifferences;

  it('applies to the doc’s /users/… and /team/… paths, which the twin does not serve', async () => {
    const { app, twin } = createApp();
    await app.request('/users/me');
    const [entry] = twin.journal.all();
    expect(entry?.status).toBe(404);
    expect(d!.applies(interaction('/users/me'), entry)).toBe(true);
    expect(d!.applies(interaction('/team/T1/online_page/P1/update_title', 'POST'), undefined)).toBe(true);
  });

  it('does not apply to the prefixed paths, or to others that merely start alike', () => {
    for (const path of [`${P}/users/me`, `${W}/team/T1/online_page/P1/update_title`, '/usersX/me', '/teams/T1', '/users', '/team']) {
      expect(d!.applies(interaction(path), undefined), path).toBe(false);
    }
  });
});

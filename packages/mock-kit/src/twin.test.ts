import { describe, expect, it } from 'vitest';
import { exampleTwin } from '../example/index.ts';
import { createTwinApp } from './app.ts';
import type { CallerFacts } from './twin.ts';

/** A twin whose callers are what its hook read of the request, so the journal shows what the hook saw. */
function echoing() {
  const seen = (req: CallerFacts) => ({
    method: req.method,
    path: req.path,
    q: req.query('q') ?? '-',
    key: req.header('x-key') ?? '-',
    body: JSON.stringify(req.body) ?? '-',
    scenario: String(req.notes.scenario ?? '-'),
  });
  return createTwinApp({ ...exampleTwin, callers: { ...exampleTwin.callers!, of: seen } });
}

describe('the callers hook reads a recorded request as it read the live one', () => {
  it('path decoded (as sent when malformed), query, headers from Headers or Node raw headers, body and notes', async () => {
    const { app, twin } = echoing();
    await app.request('/things/%E4%B8%AD?q=1', { headers: { 'x-key': 'k1' } });
    await app.request('/things/%ZZ', { headers: { 'x-key': 'k1' } });
    await app.request('/things', { method: 'POST', headers: { 'x-key': 'k1', 'content-type': 'application/json' }, body: '{"name":"n"}' });
    await app.request('/open', {}, { incoming: { rawHeaders: ['Host', 'twin.local', 'X-Key', 'k2'] } });
    await app.request('/open', {}, { incoming: { rawHeaders: ['Host', 'twin.local'] } });
    await app.request('/things', { headers: { 'x-key': 'k1', 'x-doppel-scenario': 'QUOTA' } });
    const none = { q: '-', body: '-', scenario: '-' };
    expect(twin.journal.all().map((e) => e.callers)).toEqual([
      { ...none, method: 'GET', path: '/things/中', q: '1', key: 'k1' },
      { ...none, method: 'GET', path: '/things/%ZZ', key: 'k1' },
      { ...none, method: 'POST', path: '/things', key: 'k1', body: '{"name":"n"}' },
      { ...none, method: 'GET', path: '/open', key: 'k2' },
      { ...none, method: 'GET', path: '/open', key: '-' },
      { ...none, method: 'GET', path: '/things', key: 'k1', scenario: 'QUOTA' },
    ]);
  });

  it('a rule scoped to a caller the hook reads from the query applies to that query only', async () => {
    const { app, twin } = echoing();
    twin.rules.add({ scenario: 'QUOTA', caller: { q: '7' } });
    expect((await app.request('/things?q=6', { headers: { 'x-key': 'k1' } })).status).toBe(200);
    expect((await app.request('/things?q=7', { headers: { 'x-key': 'k1' } })).status).toBe(429);
  });
});

describe('named states', () => {
  it('names the state whose fixtures are invalid', () => {
    const { twin } = createTwinApp({
      ...exampleTwin,
      states: { broken: { description: 'things without names', apply: (f) => ({ ...f, things: [{ id: 'x' }] as never }) } },
    });
    expect(() => twin.useState('broken')).toThrow(/^state broken: invalid fixtures\n/);
  });
});

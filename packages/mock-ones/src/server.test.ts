import { describe, expect, it } from 'vitest';
import { alice, defaultFixtures } from './fixtures.ts';
import { createApp, startOnesMock } from './server.ts';
import { as, P } from './test-helpers.ts';

describe('createApp / startOnesMock', () => {
  it('createApp builds the twin from the default fixtures, or the ones given', () => {
    expect(createApp().twin.fixturesSource).toBe('defaults');
    const fixtures = defaultFixtures();
    fixtures.users[0]!.name = 'Alicia';
    const { twin } = createApp({ fixtures });
    expect(twin.fixturesSource).toBe('options');
    expect(twin.state.users.get(alice.uuid)!.name).toBe('Alicia');
  });

  it('startOnesMock serves the twin over HTTP on a free port until closed', async () => {
    const running = await startOnesMock();
    try {
      expect(running.port).toBeGreaterThan(0);
      const res = await fetch(`${running.url}${P}/users/me`, as(alice));
      expect(await res.json()).toMatchObject({ uuid: alice.uuid });
      expect(running.twin.journal.all()).toHaveLength(1);
    } finally {
      await running.close();
    }
  });
});

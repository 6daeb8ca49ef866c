import { describe, expect, it } from 'vitest';
import { defaultFixtures } from './fixtures.ts';
import { createApp } from './server.ts';
import { queryToken } from './php.ts';

const KEY = '3cd0914d656e90ab181f1d52ff352cfe';
const send = (title: string) => {
  const q = 'm=im&f=sendNotification&code=myAppCode';
  return [
    `/api.php?${q}&token=${queryToken(q, KEY)}`,
    { method: 'POST', body: JSON.stringify({ users: [1], title, sender: { id: 1, account: 'admin', realname: 'admin' } }) },
  ] as const;
};

describe('the inbox is bounded', () => {
  it('keeps at most maxInbox deliveries, dropping the oldest; ids keep counting; health shows it', async () => {
    const { app, twin } = createApp({ fixtures: { ...defaultFixtures(), maxInbox: 20 } });
    for (let i = 1; i <= 45; i++) {
      const res = await app.request(...send(`n${i}`));
      expect(((await res.json()) as { result: string }).result, `send ${i}`).toBe('success');
      expect(twin.state.inbox.length).toBeLessThanOrEqual(20);
    }
    const ids = twin.state.inbox.map((d) => d.id);
    expect(ids.at(-1)).toBe(45);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => 46 - ids.length + i));
    expect(twin.state.inbox.at(-1)!.title).toBe('n45');
    const health = (await (await app.request('/__admin/health')).json()) as {
      stores: { inbox: { size: number; max: number; evicted: number } };
    };
    expect(health.stores.inbox).toEqual({ size: ids.length, max: 20, evicted: 45 - ids.length });
    expect(twin.state.evicted).toBe(45 - ids.length);
  });

  it('defaults to 10,000 and refuses a size that is not a positive integer', () => {
    expect(createApp().twin.state.maxInbox).toBe(10_000);
    expect(() => createApp({ fixtures: { ...defaultFixtures(), maxInbox: 0 } })).toThrow(/maxInbox/);
  });
});

import { describe, expect, it } from 'vitest';
import { exampleTwin } from '../example/index.ts';
import { startTwin } from './serve.ts';

const K1 = { headers: { 'x-key': 'k1' } };

describe('startTwin', () => {
  it('serves over HTTP on a free port and closes', async () => {
    const running = await startTwin(exampleTwin, { port: 0 });
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${running.url}/__admin/health`);
    expect(((await res.json()) as { status: string }).status).toBe('ok');
    await running.close();
    await expect(fetch(`${running.url}/__admin/health`)).rejects.toThrow();
  });

  it('names the port when it is taken', async () => {
    const first = await startTwin(exampleTwin);
    await expect(startTwin(exampleTwin, { port: first.port })).rejects.toThrow(`port ${first.port} on 127.0.0.1 is already in use`);
    await first.close();
  });

  it('drops a real socket for a drop fault, and serves the next request', async () => {
    const running = await startTwin(exampleTwin);
    try {
      running.twin.rules.add({ fault: { type: 'drop' }, times: 1 });
      await expect(fetch(`${running.url}/things`, K1)).rejects.toThrow();
      expect((await fetch(`${running.url}/things`, K1)).status).toBe(200);
      expect(running.twin.journal.all().map((e) => e.status)).toEqual([0, 200]);
    } finally {
      await running.close();
    }
  });
});

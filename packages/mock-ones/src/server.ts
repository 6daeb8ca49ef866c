import { type RunningTwin, type StartOptions, startTwin } from '@doppel/mock-kit';
import { onesTwin } from './app.ts';
import type { OnesFixtures } from './fixtures.ts';
import { bindLocalFetch } from './plugins/engine.ts';
import type { OnesState } from './state.ts';

/** Start the ONES twin on a port (0, the default, picks a free one). */
export async function startOnesMock(options: StartOptions<OnesFixtures> = {}): Promise<RunningTwin<OnesFixtures, OnesState>> {
  const running = await startTwin(onesTwin, options);
  // Library-form plugins' fetchONES goes over the twin's own socket.
  bindLocalFetch(running.twin, async (req) => {
    const url = new URL(req.url);
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await req.text();
    return fetch(`${running.url}${url.pathname}${url.search}`, { method: req.method, headers: req.headers, body });
  });
  return running;
}

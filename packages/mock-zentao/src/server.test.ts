import { describe, expect, it } from 'vitest';
import { createApp, startZentaoMock } from './server.ts';
import { signed } from './test-helpers.ts';

describe('createApp and startZentaoMock', () => {
  it('builds the twin from the fixtures given', () => {
    const { twin } = createApp({ fixtures: { apps: [], users: [], chats: [] } });
    expect(twin.fixturesSource).toBe('options');
    expect(twin.state.apps.size).toBe(0);
  });

  it('serves over HTTP, checking the real socket address against the whitelist', async () => {
    const running = await startZentaoMock({
      fixtures: {
        apps: [
          { code: 'local', key: 'abc123', ip: '127.0.0.1' },
          { code: 'remote', key: 'abc123', ip: '10.9.9.9' },
        ],
        users: [],
        chats: [],
      },
    });
    try {
      expect(running.port).toBeGreaterThan(0);
      const ok = await fetch(`${running.url}${signed('m=im&f=getGroupChats&code=local', 'abc123')}`);
      expect(await ok.json()).toEqual({ result: 'success', data: [] });
      const denied = await fetch(`${running.url}${signed('m=im&f=getGroupChats&code=remote', 'abc123')}`);
      expect(await denied.json()).toEqual({ errcode: 403, errmsg: '该IP被限制访问' });
    } finally {
      await running.close();
    }
  });
});

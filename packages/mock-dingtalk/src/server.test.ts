import { describe, expect, it } from 'vitest';
import { DEFAULT_CORP_ID, defaultFixtures, IDS, SELF_BUILT_APP } from './fixtures.ts';
import { createApp, startDingTalkMock } from './server.ts';
import { auth, post } from './test-helpers.ts';

describe('createApp', () => {
  it('starts from the given fixtures instead of the defaults', async () => {
    const fixtures = { ...defaultFixtures(), tokenTtlSeconds: 60 };
    const { app, twin } = createApp({ fixtures });
    expect(twin.fixturesSource).toBe('options');
    const res = await app.request('/v1.0/oauth2/accessToken', post({ appKey: SELF_BUILT_APP.appKey, appSecret: SELF_BUILT_APP.appSecret }));
    expect(await res.json()).toMatchObject({ expireIn: 60 });
  });
});

describe('over HTTP', () => {
  it('starts on a free port; authorityUrl points at the twin itself', async () => {
    const running = await startDingTalkMock({ port: 0 });
    try {
      expect(running.port).toBeGreaterThan(0);
      const tokenRes = await fetch(
        `${running.url}/v1.0/oauth2/accessToken`,
        post({ appKey: SELF_BUILT_APP.appKey, appSecret: SELF_BUILT_APP.appSecret }),
      );
      const { accessToken } = (await tokenRes.json()) as { accessToken: string };
      const search = await fetch(
        `${running.url}/v1.0/connector/assets/actions/search`,
        post({ connectorId: IDS.crm, connectorProviderCorpId: DEFAULT_CORP_ID }, auth(accessToken)),
      );
      const { list } = (await search.json()) as { list: { authorityUrl: string }[] };
      expect(list[0]!.authorityUrl.startsWith(`${running.url}/connect/authority?`)).toBe(true);
      expect((await fetch(list[0]!.authorityUrl)).status).toBe(200);
    } finally {
      await running.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_CORP_ID, type DingTalkFixtures, defaultFixtures, IDS, SELF_BUILT_APP, SUITE } from './fixtures.ts';
import { key, versionIdOf } from './runtime.ts';
import { call, createApp, CUSTOMER, frozenClock, post } from './test-helpers.ts';

function seeded(patch: Partial<DingTalkFixtures>) {
  return createApp({ fixtures: { ...defaultFixtures(), ...patch }, clock: frozenClock() });
}

describe('seeding the runtime from fixtures', () => {
  it('makes every action of a known connector an asset, by URI and by id, in the fixtures’ order', () => {
    const f = defaultFixtures();
    f.actions.push({ ...f.actions[0]!, id: 'G-ACT-ORPHAN', connectorId: 'G-CONN-NOPE' });
    const { state } = seeded(f).twin;
    expect(state.assets.map((a) => a.action.id)).toEqual(defaultFixtures().actions.map((a) => a.id));
    expect(state.assetByUri.get(CUSTOMER)?.connector.id).toBe(IDS.crm);
    expect(state.assetById.get(IDS.createCustomer)?.uri).toBe(CUSTOMER);
    expect(state.assetById.has('G-ACT-ORPHAN')).toBe(false);
    expect(state.connectorById.get(IDS.crm)?.name).toBe('Doppel CRM');
    expect(state.executions.values()).toEqual([]);
    expect(state.seq.get()).toBe(0);
  });

  it('gives each asset a versionId: the fixture’s, else G-ACT-VER- and the id without its prefix', () => {
    const action = defaultFixtures().actions[0]!;
    expect(versionIdOf(action)).toBe('G-ACT-VER-101FDEBD3C6E213DB4740001');
    expect(versionIdOf({ ...action, versionId: 'V-1' })).toBe('V-1');
    expect(versionIdOf({ ...action, id: 'custom' })).toBe('G-ACT-VER-custom');
    expect(versionIdOf({ ...action, id: 'X-G-ACT-1' })).toBe('G-ACT-VER-X-G-ACT-1');
  });

  it('records the fixtures’ grants', () => {
    const { state } = seeded({ grants: [{ corpId: 'c', clientId: 'k', actionIds: ['a', 'b'] }] }).twin;
    expect([...state.grants]).toEqual([
      [key('c', 'k', 'a'), true],
      [key('c', 'k', 'b'), true],
    ]);
  });

  it('issues the fixtures’ tokens for known clients only, living tokenTtlSeconds from seeding', async () => {
    const tokens = [
      { token: 't-app', corpId: DEFAULT_CORP_ID, clientId: SELF_BUILT_APP.appKey },
      { token: 't-suite', corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey },
      { token: 't-nobody', corpId: DEFAULT_CORP_ID, clientId: 'nobody' },
      { token: 't-app2', corpId: DEFAULT_CORP_ID, clientId: 'app2' },
      { token: 't-suite2', corpId: DEFAULT_CORP_ID, clientId: 'suite2' },
    ];
    const f = defaultFixtures();
    const apps = [...f.apps, { ...f.apps[0]!, appKey: 'app2' }];
    const suites = [...f.suites, { ...f.suites[0]!, suiteKey: 'suite2' }];
    const { app, twin } = seeded({ tokens, tokenTtlSeconds: 60, apps, suites });
    expect([...twin.state.tokens.values()].map((t) => [t.token, t.kind])).toEqual([
      ['t-app', 'self_built'],
      ['t-suite', 'suite'],
      ['t-app2', 'self_built'],
      ['t-suite2', 'suite'],
    ]);
    twin.state.tokens.delete('t-app2');
    twin.state.tokens.delete('t-suite2');
    expect([...twin.state.tokens.values()]).toEqual([
      {
        token: 't-app',
        corpId: DEFAULT_CORP_ID,
        clientId: SELF_BUILT_APP.appKey,
        kind: 'self_built',
        expiresAt: twin.clock.now() + 60_000,
      },
      { token: 't-suite', corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey, kind: 'suite', expiresAt: twin.clock.now() + 60_000 },
    ]);
    // The self-built app's seeded token is its live token: asking for one gives it back.
    const res = await app.request('/v1.0/oauth2/accessToken', post({ appKey: SELF_BUILT_APP.appKey, appSecret: SELF_BUILT_APP.appSecret }));
    expect(await res.json()).toMatchObject({ accessToken: 't-app' });
    expect([...twin.state.appTokens.values()].map((t) => t.token)).toEqual(['t-app', 't-app2']);
    twin.clock.advance(60_000);
    expect((await call(app, 't-suite', '/v1.0/connector/assets/connectors?type=official')).status).toBe(400);
  });

  it('creates the fixtures’ instances of known actions, created at seeding time', () => {
    const { twin } = seeded({
      instances: [
        { corpId: DEFAULT_CORP_ID, clientId: SELF_BUILT_APP.appKey, actionId: IDS.createCustomer, instanceKey: 'i1' },
        { corpId: DEFAULT_CORP_ID, clientId: SELF_BUILT_APP.appKey, actionId: 'G-ACT-NOPE', instanceKey: 'i2' },
      ],
    });
    expect([...twin.state.instances.entries()]).toEqual([
      [
        key(DEFAULT_CORP_ID, SELF_BUILT_APP.appKey, CUSTOMER, 'i1'),
        {
          corpId: DEFAULT_CORP_ID,
          clientId: SELF_BUILT_APP.appKey,
          connectAssetUri: CUSTOMER,
          instanceKey: 'i1',
          versionId: 'G-ACT-VER-101FDEBD3C6E213DB4740001',
          createdAt: '2024-05-01T00:00:00.000Z',
        },
      ],
    ]);
  });
});

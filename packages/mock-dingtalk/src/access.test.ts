import { describe, expect, it } from 'vitest';
import { canSee, decide, findApp, findSuite, isAuthorized, kindOf, visibleAsset, visibleConnectors } from './access.ts';
import {
  type ConnectorFixture,
  connectAssetUri,
  DEFAULT_CORP_ID,
  IDS,
  ISV_CORP_ID,
  OFFICIAL_CORP_ID,
  OTHER_CORP_ID,
  SELF_BUILT_APP,
  SUITE,
} from './fixtures.ts';
import type { Caller } from './runtime.ts';
import { createApp } from './test-helpers.ts';

const selfBuilt = (corpId = DEFAULT_CORP_ID): Caller => ({ corpId, clientId: SELF_BUILT_APP.appKey, kind: 'self_built' });
const suite = (corpId = DEFAULT_CORP_ID, clientId: string = SUITE.suiteKey): Caller => ({ corpId, clientId, kind: 'suite' });
const connector = (patch: Partial<ConnectorFixture>): ConnectorFixture => ({
  id: 'G-CONN-TEST',
  name: 'test',
  type: 'official',
  providerCorpId: OFFICIAL_CORP_ID,
  ...patch,
});

function runtime() {
  return createApp().twin.state;
}

describe('clients', () => {
  it('finds an app by appKey and a suite by suiteKey; the kind of a client id says which, or undefined', () => {
    const state = runtime();
    expect(findApp(state, SELF_BUILT_APP.appKey)?.appSecret).toBe(SELF_BUILT_APP.appSecret);
    expect(findApp(state, SUITE.suiteKey)).toBeUndefined();
    expect(findSuite(state, SUITE.suiteKey)?.suiteSecret).toBe(SUITE.suiteSecret);
    expect(findSuite(state, SELF_BUILT_APP.appKey)).toBeUndefined();
    expect(kindOf(state, SELF_BUILT_APP.appKey)).toBe('self_built');
    expect(kindOf(state, SUITE.suiteKey)).toBe('suite');
    expect(kindOf(state, 'nobody')).toBeUndefined();
  });
});

describe('visibility', () => {
  it('a self-built connector is its provider organisation’s only, whoever asks there', () => {
    const state = runtime();
    const own = connector({ type: 'self_built', providerCorpId: DEFAULT_CORP_ID });
    expect(canSee(state, selfBuilt(), own)).toBe(true);
    expect(canSee(state, suite(), own)).toBe(true);
    expect(canSee(state, selfBuilt(OTHER_CORP_ID), own)).toBe(false);
    expect(canSee(state, suite(OTHER_CORP_ID), own)).toBe(false);
  });

  it('a third-party connector is for the organisations that subscribed; a suite also needs it in its usage scope', () => {
    const state = runtime();
    const erp = state.connectorById.get(IDS.erp)!;
    const esign = state.connectorById.get(IDS.esign)!;
    expect(canSee(state, selfBuilt(), erp)).toBe(true);
    expect(canSee(state, selfBuilt(), esign)).toBe(true);
    expect(canSee(state, selfBuilt(OTHER_CORP_ID), erp)).toBe(false);
    expect(canSee(state, suite(), erp)).toBe(true);
    expect(canSee(state, suite(), esign)).toBe(false);
    expect(canSee(state, selfBuilt(), connector({ type: 'third_party', providerCorpId: ISV_CORP_ID }))).toBe(false);
  });

  it('an official connector is everyone’s unless it names its organisations; a suite needs it in scope', () => {
    const state = runtime();
    const todo = state.connectorById.get(IDS.todo)!;
    expect(canSee(state, selfBuilt(OTHER_CORP_ID), todo)).toBe(true);
    expect(canSee(state, suite(), todo)).toBe(true);
    expect(canSee(state, suite(DEFAULT_CORP_ID, 'not-a-suite'), todo)).toBe(false);
    const limited = connector({ availableToCorpIds: [OTHER_CORP_ID] });
    expect(canSee(state, selfBuilt(), limited)).toBe(false);
    expect(canSee(state, selfBuilt(OTHER_CORP_ID), limited)).toBe(true);
  });

  it('lists the visible connectors of one type, in the fixtures’ order', () => {
    const state = runtime();
    expect(visibleConnectors(state, selfBuilt(), 'third_party').map((c) => c.id)).toEqual([IDS.erp, IDS.esign]);
    expect(visibleConnectors(state, suite(), 'third_party').map((c) => c.id)).toEqual([IDS.erp]);
    expect(visibleConnectors(state, suite(), 'self_built').map((c) => c.id)).toEqual([IDS.crm]);
  });

  it('finds an asset by URI only when the caller sees its connector', () => {
    const state = runtime();
    const contract = connectAssetUri(ISV_CORP_ID, IDS.createContract);
    expect(visibleAsset(state, selfBuilt(), contract)?.action.id).toBe(IDS.createContract);
    expect(visibleAsset(state, suite(), contract)).toBeUndefined();
    expect(visibleAsset(state, selfBuilt(), connectAssetUri(ISV_CORP_ID, 'G-ACT-NOPE'))).toBeUndefined();
  });
});

describe('authorization', () => {
  it('a self-built app is authorized unless revoked; a suite only where granted', () => {
    const state = runtime();
    expect(isAuthorized(state, selfBuilt(), IDS.createOrder)).toBe(true);
    expect(isAuthorized(state, suite(), IDS.createOrder)).toBe(false);
    expect(isAuthorized(state, suite(), IDS.queryStock)).toBe(true);
    decide(state, DEFAULT_CORP_ID, SUITE.suiteKey, IDS.createOrder, 'grant');
    expect(isAuthorized(state, suite(), IDS.createOrder)).toBe(true);
    decide(state, DEFAULT_CORP_ID, SELF_BUILT_APP.appKey, IDS.createOrder, 'revoke');
    expect(isAuthorized(state, selfBuilt(), IDS.createOrder)).toBe(false);
    decide(state, DEFAULT_CORP_ID, SUITE.suiteKey, IDS.queryStock, 'revoke');
    expect(isAuthorized(state, suite(), IDS.queryStock)).toBe(false);
  });

  it('is per organisation: a grant in one does not authorize the suite in another', () => {
    const state = runtime();
    expect(isAuthorized(state, suite(OTHER_CORP_ID), IDS.queryStock)).toBe(false);
    decide(state, OTHER_CORP_ID, SUITE.suiteKey, IDS.queryStock, 'grant');
    expect(isAuthorized(state, suite(OTHER_CORP_ID), IDS.queryStock)).toBe(true);
    expect(isAuthorized(state, suite(DEFAULT_CORP_ID, 'another-suite'), IDS.queryStock)).toBe(false);
  });
});

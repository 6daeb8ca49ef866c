import type { ConnectorFixture, ConnectorType, SelfBuiltAppFixture, SuiteFixture } from './fixtures.ts';
import type { components } from './generated/openapi.ts';
import { type Asset, type Caller, type DingTalkRuntime, key } from './runtime.ts';

/**
 * Who may see and use what: the visibility and authorization rules of the package README ("Choices where
 * the doc is silent or ambiguous"). No HTTP here.
 */

export function findApp(state: DingTalkRuntime, appKey: string): SelfBuiltAppFixture | undefined {
  return state.fixtures.apps.find((a) => a.appKey === appKey);
}

export function findSuite(state: DingTalkRuntime, suiteKey: string): SuiteFixture | undefined {
  return state.fixtures.suites.find((s) => s.suiteKey === suiteKey);
}

/** The kind of a client id (appKey or suiteKey), or undefined when no such client exists. */
export function kindOf(state: DingTalkRuntime, clientId: string): Caller['kind'] | undefined {
  if (findApp(state, clientId)) return 'self_built';
  if (findSuite(state, clientId)) return 'suite';
  return undefined;
}

/** Does the organisation have this connector at all (whoever asks)? */
function orgHas(connector: ConnectorFixture, corpId: string): boolean {
  if (connector.type === 'self_built') return connector.providerCorpId === corpId;
  if (connector.availableToCorpIds) return connector.availableToCorpIds.includes(corpId);
  return connector.type === 'official';
}

/**
 * A self-built app sees the organisation's self-built, third-party and official connectors; a suite sees the
 * organisation's self-built ones, and third-party / official ones only inside its approved usage scope.
 */
export function canSee(state: DingTalkRuntime, caller: Caller, connector: ConnectorFixture): boolean {
  if (!orgHas(connector, caller.corpId)) return false;
  if (caller.kind === 'self_built' || connector.type === 'self_built') return true;
  return findSuite(state, caller.clientId)?.usageScope.includes(connector.id) ?? false;
}

export function visibleConnectors(state: DingTalkRuntime, caller: Caller, type: ConnectorType): ConnectorFixture[] {
  return state.fixtures.connectors.filter((c) => c.type === type && canSee(state, caller, c));
}

/** The asset behind a URI if the caller may see it. */
export function visibleAsset(state: DingTalkRuntime, caller: Caller, uri: string): Asset | undefined {
  const asset = state.assetByUri.get(uri);
  return asset && canSee(state, caller, asset.connector) ? asset : undefined;
}

/** Self-built apps use their organisation's assets freely unless revoked; suites need the organisation's grant. */
export function isAuthorized(state: DingTalkRuntime, caller: Caller, actionId: string): boolean {
  const decision = state.grants.get(key(caller.corpId, caller.clientId, actionId));
  if (decision !== undefined) return decision;
  return caller.kind === 'self_built';
}

export type Decision = components['schemas']['AuthorityDecision']['decision'];

/** Record an organisation's decision for an asset and an app or suite (the authority page and the admin API share it). */
export function decide(state: DingTalkRuntime, corpId: string, clientId: string, actionId: string, decision: Decision): void {
  state.grants.set(key(corpId, clientId, actionId), decision === 'grant');
}

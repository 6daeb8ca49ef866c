import type { Twin } from '@doppel/mock-kit';
import {
  type ActionFixture,
  type ConnectorFixture,
  type ConnectorType,
  connectAssetUri,
  type DingTalkFixtures,
  type SelfBuiltAppFixture,
  type SuiteFixture,
} from './fixtures.ts';
import { ActionSchemas } from './schemas.ts';

/** Who is calling: the organisation, and the app (appKey) or suite (suiteKey) acting in it. */
export interface Caller {
  corpId: string;
  clientId: string;
  kind: 'self_built' | 'suite';
}

export interface TokenRecord extends Caller {
  token: string;
  expiresAt: number;
}

export interface Asset {
  action: ActionFixture;
  connector: ConnectorFixture;
  uri: string;
  versionId: string;
}

export interface InstanceRecord {
  corpId: string;
  clientId: string;
  connectAssetUri: string;
  instanceKey: string;
  versionId: string;
  createdAt: string;
}

/**
 * One invocation, as the twin keeps it: flat strings and numbers only, so ten thousand of them cost the
 * garbage collector next to nothing. `presentExecution` turns it into the admin API's shape.
 */
export interface ExecutionRecord {
  instanceId: string;
  /** Epoch ms on the twin's clock. */
  at: number;
  corpId: string;
  clientId: string;
  connectAssetUri: string;
  instanceKey: string;
  /** `inputJsonString` as sent (null when absent). */
  input: string | null;
  /** `outputJson` as answered (null when the call was refused). */
  output: string | null;
  errorCode: string;
  errorMessage: string;
  cost: number;
}

function parsedOrRaw(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The admin API's execution: ISO time, input and output parsed when they are JSON. */
export function presentExecution(r: ExecutionRecord) {
  const { at, ...rest } = r;
  return { ...rest, time: new Date(at).toISOString(), input: parsedOrRaw(r.input), output: parsedOrRaw(r.output) };
}

export interface DingTalkState {
  fixtures: DingTalkFixtures;
  tokens: Map<string, TokenRecord>;
  /** The live token of each self-built app in its organisation (asked again → same token, longer life). */
  appTokens: Map<string, string>;
  /** Explicit decisions: key(corp, client, actionId) → granted? */
  grants: Map<string, boolean>;
  instances: Map<string, InstanceRecord>;
  executions: ExecutionRecord[];
  connectors: ConnectorFixture[];
  connectorById: Map<string, ConnectorFixture>;
  assets: Asset[];
  assetByUri: Map<string, Asset>;
  assetById: Map<string, Asset>;
  schemas: ActionSchemas;
  seq: number;
}

export const key = (...parts: string[]) => parts.join('\n');

export function versionIdOf(action: ActionFixture): string {
  return action.versionId ?? `G-ACT-VER-${action.id.replace(/^G-[A-Z]+-/, '')}`;
}

export function seed(fixtures: DingTalkFixtures, twin: Twin<DingTalkFixtures, DingTalkState>): DingTalkState {
  const connectorById = new Map(fixtures.connectors.map((c) => [c.id, c]));
  const assets: Asset[] = [];
  for (const action of fixtures.actions) {
    const connector = connectorById.get(action.connectorId);
    if (!connector) continue; // an action of an unknown connector is unreachable
    assets.push({ action, connector, uri: connectAssetUri(connector.providerCorpId, action.id), versionId: versionIdOf(action) });
  }
  const grants = new Map<string, boolean>();
  for (const g of fixtures.grants) for (const id of g.actionIds) grants.set(key(g.corpId, g.clientId, id), true);
  const kindIn = (clientId: string): Caller['kind'] | undefined =>
    fixtures.apps.some((a) => a.appKey === clientId) ? 'self_built' : fixtures.suites.some((s) => s.suiteKey === clientId) ? 'suite' : undefined;
  const tokens = new Map<string, TokenRecord>();
  const appTokens = new Map<string, string>();
  const expiresAt = twin.clock.now() + fixtures.tokenTtlSeconds * 1000;
  for (const t of fixtures.tokens ?? []) {
    const kind = kindIn(t.clientId);
    if (!kind) continue;
    tokens.set(t.token, { token: t.token, corpId: t.corpId, clientId: t.clientId, kind, expiresAt });
    if (kind === 'self_built') appTokens.set(key(t.corpId, t.clientId), t.token);
  }
  const byId = new Map(assets.map((a) => [a.action.id, a]));
  const instances = new Map<string, InstanceRecord>();
  for (const i of fixtures.instances ?? []) {
    const asset = byId.get(i.actionId);
    if (!asset) continue;
    instances.set(key(i.corpId, i.clientId, asset.uri, i.instanceKey), {
      corpId: i.corpId,
      clientId: i.clientId,
      connectAssetUri: asset.uri,
      instanceKey: i.instanceKey,
      versionId: asset.versionId,
      createdAt: new Date(twin.clock.now()).toISOString(),
    });
  }
  return {
    fixtures,
    tokens,
    appTokens,
    grants,
    instances,
    executions: [],
    connectors: fixtures.connectors,
    connectorById,
    assets,
    assetByUri: new Map(assets.map((a) => [a.uri, a])),
    assetById: byId,
    schemas: new ActionSchemas(),
    seq: 0,
  };
}

export function findApp(state: DingTalkState, appKey: string): SelfBuiltAppFixture | undefined {
  return state.fixtures.apps.find((a) => a.appKey === appKey);
}

export function findSuite(state: DingTalkState, suiteKey: string): SuiteFixture | undefined {
  return state.fixtures.suites.find((s) => s.suiteKey === suiteKey);
}

/** Does the organisation have this connector at all (whoever asks)? */
function orgHas(connector: ConnectorFixture, corpId: string): boolean {
  if (connector.type === 'self_built') return connector.providerCorpId === corpId;
  if (connector.availableToCorpIds) return connector.availableToCorpIds.includes(corpId);
  return connector.type === 'official';
}

/**
 * The doc's visibility rule. A self-built app sees the organisation's self-built, third-party and official
 * connectors; a suite sees the organisation's self-built ones, and third-party / official ones only inside
 * its approved usage scope.
 */
export function canSee(state: DingTalkState, caller: Caller, connector: ConnectorFixture): boolean {
  if (!orgHas(connector, caller.corpId)) return false;
  if (caller.kind === 'self_built' || connector.type === 'self_built') return true;
  return findSuite(state, caller.clientId)?.usageScope.includes(connector.id) ?? false;
}

export function visibleConnectors(state: DingTalkState, caller: Caller, type: ConnectorType): ConnectorFixture[] {
  return state.connectors.filter((c) => c.type === type && canSee(state, caller, c));
}

/** Self-built apps use their organisation's assets freely unless revoked; suites need the organisation's grant. */
export function isAuthorized(state: DingTalkState, caller: Caller, actionId: string): boolean {
  const decision = state.grants.get(key(caller.corpId, caller.clientId, actionId));
  if (decision !== undefined) return decision;
  return caller.kind === 'self_built';
}

/** The kind of a client id (appKey or suiteKey), or undefined when no such client exists. */
export function kindOf(state: DingTalkState, clientId: string): Caller['kind'] | undefined {
  if (findApp(state, clientId)) return 'self_built';
  if (findSuite(state, clientId)) return 'suite';
  return undefined;
}

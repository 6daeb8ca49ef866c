import { BoundedMap, Cell, type Twin } from '@doppel/mock-kit';
import {
  type ActionFixture,
  type ConnectorFixture,
  connectAssetUri,
  DEFAULT_MAX_EXECUTIONS,
  DEFAULT_MAX_INSTANCES,
  DEFAULT_MAX_TOKENS,
  type DingTalkFixtures,
} from './fixtures.ts';
import type { components } from './generated/openapi.ts';

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

/** An action (or integration flow) as a connect asset: the action, its connector, its URI and version. */
export interface Asset {
  action: ActionFixture;
  connector: ConnectorFixture;
  uri: string;
  versionId: string;
}

/** A connection instance, as `GET /__admin/instances` lists it. */
export type InstanceRecord = components['schemas']['Instance'];

/**
 * One invocation, as the twin keeps it: flat strings and numbers only, so ten thousand of them cost the
 * garbage collector next to nothing. The admin API presents it as the spec's `Execution`.
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

/**
 * The live, mutable state the handlers read and change; seeded from fixtures on start, reset and state changes.
 * What changes is in kit containers (BoundedMap, Cell), so a shared store keeps it in step across replicas
 * (the kit's README, "A shared QA twin"); the rest is the fixtures' and changes only with them.
 */
export interface DingTalkRuntime {
  fixtures: DingTalkFixtures;
  /**
   * Every live token (self-built and suite), bounded: expired ones are swept on the twin's clock, and past
   * `maxTokens` the oldest go (package README, "Bounded stores").
   */
  tokens: BoundedMap<string, TokenRecord>;
  /**
   * The live token of each self-built app in its organisation (asked again → same token, longer life). At most
   * one per app and organisation of the fixtures, so its bound is never reached.
   */
  appTokens: BoundedMap<string, TokenRecord>;
  /**
   * Explicit decisions: key(corp, client, actionId) → granted? Bounded by the fixtures: a decision needs a known
   * organisation, app or suite, and asset (so its bound is never reached).
   */
  grants: BoundedMap<string, boolean>;
  /** Connection instances by key(corp, client, uri, instanceKey), at most `maxInstances`: the oldest go first. */
  instances: BoundedMap<string, InstanceRecord>;
  /** Execution records by instanceId, at most `maxExecutions`: the oldest go first. */
  executions: BoundedMap<string, ExecutionRecord>;
  connectorById: Map<string, ConnectorFixture>;
  assets: Asset[];
  assetByUri: Map<string, Asset>;
  assetById: Map<string, Asset>;
  /** The number of the last execution record (`G-EXEC-<seq>`). */
  seq: Cell<number>;
}

/** The bound of a store the fixtures already bound (grants, app tokens): a BoundedMap for sharing, not for its bound. */
const UNREACHED = 10_000_000;

/** A composite map key. */
export const key = (...parts: string[]) => parts.join('\n');

export function versionIdOf(action: ActionFixture): string {
  return action.versionId ?? `G-ACT-VER-${action.id.replace(/^G-[A-Z]+-/, '')}`;
}

export function seed(fixtures: DingTalkFixtures, twin: Twin<DingTalkFixtures, DingTalkRuntime>): DingTalkRuntime {
  const connectorById = new Map(fixtures.connectors.map((c) => [c.id, c]));
  const assets: Asset[] = [];
  for (const action of fixtures.actions) {
    const connector = connectorById.get(action.connectorId);
    if (!connector) continue; // an action of an unknown connector is unreachable
    assets.push({ action, connector, uri: connectAssetUri(connector.providerCorpId, action.id), versionId: versionIdOf(action) });
  }
  const clock = () => twin.clock.now();
  const grants = new BoundedMap<string, boolean>(UNREACHED, clock);
  for (const g of fixtures.grants) for (const id of g.actionIds) grants.set(key(g.corpId, g.clientId, id), true);
  const kindIn = (clientId: string): Caller['kind'] | undefined =>
    fixtures.apps.some((a) => a.appKey === clientId)
      ? 'self_built'
      : fixtures.suites.some((s) => s.suiteKey === clientId)
        ? 'suite'
        : undefined;
  const tokens = new BoundedMap<string, TokenRecord>(fixtures.maxTokens ?? DEFAULT_MAX_TOKENS, clock);
  const appTokens = new BoundedMap<string, TokenRecord>(UNREACHED, clock);
  const now = twin.clock.now();
  const expiresAt = now + fixtures.tokenTtlSeconds * 1000;
  if (fixtures.tokens) {
    for (const t of fixtures.tokens) {
      const kind = kindIn(t.clientId);
      if (!kind) continue;
      const rec: TokenRecord = { token: t.token, corpId: t.corpId, clientId: t.clientId, kind, expiresAt };
      tokens.set(t.token, rec, expiresAt);
      if (kind === 'self_built') appTokens.set(key(t.corpId, t.clientId), rec);
    }
  }
  const assetById = new Map(assets.map((a) => [a.action.id, a]));
  const instances = new BoundedMap<string, InstanceRecord>(fixtures.maxInstances ?? DEFAULT_MAX_INSTANCES, clock);
  if (fixtures.instances) {
    for (const i of fixtures.instances) {
      const asset = assetById.get(i.actionId);
      if (!asset) continue;
      instances.set(key(i.corpId, i.clientId, asset.uri, i.instanceKey), {
        corpId: i.corpId,
        clientId: i.clientId,
        connectAssetUri: asset.uri,
        instanceKey: i.instanceKey,
        versionId: asset.versionId,
        createdAt: new Date(now).toISOString(),
      });
    }
  }
  return {
    fixtures,
    tokens,
    appTokens,
    grants,
    instances,
    executions: new BoundedMap(fixtures.maxExecutions ?? DEFAULT_MAX_EXECUTIONS, clock),
    connectorById,
    assets,
    assetByUri: new Map(assets.map((a) => [a.uri, a])),
    assetById,
    seq: new Cell(0),
  };
}

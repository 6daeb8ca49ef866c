import { Hono } from 'hono';
import { canSee, isAuthorized, visibleAsset, visibleConnectors } from '../access.ts';
import { callerOf } from '../auth.ts';
import type { DingTalkContext, DingTalkEnv } from '../context.ts';
import { acsHeaders, denials, deny } from '../errors.ts';
import type { ConnectorType } from '../fixtures.ts';
import type { components } from '../generated/openapi.ts';
import type { Asset, Caller } from '../runtime.ts';

type Schemas = components['schemas'];

/**
 * One page of `items`. The token is the decimal offset of the next item ("0" or absent is the start), so
 * walking nextToken until hasMore is false returns every item once, in the fixtures' order. The spec has
 * already held `maxResults` to an integer from 1 to 100 (`MaxResults`).
 */
function page<T>(c: DingTalkContext, items: T[], nextToken: string | number | undefined, maxResults: string | number | undefined) {
  const raw = nextToken === undefined ? '' : String(nextToken);
  if (raw !== '' && !/^\d+$/.test(raw)) deny(denials.param(`nextToken ${JSON.stringify(raw)} is not a token this API issued`));
  const offset = Number(raw);
  if (offset > items.length) deny(denials.param(`nextToken ${raw} is past the end of the list`));
  const size = maxResults === undefined ? c.get('twin').state.fixtures.defaultPageSize : Number(maxResults);
  const end = offset + size;
  const hasMore = end < items.length;
  return { list: items.slice(offset, end), hasMore, nextToken: hasMore ? String(end) : undefined, total: items.length };
}

function authorityUrl(c: DingTalkContext, caller: Caller, uri: string): string {
  const q = new URLSearchParams({ corpId: caller.corpId, clientId: caller.clientId, connectAssetUri: uri });
  return `${new URL(c.req.url).origin}/connect/authority?${q}`;
}

function actionView(c: DingTalkContext, caller: Caller, asset: Asset): Schemas['Action'] {
  const { action, connector } = asset;
  return {
    id: action.id,
    connectorId: connector.id,
    name: action.name,
    // Absent ones (undefined) are left out of the JSON.
    description: action.description,
    icon: action.icon,
    providerCorpId: connector.providerCorpId,
    integrationType: action.integrationType,
    connectAssetUri: asset.uri,
    authorized: isAuthorized(c.get('twin').state, caller, action.id),
    authorityUrl: authorityUrl(c, caller, asset.uri),
  };
}

type SearchInput = Omit<Schemas['SearchActionsRequest'], 'maxResults'> & { maxResults?: number | string };

function searchActions(c: DingTalkContext, input: SearchInput) {
  const caller = callerOf(c);
  const { state } = c.get('twin');
  const connector = state.connectorById.get(input.connectorId);
  if (!connector || connector.providerCorpId !== input.connectorProviderCorpId || !canSee(state, caller, connector)) {
    return deny(denials.noConnector(input.connectorId));
  }
  const types = new Set(input.integrationTypes?.length ? input.integrationTypes : ['basic']);
  const assets = state.assets.filter((a) => a.connector.id === connector.id && types.has(a.action.integrationType));
  const p = page(c, assets, input.nextToken, input.maxResults);
  const body: Schemas['ActionPage'] = {
    hasMore: p.hasMore,
    nextToken: p.nextToken,
    totalCount: p.total,
    list: p.list.map((a) => actionView(c, caller, a)),
  };
  return c.json(body, 200, acsHeaders(c));
}

function actionDetail(c: DingTalkContext, uri: string) {
  const asset = visibleAsset(c.get('twin').state, callerOf(c), uri) ?? deny(denials.noAsset(uri));
  const { action, connector } = asset;
  const body: Schemas['ActionDetail'] = {
    connectAssetUri: asset.uri,
    name: action.name,
    inputSchema: JSON.stringify(action.inputSchema),
    outputSchema: JSON.stringify(action.outputSchema),
    refId: action.id,
    refType: action.refType,
    refProviderCorpId: connector.providerCorpId,
    integrationConfig: {
      entityName: action.integrationConfig?.entityName ?? '',
      categoryNames: action.integrationConfig?.categoryNames ?? [],
      props: action.integrationConfig?.props ?? [],
    },
  };
  return c.json(body, 200, acsHeaders(c));
}

/** `/v1.0/connector/assets`: connectors, the action search and action details (each also in the README's GET form). */
export const assetRoutes = new Hono<DingTalkEnv>()
  .get('/connectors', (c) => {
    const caller = callerOf(c);
    const type = c.req.query('type') as ConnectorType;
    const p = page(c, visibleConnectors(c.get('twin').state, caller, type), c.req.query('nextToken'), c.req.query('maxResults'));
    const body: Schemas['ConnectorPage'] = {
      hasMore: p.hasMore,
      nextToken: p.nextToken,
      totalCount: String(p.total),
      list: p.list.map((k) => ({
        id: k.id,
        name: k.name,
        description: k.description,
        providerCorpId: k.providerCorpId,
        icon: k.icon,
      })),
    };
    return c.json(body, 200, acsHeaders(c));
  })
  .post('/actions/search', (c) => searchActions(c, c.get('body') as Schemas['SearchActionsRequest']))
  .get('/actions/search', (c) =>
    searchActions(c, {
      connectorId: c.req.query('connectorId')!,
      connectorProviderCorpId: c.req.query('connectorProviderCorpId')!,
      integrationTypes: c.req.queries('integrationTypes') as Schemas['IntegrationType'][] | undefined,
      nextToken: c.req.query('nextToken'),
      maxResults: c.req.query('maxResults'),
    }),
  )
  .post('/actions/details/query', (c) => actionDetail(c, (c.get('body') as Schemas['ActionDetailRequest']).connectAssetUri))
  .get('/actions/details/query', (c) => actionDetail(c, c.req.query('connectAssetUri')!));

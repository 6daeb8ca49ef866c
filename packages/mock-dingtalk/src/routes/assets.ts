import { Hono } from 'hono';
import { acsHeaders, errors } from '../errors.ts';
import { callerOf, paramError } from '../gateway.ts';
import type { ConnectorType } from '../fixtures.ts';
import { type Asset, type Caller, canSee, isAuthorized, visibleConnectors } from '../state.ts';
import type { Ctx, Env } from '../types.ts';

/**
 * One page of `items`. The token is the decimal offset of the next item ("0" or absent is the start), so
 * walking nextToken until hasMore is false returns every item once, in the fixtures' order.
 */
async function page<T>(c: Ctx, items: T[], nextToken: unknown, maxResults: unknown) {
  const raw = nextToken === undefined || nextToken === null ? '' : String(nextToken);
  if (raw !== '' && !/^\d+$/.test(raw)) return paramError(c, `nextToken ${JSON.stringify(raw)} is not a token this API issued`);
  const offset = raw === '' ? 0 : Number(raw);
  if (offset > items.length) return paramError(c, `nextToken ${raw} is past the end of the list`);
  const size = maxResults === undefined ? c.get('twin').state.fixtures.defaultPageSize : Number(maxResults);
  if (!Number.isInteger(size) || size < 1 || size > 100) return paramError(c, 'maxResults must be an integer from 1 to 100');
  const list = items.slice(offset, offset + size);
  const hasMore = offset + size < items.length;
  return { list, hasMore, ...(hasMore && { nextToken: String(offset + size) }), total: items.length };
}

export function authorityUrl(c: Ctx, caller: Caller, uri: string): string {
  const q = new URLSearchParams({ corpId: caller.corpId, clientId: caller.clientId, connectAssetUri: uri });
  return `${new URL(c.req.url).origin}/connect/authority?${q}`;
}

export function actionView(c: Ctx, caller: Caller, asset: Asset) {
  const { action, connector } = asset;
  return {
    id: action.id,
    connectorId: connector.id,
    name: action.name,
    ...(action.description !== undefined && { description: action.description }),
    ...(action.icon !== undefined && { icon: action.icon }),
    providerCorpId: connector.providerCorpId,
    integrationType: action.integrationType,
    connectAssetUri: asset.uri,
    authorized: isAuthorized(c.get('twin').state, caller, action.id),
    authorityUrl: authorityUrl(c, caller, asset.uri),
  };
}

/** The asset behind a URI if the caller may see it; 4004 otherwise. */
export async function visibleAsset(c: Ctx, caller: Caller, uri: string): Promise<Asset> {
  const asset = c.get('twin').state.assetByUri.get(uri);
  if (!asset || !canSee(c.get('twin').state, caller, asset.connector)) {
    return errors.raise(c, '4004', { body: { message: `连接资产不存在: ${uri}` } });
  }
  return asset;
}

interface SearchInput {
  connectorId: string;
  connectorProviderCorpId: string;
  integrationTypes?: string[];
  nextToken?: unknown;
  maxResults?: unknown;
}

async function searchActions(c: Ctx, input: SearchInput) {
  const caller = callerOf(c);
  const { state } = c.get('twin');
  const connector = state.connectorById.get(input.connectorId);
  if (!connector || connector.providerCorpId !== input.connectorProviderCorpId || !canSee(state, caller, connector)) {
    return errors.raise(c, '4004', { body: { message: `连接器不存在: ${input.connectorId}` } });
  }
  const types = new Set(input.integrationTypes?.length ? input.integrationTypes : ['basic']);
  const assets = state.assets.filter((a) => a.connector.id === connector.id && types.has(a.action.integrationType));
  const p = await page(c, assets, input.nextToken, input.maxResults);
  return c.json(
    {
      hasMore: p.hasMore,
      ...(p.nextToken && { nextToken: p.nextToken }),
      totalCount: p.total,
      list: p.list.map((a) => actionView(c, caller, a)),
    },
    200,
    acsHeaders(c),
  );
}

async function actionDetail(c: Ctx, uri: string) {
  const asset = await visibleAsset(c, callerOf(c), uri);
  const { action, connector } = asset;
  return c.json(
    {
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
    },
    200,
    acsHeaders(c),
  );
}

export function assetRoutes() {
  const app = new Hono<Env>();

  app.get('/v1.0/connector/assets/connectors', async (c) => {
    const caller = callerOf(c);
    const type = c.req.query('type') as ConnectorType;
    const p = await page(c, visibleConnectors(c.get('twin').state, caller, type), c.req.query('nextToken'), c.req.query('maxResults'));
    return c.json(
      {
        hasMore: p.hasMore,
        ...(p.nextToken && { nextToken: p.nextToken }),
        totalCount: String(p.total),
        list: p.list.map((k) => ({
          id: k.id,
          name: k.name,
          ...(k.description !== undefined && { description: k.description }),
          providerCorpId: k.providerCorpId,
          ...(k.icon !== undefined && { icon: k.icon }),
        })),
      },
      200,
      acsHeaders(c),
    );
  });

  app.post('/v1.0/connector/assets/actions/search', (c) => searchActions(c, c.get('body') as SearchInput));
  app.get('/v1.0/connector/assets/actions/search', (c) =>
    searchActions(c, {
      connectorId: c.req.query('connectorId')!,
      connectorProviderCorpId: c.req.query('connectorProviderCorpId')!,
      integrationTypes: c.req.queries('integrationTypes'),
      nextToken: c.req.query('nextToken'),
      maxResults: c.req.query('maxResults'),
    }),
  );

  app.post('/v1.0/connector/assets/actions/details/query', (c) => actionDetail(c, (c.get('body') as { connectAssetUri: string }).connectAssetUri));
  app.get('/v1.0/connector/assets/actions/details/query', (c) => actionDetail(c, c.req.query('connectAssetUri')!));

  return app;
}

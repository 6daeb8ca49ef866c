import { adminError } from '@doppel/mock-kit';
import { Hono } from 'hono';
import { type Decision, decide, isAuthorized, kindOf } from '../access.ts';
import type { DingTalkContext, DingTalkEnv } from '../context.ts';
import type { components } from '../generated/openapi.ts';
import type { ExecutionRecord } from '../runtime.ts';

type Schemas = components['schemas'];

function parsedOrRaw(text: string | null): unknown {
  try {
    // null parses as null.
    return JSON.parse(text as string);
  } catch {
    return text;
  }
}

/** An execution record as the admin API shows it: ISO time, input and output parsed when they are JSON. */
function presentExecution(r: ExecutionRecord): Schemas['Execution'] {
  const { at, ...rest } = r;
  return { ...rest, time: new Date(at).toISOString(), input: parsedOrRaw(r.input), output: parsedOrRaw(r.output) };
}

/** Grant or revoke, as `POST /__admin/authorizations[/revoke]` asks (defaults: the first organisation, the first suite). */
const change = (decision: Decision) => (c: DingTalkContext) => {
  const { state } = c.get('twin');
  const b = c.get('body') as Schemas['AuthorizationRequest'];
  const corpId = b.corpId ?? state.fixtures.orgs[0]!.corpId;
  const clientId = b.clientId ?? state.fixtures.suites[0]?.suiteKey ?? state.fixtures.apps[0]?.appKey ?? '';
  const asset = state.assetByUri.get(b.connectAssetUri);
  if (!asset) return adminError(c, 404, 'unknown_asset', `no connect asset ${b.connectAssetUri}`);
  const kind = kindOf(state, clientId);
  if (!kind) return adminError(c, 404, 'unknown_client', `no app or suite ${clientId}`);
  if (!state.fixtures.orgs.some((o) => o.corpId === corpId)) return adminError(c, 404, 'unknown_corp', `no organisation ${corpId}`);
  decide(state, corpId, clientId, asset.action.id, decision);
  const body: Schemas['Authorization'] = {
    corpId,
    clientId,
    connectAssetUri: asset.uri,
    authorized: isAuthorized(state, { corpId, clientId, kind }, asset.action.id),
  };
  return c.json(body);
};

/** The twin's own admin routes, mounted under `/__admin` (declared in dingtalk.yaml, tag admin). */
export const dingtalkAdminRoutes = new Hono<DingTalkEnv>()
  .get('/authorizations', (c) => {
    const { state } = c.get('twin');
    const corpId = c.req.query('corpId');
    const clientId = c.req.query('clientId');
    const authorizations: Schemas['Authorization'][] = [];
    for (const [k, authorized] of state.grants.entries()) {
      const [corp, client, actionId] = k.split('\n') as [string, string, string];
      if ((corpId && corp !== corpId) || (clientId && client !== clientId)) continue;
      authorizations.push({ corpId: corp, clientId: client, connectAssetUri: state.assetById.get(actionId)?.uri ?? actionId, authorized });
    }
    return c.json({ authorizations });
  })
  .post('/authorizations', change('grant'))
  .post('/authorizations/revoke', change('revoke'))
  .get('/executions', (c) => {
    const q = c.req.query();
    const executions = c
      .get('twin')
      .state.executions.values()
      .filter(
        (e) =>
          (!q.corpId || e.corpId === q.corpId) &&
          (!q.connectAssetUri || e.connectAssetUri === q.connectAssetUri) &&
          (!q.instanceKey || e.instanceKey === q.instanceKey) &&
          (!q.errorCode || e.errorCode === q.errorCode),
      );
    return c.json({ total: executions.length, executions: executions.map(presentExecution) });
  })
  .delete('/executions', (c) => {
    c.get('twin').state.executions.clear();
    return c.json({ cleared: true });
  })
  .get('/instances', (c) => c.json({ instances: [...c.get('twin').state.instances.values()] }));

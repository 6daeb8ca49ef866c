import { adminError } from '@doppel/mock-kit';
import type { Hono } from 'hono';
import { isAuthorized, kindOf, presentExecution } from '../state.ts';
import type { Ctx, Env } from '../types.ts';
import { type Decision, decide } from './authority.ts';

/** `/__admin/authorizations`, `/__admin/executions`, `/__admin/instances` (declared in dingtalk.yaml, tag admin). */
export function dingtalkAdminRoutes(admin: Hono<Env>): void {
  admin.get('/authorizations', (c) => {
    const { state } = c.get('twin');
    const corpId = c.req.query('corpId');
    const clientId = c.req.query('clientId');
    const authorizations = [...state.grants.entries()]
      .map(([k, authorized]) => {
        const [corp, client, actionId] = k.split('\n') as [string, string, string];
        return { corpId: corp, clientId: client, connectAssetUri: state.assetById.get(actionId)?.uri ?? actionId, authorized };
      })
      .filter((a) => (!corpId || a.corpId === corpId) && (!clientId || a.clientId === clientId));
    return c.json({ authorizations });
  });

  const change = (decision: Decision) => (c: Ctx) => {
    const { state } = c.get('twin');
    const b = c.get('body') as { connectAssetUri: string; corpId?: string; clientId?: string };
    const corpId = b.corpId ?? state.fixtures.orgs[0]!.corpId;
    const clientId = b.clientId ?? state.fixtures.suites[0]?.suiteKey ?? state.fixtures.apps[0]?.appKey ?? '';
    const asset = state.assetByUri.get(b.connectAssetUri);
    if (!asset) return adminError(c, 404, 'unknown_asset', `no connect asset ${b.connectAssetUri}`);
    const kind = kindOf(state, clientId);
    if (!kind) return adminError(c, 404, 'unknown_client', `no app or suite ${clientId}`);
    if (!state.fixtures.orgs.some((o) => o.corpId === corpId)) return adminError(c, 404, 'unknown_corp', `no organisation ${corpId}`);
    decide(state, corpId, clientId, asset.action.id, decision);
    return c.json({ corpId, clientId, connectAssetUri: asset.uri, authorized: isAuthorized(state, { corpId, clientId, kind }, asset.action.id) });
  };
  admin.post('/authorizations', change('grant'));
  admin.post('/authorizations/revoke', change('revoke'));

  admin.get('/executions', (c) => {
    const q = c.req.query();
    const executions = c.get('twin').state.executions.filter(
      (e) =>
        (!q.corpId || e.corpId === q.corpId) &&
        (!q.connectAssetUri || e.connectAssetUri === q.connectAssetUri) &&
        (!q.instanceKey || e.instanceKey === q.instanceKey) &&
        (!q.errorCode || e.errorCode === q.errorCode),
    );
    return c.json({ total: executions.length, executions: executions.map(presentExecution) });
  });
  admin.delete('/executions', (c) => {
    c.get('twin').state.executions.length = 0;
    return c.json({ cleared: true });
  });

  admin.get('/instances', (c) => c.json({ instances: [...c.get('twin').state.instances.values()] }));
}

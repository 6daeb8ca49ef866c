import { Hono } from 'hono';
import { decide, isAuthorized, kindOf } from '../access.ts';
import type { DingTalkContext, DingTalkEnv } from '../context.ts';
import { acsHeaders } from '../errors.ts';
import type { components } from '../generated/openapi.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The authority page for an asset, an organisation and an app or suite; 404 when one of them does not exist. */
function page(c: DingTalkContext, corpId: string, clientId: string, uri: string, message?: string) {
  const { state } = c.get('twin');
  const asset = state.assetByUri.get(uri);
  const kind = kindOf(state, clientId);
  const org = state.fixtures.orgs.find((o) => o.corpId === corpId);
  if (!asset || !kind || !org) {
    const what = !asset ? `连接资产 ${uri}` : !kind ? `应用 ${clientId}` : `组织 ${corpId}`;
    return c.html(`<!doctype html><meta charset="utf-8"><title>不存在</title><p>${esc(what)} 不存在</p>`, 404, acsHeaders(c));
  }
  const authorized = isAuthorized(state, { corpId, clientId, kind }, asset.action.id);
  const hidden = (n: string, v: string) => `<input type="hidden" name="${n}" value="${esc(v)}">`;
  const html = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>连接资产授权</title></head>
<body>
<h1>连接资产授权</h1>
${message ? `<p id="message">${esc(message)}</p>` : ''}
<dl>
  <dt>组织</dt><dd id="corp">${esc(org.name)} (${esc(corpId)})</dd>
  <dt>应用</dt><dd id="client">${esc(clientId)}</dd>
  <dt>连接器</dt><dd id="connector">${esc(asset.connector.name)}</dd>
  <dt>执行动作</dt><dd id="asset">${esc(asset.action.name)} — ${esc(asset.uri)}</dd>
  <dt>状态</dt><dd id="status" data-authorized="${authorized}">${authorized ? '已授权' : '未授权'}</dd>
</dl>
<form method="post" action="/connect/authority">
  ${hidden('corpId', corpId)}${hidden('clientId', clientId)}${hidden('connectAssetUri', asset.uri)}
  <button type="submit" name="decision" value="grant">同意授权</button>
  <button type="submit" name="decision" value="revoke">取消授权</button>
</form>
</body></html>`;
  return c.html(html, 200, acsHeaders(c));
}

/**
 * `/connect/authority`: the page behind authorityUrl. On the real platform it is a DingTalk client deep link;
 * here the twin serves it, and its form grants or revokes at once.
 */
export const authorityRoutes = new Hono<DingTalkEnv>()
  .get('/', (c) => page(c, c.req.query('corpId')!, c.req.query('clientId')!, c.req.query('connectAssetUri')!))
  .post('/', (c) => {
    const f = c.get('body') as components['schemas']['AuthorityDecision'];
    const { state } = c.get('twin');
    const asset = state.assetByUri.get(f.connectAssetUri);
    if (asset && kindOf(state, f.clientId) && state.fixtures.orgs.some((o) => o.corpId === f.corpId)) {
      decide(state, f.corpId, f.clientId, asset.action.id, f.decision);
      return page(c, f.corpId, f.clientId, f.connectAssetUri, f.decision === 'grant' ? '已同意授权' : '已取消授权');
    }
    return page(c, f.corpId, f.clientId, f.connectAssetUri);
  });

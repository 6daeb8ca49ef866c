import { Hono } from 'hono';
import { decide, isAuthorized, kindOf } from '../access.ts';
import type { DingTalkContext, DingTalkEnv } from '../context.ts';
import { acsHeaders } from '../errors.ts';
import type { OrgFixture } from '../fixtures.ts';
import type { components } from '../generated/openapi.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** What the page shows besides the state: a message, its status (401 after a refused sign-in), the login typed. */
interface Shown {
  message?: string;
  status?: 200 | 401;
  login?: string;
}

/** The authority page for an asset, an organisation and an app or suite; 404 when one of them does not exist. */
function page(c: DingTalkContext, corpId: string, clientId: string, uri: string, { message, status = 200, login = '' }: Shown = {}) {
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
  <p>请以组织管理员身份登录后授权</p>
  <label for="login">管理员账号</label>
  <input type="text" name="login" id="login" autocomplete="username" value="${esc(login)}">
  <label for="password">密码</label>
  <input type="password" name="password" id="password" autocomplete="current-password">
  <button type="submit" name="decision" value="grant">同意授权</button>
  <button type="submit" name="decision" value="revoke">取消授权</button>
</form>
</body></html>`;
  return c.html(html, status, acsHeaders(c));
}

/**
 * Why the form's sign-in does not let it decide for the organisation, or undefined when it does: the login and
 * password must be the organisation's administrator's (`orgs[].admin` in the fixtures), as on the real page.
 */
function signInProblem(org: OrgFixture, login: string | undefined, password: string | undefined): string | undefined {
  if (!org.admin) return '该组织未设置管理员，无法在此授权';
  if (!login || !password) return '请先以组织管理员身份登录';
  if (login !== org.admin.login || password !== org.admin.password) return '管理员账号或密码错误';
  return undefined;
}

/**
 * `/connect/authority`: the page behind authorityUrl. On the real platform it is a DingTalk client deep link
 * where the organisation's administrator is signed in; here the twin serves it, and its form grants or revokes at
 * once when it carries that administrator's login and password (package README, "The authority page").
 */
export const authorityRoutes = new Hono<DingTalkEnv>()
  .get('/', (c) => page(c, c.req.query('corpId')!, c.req.query('clientId')!, c.req.query('connectAssetUri')!))
  .post('/', (c) => {
    const f = c.get('body') as components['schemas']['AuthorityDecision'];
    const { state } = c.get('twin');
    const asset = state.assetByUri.get(f.connectAssetUri);
    const org = state.fixtures.orgs.find((o) => o.corpId === f.corpId);
    if (!asset || !kindOf(state, f.clientId) || !org) return page(c, f.corpId, f.clientId, f.connectAssetUri);
    const problem = signInProblem(org, f.login, f.password);
    if (problem) {
      c.get('notes').signIn = problem;
      return page(c, f.corpId, f.clientId, f.connectAssetUri, { message: problem, status: 401, login: f.login ?? '' });
    }
    decide(state, f.corpId, f.clientId, asset.action.id, f.decision);
    const message = f.decision === 'grant' ? '已同意授权' : '已取消授权';
    return page(c, f.corpId, f.clientId, f.connectAssetUri, { message, login: f.login ?? '' });
  });

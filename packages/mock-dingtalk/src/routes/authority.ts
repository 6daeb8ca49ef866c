import { Hono } from 'hono';
import { decide, findApp, findSuite, isAuthorized, kindOf } from '../access.ts';
import type { DingTalkContext, DingTalkEnv } from '../context.ts';
import { acsHeaders } from '../errors.ts';
import type { OrgFixture } from '../fixtures.ts';
import type { components } from '../generated/openapi.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * The look of DingTalk's own authorization page (the `h5-common-authority` page the client opens): a title bar,
 * one white card on the client's grey, the app's icon and name, what it asks the organisation for, and a full-width
 * blue "同意授权". Inline CSS only: no font, image or script from anywhere; Chinese falls back to the system's CJK
 * font (PingFang on macOS, Microsoft YaHei on Windows, Noto Sans CJK on Linux).
 */
const STYLE = `
*{box-sizing:border-box}
html{background:#f2f3f5}
body{margin:0;color:#171a1d;font:14px/1.6 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","Helvetica Neue",Arial,sans-serif}
.bar{position:relative;height:48px;display:flex;align-items:center;justify-content:center;background:#fff;border-bottom:1px solid #e5e6eb}
.bar h1{margin:0;font-size:17px;font-weight:600}
.brand{position:absolute;left:24px;display:flex;align-items:center;gap:8px;color:#5e6266;font-size:13px}
main{max-width:552px;margin:16px auto;padding:0 16px}
.card{background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(23,26,29,.06);padding:24px}
.app{text-align:center}
.avatar{display:inline-flex;width:48px;height:48px;align-items:center;justify-content:center;border-radius:12px;background:linear-gradient(135deg,#3296fa,#007fff);color:#fff;font-size:22px;font-weight:600}
.app h2{margin:8px 0 0;font-size:18px;font-weight:600}
.kind{margin:0;color:#5e6266;font-size:12px}
.ask{margin:16px 0 8px;font-size:15px;font-weight:600}
.perms{list-style:none;margin:0;padding:12px 14px;background:#f5f9ff;border:1px solid #d6e8ff;border-radius:8px}
.perms li{display:flex;gap:10px;align-items:flex-start}
.perms svg{flex:none;margin-top:3px}
.perms .what{font-weight:600}
.uri{display:block;color:#5e6266;font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
.facts{display:grid;grid-template-columns:auto 1fr;gap:6px 16px;margin:14px 0 0}
.facts dt{color:#5e6266}
.facts dd{margin:0;text-align:right}
.badge{display:inline-block;padding:0 8px;border-radius:4px;font-size:12px;line-height:22px}
.badge[data-authorized=true]{background:#e8f7ef;color:#00754a}
.badge[data-authorized=false]{background:#fff4e5;color:#a35200}
.msg{margin:14px 0 0;padding:8px 12px;border-radius:8px;font-size:13px}
.msg.ok{background:#e6f2ff;color:#0059b3}
.msg.err{background:#fff1f0;color:#c4161c;border:1px solid #ffccc7}
form{margin-top:14px;padding-top:14px;border-top:1px solid #f0f1f2}
.hint{margin:0;color:#5e6266;font-size:13px}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:0 12px}
label{display:block;margin:8px 0 4px;font-size:13px;font-weight:600}
input[type=text],input[type=password]{width:100%;height:38px;padding:0 12px;font:inherit;color:inherit;background:#fff;border:1px solid #d9dadc;border-radius:8px}
input[type=text]:focus,input[type=password]:focus{border-color:#007fff;box-shadow:0 0 0 3px rgba(0,127,255,.2);outline:none}
.actions{display:flex;flex-direction:column;gap:2px;margin-top:14px}
button{height:42px;font:inherit;font-size:16px;border-radius:8px;cursor:pointer}
.primary{border:0;background:#007fff;color:#fff;font-weight:600}
.primary:hover{background:#0070e0}
.secondary{height:36px;border:0;background:transparent;color:#007fff}
.secondary:hover{background:#f0f7ff}
button:focus-visible{outline:2px solid #007fff;outline-offset:2px}
.note{margin:12px 0 0;color:#5e6266;font-size:12px;text-align:center}
.twin{margin:12px 0 0;color:#5e6266;font-size:12px;text-align:center}
`;

/** A mark of the twin's own (a chain link on a blue square), not DingTalk's logo. */
const MARK = `<svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><rect width="24" height="24" rx="6" fill="#007fff"/><path d="M10.6 13.4a3 3 0 0 0 4.2 0l2.8-2.8a3 3 0 0 0-4.2-4.2l-1 1M13.4 10.6a3 3 0 0 0-4.2 0l-2.8 2.8a3 3 0 0 0 4.2 4.2l1-1" fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/></svg>`;

/** The connector glyph in front of the asset asked for. */
const PLUG = `<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><rect x="1" y="1" width="14" height="14" rx="4" fill="#3296fa"/><path d="M6 4v3M10 4v3M4.5 7h7v1.5a3.5 3.5 0 0 1-7 0zM8 12v2" fill="none" stroke="#fff" stroke-width="1.4" stroke-linecap="round"/></svg>`;

/** The page around a card: title bar, card, and the line saying this is the twin's page. */
function layout(title: string, card: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · 钉钉连接平台（Doppel 孪生）</title>
<style>${STYLE}</style>
</head>
<body>
<header class="bar"><span class="brand">${MARK}<span>连接平台</span></span><h1>${title}</h1></header>
<main>
<section class="card">
${card}
</section>
<p class="twin">Doppel 离线孪生页面，仿钉钉授权页，非钉钉官方页面</p>
</main>
</body>
</html>`;
}

/** The message under the facts: what a decision did (status), or why the sign-in was refused (alert). */
function messageOf(message: string | undefined, status: number): string {
  if (!message) return '';
  return status === 200
    ? `<p id="message" class="msg ok" role="status">${esc(message)}</p>`
    : `<p id="message" class="msg err" role="alert">${esc(message)}</p>`;
}

const KIND_LABEL = { self_built: '企业内部应用', suite: '第三方企业应用' } as const;
const CONNECTOR_LABEL = { self_built: '企业自建连接器', third_party: '三方连接器', official: '官方连接器' } as const;

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
    const card = `<div class="app"><h2>无法授权</h2></div>
<p id="message" class="msg err" role="alert">${esc(what)} 不存在</p>
<p class="note">请检查授权链接是否完整，或联系应用开发者。</p>`;
    return c.html(layout('授权', card), 404, acsHeaders(c));
  }
  const authorized = isAuthorized(state, { corpId, clientId, kind }, asset.action.id);
  const appName = (kind === 'self_built' ? findApp(state, clientId)?.name : findSuite(state, clientId)?.name) ?? clientId;
  const assetKind = asset.action.refType === 'integration_flow' ? '集成流' : '执行动作';
  const hidden = (n: string, v: string) => `<input type="hidden" name="${n}" value="${esc(v)}">`;
  const card = `<div class="app">
  <span class="avatar" aria-hidden="true">${esc(Array.from(appName)[0] ?? '应')}</span>
  <h2 id="app-name">${esc(appName)}</h2>
  <p class="kind" id="client">${KIND_LABEL[kind]} · ${esc(clientId)}</p>
</div>
<p class="ask">申请获得 <span id="corp-name">${esc(org.name)}</span> 的以下授权：</p>
<ul class="perms" aria-label="授权内容">
  <li>${PLUG}<span>使用${CONNECTOR_LABEL[asset.connector.type]} <span class="what" id="connector">${esc(asset.connector.name)}</span> 的${assetKind} <span class="what" id="asset">${esc(asset.action.name)}</span><span class="uri" id="asset-uri">${esc(asset.uri)}</span></span></li>
</ul>
<dl class="facts">
  <dt>授权组织</dt><dd id="corp">${esc(org.name)}（${esc(corpId)}）</dd>
  <dt>授权状态</dt><dd><span class="badge" id="status" data-authorized="${authorized}">${authorized ? '已授权' : '未授权'}</span></dd>
</dl>
${messageOf(message, status)}
<form method="post" action="/connect/authority">
  ${hidden('corpId', corpId)}${hidden('clientId', clientId)}${hidden('connectAssetUri', asset.uri)}
  <p class="hint" id="sign-in-hint">请以组织管理员身份登录后授权</p>
  <div class="fields">
    <div><label for="login">管理员账号</label>
    <input type="text" name="login" id="login" autocomplete="username" aria-describedby="sign-in-hint" value="${esc(login)}"></div>
    <div><label for="password">密码</label>
    <input type="password" name="password" id="password" autocomplete="current-password"></div>
  </div>
  <div class="actions">
    <button type="submit" name="decision" value="grant" class="primary">同意授权</button>
    <button type="submit" name="decision" value="revoke" class="secondary">取消授权</button>
  </div>
</form>
<p class="note">授权后，该应用才可使用对应的连接资产；授权可在组织开发者后台的连接平台中管理，可随时取消授权。</p>`;
  return c.html(layout('授权', card), status, acsHeaders(c));
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
    return page(c, f.corpId, f.clientId, f.connectAssetUri, { message, login: f.login });
  });

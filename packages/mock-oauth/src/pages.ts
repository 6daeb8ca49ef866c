import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { OAuthClient } from './fixtures.ts';

/**
 * What github.com sends with its HTML pages so that no other site can frame them (clickjacking on the consent
 * page): `X-Frame-Options: deny` and a CSP with `frame-ancestors 'none'`. The CSP also allows nothing but the
 * page's own inline style; it sets no `form-action`, which browsers would apply to the redirect to the callback.
 */
export const PAGE_HEADERS = {
  'x-frame-options': 'deny',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'self'; frame-ancestors 'none'",
} as const;

/** An HTML page with `PAGE_HEADERS`: every page of the twin goes out through here. */
export function sendPage(c: Context, page: string, status: ContentfulStatusCode = 200): Response {
  return c.html(page, status, PAGE_HEADERS);
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** What GitHub tells people each scope grants (the ones a bot usually asks for). */
const SCOPE_TEXT: Record<string, string> = {
  'read:user': 'Read all user profile data',
  'user:email': 'Access user email addresses (read-only)',
  user: 'Update ALL user data',
  repo: 'Full control of private repositories',
  public_repo: 'Access public repositories',
  gist: 'Create gists',
  'read:org': 'Read org and team membership, read org projects',
  notifications: 'Access notifications',
};

const STYLE = `
body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;background:#f6f8fa;color:#1f2328;margin:0}
main{max-width:420px;margin:40px auto;background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:24px}
h1{font-size:20px;font-weight:400;text-align:center}
label{display:block;margin:12px 0 4px;font-weight:600;font-size:14px}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:5px 12px;font-size:14px;
  border:1px solid #d0d7de;border-radius:6px}
.actions{display:flex;gap:8px;margin-top:16px}
button{flex:1;padding:5px 16px;font-size:14px;border-radius:6px;border:1px solid rgba(31,35,40,.15);cursor:pointer}
#js-oauth-authorize-btn{background:#1f883d;color:#fff}
.flash-error{background:#ffebe9;border:1px solid rgba(255,129,130,.4);padding:12px;border-radius:6px}
.note{font-size:12px;color:#59636e;text-align:center}
`;

export interface ConsentParams {
  clientId: string;
  redirectUri?: string;
  scope?: string;
  state?: string;
  login?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
}

/** The sign-in and consent page: "Authorize <app>" and "Cancel". */
export function consentPage(app: OAuthClient, p: ConsentParams, target: string, error?: string): string {
  const scopes = (p.scope ?? '').split(/[\s,]/).filter(Boolean);
  const hidden = Object.entries({
    client_id: p.clientId,
    redirect_uri: p.redirectUri,
    scope: p.scope,
    state: p.state,
    code_challenge: p.codeChallenge,
    code_challenge_method: p.codeChallengeMethod,
  })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${k}" value="${esc(String(v))}">`)
    .join('\n      ');
  const scopeItems = scopes.length
    ? scopes.map((s) => `<li><strong>${esc(s)}</strong> — ${esc(SCOPE_TEXT[s] ?? 'Requested scope')}</li>`).join('')
    : '<li>Public information only (read-only)</li>';
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Authorize application · GitHub (Doppel twin)</title>
  <style>${STYLE}</style>
</head>
<body>
  <main>
    <h1>Authorize <span id="app-name">${esc(app.name)}</span></h1>
    <p><strong>${esc(app.name)}</strong> wants to access your GitHub account.</p>
    <ul id="scopes">${scopeItems}</ul>
    ${error ? `<div class="flash-error" role="alert" id="flash">${esc(error)}</div>` : ''}
    <form method="post" action="/login/oauth/authorize">
      ${hidden}
      <label for="login_field">Username or email address</label>
      <input type="text" name="login" id="login_field" autocomplete="username" value="${esc(p.login ?? '')}">
      <label for="password">Password</label>
      <input type="password" name="password" id="password" autocomplete="current-password">
      <div class="actions">
        <button type="submit" name="decision" value="cancel" id="js-oauth-cancel-btn">Cancel</button>
        <button type="submit" name="decision" value="authorize" id="js-oauth-authorize-btn">Authorize ${esc(app.name)}</button>
      </div>
    </form>
    <p class="note">Authorizing will redirect to <strong id="redirect-target">${esc(target)}</strong></p>
  </main>
</body>
</html>`;
}

/** GitHub's page for an unknown client_id. */
export function notFoundPage(): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Page not found · GitHub (Doppel twin)</title></head>
<body><main><h1>404</h1><p>This is not the web page you are looking for.</p></main></body></html>`;
}

export function badRequestPage(problems: string[]): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Bad request · GitHub (Doppel twin)</title></head>
<body><main><h1>400</h1><ul>${problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul></main></body></html>`;
}

import type { createApp } from './app.ts';
import { CI_BOT, GITHUB_APP, GITHUB_BOT, type OAuthApp } from './fixtures.ts';

export type App = ReturnType<typeof createApp>['app'];

export const CALLBACK = 'http://localhost:3000/github/oauth';

export function jsonPost(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function formPost(fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() };
}

export function authorizeUrl(app: OAuthApp, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ client_id: app.clientId, redirect_uri: CALLBACK, scope: 'read:user', state: 'g1:b1', ...extra });
  return `/login/oauth/authorize?${q}`;
}

/** The query of a redirect's Location. */
export function location(res: Response): URL {
  const loc = res.headers.get('location');
  if (!loc) throw new Error(`no Location (status ${res.status})`);
  return new URL(loc);
}

/** Authorize with an auto-approving client and return the code. */
export async function codeFor(app: App, client: OAuthApp = CI_BOT, extra: Record<string, string> = {}): Promise<string> {
  const res = await app.request(authorizeUrl(client, extra));
  if (res.status !== 302) throw new Error(`authorize answered ${res.status}`);
  const code = location(res).searchParams.get('code');
  if (!code) throw new Error(`no code in ${res.headers.get('location')}`);
  return code;
}

export function exchangeBody(client: OAuthApp, code: string, extra: Record<string, string> = {}): Record<string, string> {
  return { client_id: client.clientId, client_secret: client.clientSecret, code, redirect_uri: CALLBACK, ...extra };
}

export { CI_BOT, GITHUB_APP, GITHUB_BOT };

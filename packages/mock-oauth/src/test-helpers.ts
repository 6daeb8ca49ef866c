import { type Clock, createClock } from '@doppel/mock-kit';
import type { OAuthApp } from './context.ts';
import { CI_BOT, GITHUB_APP, GITHUB_BOT, type OAuthClient } from './fixtures.ts';

export const CALLBACK = 'http://localhost:3000/github/oauth';
/** A clock stopped at T0 (2024-01-01T00:00:00Z) that moves only when told to. */
export const T0 = Date.UTC(2024, 0, 1);
export const stoppedClock = (): Clock => createClock(() => T0);
export const TOKEN = '/login/oauth/access_token';
export const JSON_ACCEPT = { accept: 'application/json' };
/** API requests need a User-Agent (GitHub refuses them without one). */
export const UA = { 'user-agent': 'doppel-test' };
export const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}`, ...UA } });

export function jsonPost(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function formPost(fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  };
}

export function authorizeUrl(client: OAuthClient, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ client_id: client.clientId, redirect_uri: CALLBACK, scope: 'read:user', state: 'g1:b1', ...extra });
  return `/login/oauth/authorize?${q}`;
}

/** The query of a redirect's Location. */
export function location(res: Response): URL {
  const loc = res.headers.get('location');
  if (!loc) throw new Error(`no Location (status ${res.status})`);
  return new URL(loc);
}

/** Authorize with an auto-approving client and return the code. */
export async function codeFor(app: OAuthApp, client: OAuthClient = CI_BOT, extra: Record<string, string> = {}): Promise<string> {
  const res = await app.request(authorizeUrl(client, extra));
  if (res.status !== 302) throw new Error(`authorize answered ${res.status}`);
  const code = location(res).searchParams.get('code');
  if (!code) throw new Error(`no code in ${res.headers.get('location')}`);
  return code;
}

/** A code exchange answered in JSON: the token reply, or GitHub's error. */
export async function exchange(app: OAuthApp, fields: Record<string, string>): Promise<Record<string, string | number>> {
  return (await (await app.request(TOKEN, formPost(fields, JSON_ACCEPT))).json()) as Record<string, string | number>;
}

/** A fresh access token of the CI bot for octocat, with `scope`. */
export async function tokenFor(app: OAuthApp, scope = 'read:user'): Promise<string> {
  return String((await exchange(app, exchangeBody(CI_BOT, await codeFor(app, CI_BOT, { scope })))).access_token);
}

export function exchangeBody(client: OAuthClient, code: string, extra: Record<string, string> = {}): Record<string, string> {
  return { client_id: client.clientId, client_secret: client.clientSecret, code, redirect_uri: CALLBACK, ...extra };
}

export { CI_BOT, GITHUB_APP, GITHUB_BOT };

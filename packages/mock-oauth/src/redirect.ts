import type { OAuthClient } from './fixtures.ts';

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * GitHub's redirect_uri rule: same scheme, host and port as a registered callback URL, and a path equal to
 * or below the callback's path. For loopback hosts the port may differ (native and CLI apps). A candidate with a
 * fragment is never allowed (RFC 6749 §3.1.2, https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2).
 */
export function callbackAllows(registered: string, candidate: string): boolean {
  // A redirection endpoint URI must not include a fragment (RFC 6749 §3.1.2): refused, even an empty `#`.
  if (typeof candidate !== 'string' || candidate.includes('#')) return false;
  let r: URL;
  let u: URL;
  try {
    r = new URL(registered);
    u = new URL(candidate);
  } catch {
    return false;
  }
  if (r.protocol !== u.protocol || r.hostname !== u.hostname) return false;
  if (r.port !== u.port && !LOOPBACK.has(r.hostname)) return false;
  const base = r.pathname.replace(/\/$/, '');
  return u.pathname === base || u.pathname.startsWith(`${base}/`);
}

export function redirectAllowed(app: OAuthClient, candidate: string): boolean {
  return app.callbackUrls.some((r) => callbackAllows(r, candidate));
}

/** `target` with `params` added to its query (undefined values left out). */
export function withParams(target: string, params: Record<string, string | undefined>): string {
  const url = new URL(target);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.append(k, v);
  return url.toString();
}

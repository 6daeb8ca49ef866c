import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * Who may drive a twin's admin API. Bound to loopback, the admin API stays open to the developer's own
 * tools but refuses a `Host` that is not the twin's own address (DNS rebinding) and browser requests from
 * another origin (a web page the developer visits). Bound to any other address it requires a token.
 */
export interface AdminGuard {
  /** Required on every admin call (`Authorization: Bearer …` or `x-doppel-admin-token`) when set. */
  token?: string;
  /** `host:port` values the Host header may have; any when undefined (in-process). */
  hosts?: Set<string>;
  /** Browser origins allowed besides the twin's own (the QA console's). */
  origins?: Set<string>;
}

export const ADMIN_TOKEN_HEADER = 'x-doppel-admin-token';

/** 127.0.0.0/8, ::1 and `localhost`: addresses nobody else can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (h.startsWith('::ffff:')) return isLoopback(h.slice(7));
  return isIP(h) === 4 && h.startsWith('127.');
}

/** The Host values a loopback-bound twin answers to. */
export function loopbackHosts(host: string, port: number): Set<string> {
  const shown = host.includes(':') ? `[${host}]` : host;
  return new Set([`${shown}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].map((h) => h.toLowerCase()));
}

export const generateAdminToken = (): string => randomBytes(24).toString('base64url');

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Why this admin request is refused (status, code, message), or undefined when it may pass. `header` reads a
 * request header by lower-case name: a twin passes Hono's, the QA console's proxy Node's.
 */
export function refuseAdmin(header: (name: string) => string | undefined, guard: AdminGuard): [401 | 403, string, string] | undefined {
  const host = (header('host') ?? '').toLowerCase();
  if (guard.hosts && !guard.hosts.has(host)) {
    return [403, 'forbidden_host', `the admin API answers only to ${[...guard.hosts].join(', ')}, not Host ${host || '(none)'}`];
  }
  const origin = header('origin');
  if (origin !== undefined && origin !== 'null') {
    const own = origin.toLowerCase() === `http://${host}` || origin.toLowerCase() === `https://${host}`;
    if (!own && !guard.origins?.has(origin.toLowerCase())) {
      return [403, 'forbidden_origin', `the admin API refuses browser requests from ${origin}`];
    }
  } else {
    const site = header('sec-fetch-site');
    if (origin === 'null' || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
      return [403, 'forbidden_origin', 'the admin API refuses browser requests from another site'];
    }
  }
  if (guard.token !== undefined) {
    const bearer = /^Bearer\s+(.+)$/i.exec(header('authorization') ?? '')?.[1];
    const presented = header(ADMIN_TOKEN_HEADER) ?? bearer;
    if (presented === undefined || !sameSecret(presented, guard.token)) {
      return [401, 'admin_token_required', `this twin's admin API needs its token (Authorization: Bearer … or ${ADMIN_TOKEN_HEADER})`];
    }
  }
  return undefined;
}

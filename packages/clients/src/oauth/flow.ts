import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GitHubUser, OAuthClient, OAuthError } from './client.ts';
import type { Service, ServiceStorage } from './service.ts';

export interface Bot {
  id: string;
}
export interface Group {
  id: string;
}

export interface OAuthFlowOptions {
  client: OAuthClient;
  store: ServiceStorage;
  /** The HMAC key that signs `state`; keep it secret and stable across restarts. */
  stateSecret: string;
  /** The `services.name` value; default `GitHub` (as in the doc). */
  serviceName?: string;
  /** Default `read:user` (as in the doc). */
  scope?: string;
  /** How long an auth link stays valid; default 1 hour. */
  stateMaxAgeMs?: number;
  now?: () => number;
}

/** What the library answers about a call through the stored token. */
export type ApiOutcome<T> =
  | { status: 'ok'; data: T; service: Service }
  /** No service row, or a row without a token: send this link. */
  | { status: 'not_connected'; link: string }
  /** The provider refused the stored token (401): it was cleared; send this link to re-authorize. */
  | { status: 'reauth_needed'; link: string; error: OAuthError }
  /** Any other failure; the token is kept. */
  | { status: 'error'; error: OAuthError };

export type CallbackOutcome =
  | { ok: true; service: Service; created: boolean }
  | {
      ok: false;
      /**
       * `state`: missing, forged or expired; `denied`: the user cancelled or the provider refused;
       * `exchange`: the code exchange failed.
       */
      reason: 'state' | 'denied' | 'exchange';
      message: string;
      error?: OAuthError;
    };

interface StatePayload {
  g: string;
  b: string;
  u?: string;
  t: number;
}

export function createOAuthFlow(options: OAuthFlowOptions) {
  const name = options.serviceName ?? 'GitHub';
  const scope = options.scope ?? 'read:user';
  const maxAge = options.stateMaxAgeMs ?? 60 * 60 * 1000;
  const now = options.now ?? Date.now;
  const { client, store } = options;

  const sign = (payload: string) => createHmac('sha256', options.stateSecret).update(payload).digest('base64url');

  /** `state` = base64url(JSON {group, bot, user, time}) + "." + HMAC-SHA256: it carries the doc's group and bot, unforgeably. */
  function makeState(bot: Bot, group: Group, userId?: string): string {
    const payload = Buffer.from(
      JSON.stringify({ g: group.id, b: bot.id, ...(userId && { u: userId }), t: now() } satisfies StatePayload),
    ).toString('base64url');
    return `${payload}.${sign(payload)}`;
  }

  function readState(state: string | undefined): StatePayload | string {
    if (!state) return 'missing state';
    const [payload, mac, extra] = state.split('.');
    if (!payload || !mac || extra !== undefined) return 'malformed state';
    const want = Buffer.from(sign(payload));
    const got = Buffer.from(mac);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return 'forged state (bad signature)';
    let p: StatePayload;
    try {
      p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as StatePayload;
    } catch {
      return 'malformed state';
    }
    if (typeof p.g !== 'string' || typeof p.b !== 'string' || typeof p.t !== 'number') return 'malformed state';
    if (now() - p.t > maxAge) return 'expired state';
    return p;
  }

  /** Step 1: the link to send to the group. */
  function authLink(bot: Bot, group: Group, extra: { userId?: string; autoApprove?: boolean } = {}): string {
    return client.authorizeUrl({
      scope,
      state: makeState(bot, group, extra.userId),
      ...(extra.autoApprove !== undefined && { autoApprove: extra.autoApprove }),
    });
  }

  /** The doc's findService(bot, group). */
  function findService(bot: Bot, group: Group): Service | null {
    return store.find(name, bot.id, group.id);
  }

  /** Step 2: the redirect back. A refused state or a failed exchange never touches the stored row. */
  async function handleCallback(query: Record<string, string | undefined>): Promise<CallbackOutcome> {
    const st = readState(query.state);
    if (typeof st === 'string') return { ok: false, reason: 'state', message: st };
    if (query.error) return { ok: false, reason: 'denied', message: query.error_description ?? query.error };
    if (!query.code) return { ok: false, reason: 'exchange', message: 'no code in the callback' };
    const r = await client.exchangeCode({ code: query.code });
    if (r.error) return { ok: false, reason: 'exchange', message: r.error.message, error: r.error };
    const before = store.find(name, st.b, st.g);
    const t = r.data;
    const service = store.upsert({
      name,
      botId: st.b,
      groupId: st.g,
      userId: st.u ?? null,
      data: {
        ...before?.data,
        accessToken: t.accessToken,
        scope: t.scope,
        ...(t.refreshToken && { refreshToken: t.refreshToken }),
        ...(t.expiresIn && { expiresAt: new Date(now() + t.expiresIn * 1000).toISOString() }),
      },
    });
    return { ok: true, service, created: before === null };
  }

  /** Step 3: call the provider with the stored token; a 401 clears it and asks for a new authorization. */
  async function withService<T>(
    bot: Bot,
    group: Group,
    call: (accessToken: string) => Promise<{ data?: T; error?: OAuthError }>,
  ): Promise<ApiOutcome<T>> {
    const service = findService(bot, group);
    const token = service?.data.accessToken;
    if (!service || !token) return { status: 'not_connected', link: authLink(bot, group) };
    const r = await call(token);
    if (r.error) {
      if (r.error.status === 401) {
        store.clearToken(service.id);
        return { status: 'reauth_needed', link: authLink(bot, group), error: r.error };
      }
      return { status: 'error', error: r.error };
    }
    return { status: 'ok', data: r.data as T, service };
  }

  return {
    authLink,
    findService,
    handleCallback,
    withService,
    /** The doc's step 3 example: the GitHub profile through the stored token. */
    getUser: (bot: Bot, group: Group) => withService<GitHubUser>(bot, group, (token) => client.getUser(token)),
    /** A node:http handler for the callback path: the doc's "Please close this page". */
    callbackHandler(path = '/github/oauth') {
      return async (req: IncomingMessage, res: ServerResponse) => {
        const url = new URL(req.url ?? '/', 'http://callback.local');
        if (url.pathname !== path) {
          res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found');
          return;
        }
        const outcome = await handleCallback(Object.fromEntries(url.searchParams));
        if (outcome.ok) {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<p id="result">Please close this page</p>');
        } else {
          res
            .writeHead(400, { 'content-type': 'text/html; charset=utf-8' })
            .end(`<p id="result">Authorization failed (${outcome.reason}): ${outcome.message.replace(/[<&>]/g, '')}</p>`);
        }
      };
    },
  };
}

export type OAuthFlow = ReturnType<typeof createOAuthFlow>;

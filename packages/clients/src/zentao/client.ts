import { createHash } from 'node:crypto';
import type { components } from '../generated/zentao.ts';
import { type BaseOptions, joinUrl, readBody, resolveFetch, type Result } from '../http.ts';

export type Notification = components['schemas']['Notification'];
export type ChatMessage = components['schemas']['ChatMessage'];
export type Action = components['schemas']['Action'];
export type Sender = components['schemas']['Sender'];

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/** PHP's urlencode (spaces as +), so the string we sign is the one ZenTao rebuilds. */
export function phpUrlencode(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*~]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Build `q` in the given order, encoded like http_build_query. */
export function buildQuery(params: [string, string][]): string {
  return params.map(([k, v]) => `${phpUrlencode(k)}=${phpUrlencode(v)}`).join('&');
}

/** `md5(md5(q) + key)`; the key is used in lower case, as ZenTao requires. */
export const signQuery = (q: string, key: string) => md5(md5(q) + key.toLowerCase());
/** `md5(code + key + time)`, the time variant. */
export const signTime = (code: string, key: string, time: string) => md5(code + key.toLowerCase() + time);

/** ZenTao's entry errcodes, by errmsg-independent name. */
const ENTRY_NAMES: Record<number, string[]> = {
  401: ['PARAM_CODE_MISSING', 'PARAM_TOKEN_MISSING', 'EMPTY_KEY', 'INVALID_TOKEN'],
  403: ['IP_DENIED', 'ACCOUNT_UNBOUND'],
  404: ['EMPTY_ENTRY'],
  405: ['CALLED_TIME'],
  406: ['INVALID_ACCOUNT'],
  407: ['ERROR_TIMESTAMP'],
};

/** Any answer that is not `result: success`. */
export class ZentaoError extends Error {
  constructor(
    /** `entry`: the signature/app check refused the call; `fail`: the method failed; `http`: not ZenTao's JSON at all. */
    readonly kind: 'entry' | 'fail' | 'http',
    message: string,
    readonly status: number,
    /** `entry` errors: ZenTao's errcode (401, 403, 404, 405, 406, 407). */
    readonly errcode?: number,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ZentaoError';
  }

  /** The errcode's possible check names (e.g. 401 → PARAM_CODE_MISSING … INVALID_TOKEN). */
  get candidates(): string[] {
    return this.errcode ? (ENTRY_NAMES[this.errcode] ?? []) : [];
  }
}

export interface ZentaoClientOptions extends BaseOptions {
  /** The app code (应用代号). */
  code: string;
  /** The app key (应用密钥). */
  key: string;
  /**
   * `query` (default): md5(md5(q) + key). `time`: adds a 10-digit time and signs md5(code + key + time).
   * `none`: no token, for ZenTao versions that let a session validated once skip it.
   */
  signing?: 'query' | 'time' | 'none';
  /** Milliseconds since the epoch, for `time` signing. */
  now?: () => number;
  /** Path of the entry script under baseUrl; default `/api.php`. */
  entry?: string;
}

/** `data` that PHP encoded as `[]` when empty becomes `{}`. */
const asMap = (d: unknown): Record<string, string> => (Array.isArray(d) ? {} : ((d ?? {}) as Record<string, string>));

export function createZentaoClient(options: ZentaoClientOptions) {
  const doFetch = resolveFetch(options.fetch);
  const entry = options.entry ?? '/api.php';
  const now = options.now ?? Date.now;

  /** The signed URL for method `f`, with `params` between f and code (the order ZenTao's doc uses). */
  function url(f: string, params: [string, string][] = []): string {
    const list: [string, string][] = [['m', 'im'], ['f', f], ...params, ['code', options.code]];
    let token: string;
    if (options.signing === 'none') {
      return joinUrl(options.baseUrl, `${entry}?${buildQuery(list)}`);
    }
    if (options.signing === 'time') {
      const time = String(Math.floor(now() / 1000));
      list.push(['time', time]);
      token = signTime(options.code, options.key, time);
    } else {
      token = signQuery(buildQuery(list), options.key);
    }
    return joinUrl(options.baseUrl, `${entry}?${buildQuery([...list, ['token', token]])}`);
  }

  async function call<T>(request: Request, pick: (body: Record<string, unknown>) => T): Promise<Result<T, ZentaoError>> {
    const response = await doFetch(request);
    const body = await readBody(response.clone());
    if (!body || typeof body !== 'object') {
      return { error: new ZentaoError('http', `ZenTao answered HTTP ${response.status} without JSON`, response.status, undefined, body), response };
    }
    const b = body as Record<string, unknown>;
    if (typeof b.errcode === 'number') {
      return { error: new ZentaoError('entry', String(b.errmsg ?? ''), response.status, b.errcode, b), response };
    }
    if (b.result !== 'success') {
      return { error: new ZentaoError('fail', String(b.message ?? b.error ?? 'ZenTao reported a failure'), response.status, undefined, b), response };
    }
    return { data: pick(b), response };
  }

  const send = (f: string, message: object) =>
    call(
      new Request(url(f), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) }),
      () => true as const,
    );

  return {
    url,
    /** gid → name of every live group chat. */
    getGroupChats: () => call(new Request(url('getGroupChats')), (b) => asMap(b.data)),
    /** userId → realname of one chat's members, or of any chat's members without `gid`. */
    getChatUsers: (gid?: string) =>
      call(new Request(url('getChatUsers', gid === undefined ? [] : [['gid', gid]])), (b) => asMap(b.data)),
    /** Push a notification to users (ids or accounts). */
    sendNotification: (notification: Notification) => send('sendNotification', notification),
    /** Push a message to a group chat. */
    sendChatMessage: (message: ChatMessage) => send('sendChatMessage', message),
  };
}

export type ZentaoClient = ReturnType<typeof createZentaoClient>;

import { createHash } from 'node:crypto';
import { createFinalURL, defaultPathSerializer, removeTrailingSlash } from 'openapi-fetch';
import type { components, operations, paths } from '../generated/zentao.ts';
import { type BaseOptions, openapi, settle } from '../http.ts';

export type Notification = components['schemas']['Notification'];
export type ChatMessage = components['schemas']['ChatMessage'];

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/** PHP's urlencode (spaces as +), so the string we sign is the one ZenTao rebuilds. */
function phpUrlencode(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*~]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** PHP's http_build_query: `k=v` in the object's order, PHP-encoded; null and undefined left out, as PHP leaves out null. */
export function buildQuery(query: Record<string, unknown>): string {
  let q = '';
  for (const k in query) {
    const v = query[k];
    if (v == null) continue;
    q += `${q === '' ? '' : '&'}${phpUrlencode(k)}=${phpUrlencode(String(v))}`;
  }
  return q;
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

type Query = operations['callGet']['parameters']['query'];
type Method = Query['f'];
type MapResult = components['schemas']['MapResult'];

/** `data` that PHP encoded as `[]` when empty becomes `{}`. */
const asMap = (b: MapResult): Record<string, string> => (Array.isArray(b.data) ? {} : (b.data ?? {}));
const sent = () => true as const;

/** Any answer that is not `result: success` is a ZentaoError, whatever its HTTP status (ZenTao answers 200). */
function judge(body: unknown, response: Response): ZentaoError | undefined {
  const { status } = response;
  if (!body || typeof body !== 'object') {
    return new ZentaoError('http', `ZenTao answered HTTP ${status} without JSON`, status, undefined, body);
  }
  const b = body as Record<string, unknown>;
  if (typeof b.errcode === 'number') return new ZentaoError('entry', String(b.errmsg ?? ''), status, b.errcode, b);
  if (b.result !== 'success') {
    return new ZentaoError('fail', String(b.message ?? b.error ?? 'ZenTao reported a failure'), status, undefined, b);
  }
  return undefined;
}

export function createZentaoClient(options: ZentaoClientOptions) {
  const { code, key } = options;
  const now = options.now ?? Date.now;
  // The spec's path; an install may serve the entry script elsewhere (a sub-directory, another name).
  const entry = (options.entry ?? '/api.php') as '/api.php';

  /**
   * The query as ZenTao rebuilds it to check the token: m, f, the method's parameters, code (the order of the
   * object), then `time` and `token`, encoded as PHP does. openapi-fetch calls it for every request.
   */
  function signed(query: Record<string, unknown>): string {
    const q = buildQuery(query);
    if (options.signing === 'none') return q;
    if (options.signing === 'time') {
      const time = String(Math.floor(now() / 1000));
      return `${q}&time=${time}&token=${signTime(code, key, time)}`;
    }
    return `${q}&token=${signQuery(q, key)}`;
  }

  const api = openapi<paths>(options, { querySerializer: signed });
  // `token` (and `time`) are added by `signed`, so the query a call builds has neither.
  const query = (f: Method, gid?: string) => ({ m: 'im', f, gid, code }) as Query;
  const read = (f: 'getGroupChats' | 'getChatUsers', gid?: string) =>
    settle(api.GET(entry, { params: { query: query(f, gid) }, parseAs: 'text' }), judge, asMap);
  const send = (f: 'sendNotification' | 'sendChatMessage', message: Notification | ChatMessage) =>
    settle(api.POST(entry, { params: { query: query(f) }, body: message, parseAs: 'text' }), judge, sent);

  return {
    /** The signed URL for method `f`, with `params` between f and code (the order ZenTao's doc uses). */
    url(f: string, params: [string, string][] = []): string {
      const q = { m: 'im', f, ...Object.fromEntries(params), code };
      return createFinalURL(entry, {
        baseUrl: removeTrailingSlash(options.baseUrl),
        params: { query: q },
        querySerializer: signed,
        pathSerializer: defaultPathSerializer,
      });
    },
    /** gid → name of every live group chat. */
    getGroupChats: () => read('getGroupChats'),
    /** userId → realname of one chat's members, or of any chat's members without `gid`. */
    getChatUsers: (gid?: string) => read('getChatUsers', gid),
    /** Push a notification to users (ids or accounts). */
    sendNotification: (notification: Notification) => send('sendNotification', notification),
    /** Push a message to a group chat. */
    sendChatMessage: (message: ChatMessage) => send('sendChatMessage', message),
  };
}

export type ZentaoClient = ReturnType<typeof createZentaoClient>;

import type { Middleware } from 'openapi-fetch';
import type { components, paths } from '../generated/dingtalk.ts';
import { type Answer, type BaseOptions, openapi, parseBody, type Result, settle } from '../http.ts';

type S = components['schemas'];
export type ConnectorType = S['ConnectorType'];
export type IntegrationType = S['IntegrationType'];
export type Connector = S['Connector'];
export type ConnectorPage = S['ConnectorPage'];
export type ConnectAction = S['Action'];
export type ActionPage = S['ActionPage'];
export type ActionDetail = S['ActionDetail'];
export type InstanceResponse = S['InstanceResponse'];
export type InvokeResponse = S['InvokeResponse'];
type GatewayErrorBody = S['GatewayError'];

export const TOKEN_HEADER = 'x-acs-dingtalk-access-token';

/**
 * Anything that is not a success.
 * - `gateway`: the new gateway's 4xx `{code, requestid, message}` (InvalidAuthentication, 4001, 4003, 4004, …)
 * - `legacy`: `/gettoken` answered a non-zero errcode (HTTP 200)
 * - `action`: the invoked action failed: HTTP 200 with a non-zero errorCode
 * - `http`: not DingTalk's JSON at all
 * - `config`: thrown by createDingTalkClient when no usable credential is configured
 */
export class DingTalkError extends Error {
  constructor(
    readonly kind: 'gateway' | 'legacy' | 'action' | 'http' | 'config',
    /** The platform's code: `4003`, `InvalidAuthentication`, `40089`, the action's errorCode … */
    readonly code: string,
    message: string,
    readonly status: number,
    /** `requestid` of the body (x-acs-request-id). */
    readonly requestId?: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'DingTalkError';
  }

  /** 4001: a parameter error. */
  get isParameterError(): boolean {
    return this.code === '4001';
  }
  /** 4003: the organisation has not authorized (or revoked) the asset for this app. */
  get isNotAuthorized(): boolean {
    return this.code === '4003';
  }
  /** 4004: the connect asset or the instance does not exist. */
  get isNotFound(): boolean {
    return this.code === '4004';
  }
}

export interface DingTalkClientOptions extends BaseOptions {
  /** Self-built app pair. When both pairs are configured, this one wins (the vendor doc's rule). */
  appKey?: string;
  appSecret?: string;
  /** Third-party suite pair, with the ticket and the organisation it acts in. */
  suiteKey?: string;
  suiteSecret?: string;
  suiteTicket?: string;
  /** The organisation a suite acts in (`authCorpId`). */
  corpId?: string;
  /** A token obtained elsewhere: used as is, never refreshed. */
  accessToken?: string;
  /** Self-built apps: `v1` (POST /v1.0/oauth2/accessToken, default) or `legacy` (GET /gettoken, as the vendor sample). */
  tokenEndpoint?: 'v1' | 'legacy';
  /** Refresh this many seconds before the token expires; default 300. */
  refreshMarginSeconds?: number;
  /** Milliseconds since the epoch (for the token cache); default Date.now. */
  now?: () => number;
}

export type AuthMode = 'self_built' | 'suite' | 'static';

/** Which pair the client uses: the self-built pair when both are configured, as the vendor doc says. */
function authModeOf(o: DingTalkClientOptions): AuthMode | undefined {
  if (o.appKey && o.appSecret) return 'self_built';
  if (o.suiteKey && o.suiteSecret) return 'suite';
  if (o.accessToken) return 'static';
  return undefined;
}

export interface SearchActionsInput {
  connectorId: string;
  connectorProviderCorpId: string;
  /** Default `['basic']`, as the vendor sample sends. */
  integrationTypes?: IntegrationType[];
  nextToken?: string;
  maxResults?: number;
}

export interface InstanceRef {
  connectAssetUri: string;
  instanceKey: string;
}

export interface InvokeInput extends InstanceRef {
  /** The input object (sent as `inputJsonString`); absent sends null. */
  input?: unknown;
  /** Or the JSON text as is (wins over `input`). */
  inputJsonString?: string | null;
}

export type InvokeResult = InvokeResponse & { output: unknown };

type ApiResult<T> = Result<T, DingTalkError>;

/** A refusal of the gateway (`{code, requestid, message}`), or `http` when the body is not that. */
function gatewayError(body: unknown, status: number): DingTalkError {
  const b = (body && typeof body === 'object' ? body : {}) as Partial<GatewayErrorBody>;
  if (typeof b.code === 'string') return new DingTalkError('gateway', b.code, String(b.message ?? b.code), status, b.requestid, body);
  return new DingTalkError('http', `HTTP ${status}`, `DingTalk answered HTTP ${status} without its error body`, status, undefined, body);
}

/** `/gettoken` answers its errors with HTTP 200 and a non-zero errcode. */
function legacyError(body: unknown, status: number): DingTalkError | undefined {
  const b = body as Partial<S['LegacyTokenResponse']> | undefined;
  if (b?.errcode === 0 && b.access_token) return undefined;
  return new DingTalkError('legacy', String(b?.errcode ?? ''), String(b?.errmsg ?? 'gettoken failed'), status, undefined, body);
}

/**
 * What the token middleware answers in place of a connector call when it could get no token: the token call's
 * failure, which `judge` hands back as the call's error.
 */
class NoToken extends Response {
  constructor(readonly failure: { error: DingTalkError; response: Response }) {
    super(null, { status: failure.response.status, headers: failure.response.headers });
  }
}

/** A connector call's error: the token's failure, or the gateway's refusal. */
const judge = (body: unknown, response: Response) =>
  response instanceof NoToken ? response.failure.error : response.ok ? undefined : gatewayError(body, response.status);

/** An invocation's error: as any call's, or a business failure (HTTP 200, errorCode ≠ "0"). */
function invokeJudge(body: unknown, response: Response): DingTalkError | undefined {
  const error = judge(body, response);
  const b = body as Partial<InvokeResponse> | undefined;
  if (error || b?.errorCode === '0') return error;
  const requestId = response.headers.get('x-acs-request-id') ?? undefined;
  return new DingTalkError('action', b?.errorCode ?? '', b?.errorMessage ?? '', response.status, requestId, body);
}

/** The invocation with its `outputJson` parsed (the text as it is when it is not JSON). */
function withOutput(r: InvokeResponse): InvokeResult {
  let output: unknown;
  try {
    output = JSON.parse(r.outputJson);
  } catch {
    output = r.outputJson;
  }
  return { ...r, output };
}

const refused = (body: unknown, response: Response) => (response.ok ? undefined : gatewayError(body, response.status));
const legacyJudge = (body: unknown, response: Response) => refused(body, response) ?? legacyError(body, response.status);
const fromV1 = (b: S['AccessTokenResponse']) => ({ token: b.accessToken, expireIn: b.expireIn });
const fromLegacy = (b: S['LegacyTokenResponse']) => ({ token: b.access_token!, expireIn: b.expires_in ?? 7200 });
const text = { parseAs: 'text' } as const;

/**
 * A Request that keeps the body it was made with: openapi-fetch builds every request through it, so the token
 * middleware can send a call again after its first send consumed the body, without cloning every request.
 */
class Resendable extends Request {
  readonly sentBody: BodyInit | null | undefined;
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(input, init);
    this.sentBody = init?.body;
  }
}

export function createDingTalkClient(options: DingTalkClientOptions) {
  const now = options.now ?? Date.now;
  const margin = (options.refreshMarginSeconds ?? 300) * 1000;
  const mode = authModeOf(options);
  if (!mode) {
    throw new DingTalkError(
      'config',
      'config',
      'configure appKey/appSecret, suiteKey/suiteSecret (+ suiteTicket, corpId), or accessToken',
      0,
    );
  }
  if (mode === 'suite' && (!options.suiteTicket || !options.corpId)) {
    throw new DingTalkError('config', 'config', 'a suite needs suiteTicket and corpId (the authCorpId) too', 0);
  }
  const headers = { accept: 'application/json' };
  /** The token endpoints. */
  const oauth = openapi<paths>(options, { headers });
  /** The connector API: a static token is one more header; otherwise the token middleware below sets it. */
  const api =
    mode === 'static'
      ? openapi<paths>(options, { headers: { ...headers, [TOKEN_HEADER]: options.accessToken! } })
      : openapi<paths>(options, { headers, Request: Resendable });
  let cached: { token: string; expiresAt: number } | undefined;

  function fetchToken(): Promise<ApiResult<{ token: string; expireIn: number }>> {
    if (mode === 'self_built' && options.tokenEndpoint === 'legacy') {
      const query = { appkey: options.appKey!, appsecret: options.appSecret! };
      return settle(oauth.GET('/gettoken', { params: { query }, ...text }), legacyJudge, fromLegacy);
    }
    if (mode === 'self_built') {
      const body = { appKey: options.appKey!, appSecret: options.appSecret! };
      return settle(oauth.POST('/v1.0/oauth2/accessToken', { body, ...text }), refused, fromV1);
    }
    const { suiteKey, suiteSecret, corpId, suiteTicket } = options;
    const body = { suiteKey: suiteKey!, suiteSecret: suiteSecret!, authCorpId: corpId!, suiteTicket: suiteTicket! };
    return settle(oauth.POST('/v1.0/oauth2/corpAccessToken', { body, ...text }), refused, fromV1);
  }

  /** The cached token while it has more than `refreshMarginSeconds` to live. */
  const fresh = () => (cached && now() < cached.expiresAt - margin ? cached.token : undefined);

  /** A new token, cached. */
  async function renew(): Promise<ApiResult<string>> {
    const r = await fetchToken();
    if (r.error) return r;
    cached = { token: r.data.token, expiresAt: now() + r.data.expireIn * 1000 };
    return { data: cached.token, response: r.response };
  }

  /**
   * The token cache and refresh, as openapi-fetch middleware: every call carries the cached token (fetched when
   * missing or about to expire); an InvalidAuthentication answer fetches a new one and sends the call once more.
   */
  const tokens: Middleware = {
    async onRequest({ request }) {
      let token = fresh();
      if (token === undefined) {
        const r = await renew();
        if (r.error) return new NoToken(r);
        token = r.data;
      }
      request.headers.set(TOKEN_HEADER, token);
      return undefined;
    },
    async onResponse({ request, response, options: { fetch } }) {
      if (response.ok) return undefined;
      // Only refusals are read here (the gateway names the code in the body alone); a copy goes on to openapi-fetch.
      const raw = await response.text();
      if ((parseBody(raw) as { code?: unknown } | undefined)?.code !== 'InvalidAuthentication') return new Response(raw, response);
      const r = await renew();
      if (r.error) return new NoToken(r);
      const again = new Request(request, { body: (request as Resendable).sentBody });
      again.headers.set(TOKEN_HEADER, r.data);
      return fetch(again);
    },
  };
  if (mode !== 'static') api.use(tokens);

  const call = <T>(pending: Promise<Answer>) => settle<T, DingTalkError>(pending, judge);

  const searchConnectors = (input: { type: ConnectorType; nextToken?: string; maxResults?: number }) =>
    call<ConnectorPage>(api.GET('/v1.0/connector/assets/connectors', { params: { query: input }, ...text }));

  const searchActions = (input: SearchActionsInput) =>
    call<ActionPage>(api.POST('/v1.0/connector/assets/actions/search', { body: { integrationTypes: ['basic'], ...input }, ...text }));

  /** Walk nextToken until hasMore is false; every item once, in the platform's order. */
  async function collect<T>(
    fetchPage: (nextToken: string | undefined) => Promise<ApiResult<{ list: T[]; hasMore: boolean; nextToken?: string }>>,
  ) {
    const items: T[] = [];
    let next: string | undefined;
    for (;;) {
      const r = await fetchPage(next);
      if (r.error) return r;
      items.push(...r.data.list);
      if (!r.data.hasMore || !r.data.nextToken) return { data: items, response: r.response } as ApiResult<T[]>;
      next = r.data.nextToken;
    }
  }

  return {
    /** `self_built` when the app pair is set (it wins over a suite pair), `suite`, or `static`. */
    mode,
    /** The access token: the static one, the cached one, or a new one when it is missing or about to expire. */
    async getAccessToken(): Promise<ApiResult<string>> {
      const token = mode === 'static' ? options.accessToken : fresh();
      return token === undefined ? renew() : { data: token, response: new Response(null, { status: 200 }) };
    },
    /** Forget the cached token (the next call fetches a new one). */
    clearToken: () => {
      cached = undefined;
    },
    searchConnectors,
    /** Every connector of a type the caller may use (all pages). */
    listAllConnectors: (type: ConnectorType, pageSize?: number) =>
      collect<Connector>((nextToken) =>
        searchConnectors({ type, ...(nextToken && { nextToken }), ...(pageSize && { maxResults: pageSize }) }),
      ),
    searchActions,
    /** Every action of a connector (all pages). */
    listAllActions: (input: Omit<SearchActionsInput, 'nextToken'>) =>
      collect<ConnectAction>((nextToken) => searchActions({ ...input, ...(nextToken && { nextToken }) })),
    getActionDetail: (connectAssetUri: string) =>
      call<ActionDetail>(api.POST('/v1.0/connector/assets/actions/details/query', { body: { connectAssetUri }, ...text })),
    createInstance: (ref: InstanceRef) => call<InstanceResponse>(api.POST('/v1.0/connector/instances', { body: ref, ...text })),
    deleteInstance: (ref: InstanceRef) =>
      call<{ result: boolean }>(api.DELETE('/v1.0/connector/instances', { params: { query: ref }, ...text })),
    /** Invoke an instance. A business failure (HTTP 200, errorCode ≠ "0") is an `action` error. */
    invoke(input: InvokeInput): Promise<ApiResult<InvokeResult>> {
      const { connectAssetUri, instanceKey } = input;
      const inputJsonString =
        input.inputJsonString !== undefined ? input.inputJsonString : input.input === undefined ? null : JSON.stringify(input.input);
      const body = { connectAssetUri, instanceKey, inputJsonString };
      return settle(api.POST('/v1.0/connector/instances/invoke', { body, ...text }), invokeJudge, withOutput);
    },
  };
}

/** The JSON Schemas of a detail, parsed. */
export function parseSchemas(detail: ActionDetail): { input: unknown; output: unknown } {
  return { input: JSON.parse(detail.inputSchema), output: JSON.parse(detail.outputSchema) };
}

export type DingTalkClient = ReturnType<typeof createDingTalkClient>;

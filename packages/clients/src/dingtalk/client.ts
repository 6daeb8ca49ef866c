import type { components } from '../generated/dingtalk.ts';
import { type BaseOptions, joinUrl, readBody, resolveFetch, type Result } from '../http.ts';

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
export type GatewayErrorBody = S['GatewayError'];

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
export function authModeOf(o: DingTalkClientOptions): AuthMode | undefined {
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

async function toError(response: Response): Promise<DingTalkError> {
  const body = await readBody(response.clone());
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  if (typeof b.code === 'string') {
    return new DingTalkError('gateway', b.code, String(b.message ?? b.code), response.status, b.requestid as string | undefined, body);
  }
  return new DingTalkError('http', `HTTP ${response.status}`, `DingTalk answered HTTP ${response.status} without its error body`, response.status, undefined, body);
}

export function createDingTalkClient(options: DingTalkClientOptions) {
  const doFetch = resolveFetch(options.fetch);
  const now = options.now ?? Date.now;
  const margin = (options.refreshMarginSeconds ?? 300) * 1000;
  const mode = authModeOf(options);
  if (!mode) {
    throw new DingTalkError('config', 'config', 'configure appKey/appSecret, suiteKey/suiteSecret (+ suiteTicket, corpId), or accessToken', 0);
  }
  if (mode === 'suite' && (!options.suiteTicket || !options.corpId)) {
    throw new DingTalkError('config', 'config', 'a suite needs suiteTicket and corpId (the authCorpId) too', 0);
  }
  let cached: { token: string; expiresAt: number } | undefined;

  const json = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    new Request(joinUrl(options.baseUrl, path), {
      method,
      headers: { accept: 'application/json', ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });

  async function fetchToken(): Promise<ApiResult<{ token: string; expireIn: number }>> {
    if (mode === 'self_built' && options.tokenEndpoint === 'legacy') {
      const q = new URLSearchParams({ appkey: options.appKey!, appsecret: options.appSecret! });
      const response = await doFetch(json('GET', `/gettoken?${q}`));
      const b = (await readBody(response.clone())) as { errcode?: number; errmsg?: string; access_token?: string; expires_in?: number };
      if (!response.ok) return { error: await toError(response), response };
      if (b?.errcode !== 0 || !b.access_token) {
        return { error: new DingTalkError('legacy', String(b?.errcode ?? ''), String(b?.errmsg ?? 'gettoken failed'), response.status, undefined, b), response };
      }
      return { data: { token: b.access_token, expireIn: b.expires_in ?? 7200 }, response };
    }
    const response =
      mode === 'self_built'
        ? await doFetch(json('POST', '/v1.0/oauth2/accessToken', { appKey: options.appKey, appSecret: options.appSecret }))
        : await doFetch(
            json('POST', '/v1.0/oauth2/corpAccessToken', {
              suiteKey: options.suiteKey,
              suiteSecret: options.suiteSecret,
              authCorpId: options.corpId,
              suiteTicket: options.suiteTicket,
            }),
          );
    if (!response.ok) return { error: await toError(response), response };
    const b = (await readBody(response.clone())) as S['AccessTokenResponse'];
    return { data: { token: b.accessToken, expireIn: b.expireIn }, response };
  }

  /** The access token: cached, and fetched again `refreshMarginSeconds` before it expires. */
  async function getAccessToken(force = false): Promise<ApiResult<string>> {
    if (mode === 'static') return { data: options.accessToken!, response: new Response(null, { status: 200 }) };
    if (!force && cached && now() < cached.expiresAt - margin) {
      return { data: cached.token, response: new Response(null, { status: 200 }) };
    }
    const r = await fetchToken();
    if (r.error) return r;
    cached = { token: r.data.token, expiresAt: now() + r.data.expireIn * 1000 };
    return { data: cached.token, response: r.response };
  }

  /** A connector API call; an InvalidAuthentication answer drops the cached token and retries once. */
  async function api<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
    for (let attempt = 0; ; attempt++) {
      const token = await getAccessToken(attempt > 0);
      if (token.error) return token;
      const response = await doFetch(json(method, path, body, { [TOKEN_HEADER]: token.data }));
      if (response.ok) return { data: (await readBody(response.clone())) as T, response };
      const error = await toError(response);
      if (error.code === 'InvalidAuthentication' && attempt === 0 && mode !== 'static') continue;
      return { error, response };
    }
  }

  const searchConnectors = (input: { type: ConnectorType; nextToken?: string; maxResults?: number }) => {
    const q = new URLSearchParams({ type: input.type });
    if (input.nextToken !== undefined) q.set('nextToken', input.nextToken);
    if (input.maxResults !== undefined) q.set('maxResults', String(input.maxResults));
    return api<ConnectorPage>('GET', `/v1.0/connector/assets/connectors?${q}`);
  };

  const searchActions = (input: SearchActionsInput) =>
    api<ActionPage>('POST', '/v1.0/connector/assets/actions/search', { integrationTypes: ['basic'], ...input });

  /** Walk nextToken until hasMore is false; every item once, in the platform's order. */
  async function collect<T>(fetchPage: (nextToken: string | undefined) => Promise<ApiResult<{ list: T[]; hasMore: boolean; nextToken?: string }>>) {
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
    getAccessToken: () => getAccessToken(),
    /** Forget the cached token (the next call fetches a new one). */
    clearToken: () => {
      cached = undefined;
    },
    searchConnectors,
    /** Every connector of a type the caller may use (all pages). */
    listAllConnectors: (type: ConnectorType, pageSize?: number) =>
      collect<Connector>((nextToken) => searchConnectors({ type, ...(nextToken && { nextToken }), ...(pageSize && { maxResults: pageSize }) })),
    searchActions,
    /** Every action of a connector (all pages). */
    listAllActions: (input: Omit<SearchActionsInput, 'nextToken'>) =>
      collect<ConnectAction>((nextToken) => searchActions({ ...input, ...(nextToken && { nextToken }) })),
    getActionDetail: (connectAssetUri: string) =>
      api<ActionDetail>('POST', '/v1.0/connector/assets/actions/details/query', { connectAssetUri }),
    createInstance: (ref: InstanceRef) => api<InstanceResponse>('POST', '/v1.0/connector/instances', ref),
    deleteInstance: (ref: InstanceRef) => {
      const q = new URLSearchParams({ connectAssetUri: ref.connectAssetUri, instanceKey: ref.instanceKey });
      return api<{ result: boolean }>('DELETE', `/v1.0/connector/instances?${q}`);
    },
    /** Invoke an instance. A business failure (HTTP 200, errorCode ≠ "0") is an `action` error. */
    async invoke(input: InvokeInput): Promise<ApiResult<InvokeResult>> {
      const inputJsonString = input.inputJsonString !== undefined ? input.inputJsonString : input.input === undefined ? null : JSON.stringify(input.input);
      const r = await api<InvokeResponse>('POST', '/v1.0/connector/instances/invoke', {
        connectAssetUri: input.connectAssetUri,
        instanceKey: input.instanceKey,
        inputJsonString,
      });
      if (r.error) return r;
      if (r.data.errorCode !== '0') {
        const requestId = r.response.headers.get('x-acs-request-id') ?? undefined;
        return { error: new DingTalkError('action', r.data.errorCode, r.data.errorMessage, r.response.status, requestId, r.data), response: r.response };
      }
      let output: unknown;
      try {
        output = JSON.parse(r.data.outputJson);
      } catch {
        output = r.data.outputJson;
      }
      return { data: { ...r.data, output }, response: r.response };
    },
  };
}

/** The JSON Schemas of a detail, parsed. */
export function parseSchemas(detail: ActionDetail): { input: unknown; output: unknown } {
  return { input: JSON.parse(detail.inputSchema), output: JSON.parse(detail.outputSchema) };
}

export type DingTalkClient = ReturnType<typeof createDingTalkClient>;

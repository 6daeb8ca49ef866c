import { createHash, randomBytes } from 'node:crypto';
import { removeTrailingSlash } from 'openapi-fetch';
import type { components, paths } from '../generated/oauth.ts';
import { type BaseOptions, openapi, type Result, settle } from '../http.ts';

export type GitHubUser = components['schemas']['User'];
/** An entry of `GET /user/emails`. */
export type GitHubEmail = components['schemas']['Email'];
/** The token API's answer: GitHub's `authorization` object. */
export type TokenAuthorization = components['schemas']['Authorization'];

/** A token reply, whatever format it came in. */
export interface TokenSet {
  accessToken: string;
  tokenType: string;
  /** Comma-separated, as GitHub reports it ('' for GitHub App user tokens). */
  scope: string;
  /** Seconds; only for expiring user tokens. */
  expiresIn?: number;
  refreshToken?: string;
  refreshTokenExpiresIn?: number;
}

/**
 * Any failure of the OAuth flow. `kind`:
 * - `oauth`: GitHub's error reply (HTTP 200 with `error`; `code` is e.g. bad_verification_code);
 * - `api`: the API host refused (401 Bad credentials, …; `status` says which);
 * - `http`: not GitHub's shape at all.
 */
export class OAuthError extends Error {
  constructor(
    readonly kind: 'oauth' | 'api' | 'http',
    /** GitHub's error code (`bad_verification_code`, …) or, for `api`, its message. */
    readonly code: string,
    message: string,
    readonly status: number,
    readonly body?: unknown,
    readonly uri?: string,
  ) {
    super(message);
    this.name = 'OAuthError';
  }
}

/** The token endpoint's reply format; `form` is GitHub's default. */
export type TokenFormat = 'form' | 'json' | 'xml';

const ACCEPT: Record<TokenFormat, string | undefined> = { form: undefined, json: 'application/json', xml: 'application/xml' };

export interface OAuthClientOptions extends BaseOptions {
  /** The API host (`https://api.github.com`); defaults to `baseUrl` (one twin serves both). */
  apiBaseUrl?: string;
  clientId: string;
  clientSecret: string;
  /** The default redirect_uri of authorize links and code exchanges. */
  redirectUri?: string;
  /** The format to ask the token endpoint for; default `json`. */
  format?: TokenFormat;
  /**
   * How the token endpoint gets the client's credentials: `body` (default; `client_id` and `client_secret` in the
   * body, as the vendor doc posts them) or `basic` (an `Authorization: Basic` header, RFC 6749 §2.3.1).
   */
  clientAuthentication?: 'body' | 'basic';
  /** The `User-Agent` of API requests: GitHub refuses API requests without one (403). Default `doppel-oauth-client`. */
  userAgent?: string;
}

/** `Basic base64(client_id:client_secret)`, each part form-encoded first (RFC 6749 §2.3.1). */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (s: string) => new URLSearchParams({ s }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

export interface AuthorizeParams {
  scope?: string;
  state?: string;
  redirectUri?: string;
  login?: string;
  allowSignup?: boolean;
  /** PKCE: the S256 challenge (see `pkcePair`). */
  codeChallenge?: string;
  /** Twin only: approve without the consent page (true) or force the page (false). */
  autoApprove?: boolean;
}

/** A PKCE verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function xmlFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const unxml = (s: string) =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
  for (const m of text.matchAll(/<([a-z_]+)>([^<]*)<\/\1>/g)) out[m[1]!] = unxml(m[2]!);
  return out;
}

/** Read a token endpoint reply in any of GitHub's three formats into fields. */
function parseTokenReply(contentType: string | null, text: string): Record<string, string> | undefined {
  const type = (contentType ?? '').toLowerCase();
  const trimmed = text.trim();
  if (type.includes('json') || trimmed.startsWith('{')) {
    try {
      const v = JSON.parse(trimmed) as unknown;
      if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)]));
    } catch {
      return undefined;
    }
  }
  if (type.includes('xml') || trimmed.startsWith('<')) return xmlFields(trimmed);
  if (type.includes('x-www-form-urlencoded') || /^[\w.-]+=/.test(trimmed)) return Object.fromEntries(new URLSearchParams(trimmed));
  return undefined;
}

/** `GET /user`'s refusal: `api` with GitHub's message (401 Bad credentials, …), or `http` without one. */
function apiError(body: unknown, status: number): OAuthError {
  const message = body && typeof body === 'object' ? String((body as { message?: unknown }).message ?? '') : '';
  return new OAuthError(message ? 'api' : 'http', message || 'http', message || `HTTP ${status}`, status, body);
}

const userJudge = (body: unknown, response: Response) =>
  response.status === 200 && body && typeof body === 'object' ? undefined : apiError(body, response.status);
const emailsJudge = (body: unknown, response: Response) =>
  response.status === 200 && Array.isArray(body) ? undefined : apiError(body, response.status);
const deletedJudge = (_body: unknown, response: Response) => (response.status === 204 ? undefined : apiError(_body, response.status));

export function createOAuthClient(options: OAuthClientOptions) {
  const api = openapi<paths>(options);
  const apiBaseUrl = options.apiBaseUrl ?? options.baseUrl;
  const accept = ACCEPT[options.format ?? 'json'];
  const basic = basicAuthorization(options.clientId, options.clientSecret);
  /** Headers of every API request (GitHub wants `User-Agent`; its media type is recommended). */
  const apiHeaders = { 'user-agent': options.userAgent ?? 'doppel-oauth-client', accept: 'application/vnd.github+json' };
  /** The token API: the app's Basic credentials, the token in the body. */
  const tokenApi = (accessToken: string) => ({
    baseUrl: apiBaseUrl,
    params: { path: { client_id: options.clientId } },
    headers: { ...apiHeaders, authorization: basic },
    body: { access_token: accessToken },
    parseAs: 'text' as const,
  });

  function authorizeUrl(p: AuthorizeParams = {}): string {
    const q = new URLSearchParams({ client_id: options.clientId });
    const redirectUri = p.redirectUri ?? options.redirectUri;
    if (redirectUri !== undefined) q.set('redirect_uri', redirectUri);
    if (p.scope !== undefined) q.set('scope', p.scope);
    if (p.state !== undefined) q.set('state', p.state);
    if (p.login !== undefined) q.set('login', p.login);
    if (p.allowSignup !== undefined) q.set('allow_signup', String(p.allowSignup));
    if (p.codeChallenge !== undefined) {
      q.set('code_challenge', p.codeChallenge);
      q.set('code_challenge_method', 'S256');
    }
    if (p.autoApprove !== undefined) q.set('doppel_auto_approve', String(p.autoApprove));
    return `${removeTrailingSlash(options.baseUrl)}/login/oauth/authorize?${q}`;
  }

  async function tokenRequest(fields: Record<string, string>): Promise<Result<TokenSet, OAuthError>> {
    // A JSON body, as the vendor doc's sample posts (GitHub and the twin take form bodies too).
    const viaBasic = options.clientAuthentication === 'basic';
    const body = viaBasic ? fields : { client_id: options.clientId, client_secret: options.clientSecret, ...fields };
    const headers = viaBasic ? { accept, authorization: basic } : { accept };
    const answer = await api.POST('/login/oauth/access_token', { body, headers, parseAs: 'text' });
    const { response } = answer;
    // The reply is read in whatever format it came in; openapi-fetch has already parsed a refused JSON one.
    const raw = response.ok ? answer.data : answer.error;
    const text = typeof raw === 'string' ? raw : raw === undefined ? '' : JSON.stringify(raw);
    const f = parseTokenReply(response.headers.get('content-type'), text);
    // GitHub sends its errors with HTTP 200: the body decides, never the status alone.
    if (f?.error) {
      return { error: new OAuthError('oauth', f.error, f.error_description ?? f.error, response.status, f, f.error_uri), response };
    }
    if (!response.ok || !f?.access_token) {
      return {
        error: new OAuthError('http', 'http', `token endpoint answered HTTP ${response.status} without a token`, response.status, text),
        response,
      };
    }
    const set: TokenSet = { accessToken: f.access_token, tokenType: f.token_type ?? 'bearer', scope: f.scope ?? '' };
    if (f.expires_in) set.expiresIn = Number(f.expires_in);
    if (f.refresh_token) set.refreshToken = f.refresh_token;
    if (f.refresh_token_expires_in) set.refreshTokenExpiresIn = Number(f.refresh_token_expires_in);
    return { data: set, response };
  }

  return {
    authorizeUrl,
    /** Exchange a code; GitHub's 200-with-error replies come back as `error`. */
    exchangeCode(p: { code: string; redirectUri?: string; codeVerifier?: string }) {
      const fields: Record<string, string> = { code: p.code };
      const redirectUri = p.redirectUri ?? options.redirectUri;
      if (redirectUri !== undefined) fields.redirect_uri = redirectUri;
      if (p.codeVerifier !== undefined) fields.code_verifier = p.codeVerifier;
      return tokenRequest(fields);
    },
    /** Renew an expiring user token (GitHub Apps). */
    refresh(refreshToken: string) {
      return tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken });
    },
    /** `GET /user` with `Authorization: Bearer` (the query form the vendor doc uses is refused by GitHub). */
    getUser(accessToken: string): Promise<Result<GitHubUser, OAuthError>> {
      const headers = { ...apiHeaders, authorization: `Bearer ${accessToken}` };
      return settle(api.GET('/user', { baseUrl: apiBaseUrl, headers, parseAs: 'text' }), userJudge);
    },
    /** `GET /user/emails`: the token needs the `user:email` (or `user`) scope, else GitHub answers 404. */
    getEmails(accessToken: string): Promise<Result<GitHubEmail[], OAuthError>> {
      const headers = { ...apiHeaders, authorization: `Bearer ${accessToken}` };
      return settle(api.GET('/user/emails', { baseUrl: apiBaseUrl, headers, parseAs: 'text' }), emailsJudge);
    },
    /** Check a token of this app (`POST /applications/{client_id}/token`); an invalid token → 404 (`api` error). */
    checkToken(accessToken: string): Promise<Result<TokenAuthorization, OAuthError>> {
      return settle(api.POST('/applications/{client_id}/token', tokenApi(accessToken)), userJudge);
    },
    /** Reset a token of this app: the answer carries the new token; the old one stops working. */
    resetToken(accessToken: string): Promise<Result<TokenAuthorization, OAuthError>> {
      return settle(api.PATCH('/applications/{client_id}/token', tokenApi(accessToken)), userJudge);
    },
    /** Revoke one token of this app (204). */
    deleteToken(accessToken: string): Promise<Result<true, OAuthError>> {
      return settle(api.DELETE('/applications/{client_id}/token', tokenApi(accessToken)), deletedJudge, () => true as const);
    },
    /** Delete the app's grant for the token's user (204): every token of the app for that user is revoked. */
    deleteGrant(accessToken: string): Promise<Result<true, OAuthError>> {
      return settle(api.DELETE('/applications/{client_id}/grant', tokenApi(accessToken)), deletedJudge, () => true as const);
    },
  };
}

export type OAuthClient = ReturnType<typeof createOAuthClient>;

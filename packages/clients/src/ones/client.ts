import type { components } from '../generated/ones.ts';
import { type BaseOptions, joinUrl, readBody, resolveFetch, type Result } from '../http.ts';

export type OnesUser = components['schemas']['User'];
export type OnesLoginResult = components['schemas']['LoginResult'];
export type OnesTeam = components['schemas']['Team'];
export type OnesProject = components['schemas']['Project'];
export type OnesTask = components['schemas']['Task'];
export type OnesPage = components['schemas']['Page'];
export type OnesErrorBody = components['schemas']['Error'];

/** Any answer that is not 2xx: ONES's `{code, errcode, reason, type}` when it sent one. */
export class OnesError extends Error {
  constructor(
    readonly status: number,
    /** e.g. `AuthFailure.InvalidToken`, `PermissionDenied`, `NotFound.Team`, `PluginError.Timeout`. */
    readonly errcode: string,
    readonly type: string,
    readonly body: unknown,
  ) {
    super(`ONES answered HTTP ${status} ${errcode}`);
    this.name = 'OnesError';
  }
}

export interface OnesCredentials {
  /** Ones-User-Id: the user's uuid. */
  userId: string;
  /** Ones-Auth-Token. */
  token: string;
}

export interface OnesClientOptions extends BaseOptions {
  /** Credentials to start with; `login()` sets them. */
  credentials?: OnesCredentials;
  /** Extra headers on every request (e.g. `Referer`, or `Replace: replace` from inside a plugin). */
  headers?: Record<string, string>;
}

const PROJECT = '/project/api/project';
const WIKI = '/wiki/api/wiki';
const seg = encodeURIComponent;

/** A typed client for the ONES project and wiki APIs the twin serves. */
export function createOnesClient(options: OnesClientOptions) {
  const doFetch = resolveFetch(options.fetch);
  let credentials = options.credentials;

  async function call<T>(method: string, path: string, body?: unknown): Promise<Result<T, OnesError>> {
    const headers: Record<string, string> = { ...options.headers };
    if (credentials) {
      headers['Ones-User-Id'] = credentials.userId;
      headers['Ones-Auth-Token'] = credentials.token;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await doFetch(
      new Request(joinUrl(options.baseUrl, path), { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) }),
    );
    const data = await readBody(response.clone());
    if (!response.ok) {
      const e = (data && typeof data === 'object' ? data : {}) as Partial<OnesErrorBody>;
      return { error: new OnesError(response.status, e.errcode ?? `HTTP${response.status}`, e.type ?? 'http', data), response };
    }
    return { data: data as T, response };
  }

  return {
    /** The credentials requests are sent with. */
    get credentials(): OnesCredentials | undefined {
      return credentials;
    },
    /** Log in by email (or `{ phone }`); the client keeps the returned uuid and token. */
    async login(login: { email: string; password: string } | { phone: string; password: string }) {
      const r = await call<OnesLoginResult>('POST', `${PROJECT}/auth/login`, login);
      if (r.data) credentials = { userId: r.data.user.uuid, token: r.data.user.token };
      return r;
    },
    me: () => call<OnesUser>('GET', `${PROJECT}/users/me`),
    organizationTeams: (orgUUID: string) => call<{ teams: OnesTeam[] }>('GET', `${PROJECT}/organization/${seg(orgUUID)}/teams`),
    teamProjects: (teamUUID: string) => call<{ projects: OnesProject[] }>('GET', `${PROJECT}/team/${seg(teamUUID)}/projects/my_project`),
    task: (teamUUID: string, taskUUID: string) => call<OnesTask>('GET', `${PROJECT}/team/${seg(teamUUID)}/task/${seg(taskUUID)}/info`),
    page: (teamUUID: string, pageUUID: string) => call<OnesPage>('GET', `${WIKI}/team/${seg(teamUUID)}/page/${seg(pageUUID)}`),
    /** Rename a wiki page (ONES answers `{}`). */
    updatePageTitle: (teamUUID: string, pageUUID: string, title: string) =>
      call<Record<string, never>>('POST', `${WIKI}/team/${seg(teamUUID)}/online_page/${seg(pageUUID)}/update_title`, { title }),
    /** Any other ONES call, with the client's credentials. */
    request: call,
  };
}

export type OnesClient = ReturnType<typeof createOnesClient>;

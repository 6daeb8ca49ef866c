import type { components, paths } from '../generated/ones.ts';
import { type Answer, type BaseOptions, openapi, type Result, settle } from '../http.ts';

export type OnesUser = components['schemas']['User'];
export type OnesLoginResult = components['schemas']['LoginResult'];
export type OnesTeam = components['schemas']['Team'];
export type OnesProject = components['schemas']['Project'];
export type OnesTask = components['schemas']['Task'];
export type OnesPage = components['schemas']['Page'];
type OnesErrorBody = components['schemas']['Error'];

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

/** A refusal as OnesError, with ONES's errcode and type when the body carries them. */
function judge(body: unknown, response: Response): OnesError | undefined {
  if (response.ok) return undefined;
  const e = (body && typeof body === 'object' ? body : {}) as Partial<OnesErrorBody>;
  return new OnesError(response.status, e.errcode ?? `HTTP${response.status}`, e.type ?? 'http', body);
}

/** A typed client for the ONES project and wiki APIs the twin serves. */
export function createOnesClient(options: OnesClientOptions) {
  let credentials = options.credentials;
  const api = openapi<paths>(options, { headers: options.headers });
  // The credentials login() obtained go on every request, over any `headers` of the same name.
  api.use({
    onRequest({ request }) {
      if (credentials) {
        request.headers.set('Ones-User-Id', credentials.userId);
        request.headers.set('Ones-Auth-Token', credentials.token);
      }
      return undefined;
    },
  });
  const text = { parseAs: 'text' } as const;
  const call = <T>(pending: Promise<Answer>) => settle<T, OnesError>(pending, judge);

  return {
    /** The credentials requests are sent with. */
    get credentials(): OnesCredentials | undefined {
      return credentials;
    },
    /** Log in by email (or `{ phone }`); the client keeps the returned uuid and token. */
    async login(login: { email: string; password: string } | { phone: string; password: string }) {
      const r = await call<OnesLoginResult>(api.POST('/project/api/project/auth/login', { body: login, ...text }));
      if (r.data) credentials = { userId: r.data.user.uuid, token: r.data.user.token };
      return r;
    },
    me: () => call<OnesUser>(api.GET('/project/api/project/users/me', text)),
    organizationTeams: (orgUUID: string) =>
      call<{ teams: OnesTeam[] }>(api.GET('/project/api/project/organization/{orgUUID}/teams', { params: { path: { orgUUID } }, ...text })),
    teamProjects: (teamUUID: string) =>
      call<{ projects: OnesProject[] }>(
        api.GET('/project/api/project/team/{teamUUID}/projects/my_project', { params: { path: { teamUUID } }, ...text }),
      ),
    task: (teamUUID: string, taskUUID: string) =>
      call<OnesTask>(
        api.GET('/project/api/project/team/{teamUUID}/task/{taskUUID}/info', { params: { path: { teamUUID, taskUUID } }, ...text }),
      ),
    page: (teamUUID: string, pageUUID: string) =>
      call<OnesPage>(api.GET('/wiki/api/wiki/team/{teamUUID}/page/{pageUUID}', { params: { path: { teamUUID, pageUUID } }, ...text })),
    /** Rename a wiki page (ONES answers `{}`). */
    updatePageTitle: (teamUUID: string, pageUUID: string, title: string) =>
      call<Record<string, never>>(
        api.POST('/wiki/api/wiki/team/{teamUUID}/online_page/{pageUUID}/update_title', {
          params: { path: { teamUUID, pageUUID } },
          body: { title },
          ...text,
        }),
      ),
    /** Any other ONES call, with the client's credentials. */
    request: <T>(method: string, path: string, body?: unknown): Promise<Result<T, OnesError>> =>
      call<T>(api.request(method as 'get', path as '/project/api/project/users/me', { body: body as never, ...text })),
  };
}

export type OnesClient = ReturnType<typeof createOnesClient>;

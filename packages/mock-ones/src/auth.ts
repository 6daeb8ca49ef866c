import type { CallerHooks, Operation } from '@doppel/mock-kit';
import type { OnesContext } from './context.ts';
import { onesErrors } from './errors.ts';
import type { OnesFixtures, OnesTeamFixture, OnesUserFixture } from './fixtures.ts';
import type { OnesRuntime } from './runtime.ts';

/**
 * The headers ONES sees for a request a prefix plugin rewrote (README "One request, stage by stage"), by
 * lower-cased name: the request object itself stays as the client sent it, so the journal keeps the original.
 */
const rewritten = new WeakMap<OnesContext, Map<string, string>>();

/** From now on, ONES reads the caller from `headers` instead of the request's own (a prefix plugin's answer). */
export function useHeaders(c: OnesContext, headers: Record<string, string>): void {
  rewritten.set(c, new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])));
}

/** The user behind Ones-User-Id + Ones-Auth-Token, or undefined. */
export function userFromHeaders(c: OnesContext): OnesUserFixture | undefined {
  const headers = rewritten.get(c);
  const id = headers ? headers.get('ones-user-id') : c.req.header('ones-user-id');
  const token = headers ? headers.get('ones-auth-token') : c.req.header('ones-auth-token');
  const user = c.get('twin').state.users.get(id as string);
  return user && user.token === token ? user : undefined;
}

/** The kit's `authenticate` hook: every operation but login needs a known user and its token. */
export function authenticate(c: OnesContext, op: Operation): void {
  if (!op.secured) return;
  const user = userFromHeaders(c) ?? onesErrors.raise('INVALID_TOKEN');
  const twin = c.get('twin');
  twin.state.accessTimes.set(user.uuid, twin.clock.now() * 1000);
}

/**
 * Who calls (package README, "Callers"): the user (the Ones-User-Id header, or the email or phone a login names)
 * and the team in the path.
 */
export const onesCallers: CallerHooks<OnesFixtures, OnesRuntime> = {
  kinds: {
    user: 'the calling user, by uuid (the Ones-User-Id header; a login by its email or phone)',
    team: 'the team in the path, by uuid',
  },
  of(req, twin) {
    const team = /\/team\/([^/?]+)/.exec(req.path)?.[1];
    let user = req.header('ones-user-id') || undefined;
    if (user === undefined && req.path.endsWith('/auth/login') && req.body && typeof req.body === 'object') {
      const { email, phone } = req.body as Record<string, unknown>;
      user = twin.fixtures.users.find(
        (u) => (email !== undefined && u.email === email) || (phone !== undefined && u.phone === phone),
      )?.uuid;
    }
    if (team === undefined && user === undefined) return undefined;
    return { ...(user !== undefined && { user }), ...(team !== undefined && { team }) };
  },
  known: (f) => [
    ...f.users.map((u) => ({ kind: 'user', id: u.uuid, name: u.name })),
    ...f.teams.map((t) => ({ kind: 'team', id: t.uuid, name: t.name })),
  ],
  tenant: ['team', 'user'],
};

/** The authenticated user of a secured operation (the kit's `authenticate` hook has already refused anyone else). */
export function currentUser(c: OnesContext): OnesUserFixture {
  return userFromHeaders(c) as OnesUserFixture;
}

/** The team in the path, if it exists and the user is a member: 404 NotFound.Team, 403 PermissionDenied otherwise. */
export function memberTeam(c: OnesContext, user: OnesUserFixture): OnesTeamFixture {
  const team = c.get('twin').state.teams.get(c.req.param('teamUUID') as string);
  if (!team) return onesErrors.raise('NOT_FOUND', { body: { errcode: 'NotFound.Team' } });
  if (!team.members.includes(user.uuid)) return onesErrors.raise('PERMISSION_DENIED');
  return team;
}

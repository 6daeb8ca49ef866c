import type { OnesUserFixture } from '../fixtures.ts';
import { onesErrors } from '../errors.ts';
import type { OnesContext } from '../state.ts';

/** The user behind Ones-User-Id + Ones-Auth-Token, or undefined. */
export function userFromHeaders(c: OnesContext): OnesUserFixture | undefined {
  const id = c.req.header('ones-user-id');
  const token = c.req.header('ones-auth-token');
  if (!id || !token) return undefined;
  const user = c.get('twin').state.users.get(id);
  return user && user.token === token ? user : undefined;
}

/** The authenticated user (the kit's `authenticate` hook has already refused anyone else). */
export async function currentUser(c: OnesContext): Promise<OnesUserFixture> {
  return userFromHeaders(c) ?? onesErrors.raise(c, 'INVALID_TOKEN');
}

/** The team in the path, if it exists and the user is a member: 404 NotFound.Team, 403 PermissionDenied otherwise. */
export async function memberTeam(c: OnesContext, user: OnesUserFixture) {
  const team = c.get('twin').state.teams.get(c.req.param('teamUUID') ?? '');
  if (!team) return onesErrors.raise(c, 'NOT_FOUND', { body: { errcode: 'NotFound.Team' } });
  if (!team.members.includes(user.uuid)) return onesErrors.raise(c, 'PERMISSION_DENIED');
  return team;
}

export const teamView = (t: { uuid: string; name: string; owner: string; create_time: number }, orgUuid: string) => ({
  uuid: t.uuid,
  name: t.name,
  owner: t.owner,
  org_uuid: orgUuid,
  status: 1,
  create_time: t.create_time,
});

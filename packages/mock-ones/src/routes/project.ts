import { Hono } from 'hono';
import { currentUser, memberTeam } from '../auth.ts';
import type { OnesApp, OnesContext, OnesEnv } from '../context.ts';
import { onesErrors } from '../errors.ts';
import type { OnesTeamFixture, OnesUserFixture } from '../fixtures.ts';
import type { components, operations } from '../generated/openapi.ts';

type Schemas = components['schemas'];
type LoginBody = operations['login']['requestBody']['content']['application/json'];

/** The fields login's `user` and `users/me` share. */
const profile = (u: OnesUserFixture) => ({
  uuid: u.uuid,
  email: u.email,
  name: u.name,
  name_pinyin: u.name_pinyin,
  title: u.title,
  avatar: u.avatar,
  phone: u.phone,
  create_time: u.create_time,
  status: u.status,
  license_types: [1, 2, 3, 4, 5],
});

const teamView = (t: OnesTeamFixture, orgUuid: string): Schemas['Team'] => ({
  uuid: t.uuid,
  name: t.name,
  owner: t.owner,
  org_uuid: orgUuid,
  status: 1,
  create_time: t.create_time,
});

/** `users/me`: the caller's profile. */
function me(c: OnesContext) {
  const user = currentUser(c);
  const { state } = c.get('twin');
  const me: Schemas['User'] = {
    ...profile(user),
    // Recorded by `authenticate` for this very request.
    access_time: state.accessTimes.get(user.uuid) as number,
    org_uuid: state.org.uuid,
    company: user.company,
    verify_status: 1,
    sync_types: [],
  };
  return c.json(me);
}

/** Project scope, mounted at `/project/api/project`. */
export const projectRoutes: OnesApp = new Hono<OnesEnv>()
  .post('/auth/login', (c) => {
    const { email, phone, password } = c.get('body') as LoginBody;
    const { state } = c.get('twin');
    if (email === undefined && phone === undefined) onesErrors.raise('INVALID_PARAMETER', { body: { field: 'email' } });
    const user = [...state.users.values()].find((u) => (email !== undefined ? u.email === email : u.phone === phone));
    if (!user || user.password !== password) return onesErrors.raise('LOGIN_FAILED');
    const result: Schemas['LoginResult'] = {
      user: { ...profile(user), channel: user.uuid, token: user.token },
      teams: [...state.teams.values()].filter((t) => t.members.includes(user.uuid)).map((t) => teamView(t, state.org.uuid)),
      org: { uuid: state.org.uuid, name: state.org.name },
    };
    return c.json(result);
  })
  .get('/users/me', me)
  // The doc's custom-query example intercepts POST /users/me and sends the request no rule matches to "the
  // original processing logic": the twin answers it as GET, the body ignored (README "Where the docs … differ").
  .post('/users/me', me)
  .get('/organization/:orgUUID/teams', (c) => {
    const user = currentUser(c);
    const { state } = c.get('twin');
    if (c.req.param('orgUUID') !== state.org.uuid) onesErrors.raise('NOT_FOUND', { body: { errcode: 'NotFound.Organization' } });
    const teams = [...state.teams.values()].filter((t) => t.members.includes(user.uuid)).map((t) => teamView(t, state.org.uuid));
    return c.json({ teams });
  })
  .get('/team/:teamUUID/projects/my_project', (c) => {
    const team = memberTeam(c, currentUser(c));
    const projects: Schemas['Project'][] = c
      .get('twin')
      .state.projects.filter((p) => p.team_uuid === team.uuid)
      .map(({ uuid, name, owner, status_uuid, create_time }) => ({ uuid, name, owner, status_uuid, create_time }));
    return c.json({ projects });
  })
  .get('/team/:teamUUID/task/:taskUUID/info', (c) => {
    const team = memberTeam(c, currentUser(c));
    const task = c.get('twin').state.tasks.get(c.req.param('taskUUID'));
    if (!task || task.team_uuid !== team.uuid) return onesErrors.raise('NOT_FOUND', { body: { errcode: 'NotFound.Task' } });
    const { team_uuid: _team, ...view } = task;
    return c.json(view satisfies Schemas['Task']);
  });

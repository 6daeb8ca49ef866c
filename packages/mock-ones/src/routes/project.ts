import type { Hono } from 'hono';
import { onesErrors } from '../errors.ts';
import type { OnesFixtures, OnesUserFixture } from '../fixtures.ts';
import type { OnesState } from '../state.ts';
import type { TwinEnv } from '@doppel/mock-kit';
import { currentUser, memberTeam, teamView } from './auth.ts';

type App = Hono<TwinEnv<OnesFixtures, OnesState>>;

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

/** Project scope: `/project/api/project/…`. */
export function projectRoutes(app: App): void {
  const base = '/project/api/project';

  app.post(`${base}/auth/login`, async (c) => {
    const { email, phone, password } = c.get('body') as { email?: string; phone?: string; password: string };
    const { state } = c.get('twin');
    if (email === undefined && phone === undefined) {
      return onesErrors.raise(c, 'INVALID_PARAMETER', { body: { field: 'email' } });
    }
    const user = [...state.users.values()].find((u) => (email !== undefined ? u.email === email : u.phone === phone));
    if (!user || user.password !== password) return onesErrors.raise(c, 'LOGIN_FAILED');
    const teams = [...state.teams.values()].filter((t) => t.members.includes(user.uuid)).map((t) => teamView(t, state.org.uuid));
    return c.json({
      user: { ...profile(user), channel: user.uuid, token: user.token },
      teams,
      org: { uuid: state.org.uuid, name: state.org.name },
    });
  });

  app.get(`${base}/users/me`, async (c) => {
    const user = await currentUser(c);
    const { state, clock } = c.get('twin');
    return c.json({
      ...profile(user),
      access_time: state.accessTimes.get(user.uuid) ?? clock.now() * 1000,
      org_uuid: state.org.uuid,
      company: user.company,
      verify_status: 1,
      sync_types: [],
    });
  });

  app.get(`${base}/organization/:orgUUID/teams`, async (c) => {
    const user = await currentUser(c);
    const { state } = c.get('twin');
    if (c.req.param('orgUUID') !== state.org.uuid) return onesErrors.raise(c, 'NOT_FOUND', { body: { errcode: 'NotFound.Organization' } });
    const teams = [...state.teams.values()].filter((t) => t.members.includes(user.uuid)).map((t) => teamView(t, state.org.uuid));
    return c.json({ teams });
  });

  app.get(`${base}/team/:teamUUID/projects/my_project`, async (c) => {
    const team = await memberTeam(c, await currentUser(c));
    const projects = c.get('twin').state.projects
      .filter((p) => p.team_uuid === team.uuid)
      .map(({ uuid, name, owner, status_uuid, create_time }) => ({ uuid, name, owner, status_uuid, create_time }));
    return c.json({ projects });
  });

  app.get(`${base}/team/:teamUUID/task/:taskUUID/info`, async (c) => {
    const team = await memberTeam(c, await currentUser(c));
    const task = c.get('twin').state.tasks.get(c.req.param('taskUUID'));
    if (!task || task.team_uuid !== team.uuid) return onesErrors.raise(c, 'NOT_FOUND', { body: { errcode: 'NotFound.Task' } });
    const { team_uuid: _team, ...view } = task;
    return c.json(view);
  });
}

import { Hono } from 'hono';
import { currentUser, memberTeam } from '../auth.ts';
import type { OnesApp, OnesContext, OnesEnv } from '../context.ts';
import { onesErrors } from '../errors.ts';
import type { OnesPageFixture } from '../fixtures.ts';
import type { components, operations } from '../generated/openapi.ts';

type TitleBody = operations['updatePageTitle']['requestBody']['content']['application/json'];

/** The page in the path, if it belongs to the team in the path and the caller is a member of that team. */
function teamPage(c: OnesContext): OnesPageFixture {
  const team = memberTeam(c, currentUser(c));
  const page = c.get('twin').state.pages.get(c.req.param('pageUUID') as string);
  if (!page || page.team_uuid !== team.uuid) return onesErrors.raise('NOT_FOUND', { body: { errcode: 'NotFound.Page' } });
  return page;
}

/** Wiki scope, mounted at `/wiki/api/wiki`. */
export const wikiRoutes: OnesApp = new Hono<OnesEnv>()
  .get('/team/:teamUUID/page/:pageUUID', (c) => {
    const { team_uuid: _team, ...view } = teamPage(c);
    return c.json(view satisfies components['schemas']['Page']);
  })
  .post('/team/:teamUUID/online_page/:pageUUID/update_title', (c) => {
    const page = teamPage(c);
    const { state, clock } = c.get('twin');
    state.pages.update(page.uuid, { ...page, title: (c.get('body') as TitleBody).title, updated_time: clock.now() * 1000 });
    return c.json({});
  });

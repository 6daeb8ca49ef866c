import type { TwinEnv } from '@doppel/mock-kit';
import type { Hono } from 'hono';
import { onesErrors } from '../errors.ts';
import type { OnesFixtures } from '../fixtures.ts';
import type { OnesContext, OnesState } from '../state.ts';
import { currentUser, memberTeam } from './auth.ts';

type App = Hono<TwinEnv<OnesFixtures, OnesState>>;

async function teamPage(c: OnesContext) {
  const team = await memberTeam(c, await currentUser(c));
  const page = c.get('twin').state.pages.get(c.req.param('pageUUID') ?? '');
  if (!page || page.team_uuid !== team.uuid) return onesErrors.raise(c, 'NOT_FOUND', { body: { errcode: 'NotFound.Page' } });
  return page;
}

/** Wiki scope: `/wiki/api/wiki/…`. */
export function wikiRoutes(app: App): void {
  const base = '/wiki/api/wiki';

  app.get(`${base}/team/:teamUUID/page/:pageUUID`, async (c) => {
    const { team_uuid: _team, ...view } = await teamPage(c);
    return c.json(view);
  });

  app.post(`${base}/team/:teamUUID/online_page/:pageUUID/update_title`, async (c) => {
    const page = await teamPage(c);
    page.title = (c.get('body') as { title: string }).title;
    page.updated_time = c.get('twin').clock.now() * 1000;
    return c.json({});
  });
}

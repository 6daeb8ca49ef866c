import { adminError } from '@doppel/mock-kit';
import { Hono } from 'hono';
import type { ZentaoEnv } from '../context.ts';
import { findUser } from '../runtime.ts';

/** `/__admin/inbox`: what was delivered, per user and per group, as a person would see it in the client. */
export const zentaoAdminRoutes = new Hono<ZentaoEnv>()
  .get('/inbox', (c) => c.json({ deliveries: c.get('twin').state.inbox }))
  .delete('/inbox', (c) => {
    c.get('twin').state.deliveries.clear();
    return c.json({ cleared: true });
  })
  .get('/inbox/users/:user', (c) => {
    const { state } = c.get('twin');
    const user = findUser(state, c.req.param('user'));
    if (!user) return adminError(c, 404, 'not_found', `no user ${c.req.param('user')}`);
    const groups = new Set<string>();
    for (const chat of state.chats.values()) if (chat.members.includes(user.id)) groups.add(chat.gid);
    const deliveries = state.inbox.filter((d) => (d.kind === 'notification' ? d.users!.includes(user.id) : groups.has(d.gid!)));
    return c.json({ deliveries });
  })
  .get('/inbox/groups/:gid', (c) => {
    const { state } = c.get('twin');
    const gid = c.req.param('gid');
    if (!state.chats.has(gid)) return adminError(c, 404, 'not_found', `no chat ${gid}`);
    return c.json({ deliveries: state.inbox.filter((d) => d.gid === gid) });
  });

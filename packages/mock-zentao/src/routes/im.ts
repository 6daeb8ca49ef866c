import { schemaIssues } from '@doppel/mock-kit';
import { Hono } from 'hono';
import { errors } from '../errors.ts';
import { findUser, type Delivery, type ZentaoState } from '../state.ts';
import type { ZentaoContext, ZentaoEnv } from '../twin.ts';

/** PHP's empty(): null, '', 0, '0', false and [] are empty; objects never are. */
function empty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === 0 || v === '0' || v === false || (Array.isArray(v) && v.length === 0);
}

/** PHP encodes an empty associative array as `[]`. */
const phpMap = (m: Record<string, string>) => (Object.keys(m).length ? m : []);

function getGroupChats(c: ZentaoContext) {
  const data: Record<string, string> = {};
  for (const chat of c.get('twin').state.chats.values()) {
    if (chat.type === 'group' && !chat.dismissed) data[chat.gid] = chat.name;
  }
  return c.json({ result: 'success', data: phpMap(data) });
}

function getChatUsers(c: ZentaoContext) {
  const { state } = c.get('twin');
  const gid = c.req.query('gid');
  const ids = new Set<number>();
  if (gid) {
    for (const id of state.chats.get(gid)?.members ?? []) ids.add(id);
  } else {
    for (const chat of state.chats.values()) for (const id of chat.members) ids.add(id);
  }
  const data: Record<string, string> = {};
  for (const id of [...ids].sort((a, b) => a - b)) {
    const user = state.usersById.get(id);
    if (user) data[String(id)] = user.realname;
  }
  return c.json({ result: 'success', data: phpMap(data) });
}

type Message = Record<string, unknown>;

async function checkMessage(c: ZentaoContext, msg: Message, schema: 'Notification' | 'ChatMessage') {
  const validate = c.get('twin').spec.schema(schema);
  if (!validate(msg)) {
    const issues = schemaIssues(validate);
    c.get('notes').validation = issues;
    return errors.raise(c, 'INVALID_MESSAGE', { body: { message: `通知消息格式不正确：${issues.map((i) => i.message).join('; ')}。` } });
  }
}

function deliver(c: ZentaoContext, state: ZentaoState, msg: Message, target: Pick<Delivery, 'kind' | 'users' | 'gid'>) {
  const delivery: Delivery = {
    id: state.inbox.length + 1,
    ...target,
    appCode: c.req.query('code') ?? '',
    time: new Date(c.get('twin').clock.now()).toISOString(),
    title: String(msg.title),
    contentType: (msg.contentType as string | undefined) ?? 'text',
  };
  for (const k of ['subtitle', 'content', 'url', 'actions', 'sender'] as const) {
    if (msg[k] !== undefined) (delivery as unknown as Record<string, unknown>)[k] = msg[k];
  }
  state.inbox.push(delivery);
  c.get('notes').delivered = delivery.id;
}

async function sendNotification(c: ZentaoContext, msg: Message) {
  if (empty(msg.users)) return errors.raise(c, 'USERS_REQUIRED');
  if (empty(msg.sender)) return errors.raise(c, 'SENDER_REQUIRED');
  if (empty(msg.title)) return errors.raise(c, 'TITLE_REQUIRED');
  await checkMessage(c, msg, 'Notification');
  const { state } = c.get('twin');
  const refs = msg.users as (string | number)[];
  const unknown = refs.filter((r) => !findUser(state, r));
  if (unknown.length) {
    return errors.raise(c, 'UNKNOWN_USERS', { body: { message: `找不到接收者用户：${unknown.join(', ')}。` } });
  }
  const users = [...new Set(refs.map((r) => findUser(state, r)!.id))];
  deliver(c, state, msg, { kind: 'notification', users });
  return c.json({ result: 'success', message: '' });
}

async function sendChatMessage(c: ZentaoContext, msg: Message) {
  if (empty(msg.gid)) return errors.raise(c, 'GID_REQUIRED');
  if (empty(msg.sender)) return errors.raise(c, 'SENDER_REQUIRED');
  if (empty(msg.title)) return errors.raise(c, 'TITLE_REQUIRED');
  await checkMessage(c, msg, 'ChatMessage');
  const { state } = c.get('twin');
  const chat = state.chats.get(String(msg.gid));
  if (!chat || chat.type !== 'group' || chat.dismissed) {
    return errors.raise(c, 'UNKNOWN_GROUP', { body: { message: `讨论组不存在：${String(msg.gid)}。` } });
  }
  deliver(c, state, msg, { kind: 'chatMessage', gid: chat.gid });
  return c.json({ result: 'success', message: '' });
}

/** `api.php`: ZenTao dispatches on m/f, whatever the HTTP verb. */
async function dispatch(c: ZentaoContext) {
  const body = c.get('body');
  const msg: Message = body && typeof body === 'object' && !Array.isArray(body) ? (body as Message) : {};
  switch (c.req.query('f')) {
    case 'getGroupChats':
      return getGroupChats(c);
    case 'getChatUsers':
      return getChatUsers(c);
    case 'sendNotification':
      return sendNotification(c, msg);
    case 'sendChatMessage':
      return sendChatMessage(c, msg);
    default:
      return errors.raise(c, 'UNKNOWN_METHOD');
  }
}

export const imRoutes = new Hono<ZentaoEnv>().get('/api.php', dispatch).post('/api.php', dispatch);

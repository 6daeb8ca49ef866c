import { describeErrors } from '@doppel/mock-kit';
import { Hono } from 'hono';
import type { ZentaoContext, ZentaoEnv } from '../context.ts';
import { zentaoErrors } from '../errors.ts';
import type { components } from '../generated/openapi.ts';
import { type Delivery, findUser, keep, type ZentaoRuntime } from '../runtime.ts';

type Notification = components['schemas']['Notification'];
type ChatMessage = components['schemas']['ChatMessage'];
/** A message body before it is checked: any JSON object. */
type Message = Record<string, unknown>;

/** PHP's empty(): null, '', 0, '0', false and [] are empty; objects never are. */
function empty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === 0 || v === '0' || v === false || (Array.isArray(v) && v.length === 0);
}

/** PHP's json_encode writes an empty array as `[]`, never `{}`. */
function phpMap(m: Record<string, string>): Record<string, string> | [] {
  for (const _ in m) return m;
  return [];
}

function getGroupChats(c: ZentaoContext) {
  const data: Record<string, string> = {};
  for (const chat of c.get('twin').state.chats.values()) {
    if (chat.type === 'group' && !chat.dismissed) data[chat.gid] = chat.name;
  }
  return c.json({ result: 'success', data: phpMap(data) });
}

/** One chat's members, or without `gid` the members of any chat: `{userId: realname}` (ids in ascending order). */
function getChatUsers(c: ZentaoContext) {
  const { state } = c.get('twin');
  const gid = c.req.query('gid');
  const chats = gid ? [state.chats.get(gid)] : state.chats.values();
  const data: Record<string, string> = {};
  for (const chat of chats) {
    if (!chat) continue;
    for (const id of chat.members) {
      const user = state.usersById.get(id);
      if (user) data[id] = user.realname;
    }
  }
  return c.json({ result: 'success', data: phpMap(data) });
}

/** The message's field types against the spec's schema; the failure names the fields. */
function checkMessage<T>(c: ZentaoContext, msg: Message, schema: 'Notification' | 'ChatMessage'): T {
  const validate = c.get('twin').spec.schema(schema);
  if (validate(msg)) return msg as T;
  const problems = describeErrors(validate.errors).map((p) => `${p.path} ${p.reason}`);
  c.get('notes').validation = problems;
  zentaoErrors.raise('INVALID_MESSAGE', { body: { message: `通知消息格式不正确：${problems.join('; ')}。` } });
}

type Target = Pick<Delivery, 'kind' | 'users' | 'gid'>;

function deliver(c: ZentaoContext, state: ZentaoRuntime, msg: Notification | ChatMessage, target: Target) {
  const id = state.delivered.get() + 1;
  state.delivered.set(id);
  const delivery: Delivery = {
    id,
    ...target,
    appCode: c.req.query('code')!,
    time: new Date(c.get('twin').clock.now()).toISOString(),
    title: msg.title!,
    contentType: msg.contentType ?? 'text',
  };
  if (msg.subtitle !== undefined) delivery.subtitle = msg.subtitle;
  if (msg.content !== undefined) delivery.content = msg.content;
  if (msg.url !== undefined) delivery.url = msg.url;
  if (msg.actions !== undefined) delivery.actions = msg.actions;
  // Required of every send (SENDER_REQUIRED), listed last as the inbox always has.
  delivery.sender = msg.sender;
  keep(state, delivery);
  c.get('notes').delivered = delivery.id;
}

function sendNotification(c: ZentaoContext, body: Message) {
  if (empty(body.users)) zentaoErrors.raise('USERS_REQUIRED');
  if (empty(body.sender)) zentaoErrors.raise('SENDER_REQUIRED');
  if (empty(body.title)) zentaoErrors.raise('TITLE_REQUIRED');
  const msg = checkMessage<Notification>(c, body, 'Notification');
  const { state } = c.get('twin');
  const unknown = msg.users.filter((r) => !findUser(state, r));
  if (unknown.length) {
    zentaoErrors.raise('UNKNOWN_USERS', { body: { message: `找不到接收者用户：${unknown.join(', ')}。` } });
  }
  const users = [...new Set(msg.users.map((r) => findUser(state, r)!.id))];
  deliver(c, state, msg, { kind: 'notification', users });
  return c.json({ result: 'success', message: '' });
}

function sendChatMessage(c: ZentaoContext, body: Message) {
  if (empty(body.gid)) zentaoErrors.raise('GID_REQUIRED');
  if (empty(body.sender)) zentaoErrors.raise('SENDER_REQUIRED');
  if (empty(body.title)) zentaoErrors.raise('TITLE_REQUIRED');
  const msg = checkMessage<ChatMessage>(c, body, 'ChatMessage');
  const { state } = c.get('twin');
  const chat = state.chats.get(msg.gid);
  if (chat?.type !== 'group' || chat.dismissed) {
    zentaoErrors.raise('UNKNOWN_GROUP', { body: { message: `讨论组不存在：${msg.gid}。` } });
  }
  deliver(c, state, msg, { kind: 'chatMessage', gid: chat.gid });
  return c.json({ result: 'success', message: '' });
}

/** The im methods; the spec admits no other `f` (the kit refuses any other before a handler runs). */
const METHODS = { getGroupChats, getChatUsers, sendNotification, sendChatMessage };

/**
 * `api.php`: ZenTao dispatches on m/f, whatever the HTTP verb. `json_decode` gave null for a body that is not
 * JSON; a JSON array or scalar has none of the message's fields either, so both read as an empty message.
 */
function dispatch(c: ZentaoContext) {
  const msg = (c.get('body') ?? {}) as Message;
  return METHODS[c.req.query('f') as keyof typeof METHODS](c, msg);
}

/** `/api.php`, mounted at its path by the definition: both verbs reach every method. */
export const imRoutes = new Hono<ZentaoEnv>().get('/', dispatch).post('/', dispatch);

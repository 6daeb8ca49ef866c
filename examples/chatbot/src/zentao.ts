import { createHash } from 'node:crypto';

/** Our ZenTao (xuanxuan IM) client: one app code and key, every call signed as ZenTao's checkEntry expects. */
export interface ZentaoConfig {
  baseUrl: string;
  code: string;
  key: string;
}

export interface Sender {
  id: string;
  name: string;
  avatar?: string;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** `api.php?m=im&f=<f>&<params>&code=<code>&token=md5(md5(query) + key)`: the token covers the query in this order. */
export function signedUrl(config: ZentaoConfig, f: string, params: Record<string, string> = {}): string {
  const query = new URLSearchParams({ m: 'im', f, ...params, code: config.code }).toString();
  return `${config.baseUrl}/api.php?${query}&token=${md5(md5(query) + config.key)}`;
}

async function call<T>(url: string, body?: unknown): Promise<T> {
  const res = await fetch(
    url,
    body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  const answer = (await res.json()) as { errcode?: number; errmsg?: string; result?: string; message?: string; data?: T };
  if (answer.errcode !== undefined) throw new Error(`ZenTao refused the call: ${answer.errcode} ${answer.errmsg}`);
  if (answer.result !== 'success') throw new Error(`ZenTao: ${answer.message}`);
  return answer.data as T;
}

/** The group chats the bot may post to: gid → name. */
export const groupChats = (config: ZentaoConfig) => call<Record<string, string>>(signedUrl(config, 'getGroupChats'));

/** A notification to people (ids or accounts), from the bot. */
export const notify = (config: ZentaoConfig, users: (number | string)[], title: string, sender: Sender) =>
  call<unknown>(signedUrl(config, 'sendNotification'), { users, title, sender, contentType: 'text', content: title });

import { expect } from 'vitest';
import { queryToken } from './php.ts';
import { createApp } from './server.ts';

/** The key of ZenTao's documentation, which the default app uses. */
export const KEY = '3cd0914d656e90ab181f1d52ff352cfe';

/** `/api.php?q&token=…`, signed the way a correct ZenTao client signs `q`. */
export const signed = (q: string, key = KEY) => `/api.php?${q}&token=${queryToken(q, key)}`;

/** A POST with a raw JSON body (or the string as given). */
export const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

export const sender = { id: 'ci-bot', name: 'CI', avatar: 'https://example.test/bot.png' };
export const SEND = 'm=im&f=sendNotification&code=myAppCode';
export const CHAT = 'm=im&f=sendChatMessage&code=myAppCode';
export const GROUPS = 'm=im&f=getGroupChats&code=myAppCode';

/** Call the twin and read the JSON answer; ZenTao answers every api.php call with HTTP 200. */
export async function call(path: string, init?: RequestInit, app = createApp().app): Promise<unknown> {
  const res = await app.request(path, init);
  expect(res.status).toBe(200);
  return res.json();
}

export const ok = { result: 'success' };
export const entryError = (errcode: number, errmsg: string) => ({ errcode, errmsg });
export const failure = (message: string) => ({ result: 'fail', message });

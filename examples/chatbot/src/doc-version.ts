/**
 * The first version of the bot, written from the vendor docs as printed (shared/vendor-docs 000, 002, 003). Each
 * function is a mistake the docs lead to; test/doc-version.pact.test.ts records what the docs promise, and
 * `doppel verify` shows where the platforms disagree.
 */
import { signedUrl, type ZentaoConfig } from './zentao.ts';

/** ZenTao doc: every URL carries the token printed in the doc. */
export const DOC_GROUP_CHATS_URL = '/api.php?m=im&f=getGroupChats&code=myAppCode&token=f5633c34c0c551a16c1d63bceb38d6a8';

export async function groupChatsAsPrinted(baseUrl: string): Promise<Record<string, string>> {
  const answer = (await (await fetch(`${baseUrl}${DOC_GROUP_CHATS_URL}`)).json()) as { data: Record<string, string> };
  return answer.data;
}

/** ZenTao doc: `sender` is marked optional, so the bot leaves it out. */
export async function notifyWithoutSender(config: ZentaoConfig, users: number[], title: string): Promise<string> {
  const res = await fetch(signedUrl(config, 'sendNotification'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ users, title, contentType: 'text', content: title }),
  });
  return ((await res.json()) as { result: string }).result;
}

/** GitHub doc 002, step 3: the token in the query string. */
export async function githubUserByQuery(baseUrl: string, token: string): Promise<{ login: string }> {
  return (await (await fetch(`${baseUrl}/user?access_token=${token}`, { headers: { 'user-agent': 'chatbot' } })).json()) as {
    login: string;
  };
}

/** DingTalk sample: DingResponse treats `errcode: 0` as success, on every answer. */
export async function invokeCheckingErrcode(baseUrl: string, accessToken: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${baseUrl}/v1.0/connector/instances/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': accessToken },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as { errcode?: number; errmsg?: string };
  if (answer.errcode !== 0) throw new Error(`DingTalk: ${answer.errmsg}`);
  return answer;
}

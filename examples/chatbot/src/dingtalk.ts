/** Our DingTalk Connect client: calls one connector action of an instance the bot created. */
export interface DingTalkConfig {
  baseUrl: string;
  accessToken: string;
}

export interface Invocation {
  errorCode: string;
  errorMessage: string;
  outputJson: string;
}

export async function invokeAction(
  config: DingTalkConfig,
  connectAssetUri: string,
  instanceKey: string,
  input: unknown,
): Promise<Invocation> {
  const res = await fetch(`${config.baseUrl}/v1.0/connector/instances/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': config.accessToken },
    body: JSON.stringify({ connectAssetUri, instanceKey, inputJsonString: JSON.stringify(input) }),
  });
  const body = (await res.json()) as Invocation & { code?: string; message?: string };
  if (!res.ok) throw new Error(`DingTalk ${res.status} ${body.code}: ${body.message}`);
  if (body.errorCode !== '0') throw new Error(`the action failed: ${body.errorCode} ${body.errorMessage}`);
  return body;
}

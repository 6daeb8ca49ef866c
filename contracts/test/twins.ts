import type { TwinDefinition } from '@doppel/mock-kit';
import { dingtalkTwin, STATE_TOKENS } from '@doppel/mock-dingtalk';
import { OCTOCAT_TOKEN, oauthTwin } from '@doppel/mock-oauth';
import { alice, onesTwin, PAGE_WELCOME, TEAM_ALPHA } from '@doppel/mock-ones';
import { queryToken, zentaoTwin } from '@doppel/mock-zentao';

/** How to reach past each twin's authentication: the state, credentials and values the probes and the fuzzer use. */
export interface TwinCase {
  // biome-ignore lint/suspicious/noExplicitAny: any twin
  def: TwinDefinition<any, any>;
  /** A named state to select first. */
  state?: string;
  headers?: Record<string, string>;
  /** Rewrite the query (ZenTao signs it). */
  sign?: (path: string, q: URLSearchParams) => URLSearchParams;
  /** Real values for parameters and fields by name, so valid requests reach the handlers. */
  values?: Record<string, unknown>;
}

const ZENTAO_KEY = '3cd0914d656e90ab181f1d52ff352cfe';

export const twinCases: TwinCase[] = [
  {
    def: dingtalkTwin,
    state: 'tokens issued, instance created',
    headers: { 'x-acs-dingtalk-access-token': STATE_TOKENS.selfBuilt },
  },
  {
    def: zentaoTwin,
    // Sign whatever is sent (m/f and all), so requests reach the im methods.
    sign: (_path, q) => {
      const signed = new URLSearchParams(q);
      signed.delete('token');
      signed.delete('time');
      signed.set('code', 'myAppCode');
      const text = signed.toString();
      return new URLSearchParams(`${text}&token=${queryToken(text, ZENTAO_KEY)}`);
    },
  },
  {
    def: onesTwin,
    headers: { 'Ones-User-Id': alice.uuid, 'Ones-Auth-Token': alice.token },
    values: { teamUUID: TEAM_ALPHA, pageUUID: PAGE_WELCOME },
  },
  { def: oauthTwin, headers: { authorization: `Bearer ${OCTOCAT_TOKEN.token}`, 'user-agent': 'doppel-fuzz' } },
];

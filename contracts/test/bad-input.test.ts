import { ADMIN_SPEC, createTwinApp, loadSpec, type TwinDefinition } from '@doppel/mock-kit';
import { probeBadInput } from '@doppel/mock-kit/testing';
import { dingtalkTwin, STATE_TOKENS } from '@doppel/mock-dingtalk';
import { OCTOCAT_TOKEN, oauthTwin } from '@doppel/mock-oauth';
import { onesTwin } from '@doppel/mock-ones';
import { queryToken, zentaoTwin } from '@doppel/mock-zentao';
import { describe, expect, it } from 'vitest';

/**
 * Bad input never crashes a twin and never answers 5xx: every operation of every spec (and of the admin API)
 * gets malformed paths, queries, bodies and content types, with credentials so the probes reach the handlers.
 */
const cases: {
  // biome-ignore lint/suspicious/noExplicitAny: any twin
  def: TwinDefinition<any, any>;
  state?: string;
  headers?: Record<string, string>;
  sign?: (path: string, q: URLSearchParams) => URLSearchParams;
}[] = [
  { def: dingtalkTwin, state: 'tokens issued, instance created', headers: { 'x-acs-dingtalk-access-token': STATE_TOKENS.selfBuilt } },
  {
    def: zentaoTwin,
    // Sign whatever the probe sends (m/f and all), so it reaches the im methods.
    sign: (_path, q) => {
      const signed = new URLSearchParams(q);
      signed.delete('token');
      if (!signed.has('code')) signed.set('code', 'myAppCode');
      const text = signed.toString();
      return new URLSearchParams(`${text}&token=${queryToken(text, '3cd0914d656e90ab181f1d52ff352cfe')}`);
    },
  },
  { def: onesTwin, headers: { 'Ones-User-Id': 'AliceU01', 'Ones-Auth-Token': 'alice-token-0001' } },
  { def: oauthTwin, headers: { authorization: `Bearer ${OCTOCAT_TOKEN.token}` } },
];

describe('no twin answers bad input with a 5xx', () => {
  for (const { def, state, headers, sign } of cases) {
    it(`${def.name}: its own API`, async () => {
      const { app, twin } = createTwinApp(def);
      if (state) twin.useState(state);
      const failures = await probeBadInput(app, loadSpec(def.spec), { ...(headers && { headers }), ...(sign && { sign }) });
      expect(failures).toEqual([]);
    });

    it(`${def.name}: the admin API`, async () => {
      const { app } = createTwinApp(def);
      expect(await probeBadInput(app, loadSpec(ADMIN_SPEC))).toEqual([]);
    });
  }
});

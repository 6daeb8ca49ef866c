import type { NamedState } from '@doppel/mock-kit';
import { type DingTalkFixtures, DEFAULT_CORP_ID, IDS, SELF_BUILT_APP, SUITE } from './fixtures.ts';

/** Fixed tokens the `tokens issued…` states seed (the Pact consumer tests send these). */
export const STATE_TOKENS = {
  selfBuilt: 'doppel-state-self-built-token',
  suite: 'doppel-state-suite-token',
} as const;
/** The instance key the `…instance created` state seeds, for 创建客户 (self-built) and 创建待办 (suite). */
export const STATE_INSTANCE_KEY = 'doppel-instance';

/** params.token / params.suiteToken: the token values a consumer's pact sends, instead of the fixed ones. */
const withTokens = (f: DingTalkFixtures, p: Record<string, unknown> = {}): DingTalkFixtures => ({
  ...f,
  tokens: [
    { token: String(p.token ?? STATE_TOKENS.selfBuilt), corpId: DEFAULT_CORP_ID, clientId: SELF_BUILT_APP.appKey },
    { token: String(p.suiteToken ?? STATE_TOKENS.suite), corpId: DEFAULT_CORP_ID, clientId: SUITE.suiteKey },
  ],
});

/** Named states: the twin's Pact provider states, and presets for QA (`POST /__admin/states/{name}`). */
export const dingtalkStates: Record<string, NamedState<DingTalkFixtures>> = {
  'the default fixtures': {
    description: 'The built-in fixtures as documented in the README (no tokens, no instances)',
    apply: (f) => f,
  },
  'tokens issued': {
    description: `Defaults plus the tokens ${STATE_TOKENS.selfBuilt} (self-built app; params.token), ${STATE_TOKENS.suite} (suite; params.suiteToken) of ${DEFAULT_CORP_ID}`,
    apply: (f, p) => withTokens(f, p),
  },
  'tokens issued, instance created': {
    description: `As "tokens issued", plus instance "${STATE_INSTANCE_KEY}" (params.instanceKey) of 创建客户 for the self-built app and of 创建待办 for the suite`,
    apply: (f, p) => ({
      ...withTokens(f, p),
      instances: [
        {
          corpId: DEFAULT_CORP_ID,
          clientId: SELF_BUILT_APP.appKey,
          actionId: IDS.createCustomer,
          instanceKey: String(p.instanceKey ?? STATE_INSTANCE_KEY),
        },
        {
          corpId: DEFAULT_CORP_ID,
          clientId: SUITE.suiteKey,
          actionId: IDS.createTodo,
          instanceKey: String(p.instanceKey ?? STATE_INSTANCE_KEY),
        },
      ],
    }),
  },
  'suite fully authorized': {
    description: 'The organisation granted the suite every asset in its usage scope, 创建销售订单 included',
    apply: (f) => ({
      ...f,
      grants: f.grants.map((g) => (g.clientId === SUITE.suiteKey ? { ...g, actionIds: [...g.actionIds, IDS.createOrder] } : g)),
    }),
  },
  'suite without grants': {
    description: 'The organisation has granted the suite nothing: every suite invocation is 4003',
    apply: (f) => ({ ...f, grants: f.grants.filter((g) => g.clientId !== SUITE.suiteKey) }),
  },
  'suite not installed': {
    description: `The suite is installed nowhere: corpAccessToken for ${DEFAULT_CORP_ID} fails with invalidAuthInfo`,
    apply: (f) => ({ ...f, suites: f.suites.map((s) => ({ ...s, installedCorpIds: [] })) }),
  },
  'many connectors': {
    description: 'params.count (default 55) extra official connectors, one action each, to exercise paging',
    apply: (f, p) => {
      const count = Number(p.count ?? 55);
      const connectors = [...f.connectors];
      const actions = [...f.actions];
      for (let i = 1; i <= count; i++) {
        const n = String(i).padStart(4, '0');
        connectors.push({ id: `G-CONN-MANY${n}`, name: `批量连接器 ${n}`, type: 'official', providerCorpId: 'dingofficialconnect' });
        actions.push({
          id: `G-ACT-MANY${n}`,
          connectorId: `G-CONN-MANY${n}`,
          name: `批量动作 ${n}`,
          refType: 'action',
          integrationType: 'basic',
          inputSchema: { type: 'object' },
          outputSchema: { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' } } },
        });
      }
      return { ...f, connectors, actions };
    },
  },
};

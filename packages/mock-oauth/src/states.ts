import type { NamedState } from '@doppel/mock-kit';
import { CI_BOT, GITHUB_APP, GITHUB_BOT, type OAuthFixtures, OCTOCAT, UNVERIFIED } from './fixtures.ts';

/** Fixed values the Pact contracts and QA scripts use with these states. */
export const STATE_VALUES = {
  /** A code for octocat, issued to the GitHub bot for the doc's callback, scope read:user. */
  botCode: '9a3ee5f2c0de00000001',
  /** A PKCE code (S256) for octocat from the GitHub bot; the verifier below matches it. */
  pkceCode: '9a3ee5f2c0de00000002',
  pkceVerifier: 'doppel-pkce-verifier-0123456789-abcdefghijklmnopqrstuvwxyz',
  /** S256 of pkceVerifier. */
  pkceChallenge: 'XgB-ArBzjPb9rh5oBzoC1o3nMowIzlBkhg7wSzPC6VY',
  /** A code for the unverified user. */
  unverifiedCode: '9a3ee5f2c0de00000003',
  /** A live refresh token of the GitHub App for octocat. */
  refreshToken: 'ghr_DoppelOctocatRefresh000000000000000',
  callback: 'http://localhost:3000/github/oauth',
  /** The tokens the code states hand out next (so contracts can state exact replies). */
  issuedToken: 'gho_DoppelPactIssuedToken00000000000000',
  issuedUserToken: 'ghu_DoppelPactIssuedUserToken0000000000',
  issuedRefreshToken: 'ghr_DoppelPactIssuedRefreshToken0000000',
  /** octocat's token with `user:email` (GET /user/emails), from the GitHub bot. */
  emailToken: 'gho_DoppelOctocatUserEmail0000000000000',
} as const;

const code = (value: string, login: string, challenge: string | null = null) => ({
  code: value,
  clientId: GITHUB_BOT.clientId,
  login,
  scope: 'read:user',
  redirectUri: STATE_VALUES.callback,
  codeChallenge: challenge,
});

/** Named states: `POST /__admin/states/{name}`, and the same names are the twin's Pact provider states. */
export const oauthStates: Record<string, NamedState<OAuthFixtures>> = {
  'a code was issued to the GitHub bot': {
    description: `Code ${STATE_VALUES.botCode} for octocat (GitHub bot, redirect_uri ${STATE_VALUES.callback}, scope read:user)`,
    apply: (f) => ({ ...f, codes: [...f.codes, code(STATE_VALUES.botCode, OCTOCAT.login)], nextTokens: [STATE_VALUES.issuedToken] }),
  },
  'a PKCE code was issued to the GitHub bot': {
    description: `Code ${STATE_VALUES.pkceCode} with S256 challenge of verifier ${STATE_VALUES.pkceVerifier}`,
    apply: (f) => ({
      ...f,
      codes: [...f.codes, code(STATE_VALUES.pkceCode, OCTOCAT.login, STATE_VALUES.pkceChallenge)],
      nextTokens: [STATE_VALUES.issuedToken],
    }),
  },
  'a code was issued for a user without a verified email': {
    description: `Code ${STATE_VALUES.unverifiedCode} for ${UNVERIFIED.login} (GitHub bot)`,
    apply: (f) => ({ ...f, codes: [...f.codes, code(STATE_VALUES.unverifiedCode, UNVERIFIED.login)] }),
  },
  'the GitHub App issued a refresh token': {
    description: `Refresh token ${STATE_VALUES.refreshToken} for octocat (GitHub App, expiring tokens)`,
    apply: (f) => ({
      ...f,
      nextTokens: [STATE_VALUES.issuedUserToken, STATE_VALUES.issuedRefreshToken],
      tokens: [
        ...f.tokens,
        {
          token: STATE_VALUES.refreshToken,
          kind: 'refresh',
          clientId: GITHUB_APP.clientId,
          login: OCTOCAT.login,
          scope: '',
          expiresInSeconds: 15_897_600,
        },
      ],
    }),
  },
  'octocat holds a token with user:email': {
    description: `Besides the default token, ${STATE_VALUES.emailToken} (octocat, GitHub bot, scope read:user,user:email)`,
    apply: (f) => ({
      ...f,
      tokens: [
        ...f.tokens,
        {
          token: STATE_VALUES.emailToken,
          kind: 'access',
          clientId: GITHUB_BOT.clientId,
          login: OCTOCAT.login,
          scope: 'read:user,user:email',
          expiresInSeconds: null,
        },
      ],
    }),
  },
  'octocat holds a token': {
    description:
      'The default fixtures: octocat holds gho_DoppelOctocatReadUser000000000000000 (scope read:user); params.token gives octocat that token too',
    apply: (f, p) =>
      p.token === undefined
        ? f
        : {
            ...f,
            tokens: [
              ...f.tokens,
              {
                token: String(p.token),
                kind: 'access',
                clientId: GITHUB_BOT.clientId,
                login: OCTOCAT.login,
                scope: 'read:user',
                expiresInSeconds: null,
              },
            ],
          },
  },
  'the GitHub bot is suspended': {
    description: 'GitHub has suspended the GitHub bot and the CI bot',
    apply: (f) => ({
      ...f,
      apps: f.apps.map((a) => (a.clientId === GITHUB_BOT.clientId || a.clientId === CI_BOT.clientId ? { ...a, suspended: true } : a)),
    }),
  },
  'every client shows the consent page': {
    description: 'autoApprove off for every client (people click Authorize)',
    apply: (f) => ({ ...f, apps: f.apps.map((a) => ({ ...a, autoApprove: false })) }),
  },
  'every client auto-approves': {
    description: 'autoApprove on for every client (CI)',
    apply: (f) => ({ ...f, apps: f.apps.map((a) => ({ ...a, autoApprove: true })) }),
  },
  'every client issues expiring tokens': {
    description: 'expiringTokens on for every client: ghu_ tokens, expires_in 28800, ghr_ refresh tokens',
    apply: (f) => ({ ...f, apps: f.apps.map((a) => ({ ...a, expiringTokens: true })) }),
  },
};

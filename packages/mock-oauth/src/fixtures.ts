/**
 * The OAuth twin's fixtures: registered applications (clients) and GitHub users.
 * Every default below is fixed and documented in the README; tests and QA rely on them.
 */

/** A registered application (an OAuth app or a GitHub App), known by its `client_id`. */
export interface OAuthClient {
  /** GitHub's `client_id`. */
  clientId: string;
  clientSecret: string;
  name: string;
  /** Registered callback URLs; the first is where redirect_uri_mismatch errors are sent. */
  callbackUrls: string[];
  /** Skip the consent page and redirect straight back with a code (CI mode). */
  autoApprove: boolean;
  /** GitHub App style expiring user tokens: ghu_ + expires_in + ghr_ refresh token. */
  expiringTokens: boolean;
  /** GitHub has suspended the application: authorize redirects with application_suspended. */
  suspended: boolean;
  /**
   * A code presented again after its exchange revokes every token issued from it (RFC 6749 §4.1.2; GitHub does not
   * document its behaviour). Absent: true. README, "Choices where GitHub's docs are silent".
   */
  revokeOnCodeReplay?: boolean;
}

export interface OAuthUser {
  login: string;
  id: number;
  /** The password of the twin's sign-in page. */
  password: string;
  name: string | null;
  email: string | null;
  /** An unverified primary email makes the code exchange answer unverified_user_email. */
  emailVerified: boolean;
  company: string | null;
  blog: string;
  location: string | null;
  bio: string | null;
  type: 'User' | 'Bot';
  siteAdmin: boolean;
  publicRepos: number;
  followers: number;
  following: number;
  createdAt: string;
}

/** A code already issued (Pact provider states, QA); it expires 10 minutes after seeding. */
interface SeededCode {
  code: string;
  clientId: string;
  login: string;
  scope: string;
  redirectUri: string | null;
  codeChallenge: string | null;
}

/** A token already issued; `expiresInSeconds: null` never expires (OAuth app tokens). */
interface SeededToken {
  token: string;
  kind: 'access' | 'refresh';
  clientId: string;
  login: string;
  scope: string;
  expiresInSeconds: number | null;
}

export interface OAuthFixtures {
  apps: OAuthClient[];
  users: OAuthUser[];
  codes: SeededCode[];
  tokens: SeededToken[];
  /** Tokens to hand out next, in order, instead of random ones (deterministic contracts and QA scripts). */
  nextTokens: string[];
  /** Who approves in auto-approve mode when the request names no known `login`. */
  defaultLogin: string;
  /** The most tokens the twin keeps (default 50,000) and the most unredeemed codes (default 10,000): past either, the oldest go. */
  maxTokens?: number;
  maxCodes?: number;
  /**
   * API requests (`/user`, `/user/emails`, `/applications/…`) without a `User-Agent` header get GitHub's 403
   * "Request forbidden by administrative rules". Absent: true; false makes the twin lenient.
   */
  requireUserAgent?: boolean;
}

export const DEFAULT_MAX_TOKENS = 50_000;
export const DEFAULT_MAX_CODES = 10_000;

/** The GitHub bot of the vendor doc: people see the consent page. Callback as in the doc's sample. */
export const GITHUB_BOT: OAuthClient = {
  clientId: 'Ov23liDoppelGitHubBot',
  clientSecret: 'doppel-github-bot-secret-0123456789abcdef',
  name: 'Doppel GitHub Bot',
  callbackUrls: ['http://localhost:3000/github/oauth', 'http://127.0.0.1/github/oauth'],
  autoApprove: false,
  expiringTokens: false,
  suspended: false,
};

/** The same bot for CI: approved without the page. */
export const CI_BOT: OAuthClient = {
  clientId: 'Ov23liDoppelCiBot0001',
  clientSecret: 'doppel-ci-bot-secret-0123456789abcdef0000',
  name: 'Doppel CI Bot',
  callbackUrls: ['http://localhost:3000/github/oauth', 'http://127.0.0.1/github/oauth'],
  autoApprove: true,
  expiringTokens: false,
  suspended: false,
};

/** A GitHub App: expiring ghu_ user tokens with ghr_ refresh tokens; auto-approved. */
export const GITHUB_APP: OAuthClient = {
  clientId: 'Iv1.d0ppe1a55e7a99',
  clientSecret: 'doppel-github-app-secret-0123456789abcdef',
  name: 'Doppel GitHub App',
  callbackUrls: ['http://localhost:3000/github/oauth', 'http://127.0.0.1/github/oauth'],
  autoApprove: true,
  expiringTokens: true,
  suspended: false,
};

/** An application GitHub has suspended. */
export const SUSPENDED_APP: OAuthClient = {
  clientId: 'Ov23liDoppelSuspended',
  clientSecret: 'doppel-suspended-secret-0123456789abcdef0',
  name: 'Doppel Suspended App',
  callbackUrls: ['http://localhost:3000/github/oauth'],
  autoApprove: true,
  expiringTokens: false,
  suspended: true,
};

export const OCTOCAT: OAuthUser = {
  login: 'octocat',
  id: 583231,
  password: 'doppel-octocat',
  name: 'The Octocat',
  email: 'octocat@github.com',
  emailVerified: true,
  company: '@github',
  blog: 'https://github.blog',
  location: 'San Francisco',
  bio: null,
  type: 'User',
  siteAdmin: false,
  publicRepos: 8,
  followers: 9999,
  following: 9,
  createdAt: '2011-01-25T18:44:36Z',
};

export const HUBOT: OAuthUser = {
  login: 'hubot',
  id: 480938,
  password: 'doppel-hubot',
  name: 'Hubot',
  email: 'hubot@github.com',
  emailVerified: true,
  company: '@github',
  blog: '',
  location: null,
  bio: 'I am a robot.',
  type: 'User',
  siteAdmin: false,
  publicRepos: 3,
  followers: 42,
  following: 0,
  createdAt: '2010-11-09T20:10:32Z',
};

/** A user whose primary email is not verified: the code exchange answers unverified_user_email. */
export const UNVERIFIED: OAuthUser = {
  login: 'unverified-user',
  id: 9000001,
  password: 'doppel-unverified',
  name: 'Unverified User',
  email: 'unverified@example.com',
  emailVerified: false,
  company: null,
  blog: '',
  location: null,
  bio: null,
  type: 'User',
  siteAdmin: false,
  publicRepos: 0,
  followers: 0,
  following: 0,
  createdAt: '2024-01-01T00:00:00Z',
};

/** A ready-made token: octocat's, from the GitHub bot, scope read:user, never expires. */
export const OCTOCAT_TOKEN: SeededToken = {
  token: 'gho_DoppelOctocatReadUser000000000000000',
  kind: 'access',
  clientId: GITHUB_BOT.clientId,
  login: OCTOCAT.login,
  scope: 'read:user',
  expiresInSeconds: null,
};

export function defaultFixtures(): OAuthFixtures {
  return structuredClone({
    apps: [GITHUB_BOT, CI_BOT, GITHUB_APP, SUSPENDED_APP],
    users: [OCTOCAT, HUBOT, UNVERIFIED],
    codes: [],
    tokens: [OCTOCAT_TOKEN],
    nextTokens: [],
    defaultLogin: OCTOCAT.login,
  });
}

const nullableString = { type: ['string', 'null'] };

export const fixturesSchema = {
  type: 'object',
  required: ['apps', 'users', 'codes', 'tokens', 'nextTokens', 'defaultLogin'],
  additionalProperties: false,
  properties: {
    maxTokens: { type: 'integer', minimum: 1, maximum: 10_000_000 },
    maxCodes: { type: 'integer', minimum: 1, maximum: 10_000_000 },
    requireUserAgent: { type: 'boolean' },
    apps: {
      type: 'array',
      items: {
        type: 'object',
        required: ['clientId', 'clientSecret', 'name', 'callbackUrls', 'autoApprove', 'expiringTokens', 'suspended'],
        additionalProperties: false,
        properties: {
          clientId: { type: 'string', minLength: 1 },
          clientSecret: { type: 'string', minLength: 1 },
          name: { type: 'string' },
          callbackUrls: { type: 'array', minItems: 1, items: { type: 'string', format: 'uri' } },
          autoApprove: { type: 'boolean' },
          expiringTokens: { type: 'boolean' },
          suspended: { type: 'boolean' },
          revokeOnCodeReplay: { type: 'boolean' },
        },
      },
    },
    users: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'login',
          'id',
          'password',
          'name',
          'email',
          'emailVerified',
          'company',
          'blog',
          'location',
          'bio',
          'type',
          'siteAdmin',
          'publicRepos',
          'followers',
          'following',
          'createdAt',
        ],
        additionalProperties: false,
        properties: {
          login: { type: 'string', minLength: 1 },
          id: { type: 'integer', minimum: 1 },
          password: { type: 'string' },
          name: nullableString,
          email: nullableString,
          emailVerified: { type: 'boolean' },
          company: nullableString,
          blog: { type: 'string' },
          location: nullableString,
          bio: nullableString,
          type: { enum: ['User', 'Bot'] },
          siteAdmin: { type: 'boolean' },
          publicRepos: { type: 'integer', minimum: 0 },
          followers: { type: 'integer', minimum: 0 },
          following: { type: 'integer', minimum: 0 },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
    },
    codes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'clientId', 'login', 'scope', 'redirectUri', 'codeChallenge'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', minLength: 1 },
          clientId: { type: 'string' },
          login: { type: 'string' },
          scope: { type: 'string' },
          redirectUri: nullableString,
          codeChallenge: nullableString,
        },
      },
    },
    tokens: {
      type: 'array',
      items: {
        type: 'object',
        required: ['token', 'kind', 'clientId', 'login', 'scope', 'expiresInSeconds'],
        additionalProperties: false,
        properties: {
          token: { type: 'string', minLength: 1 },
          kind: { enum: ['access', 'refresh'] },
          clientId: { type: 'string' },
          login: { type: 'string' },
          scope: { type: 'string' },
          expiresInSeconds: { type: ['integer', 'null'] },
        },
      },
    },
    nextTokens: { type: 'array', items: { type: 'string', pattern: '^gh[our]_[A-Za-z0-9_]+$' } },
    defaultLogin: { type: 'string' },
  },
} as const;

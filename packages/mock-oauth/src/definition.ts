import type { TwinDefinition } from '@doppel/mock-kit';
import { specFile } from '@doppel/mock-kit';
import { authenticate, oauthCallers } from './auth.ts';
import { oauthErrors } from './errors.ts';
import { defaultFixtures, fixturesSchema, type OAuthClient, type OAuthFixtures } from './fixtures.ts';
import { parseBody } from './format.ts';
import { oauthAdminRoutes } from './routes/admin.ts';
import { applicationsRoutes } from './routes/applications.ts';
import { authorizeRoutes } from './routes/authorize.ts';
import { tokenRoutes } from './routes/token.ts';
import { userRoutes } from './routes/user.ts';
import { type OAuthRuntime, seed } from './runtime.ts';
import { oauthStates } from './states.ts';

/** The twin's OpenAPI document: routes, validation and types. */
export const OAUTH_SPEC = specFile('oauth', import.meta.url);

/** The OAuth app token API's operations (`/applications/{client_id}/…`). */
const TOKEN_API_OPS = new Set(['checkAppToken', 'resetAppToken', 'deleteAppToken', 'deleteAppGrant']);

/** How the CLI describes a client: `consent page`, or `auto-approve`, `expiring tokens`, `suspended`. */
const modes = (a: OAuthClient) =>
  [a.autoApprove ? 'auto-approve' : 'consent page', a.expiringTokens && 'expiring tokens', a.suspended && 'suspended']
    .filter(Boolean)
    .join(', ');

/** Everything the kit needs to build the twin: spec, fixtures, states, errors, the platform's hooks and routes. */
export const oauthTwin: TwinDefinition<OAuthFixtures, OAuthRuntime> = {
  name: 'oauth',
  title: 'GitHub OAuth',
  defaultPort: 4040,
  spec: OAUTH_SPEC,
  fixtures: { schema: fixturesSchema, defaults: defaultFixtures },
  states: oauthStates,
  seed,
  errors: oauthErrors.catalogue,
  callers: oauthCallers,
  authenticate,
  onInvalid(_c, issues, op) {
    // GitHub's answers to bad input: the token endpoint's error (HTTP 200), an HTML page on the web flow.
    if (op.operationId === 'exchangeToken') return oauthErrors.refuse('incorrect_client_credentials');
    if (op.operationId === 'authorize' || op.operationId === 'submitConsent') {
      return oauthErrors.refuse('authorize_bad_request', { body: { problems: issues.map((i) => i.message) } });
    }
    // The token API's body (`access_token` missing or not a string): GitHub's 422.
    if (TOKEN_API_OPS.has(op.operationId as string)) {
      return oauthErrors.refuse('validation_failed', { body: { errors: issues.map((i) => i.message) } });
    }
    return oauthErrors.refuse('bad_credentials');
  },
  notFound: () => oauthErrors.refuse('not_found'),
  tooLarge: () => oauthErrors.refuse('payload_too_large'),
  internalError: () => oauthErrors.refuse('server_error'),
  parseBody,
  secretNames: /^code$|client_secret|refresh_token|access_token/i,
  stores: (rt) => ({ codes: rt.codes, tokens: rt.tokens }),
  credentials: (f) => [
    ...f.apps.map((a) => ({
      label: `${a.name} (${modes(a)})`,
      value: `client_id=${a.clientId} client_secret=${a.clientSecret} callback=${a.callbackUrls.join(' ')}`,
    })),
    ...f.users.map((u) => ({ label: `user ${u.login}${u.emailVerified ? '' : ' (unverified email)'}`, value: `password=${u.password}` })),
    ...f.tokens.map((t) => ({ label: `token of ${t.login} (${t.scope || 'no scope'})`, value: t.token })),
  ],
  routes: [
    ['/login/oauth/authorize', authorizeRoutes],
    ['/login/oauth/access_token', tokenRoutes],
    ['/user', userRoutes],
    ['/applications', applicationsRoutes],
  ],
  adminRoutes: oauthAdminRoutes,
};

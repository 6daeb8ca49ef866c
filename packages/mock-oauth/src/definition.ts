import { fileURLToPath } from 'node:url';
import { defaultParseBody, type TwinContext, type TwinDefinition } from '@doppel/mock-kit';
import { oauthErrors } from './errors.ts';
import { defaultFixtures, fixturesSchema, type OAuthFixtures } from './fixtures.ts';
import { badRequestPage } from './pages.ts';
import { oauthAdmin } from './routes/admin.ts';
import { authorizeRoutes } from './routes/authorize.ts';
import { tokenRoutes } from './routes/token.ts';
import { authenticateApi, presentedToken, userRoutes } from './routes/user.ts';
import { type OAuthState, seed } from './state.ts';
import { states } from './states.ts';

export const OAUTH_SPEC = fileURLToPath(new URL('../../../contracts/openapi/oauth.yaml', import.meta.url));
export const DEFAULT_PORT = 4040;

type Ctx = TwinContext<OAuthFixtures, OAuthState>;

/** JSON or form by content type; with no usable content type, whichever parses (clients are sloppy here). */
export function parseBody(raw: string, contentType: string | undefined): unknown {
  const parsed = defaultParseBody(raw, contentType);
  if (parsed !== undefined) return parsed;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if ((type === '' || type === 'text/plain') && /^[^=&{[\s]+=[^&]*(&[^=&]+=[^&]*)*$/.test(raw.trim())) {
    return Object.fromEntries(new URLSearchParams(raw.trim()));
  }
  return undefined;
}

/** The tenant is the client_id: from the query, the body, or (on the API host) the token's client. */
function tenantOf(c: Ctx): string | undefined {
  const q = c.req.query('client_id');
  if (q) return q;
  const body = c.get('body');
  if (body && typeof body === 'object' && typeof (body as Record<string, unknown>).client_id === 'string') {
    return (body as Record<string, string>).client_id;
  }
  const token = presentedToken(c);
  return token ? c.get('twin').state.tokens.get(token)?.clientId : undefined;
}

export const oauthTwin: TwinDefinition<OAuthFixtures, OAuthState> = {
  name: 'oauth',
  title: 'GitHub OAuth',
  defaultPort: DEFAULT_PORT,
  spec: OAUTH_SPEC,
  fixtures: { schema: fixturesSchema, defaults: defaultFixtures },
  states,
  seed: (f, twin) => seed(f, twin.clock),
  errors: oauthErrors.catalogue,
  tenantOf,
  async authenticate(c, op) {
    if (op.secured) await authenticateApi(c);
  },
  onInvalid(c, issues, op) {
    if (op.operationId === 'exchangeToken') return oauthErrors.response(c, 'incorrect_client_credentials');
    if (op.operationId === 'authorize' || op.operationId === 'submitConsent') {
      return c.html(badRequestPage(issues.map((i) => i.message)), 400);
    }
    return oauthErrors.response(c, 'bad_credentials');
  },
  notFound: (c) => c.json({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' }, 404),
  internalError: (c) => c.json({ message: 'Server Error', documentation_url: 'https://docs.github.com/rest', status: '500' }, 500),
  parseBody,
  secretNames: /^code$|client_secret|refresh_token|access_token/i,
  credentials: (f) => [
    ...f.apps.map((a) => ({
      label: `${a.name} (${[a.autoApprove ? 'auto-approve' : 'consent page', a.expiringTokens ? 'expiring tokens' : '', a.suspended ? 'suspended' : ''].filter(Boolean).join(', ')})`,
      value: `client_id=${a.clientId} client_secret=${a.clientSecret} callback=${a.callbackUrls.join(' ')}`,
    })),
    ...f.users.map((u) => ({ label: `user ${u.login}${u.emailVerified ? '' : ' (unverified email)'}`, value: `password=${u.password}` })),
    ...f.tokens.map((t) => ({ label: `token of ${t.login} (${t.scope || 'no scope'})`, value: t.token })),
  ],
  routes(app) {
    app.route('/', authorizeRoutes);
    app.route('/', tokenRoutes);
    app.route('/', userRoutes);
  },
  adminRoutes: oauthAdmin,
};

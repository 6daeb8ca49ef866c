import { CI_BOT, GITHUB_APP, GITHUB_BOT, OCTOCAT_TOKEN, STATE_VALUES } from '@doppel/mock-oauth';
import { MatchersV3 } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { basicAuthorization, createOAuthClient, type TokenFormat } from '../../src/oauth/client.ts';
import { pactBetween } from './pact.ts';

/**
 * Consumer side of the GitHub OAuth contract: the real client (and, for the consent form, what a browser
 * posts) drives every interaction; contracts/test/oauth.provider.test.ts verifies the pact against the twin.
 */
const pact = pactBetween('doppel-oauth-client', 'doppel-oauth');

/**
 * The authorize step is a browser redirect: Pact's verifier follows redirects, so these interactions go to
 * their own pact, verified by replaying each one with redirects off (contracts/test/oauth.provider.test.ts).
 */
const browserPact = pactBetween('doppel-oauth-browser', 'doppel-oauth');

const { regex, like } = MatchersV3;
const CALLBACK = STATE_VALUES.callback;
const FORM = 'application/x-www-form-urlencoded; charset=utf-8';
const TOKEN_DOCS = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors';
const AUTH_DOCS = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors';
const REFRESH_DOCS = 'https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens';

const client = (baseUrl: string, app = GITHUB_BOT, format: TokenFormat = 'json') =>
  createOAuthClient({ baseUrl, clientId: app.clientId, clientSecret: app.clientSecret, redirectUri: CALLBACK, format });

/** What the client sends on every API request: GitHub forbids API requests without a User-Agent. */
const API_HEADERS = { 'user-agent': 'doppel-oauth-client', accept: 'application/vnd.github+json' };
const BOT_BASIC = basicAuthorization(GITHUB_BOT.clientId, GITHUB_BOT.clientSecret);
const BAD_CREDENTIALS = { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' };
const TOKEN_API_NOT_FOUND = {
  message: 'Not Found',
  documentation_url: 'https://docs.github.com/rest/apps/oauth-applications',
  status: '404',
};

/** The JSON body the client posts (the vendor doc's sample posts JSON too). */
const formBody = (app: { clientId: string; clientSecret: string }, fields: Record<string, string>) => ({
  client_id: app.clientId,
  client_secret: app.clientSecret,
  ...fields,
});

const errorLocation = (error: string, description: string, anchor: string, state: string) =>
  `${CALLBACK}?${new URLSearchParams({ error, error_description: description, error_uri: `${AUTH_DOCS}/#${anchor}`, state })}`;

describe('GitHub OAuth client ↔ twin contract', () => {
  describe('authorize', () => {
    it('redirects an auto-approving client to the callback with a code and the state', () =>
      browserPact
        .addInteraction()
        .given('octocat holds a token')
        .uponReceiving('an authorize request from an auto-approving client')
        .withRequest('GET', '/login/oauth/authorize', (b) =>
          b.query({ client_id: CI_BOT.clientId, redirect_uri: CALLBACK, scope: 'read:user', state: 'g1:b1' }),
        )
        .willRespondWith(302, (b) =>
          b.headers({
            location: regex(
              /^http:\/\/localhost:3000\/github\/oauth\?code=[0-9a-f]{20}&state=g1%3Ab1$/,
              `${CALLBACK}?code=9a3ee5f2c0de00000001&state=g1%3Ab1`,
            ),
          }),
        )
        .executeTest(async (server) => {
          const res = await fetch(client(server.url, CI_BOT).authorizeUrl({ scope: 'read:user', state: 'g1:b1' }), { redirect: 'manual' });
          expect(res.status).toBe(302);
          expect(new URL(res.headers.get('location')!).searchParams.get('state')).toBe('g1:b1');
        }));

    const authErrors: [string, string, string, Record<string, string>, string][] = [
      [
        'a redirect_uri outside the registered callback',
        'octocat holds a token',
        'redirect_uri_mismatch',
        { redirect_uri: 'http://evil.example/cb' },
        errorLocation(
          'redirect_uri_mismatch',
          'The redirect_uri MUST match the registered callback URL for this application.',
          'redirect-uri-mismatch',
          'g1:b1',
        ),
      ],
      [
        'a suspended application',
        'the GitHub bot is suspended',
        'application_suspended',
        {},
        errorLocation(
          'application_suspended',
          'Your application has been suspended. Contact support@github.com.',
          'application-suspended',
          'g1:b1',
        ),
      ],
    ];
    for (const [label, state, error, extra, loc] of authErrors) {
      it(`redirects with ${error} for ${label}`, () =>
        browserPact
          .addInteraction()
          .given(state)
          .uponReceiving(`an authorize request for ${label}`)
          .withRequest('GET', '/login/oauth/authorize', (b) =>
            b.query({ client_id: CI_BOT.clientId, redirect_uri: CALLBACK, scope: 'read:user', state: 'g1:b1', ...extra }),
          )
          .willRespondWith(302, (b) => b.headers({ location: loc }))
          .executeTest(async (server) => {
            const url = new URL(client(server.url, CI_BOT).authorizeUrl({ scope: 'read:user', state: 'g1:b1' }));
            for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
            const res = await fetch(url, { redirect: 'manual' });
            expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe(error);
          }));
    }

    it('redirects with access_denied when the person refuses (forced with the x-doppel-scenario header)', () =>
      browserPact
        .addInteraction()
        .given('octocat holds a token')
        .uponReceiving('an authorize request the person refuses')
        .withRequest('GET', '/login/oauth/authorize', (b) =>
          b
            .query({ client_id: GITHUB_BOT.clientId, redirect_uri: CALLBACK, scope: 'read:user', state: 'g1:b1' })
            .headers({ 'x-doppel-scenario': 'authorize_access_denied' }),
        )
        .willRespondWith(302, (b) =>
          b.headers({ location: errorLocation('access_denied', 'The user has denied your application access.', 'access-denied', 'g1:b1') }),
        )
        .executeTest(async (server) => {
          const res = await fetch(client(server.url).authorizeUrl({ scope: 'read:user', state: 'g1:b1' }), {
            redirect: 'manual',
            headers: { 'x-doppel-scenario': 'authorize_access_denied' },
          });
          expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
        }));
  });

  describe('token exchange', () => {
    it('answers form-encoded by default, access_token first', () =>
      pact
        .addInteraction()
        .given('a code was issued to the GitHub bot')
        .uponReceiving('a code exchange with no Accept (form reply)')
        .withRequest('POST', '/login/oauth/access_token', (b) =>
          b.jsonBody(formBody(GITHUB_BOT, { code: STATE_VALUES.botCode, redirect_uri: CALLBACK })),
        )
        .willRespondWith(200, (b) =>
          b
            .headers({ 'content-type': FORM })
            .body('text/plain', Buffer.from(`access_token=${STATE_VALUES.issuedToken}&scope=read%3Auser&token_type=bearer`)),
        )
        .executeTest(async (server) => {
          const r = await client(server.url, GITHUB_BOT, 'form').exchangeCode({ code: STATE_VALUES.botCode });
          expect(r.data).toEqual({ accessToken: STATE_VALUES.issuedToken, scope: 'read:user', tokenType: 'bearer' });
        }));

    it('answers JSON for Accept: application/json', () =>
      pact
        .addInteraction()
        .given('a code was issued to the GitHub bot')
        .uponReceiving('a code exchange asking for JSON')
        .withRequest('POST', '/login/oauth/access_token', (b) =>
          b.headers({ accept: 'application/json' }).jsonBody(formBody(GITHUB_BOT, { code: STATE_VALUES.botCode, redirect_uri: CALLBACK })),
        )
        .willRespondWith(200, (b) =>
          b.jsonBody({ access_token: regex(/^gho_\w+$/, STATE_VALUES.issuedToken), scope: 'read:user', token_type: 'bearer' }),
        )
        .executeTest(async (server) => {
          const r = await client(server.url).exchangeCode({ code: STATE_VALUES.botCode });
          expect(r.data?.accessToken).toMatch(/^gho_/);
        }));

    it('takes the client credentials as HTTP Basic (RFC 6749 §2.3.1)', () =>
      pact
        .addInteraction()
        .given('a code was issued to the GitHub bot')
        .uponReceiving('a code exchange with Basic client authentication')
        .withRequest('POST', '/login/oauth/access_token', (b) =>
          b
            .headers({ accept: 'application/json', authorization: BOT_BASIC })
            .jsonBody({ code: STATE_VALUES.botCode, redirect_uri: CALLBACK }),
        )
        .willRespondWith(200, (b) =>
          b
            .headers({ 'cache-control': 'no-store' })
            .jsonBody({ access_token: like(STATE_VALUES.issuedToken), scope: 'read:user', token_type: 'bearer' }),
        )
        .executeTest(async (server) => {
          const c = createOAuthClient({
            baseUrl: server.url,
            clientId: GITHUB_BOT.clientId,
            clientSecret: GITHUB_BOT.clientSecret,
            redirectUri: CALLBACK,
            clientAuthentication: 'basic',
          });
          expect((await c.exchangeCode({ code: STATE_VALUES.botCode })).data?.accessToken).toBe(STATE_VALUES.issuedToken);
        }));

    it('verifies a PKCE code with its verifier', () =>
      pact
        .addInteraction()
        .given('a PKCE code was issued to the GitHub bot')
        .uponReceiving('a PKCE code exchange with the right verifier')
        .withRequest('POST', '/login/oauth/access_token', (b) =>
          b
            .headers({ accept: 'application/json' })
            .jsonBody(
              formBody(GITHUB_BOT, { code: STATE_VALUES.pkceCode, redirect_uri: CALLBACK, code_verifier: STATE_VALUES.pkceVerifier }),
            ),
        )
        .willRespondWith(200, (b) => b.jsonBody({ access_token: like(STATE_VALUES.issuedToken), scope: 'read:user', token_type: 'bearer' }))
        .executeTest(async (server) => {
          const r = await client(server.url).exchangeCode({ code: STATE_VALUES.pkceCode, codeVerifier: STATE_VALUES.pkceVerifier });
          expect(r.data?.accessToken).toBe(STATE_VALUES.issuedToken);
        }));

    it('refreshes an expiring user token', () =>
      pact
        .addInteraction()
        .given('the GitHub App issued a refresh token')
        .uponReceiving('a refresh_token grant')
        .withRequest('POST', '/login/oauth/access_token', (b) =>
          b
            .headers({ accept: 'application/json' })
            .jsonBody(formBody(GITHUB_APP, { grant_type: 'refresh_token', refresh_token: STATE_VALUES.refreshToken })),
        )
        .willRespondWith(200, (b) =>
          b.jsonBody({
            access_token: regex(/^ghu_\w+$/, STATE_VALUES.issuedUserToken),
            expires_in: 28800,
            refresh_token: regex(/^ghr_\w+$/, STATE_VALUES.issuedRefreshToken),
            refresh_token_expires_in: 15897600,
            scope: '',
            token_type: 'bearer',
          }),
        )
        .executeTest(async (server) => {
          const r = await client(server.url, GITHUB_APP).refresh(STATE_VALUES.refreshToken);
          expect(r.data).toMatchObject({ expiresIn: 28800, refreshTokenExpiresIn: 15897600 });
        }));

    /** Every token error, HTTP 200; the first in the default form format, the rest in JSON. */
    const tokenErrors: [
      string,
      string,
      TokenFormat,
      { clientId: string; clientSecret: string },
      Record<string, string>,
      string,
      string,
      string,
    ][] = [
      [
        'an unknown code (form reply)',
        'octocat holds a token',
        'form',
        GITHUB_BOT,
        { code: 'no-such-code', redirect_uri: CALLBACK },
        'bad_verification_code',
        'The code passed is incorrect or expired.',
        `${TOKEN_DOCS}/#bad-verification-code`,
      ],
      [
        'an unknown code',
        'octocat holds a token',
        'json',
        GITHUB_BOT,
        { code: 'no-such-code', redirect_uri: CALLBACK },
        'bad_verification_code',
        'The code passed is incorrect or expired.',
        `${TOKEN_DOCS}/#bad-verification-code`,
      ],
      [
        'a wrong client secret',
        'a code was issued to the GitHub bot',
        'json',
        { clientId: GITHUB_BOT.clientId, clientSecret: 'wrong' },
        { code: STATE_VALUES.botCode, redirect_uri: CALLBACK },
        'incorrect_client_credentials',
        'The client_id and/or client_secret passed are incorrect.',
        `${TOKEN_DOCS}/#incorrect-client-credentials`,
      ],
      [
        'another redirect_uri than the code’s',
        'a code was issued to the GitHub bot',
        'json',
        GITHUB_BOT,
        { code: STATE_VALUES.botCode, redirect_uri: `${CALLBACK}/elsewhere` },
        'redirect_uri_mismatch',
        'The redirect_uri MUST match the registered callback URL for this application.',
        `${TOKEN_DOCS}/#redirect-uri-mismatch2`,
      ],
      [
        'a user without a verified email',
        'a code was issued for a user without a verified email',
        'json',
        GITHUB_BOT,
        { code: STATE_VALUES.unverifiedCode, redirect_uri: CALLBACK },
        'unverified_user_email',
        'The user must have a verified primary email.',
        `${TOKEN_DOCS}/#unverified-user-email`,
      ],
      [
        'an unknown grant type',
        'octocat holds a token',
        'json',
        GITHUB_BOT,
        { grant_type: 'password', refresh_token: 'x' },
        'unsupported_grant_type',
        'The grant type is not supported.',
        REFRESH_DOCS,
      ],
      [
        'an unknown refresh token',
        'octocat holds a token',
        'json',
        GITHUB_APP,
        { grant_type: 'refresh_token', refresh_token: 'ghr_unknown' },
        'bad_refresh_token',
        'The refresh token passed is incorrect or expired.',
        REFRESH_DOCS,
      ],
      [
        'a PKCE verifier for a code issued without code_challenge (downgrade)',
        'a code was issued to the GitHub bot',
        'json',
        GITHUB_BOT,
        { code: STATE_VALUES.botCode, redirect_uri: CALLBACK, code_verifier: STATE_VALUES.pkceVerifier },
        'bad_verification_code',
        'The code passed is incorrect or expired.',
        `${TOKEN_DOCS}/#bad-verification-code`,
      ],
      [
        'a wrong PKCE verifier',
        'a PKCE code was issued to the GitHub bot',
        'json',
        GITHUB_BOT,
        { code: STATE_VALUES.pkceCode, redirect_uri: CALLBACK, code_verifier: 'wrong-verifier' },
        'bad_verification_code',
        'The code passed is incorrect or expired.',
        `${TOKEN_DOCS}/#bad-verification-code`,
      ],
    ];
    for (const [label, state, format, creds, fields, error, description, uri] of tokenErrors) {
      it(`answers ${error} with HTTP 200 for ${label}`, () =>
        pact
          .addInteraction()
          .given(state)
          .uponReceiving(`a token request with ${label}`)
          .withRequest('POST', '/login/oauth/access_token', (b) => {
            if (format === 'json') b.headers({ accept: 'application/json' });
            b.jsonBody(formBody(creds, fields));
          })
          .willRespondWith(200, (b) => {
            const body = { error, error_description: description, error_uri: uri };
            if (format === 'json') b.jsonBody(body);
            else b.headers({ 'content-type': FORM }).body('text/plain', Buffer.from(new URLSearchParams(body).toString()));
          })
          .executeTest(async (server) => {
            const c = createOAuthClient({ baseUrl: server.url, clientId: creds.clientId, clientSecret: creds.clientSecret, format });
            const r =
              fields.grant_type !== undefined
                ? await (async () => {
                    // unsupported grant types are not something the client sends: post it raw.
                    if (fields.grant_type !== 'refresh_token') {
                      const res = await fetch(`${server.url}/login/oauth/access_token`, {
                        method: 'POST',
                        headers: { accept: 'application/json', 'content-type': 'application/json' },
                        body: JSON.stringify(formBody(creds, fields)),
                      });
                      return { error: { code: ((await res.json()) as { error: string }).error } };
                    }
                    return c.refresh(fields.refresh_token!);
                  })()
                : await c.exchangeCode({
                    code: fields.code!,
                    redirectUri: fields.redirect_uri!,
                    ...(fields.code_verifier && { codeVerifier: fields.code_verifier }),
                  });
            expect(r.error?.code).toBe(error);
          }));
    }
  });

  describe('GET /user', () => {
    it('answers the token’s user', () =>
      pact
        .addInteraction()
        .given('octocat holds a token')
        .uponReceiving('GET /user with a Bearer token')
        .withRequest('GET', '/user', (b) => b.headers({ ...API_HEADERS, authorization: `Bearer ${OCTOCAT_TOKEN.token}` }))
        .willRespondWith(200, (b) =>
          b.jsonBody({
            login: 'octocat',
            id: 583231,
            type: 'User',
            site_admin: false,
            name: like('The Octocat'),
            email: like('octocat@github.com'),
            avatar_url: like('https://avatars.githubusercontent.com/u/583231?v=4'),
          }),
        )
        .executeTest(async (server) => {
          const r = await client(server.url).getUser(OCTOCAT_TOKEN.token);
          expect(r.data?.login).toBe('octocat');
        }));

    it('answers 401 Bad credentials to a bad token', () =>
      pact
        .addInteraction()
        .given('octocat holds a token')
        .uponReceiving('GET /user with an unknown token')
        .withRequest('GET', '/user', (b) => b.headers({ ...API_HEADERS, authorization: 'Bearer gho_revokedOrUnknown' }))
        .willRespondWith(401, (b) =>
          b.jsonBody({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' }),
        )
        .executeTest(async (server) => {
          const r = await client(server.url).getUser('gho_revokedOrUnknown');
          expect(r.error).toMatchObject({ kind: 'api', status: 401, code: 'Bad credentials' });
        }));

    it('answers 401 Bad credentials to the doc’s ?access_token= form, even for a live token', () =>
      pact
        .addInteraction()
        .given('octocat holds a token')
        .uponReceiving('GET /user?access_token= (the vendor doc’s form)')
        .withRequest('GET', '/user', (b) => b.query({ access_token: OCTOCAT_TOKEN.token }).headers({ 'user-agent': 'doppel-oauth-client' }))
        .willRespondWith(401, (b) =>
          b.jsonBody({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' }),
        )
        .executeTest(async (server) => {
          const res = await fetch(`${server.url}/user?access_token=${OCTOCAT_TOKEN.token}`, {
            headers: { 'user-agent': 'doppel-oauth-client' },
          });
          expect(res.status).toBe(401);
        }));
  });

  describe('GET /user/emails', () => {
    it('lists the addresses for a token with user:email', () =>
      pact
        .addInteraction()
        .given('octocat holds a token with user:email')
        .uponReceiving('GET /user/emails with a user:email token')
        .withRequest('GET', '/user/emails', (b) => b.headers({ ...API_HEADERS, authorization: `Bearer ${STATE_VALUES.emailToken}` }))
        .willRespondWith(200, (b) =>
          b.jsonBody([
            { email: 'octocat@github.com', primary: true, verified: true, visibility: 'public' },
            { email: like('583231+octocat@users.noreply.github.com'), primary: false, verified: true, visibility: null },
          ]),
        )
        .executeTest(async (server) => {
          const r = await client(server.url).getEmails(STATE_VALUES.emailToken);
          expect(r.data?.find((e) => e.primary)?.email).toBe('octocat@github.com');
        }));

    it('answers 404 to a token without user:email', () =>
      pact
        .addInteraction()
        .given('octocat holds a token')
        .uponReceiving('GET /user/emails with a read:user token')
        .withRequest('GET', '/user/emails', (b) => b.headers({ ...API_HEADERS, authorization: `Bearer ${OCTOCAT_TOKEN.token}` }))
        .willRespondWith(404, (b) =>
          b.jsonBody({
            message: 'Not Found',
            documentation_url: 'https://docs.github.com/rest/users/emails#list-email-addresses-for-the-authenticated-user',
            status: '404',
          }),
        )
        .executeTest(async (server) => {
          const r = await client(server.url).getEmails(OCTOCAT_TOKEN.token);
          expect(r.error).toMatchObject({ kind: 'api', status: 404 });
        }));
  });

  describe('the OAuth app token API (Basic client authentication)', () => {
    const path = `/applications/${GITHUB_BOT.clientId}/token`;
    const authorization = {
      id: like(1),
      url: like('http://127.0.0.1:4040/authorizations/1'),
      scopes: ['read:user'],
      token_last_eight: like('00000000'),
      hashed_token: regex(/^[0-9a-f]{64}$/, 'a'.repeat(64)),
      app: { client_id: GITHUB_BOT.clientId, name: 'Doppel GitHub Bot', url: 'http://localhost:3000' },
      note: null,
      note_url: null,
      fingerprint: null,
      expires_at: null,
      user: like({ login: 'octocat', id: 583231 }),
    };

    it('checks a token', () =>
      pact
        .addInteraction()
        .given('octocat holds a token')
        .uponReceiving('a token check')
        .withRequest('POST', path, (b) =>
          b.headers({ ...API_HEADERS, authorization: BOT_BASIC }).jsonBody({ access_token: OCTOCAT_TOKEN.token }),
        )
        .willRespondWith(200, (b) => b.jsonBody({ ...authorization, token: OCTOCAT_TOKEN.token }))
        .executeTest(async (server) => {
          const r = await client(server.url).checkToken(OCTOCAT_TOKEN.token);
          expect(r.data?.user?.login).toBe('octocat');
        }));

    it('answers 404 for a token that is not the app’s', () =>
      pact
        .addInteraction()
        .given('octocat holds a token')
        .uponReceiving('a token check of an unknown token')
        .withRequest('POST', path, (b) => b.headers({ ...API_HEADERS, authorization: BOT_BASIC }).jsonBody({ access_token: 'gho_unknown' }))
        .willRespondWith(404, (b) => b.jsonBody(TOKEN_API_NOT_FOUND))
        .executeTest(async (server) => {
          const r = await client(server.url).checkToken('gho_unknown');
          expect(r.error).toMatchObject({ kind: 'api', status: 404 });
        }));

    it('answers 401 Bad credentials for a wrong client secret', () =>
      pact
        .addInteraction()
        .given('octocat holds a token')
        .uponReceiving('a token check with a wrong client secret')
        .withRequest('POST', path, (b) =>
          b
            .headers({ ...API_HEADERS, authorization: basicAuthorization(GITHUB_BOT.clientId, 'wrong') })
            .jsonBody({ access_token: OCTOCAT_TOKEN.token }),
        )
        .willRespondWith(401, (b) => b.jsonBody(BAD_CREDENTIALS))
        .executeTest(async (server) => {
          const c = createOAuthClient({ baseUrl: server.url, clientId: GITHUB_BOT.clientId, clientSecret: 'wrong' });
          expect((await c.checkToken(OCTOCAT_TOKEN.token)).error).toMatchObject({ status: 401, code: 'Bad credentials' });
        }));

    it('resets a token', () =>
      pact
        .addInteraction()
        .given('octocat holds a token')
        .uponReceiving('a token reset')
        .withRequest('PATCH', path, (b) =>
          b.headers({ ...API_HEADERS, authorization: BOT_BASIC }).jsonBody({ access_token: OCTOCAT_TOKEN.token }),
        )
        .willRespondWith(200, (b) => b.jsonBody({ ...authorization, token: regex(/^gho_\w{36}$/, `gho_${'R'.repeat(36)}`) }))
        .executeTest(async (server) => {
          const r = await client(server.url).resetToken(OCTOCAT_TOKEN.token);
          expect(r.data?.token).toMatch(/^gho_/);
        }));

    it('deletes a token', () =>
      pact
        .addInteraction()
        .given('octocat holds a token')
        .uponReceiving('a token deletion')
        .withRequest('DELETE', path, (b) =>
          b.headers({ ...API_HEADERS, authorization: BOT_BASIC }).jsonBody({ access_token: OCTOCAT_TOKEN.token }),
        )
        .willRespondWith(204)
        .executeTest(async (server) => {
          expect((await client(server.url).deleteToken(OCTOCAT_TOKEN.token)).data).toBe(true);
        }));

    it('deletes the grant', () =>
      pact
        .addInteraction()
        .given('octocat holds a token')
        .uponReceiving('a grant deletion')
        .withRequest('DELETE', `/applications/${GITHUB_BOT.clientId}/grant`, (b) =>
          b.headers({ ...API_HEADERS, authorization: BOT_BASIC }).jsonBody({ access_token: OCTOCAT_TOKEN.token }),
        )
        .willRespondWith(204)
        .executeTest(async (server) => {
          expect((await client(server.url).deleteGrant(OCTOCAT_TOKEN.token)).data).toBe(true);
        }));
  });
});

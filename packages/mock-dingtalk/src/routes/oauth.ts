import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { findApp, findSuite } from '../access.ts';
import type { DingTalkContext, DingTalkEnv } from '../context.ts';
import { acsHeaders, dingtalkErrors } from '../errors.ts';
import type { components } from '../generated/openapi.ts';
import { type Caller, type DingTalkRuntime, key, type TokenRecord } from '../runtime.ts';

type Schemas = components['schemas'];

function newToken(state: DingTalkRuntime, caller: Caller, expiresAt: number): TokenRecord {
  const rec: TokenRecord = { ...caller, token: randomBytes(16).toString('hex'), expiresAt };
  state.tokens.set(rec.token, rec, expiresAt);
  return rec;
}

/** A self-built app asking again while its token is valid gets the same token with a longer life. */
function appToken(c: DingTalkContext, appKey: string, corpId: string): TokenRecord {
  const { state, clock } = c.get('twin');
  const now = clock.now();
  const expiresAt = now + state.fixtures.tokenTtlSeconds * 1000;
  const current = state.appTokens.get(key(corpId, appKey));
  if (current && current.expiresAt > now) {
    // Renewed (a new record, never the stored one changed in place): the newest in the bounded store again, and
    // back in it had a full store evicted it. With a shared store, two replicas asked at once agree on one token.
    const renewed = { ...current, expiresAt };
    state.tokens.set(renewed.token, renewed, expiresAt);
    state.appTokens.update(key(corpId, appKey), renewed);
    return renewed;
  }
  const rec = newToken(state, { corpId, clientId: appKey, kind: 'self_built' }, expiresAt);
  state.appTokens.set(key(corpId, appKey), rec);
  return rec;
}

/** `/v1.0/oauth2`: the new gateway's token calls (anonymous). */
export const oauthRoutes = new Hono<DingTalkEnv>()
  // The gateway reads only a JSON body: a form with the right fields is still "Missingbody".
  .use('*', (c, next) => {
    if (!/json/i.test(String(c.req.header('content-type')))) dingtalkErrors.raise('Missingbody');
    return next();
  })
  .post('/accessToken', (c) => {
    const { appKey, appSecret } = c.get('body') as Schemas['AccessTokenRequest'];
    const { state } = c.get('twin');
    const found = findApp(state, appKey);
    if (!found || found.appSecret !== appSecret) return dingtalkErrors.raise('invalidClientIdOrSecret');
    const rec = appToken(c, found.appKey, found.corpId);
    return c.json(
      { accessToken: rec.token, expireIn: state.fixtures.tokenTtlSeconds } satisfies Schemas['AccessTokenResponse'],
      200,
      acsHeaders(c),
    );
  })
  .post('/corpAccessToken', (c) => {
    const body = c.get('body') as Schemas['CorpAccessTokenRequest'];
    const { state, clock } = c.get('twin');
    const suite = findSuite(state, body.suiteKey);
    if (!suite || suite.suiteSecret !== body.suiteSecret) return dingtalkErrors.raise('invalidSuiteKey');
    if (suite.suiteTicket !== body.suiteTicket) return dingtalkErrors.raise('invalidSuiteTicket');
    if (!suite.installedCorpIds.includes(body.authCorpId)) return dingtalkErrors.raise('invalidAuthInfo');
    const ttl = state.fixtures.tokenTtlSeconds;
    const rec = newToken(state, { corpId: body.authCorpId, clientId: suite.suiteKey, kind: 'suite' }, clock.now() + ttl * 1000);
    return c.json({ accessToken: rec.token, expireIn: ttl } satisfies Schemas['AccessTokenResponse'], 200, acsHeaders(c));
  });

/** `/gettoken`: the legacy token call the vendor sample makes; its errors are HTTP 200 with errcode 40089. */
export const legacyTokenRoutes = new Hono<DingTalkEnv>().get('/', (c) => {
  const { state } = c.get('twin');
  // The spec requires both parameters.
  const found = findApp(state, c.req.query('appkey')!);
  if (!found || found.appSecret !== c.req.query('appsecret')) return dingtalkErrors.raise('legacy40089');
  const rec = appToken(c, found.appKey, found.corpId);
  const body: Schemas['LegacyTokenResponse'] = {
    errcode: 0,
    errmsg: 'ok',
    access_token: rec.token,
    expires_in: state.fixtures.tokenTtlSeconds,
  };
  return c.json(body, 200, acsHeaders(c));
});

import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { acsHeaders, errors } from '../errors.ts';
import { type DingTalkState, findApp, findSuite, key, type TokenRecord } from '../state.ts';
import type { Caller } from '../state.ts';
import type { Ctx, Env } from '../types.ts';

function newToken(state: DingTalkState, caller: Caller, expiresAt: number): TokenRecord {
  const rec: TokenRecord = { ...caller, token: randomBytes(16).toString('hex'), expiresAt };
  state.tokens.set(rec.token, rec);
  return rec;
}

/** A self-built app asking again while its token is valid gets the same token with a longer life. */
function appToken(c: Ctx, appKey: string, corpId: string): TokenRecord {
  const { state, clock } = c.get('twin');
  const expiresAt = clock.now() + state.fixtures.tokenTtlSeconds * 1000;
  const current = state.tokens.get(state.appTokens.get(key(corpId, appKey)) ?? '');
  if (current && current.expiresAt > clock.now()) {
    current.expiresAt = expiresAt;
    return current;
  }
  const rec = newToken(state, { corpId, clientId: appKey, kind: 'self_built' }, expiresAt);
  state.appTokens.set(key(corpId, appKey), rec.token);
  return rec;
}

export function oauthRoutes() {
  const app = new Hono<Env>();

  // The gateway reads only a JSON body: a form with the right fields is still "Missingbody".
  app.use('/v1.0/oauth2/*', async (c, next) => {
    if (!/json/i.test(c.req.header('content-type') ?? '')) return errors.raise(c, 'Missingbody');
    return next();
  });

  app.post('/v1.0/oauth2/accessToken', async (c) => {
    const { appKey, appSecret } = c.get('body') as { appKey: string; appSecret: string };
    const found = findApp(c.get('twin').state, appKey);
    if (!found || found.appSecret !== appSecret) return errors.raise(c, 'invalidClientIdOrSecret');
    const rec = appToken(c, found.appKey, found.corpId);
    return c.json({ accessToken: rec.token, expireIn: c.get('twin').state.fixtures.tokenTtlSeconds }, 200, acsHeaders(c));
  });

  app.post('/v1.0/oauth2/corpAccessToken', async (c) => {
    const body = c.get('body') as { suiteKey: string; suiteSecret: string; authCorpId: string; suiteTicket: string };
    const { state, clock } = c.get('twin');
    const suite = findSuite(state, body.suiteKey);
    if (!suite || suite.suiteSecret !== body.suiteSecret) return errors.raise(c, 'invalidSuiteKey');
    if (suite.suiteTicket !== body.suiteTicket) return errors.raise(c, 'invalidSuiteTicket');
    if (!suite.installedCorpIds.includes(body.authCorpId)) return errors.raise(c, 'invalidAuthInfo');
    const ttl = state.fixtures.tokenTtlSeconds;
    const rec = newToken(state, { corpId: body.authCorpId, clientId: suite.suiteKey, kind: 'suite' }, clock.now() + ttl * 1000);
    return c.json({ accessToken: rec.token, expireIn: ttl }, 200, acsHeaders(c));
  });

  app.get('/gettoken', async (c) => {
    const found = findApp(c.get('twin').state, c.req.query('appkey') ?? '');
    if (!found || found.appSecret !== c.req.query('appsecret')) return errors.raise(c, 'legacy40089');
    const rec = appToken(c, found.appKey, found.corpId);
    return c.json(
      { errcode: 0, errmsg: 'ok', access_token: rec.token, expires_in: c.get('twin').state.fixtures.tokenTtlSeconds },
      200,
      acsHeaders(c),
    );
  });

  return app;
}

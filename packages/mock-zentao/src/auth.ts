import { type CallerHooks, clientIp, type Operation, rawQuery } from '@doppel/mock-kit';
import type { ZentaoContext } from './context.ts';
import { zentaoErrors } from './errors.ts';
import type { ZentaoFixtures } from './fixtures.ts';
import { ipAllowed } from './ip.ts';
import type { ZentaoRuntime } from './runtime.ts';
import { canonicalQuery, httpBuildQuery, md5, type PhpQuery, parseStr, queryToken, timeToken } from './php.ts';

/** PHP's empty() of a $_GET value: absent, '' and '0' are empty ('00' and ' ' are not); the twin takes an array as absent. */
const filled = (v: string | Map<string, string> | undefined): v is string => typeof v === 'string' && v !== '' && v !== '0';

/** ZenTao's time variant takes a Unix time in seconds: exactly 10 digits. */
const UNIX_TIME = /^\d{10}$/;

/** The token printed in ZenTao's doc, which belongs to `m=chat&f=getChatUsers&code=myAppCode`. */
const DOC_TOKEN = 'f5633c34c0c551a16c1d63bceb38d6a8';

/** Why a token did not verify: the common mistakes, each checked by recomputing it. */
function hint(raw: string, q: PhpQuery, key: string, received: string): string | undefined {
  const without = new Map(q);
  without.delete('token');
  const sorted = new Map([...without.keys()].sort().map((k) => [k, without.get(k)!]));
  const rawWithout = raw
    .split('&')
    .filter((p) => !p.startsWith('token=') && p !== 'token')
    .join('&');
  const signed = httpBuildQuery(without);
  const candidates: [string, () => string][] = [
    ['the parameters sorted by name; ZenTao signs them in the order sent', () => queryToken(httpBuildQuery(sorted), key)],
    [
      'spaces encoded as %20; ZenTao re-encodes the query like http_build_query (spaces as +)',
      () => queryToken(signed.replace(/\+/g, '%20'), key),
    ],
    ['the query exactly as sent; ZenTao decodes it and re-encodes it like http_build_query', () => queryToken(rawWithout, key)],
    ['the key in upper case; the key must be lower case', () => queryToken(signed, key.toUpperCase())],
    ['a single md5 (md5(q + key)); ZenTao uses md5(md5(q) + key)', () => md5(signed + key)],
    ['a leading "?" in q; q is what follows the "?"', () => queryToken(`?${signed}`, key)],
  ];
  for (const [what, token] of candidates) if (token() === received) return `the token was computed over ${what}`;
  if (received === DOC_TOKEN) {
    return (
      "this is the token printed in ZenTao's doc: it belongs to q=m=chat&f=getChatUsers&code=myAppCode " +
      "(the doc's $query variable), not to the URL it is shown beside"
    );
  }
  if (received.length !== 32) return 'a token is 32 lower-case hex characters';
  return undefined;
}

/** Who calls (package README, "Callers"): the app, by the code the request names. */
export const zentaoCallers: CallerHooks<ZentaoFixtures, ZentaoRuntime> = {
  kinds: { app: 'the calling app, by its code (the code= parameter)' },
  of(req) {
    const app = req.query('code');
    return app ? { app } : undefined;
  },
  known: (f) => f.apps.map((a) => ({ kind: 'app', id: a.code, ...(a.name !== undefined && { name: a.name }) })),
  tenant: ['app'],
};

/**
 * `commonModel::checkEntry`, the kit's `authenticate` hook, in ZenTao's order: m/f, code, token, app, key, IP,
 * token, account binding. Returns on success (synchronously: no promise on the hot path), throws a refusal else.
 */
export function checkEntry(c: ZentaoContext, _op: Operation): void {
  const raw = rawQuery(c.req.url);
  const fast = canonicalQuery(raw);
  const q = fast?.q ?? parseStr(raw);
  const { state } = c.get('twin');
  if (!filled(q.get('m')) || !filled(q.get('f'))) zentaoErrors.raise('EMPTY_ENTRY');
  const code = q.get('code');
  if (!filled(code)) zentaoErrors.raise('PARAM_CODE_MISSING');
  const token = q.get('token');
  if (!filled(token)) zentaoErrors.raise('PARAM_TOKEN_MISSING');
  const app = state.apps.get(code);
  if (!app) zentaoErrors.raise('EMPTY_ENTRY');
  if (!app.key) zentaoErrors.raise('EMPTY_KEY');
  const ip = clientIp(c);
  if (!ipAllowed(app.whitelist, ip)) {
    c.get('notes').ip = { caller: ip, whitelist: app.ip };
    zentaoErrors.raise('IP_DENIED');
  }

  let verified = false;
  const time = q.get('time');
  if (time !== undefined) {
    if (typeof time !== 'string' || !UNIX_TIME.test(time)) zentaoErrors.raise('ERROR_TIMESTAMP');
    if (token === timeToken(app.code, app.key, time)) {
      const last = state.calledTimes.get(app.code) ?? 0;
      if (Number(time) <= last) {
        c.get('notes').signature = { mode: 'time', time, lastCalledTime: last };
        zentaoErrors.raise('CALLED_TIME');
      }
      state.calledTimes.set(app.code, Number(time));
      verified = true;
    }
  }
  if (!verified) {
    let signed = fast?.signed;
    if (signed === undefined) {
      const without = new Map(q);
      without.delete('token');
      signed = httpBuildQuery(without);
    }
    const expected = queryToken(signed, app.key);
    if (token !== expected) {
      c.get('notes').signature = {
        mode: time === undefined ? 'query' : 'query (the time token did not match either)',
        signed,
        formula: 'md5(md5(signed) + key)',
        received: token,
        expected,
        ...(time !== undefined && { timeSigned: `${app.code} + key + ${time}` }),
        hint: hint(raw, q, app.key, token) ?? 'check the key and that no parameter was added or changed after signing',
      };
      zentaoErrors.raise('INVALID_TOKEN');
    }
  }

  if (app.freePasswd === false) {
    if (!app.account) zentaoErrors.raise('ACCOUNT_UNBOUND');
    if (!state.usersByAccount.has(app.account)) zentaoErrors.raise('INVALID_ACCOUNT');
  }
}

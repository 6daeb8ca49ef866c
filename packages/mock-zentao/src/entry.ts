import { clientIp, type Operation } from '@doppel/mock-kit';
import { errors } from './errors.ts';
import { ipAllowed } from './ip.ts';
import { type PhpQuery, httpBuildQuery, md5, parseStr, queryToken, timeToken } from './php.ts';
import type { ZentaoContext } from './twin.ts';

/** PHP's truthiness of a $_GET value: absent, '' and '0' are false. */
const truthy = (v: string | Map<string, string> | undefined): v is string => typeof v === 'string' && v !== '' && v !== '0';

/** A name=value pair that parse_str + http_build_query give back unchanged. */
const CANONICAL = /^[A-Za-z0-9_-]+=[A-Za-z0-9_.-]*$/;

/**
 * The common case, without decoding and re-encoding: when every pair is already in PHP's canonical form and
 * no name repeats, the parsed query is the pairs themselves and the signed string is the query minus `token`.
 */
function canonicalQuery(raw: string): { q: PhpQuery; signed: string } | undefined {
  const q: PhpQuery = new Map();
  const kept: string[] = [];
  for (const pair of raw.split('&')) {
    if (!CANONICAL.test(pair)) return undefined;
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    if (q.has(name)) return undefined;
    q.set(name, pair.slice(eq + 1));
    if (name !== 'token') kept.push(pair);
  }
  return { q, signed: kept.join('&') };
}

/** The token printed in ZenTao's doc, which belongs to `m=chat&f=getChatUsers&code=myAppCode`. */
const DOC_TOKEN = 'f5633c34c0c551a16c1d63bceb38d6a8';

function rawQuery(c: ZentaoContext): string {
  const url = c.req.url;
  const i = url.indexOf('?');
  return i < 0 ? '' : url.slice(i + 1).split('#')[0]!;
}

/** Why a token did not verify: the common mistakes, each checked by recomputing it. */
function hint(raw: string, q: PhpQuery, key: string, received: string): string | undefined {
  const without = new Map(q);
  without.delete('token');
  const sorted = new Map([...without].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const rawWithout = raw
    .split('&')
    .filter((p) => !p.startsWith('token=') && p !== 'token')
    .join('&');
  const signed = httpBuildQuery(without);
  const candidates: [string, () => string][] = [
    ['the parameters sorted by name; ZenTao signs them in the order sent', () => queryToken(httpBuildQuery(sorted), key)],
    ['spaces encoded as %20; ZenTao re-encodes the query like http_build_query (spaces as +)', () => queryToken(signed.replace(/\+/g, '%20'), key)],
    ['the query exactly as sent; ZenTao decodes it and re-encodes it like http_build_query', () => queryToken(rawWithout, key)],
    ['the key in upper case; the key must be lower case', () => queryToken(signed, key.toUpperCase())],
    ['a single md5 (md5(q + key)); ZenTao uses md5(md5(q) + key)', () => md5(signed + key)],
    ['a leading "?" in q; q is what follows the "?"', () => queryToken(`?${signed}`, key)],
  ];
  for (const [what, token] of candidates) if (token() === received) return `the token was computed over ${what}`;
  if (received === DOC_TOKEN) {
    return "this is the token printed in ZenTao's doc: it belongs to q=m=chat&f=getChatUsers&code=myAppCode (the doc's $query variable), not to the URL it is shown beside";
  }
  if (received.length !== 32) return 'a token is 32 lower-case hex characters';
  return undefined;
}

/**
 * `commonModel::checkEntry`, in ZenTao's order: m/f, code, token, app, key, IP, token, account binding.
 * Synchronous on success (no promise on the hot path); a refusal is the rejected promise of `errors.raise`.
 */
export function checkEntry(c: ZentaoContext, _op: Operation): Promise<never> | undefined {
  const raw = rawQuery(c);
  const fast = canonicalQuery(raw);
  const q = fast?.q ?? parseStr(raw);
  const { state } = c.get('twin');
  if (!truthy(q.get('m')) || !truthy(q.get('f'))) return errors.raise(c, 'EMPTY_ENTRY');
  const code = q.get('code');
  if (!truthy(code)) return errors.raise(c, 'PARAM_CODE_MISSING');
  const token = q.get('token');
  if (!truthy(token)) return errors.raise(c, 'PARAM_TOKEN_MISSING');
  const app = state.apps.get(code);
  if (!app) return errors.raise(c, 'EMPTY_ENTRY');
  if (!app.key) return errors.raise(c, 'EMPTY_KEY');
  const ip = clientIp(c);
  if (!ipAllowed(app.ip, ip)) {
    c.get('notes').ip = { caller: ip, whitelist: app.ip };
    return errors.raise(c, 'IP_DENIED');
  }

  let verified = false;
  const time = q.get('time');
  if (time !== undefined) {
    if (typeof time !== 'string' || !/^\d{10}$/.test(time)) return errors.raise(c, 'ERROR_TIMESTAMP');
    if (token === timeToken(app.code, app.key, time)) {
      if (Number(time) <= (app.calledTime ?? 0)) {
        c.get('notes').signature = { mode: 'time', time, lastCalledTime: app.calledTime ?? 0 };
        return errors.raise(c, 'CALLED_TIME');
      }
      app.calledTime = Number(time);
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
      return errors.raise(c, 'INVALID_TOKEN');
    }
  }

  if (app.freePasswd === false) {
    if (!app.account) return errors.raise(c, 'ACCOUNT_UNBOUND');
    const user = state.users.find((u) => u.account === app.account);
    if (!user || user.deleted) return errors.raise(c, 'INVALID_ACCOUNT');
  }
  return undefined;
}


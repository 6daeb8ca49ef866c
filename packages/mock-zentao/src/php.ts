import * as crypto from 'node:crypto';

// crypto.hash (Node 20.12+) is the one-shot digest, several times cheaper than createHash for short strings.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** PHP's md5(): lower-case hex of the UTF-8 bytes. */
export const md5 = (s: string): string => (oneShot ? oneShot('md5', s, 'hex') : crypto.createHash('md5').update(s, 'utf8').digest('hex'));

/** PHP's urlencode(): RFC 1738, spaces as `+`, only `-_.` and alphanumerics left bare. */
function phpUrlencode(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*~]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function phpUrldecode(s: string): string {
  const spaced = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A malformed escape: the twin keeps the text as it is (only `+` decoded).
    return spaced;
  }
}

/** A parse_str() result: values are strings or (one level of) arrays, in PHP's key order. */
export type PhpQuery = Map<string, string | Map<string, string>>;

/**
 * PHP's parse_str(), as `php_register_variable_ex` names variables (php-src, main/php_variables.c): leading
 * spaces dropped, ` ` and `.` before the first `[` turned into `_`, empty names skipped; `a[]=` / `a[k]=` build
 * arrays, and an unmatched `[` becomes `_` with the rest of the name kept as it is. A repeated name keeps its
 * first position and its last value.
 */
export function parseStr(query: string): PhpQuery {
  const out: PhpQuery = new Map();
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const [rawName, rawValue] = eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
    const name = phpUrldecode(rawName).replace(/^ +/, '');
    const bracket = name.indexOf('[');
    const base = (bracket < 0 ? name : name.slice(0, bracket)).replace(/[. ]/g, '_');
    if (base === '') continue;
    const value = phpUrldecode(rawValue);
    const close = bracket < 0 ? -1 : name.indexOf(']', bracket);
    if (close < 0) {
      out.set(bracket < 0 ? base : `${base}_${name.slice(bracket + 1)}`, value);
      continue;
    }
    let arr = out.get(base);
    if (!(arr instanceof Map)) {
      arr = new Map();
      out.set(base, arr);
    }
    const key = name.slice(bracket + 1, close);
    arr.set(key === '' ? String(nextIndex(arr)) : key, value);
  }
  return out;
}

const INDEX = /^\d+$/;

/** The index `a[]=` gets: one more than the largest numeric key so far, else 0. */
function nextIndex(arr: Map<string, string>): number {
  let max = -1;
  for (const k of arr.keys()) if (INDEX.test(k)) max = Math.max(max, Number(k));
  return max + 1;
}

/** PHP's http_build_query() with its defaults (urlencode, `&`). */
export function httpBuildQuery(q: PhpQuery): string {
  const parts: string[] = [];
  for (const [k, v] of q) {
    if (v instanceof Map) {
      for (const [sk, sv] of v) parts.push(`${phpUrlencode(`${k}[${sk}]`)}=${phpUrlencode(sv)}`);
    } else {
      parts.push(`${phpUrlencode(k)}=${phpUrlencode(v)}`);
    }
  }
  return parts.join('&');
}

/** `md5(md5(q) + key)`: ZenTao's query token. */
export const queryToken = (q: string, key: string): string => md5(md5(q) + key);

/** `md5(code + key + time)`: ZenTao's time token. */
export const timeToken = (code: string, key: string, time: string): string => md5(code + key + time);

/** A name=value pair that parse_str + http_build_query give back unchanged. */
const CANONICAL = /^[A-Za-z0-9_-]+=[A-Za-z0-9_.-]*$/;

/**
 * The common case of the string ZenTao signs, without decoding and re-encoding: when every pair is already in
 * http_build_query's form and no name repeats, the parsed query is the pairs themselves and the signed string is
 * the query without `token`. Undefined otherwise (then parseStr + httpBuildQuery give the answer).
 */
export function canonicalQuery(raw: string): { q: PhpQuery; signed: string } | undefined {
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

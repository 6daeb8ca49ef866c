import * as crypto from 'node:crypto';

// crypto.hash (Node 20.12+) is the one-shot digest, several times cheaper than createHash for short strings.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** PHP's md5(): lower-case hex of the UTF-8 bytes. */
export const md5 = (s: string): string =>
  oneShot ? oneShot('md5', s, 'hex') : crypto.createHash('md5').update(s, 'utf8').digest('hex');

/** PHP's urlencode(): RFC 1738, spaces as `+`, only `-_.` and alphanumerics left bare. */
const BARE = /^[A-Za-z0-9_.-]*$/;

export function phpUrlencode(s: string): string {
  if (BARE.test(s)) return s;
  return encodeURIComponent(s)
    .replace(/[!'()*~]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function phpUrldecode(s: string): string {
  if (!s.includes('%') && !s.includes('+')) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    // PHP leaves malformed escapes as they are.
    return s.replace(/\+/g, ' ');
  }
}

/** A parse_str() result: values are strings or (one level of) arrays, in PHP's key order. */
export type PhpQuery = Map<string, string | Map<string, string>>;

/**
 * PHP's parse_str(): decodes, turns `.` and ` ` in top-level names into `_`, keeps the first position
 * of a repeated key with the last value, and builds arrays from `a[]=` / `a[k]=`.
 */
export function parseStr(query: string): PhpQuery {
  const out: PhpQuery = new Map();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = phpUrldecode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : phpUrldecode(part.slice(eq + 1));
    const bracket = rawName.indexOf('[');
    const close = bracket > 0 ? rawName.indexOf(']', bracket) : -1;
    if (bracket > 0 && close > bracket) {
      const name = rawName.slice(0, bracket).replace(/[. ]/g, '_');
      const sub = rawName.slice(bracket + 1, close);
      let arr = out.get(name);
      if (!(arr instanceof Map)) {
        arr = new Map();
        out.set(name, arr);
      }
      const key = sub === '' ? String(nextIndex(arr)) : sub;
      arr.set(key, value);
    } else {
      const name = rawName.replace(/[. [ ]/g, '_');
      out.set(name, value);
    }
  }
  return out;
}

function nextIndex(arr: Map<string, string>): number {
  let max = -1;
  for (const k of arr.keys()) if (/^\d+$/.test(k)) max = Math.max(max, Number(k));
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

/** The string ZenTao signs: the query as sent, `token` removed, rebuilt by http_build_query. */
export function signedQuery(rawQuery: string): string {
  const q = parseStr(rawQuery);
  q.delete('token');
  return httpBuildQuery(q);
}

/** `md5(md5(q) + key)`: ZenTao's query token. */
export const queryToken = (q: string, key: string): string => md5(md5(q) + key);

/** `md5(code + key + time)`: ZenTao's time token. */
export const timeToken = (code: string, key: string, time: string): string => md5(code + key + time);
